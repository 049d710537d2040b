package io.vtloop.binding;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.TimeUnit;

/**
 * One fresh {@link EpollPoller} (with nothing registered) for one jcstress iteration, and the
 * timed polls the wake-up tests judge by. The arbiter must {@link #close} it: each costs an
 * epoll fd and an eventfd.
 */
final class PollerCase {
    /** A poll this long that returns earlier was ended by a wake-up. */
    static final long PROMPT_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** A poll this long that returns earlier found a wake-up still pending. */
    static final long IDLE_NANOS = TimeUnit.MICROSECONDS.toNanos(200);

    final EpollPoller poller;
    private final EventBuffer events = new EventBuffer(1);

    PollerCase() {
        try {
            poller = EpollPoller.open();
        } catch (IOException e) {
            events.close();
            throw new UncheckedIOException(e);
        }
    }

    /** Polls for up to {@code nanos}; returns the time it took. */
    long timedPoll(long nanos) {
        long t0 = System.nanoTime();
        try {
            poller.poll(events, nanos);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return System.nanoTime() - t0;
    }

    /** True if a poll of up to {@link #PROMPT_NANOS} returned before its timeout. */
    boolean pollReturnsPromptly() {
        return timedPoll(PROMPT_NANOS) < PROMPT_NANOS;
    }

    /** True if a poll of {@link #IDLE_NANOS} lasted its whole timeout (nothing pending). */
    boolean pollBlocksUntilTimeout() {
        return timedPoll(IDLE_NANOS) >= IDLE_NANOS;
    }

    void close() {
        try (events) {
            poller.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
