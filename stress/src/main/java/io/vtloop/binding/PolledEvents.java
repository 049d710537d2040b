package io.vtloop.binding;

import java.lang.foreign.ValueLayout;

/**
 * An {@link EventBuffer} holding one event, written the way {@link EpollPoller#poll} fills it
 * (token, then the event bits: see {@code EventBuffer}'s slot layout), for tests of the code
 * that dispatches polled events without a kernel event. The buffer is only read afterwards,
 * so any number of threads may dispatch from it.
 */
public final class PolledEvents {
    private PolledEvents() { }

    /** A buffer whose slot 0 reports {@code events} (see {@link Events}) for {@code token}. */
    public static EventBuffer one(long token, int events) {
        EventBuffer b = new EventBuffer(1);
        b.segment().set(ValueLayout.JAVA_LONG, 0, token);
        b.segment().set(ValueLayout.JAVA_INT, 8, events);
        if (b.token(0) != token || b.events(0) != events) throw new IllegalStateException("slot layout changed");
        return b;
    }
}
