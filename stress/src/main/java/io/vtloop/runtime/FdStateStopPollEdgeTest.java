package io.vtloop.runtime;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.ZZL_Result;

import java.lang.reflect.Field;

import static io.vtloop.runtime.FdState.READ;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * Attacks two concurrent {@link FdState#edge} calls on a PARKED direction: a stopPoll (the
 * JDK waking a blocked thread to close or interrupt) and an epoll edge. Row "PARKED
 * edge / stopPoll -> UNKNOWN, seq+1, unpark(waiter)", then "UNKNOWN edge -> READY" of the
 * {@link FdState} state table: exactly one of them unparks the waiter (no double resume, no
 * lost wake-up) and the other is remembered as READY; both are counted in the sequence.
 * The PARKED state is set up directly (the parked thread is a never-started placeholder,
 * for which {@code unpark} does nothing), because a third, really parked thread would need
 * a third CPU.
 * Result: (stopPoll unparked, edge unparked, final read state).
 */
@JCStressTest
@Description("FdState: stopPoll racing an edge on a parked thread: exactly one unparks it, the other stays READY")
@Outcome(id = "true, false, READY", expect = ACCEPTABLE, desc = "stopPoll woke the waiter; the edge is remembered")
@Outcome(id = "false, true, READY", expect = ACCEPTABLE, desc = "the edge woke the waiter; the stopPoll is remembered")
@Outcome(id = "true, true, .*", expect = FORBIDDEN, desc = "double resume: both unparked the waiter")
@Outcome(id = "false, false, .*", expect = FORBIDDEN, desc = "lost wake-up: nobody unparked the waiter")
@Outcome(expect = FORBIDDEN, desc = "an edge was not counted")
@State
public class FdStateStopPollEdgeTest {
    private static final Field STATES, WAITERS;
    private static final Thread PLACEHOLDER = new Thread(() -> { }, "parked-placeholder");
    static {
        try {
            STATES = FdState.class.getDeclaredField("states");
            WAITERS = FdState.class.getDeclaredField("waiters");
            STATES.setAccessible(true);
            WAITERS.setAccessible(true);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final FdState s = new FdState(7, 1);

    /** As FdState.park leaves it: waiter slot written, then PARKED published. */
    public FdStateStopPollEdgeTest() {
        try {
            ((Thread[]) WAITERS.get(s))[READ] = PLACEHOLDER;
            ((int[]) STATES.get(s))[READ] = FdState.PARKED;
        } catch (IllegalAccessException e) {
            throw new AssertionError(e);
        }
    }

    /** CarrierScheduler.stopPoll(fd, READ). */
    @Actor
    public void stopPoll(ZZL_Result r) {
        r.r1 = s.edge(READ);
    }

    /** The carrier dispatching EPOLLIN. */
    @Actor
    public void carrier(ZZL_Result r) {
        r.r2 = s.edge(READ);
    }

    @Arbiter
    public void after(ZZL_Result r) {
        r.r3 = Parks.state(s, READ);
    }
}
