package io.vtloop.runtime;

import io.vtloop.binding.EventBuffer;
import io.vtloop.binding.Events;
import io.vtloop.binding.PolledEvents;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.ILZ_Result;

import static io.vtloop.runtime.FdState.READ;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * Attacks the real {@link Readiness#dispatch} of an EPOLLIN|EPOLLPRI event (urgent data:
 * {@code disableSkipping}, then the edge: rule 3 of {@link FdState}'s skip rules, "the PRI
 * event comes with the same edge as the data, so either it is dispatched before the short
 * read ends (skipping is off) or after it (the edge moves the state out of DRAINED)")
 * against a read whose {@link FdState#beginIo} / {@link FdState#endIoNotReady} ends not ready
 * although bytes wait: it stops short at the urgent mark (row "UNKNOWN/READY/DRAINED I/O not
 * ready, seq unchanged, skipping allowed -> DRAINED", against "UNKNOWN/READY edge -> READY").
 * However they interleave, the fd must not be left DRAINED (a park would sleep with bytes
 * behind the mark, no new edge coming) and the next read must not be skipped. A dispatch
 * that edged before disabling skipping lets a short read that snapshot the edge record
 * DRAINED. The kernel is modelled by a volatile flag (bytes arrive, then epoll reports them);
 * the fd is registered in the Readiness's real table without a poller ({@link Unstarted}).
 * RDHUP/HUP/ERR take the same branch of dispatch; {@link FdStateHangupIoTest} covers the EOF.
 * Result: (the read: 1 got bytes (short), 2 EAGAIN; final read state; next read tried).
 */
@JCStressTest
@Description("Readiness.dispatch of urgent data racing a short read: never DRAINED, the next read is tried")
@Outcome(id = "1, READY, true", expect = ACCEPTABLE, desc = "a short read of the bytes; the edge's READY stands")
@Outcome(id = "2, READY, true", expect = ACCEPTABLE, desc = "EAGAIN before the bytes came; the edge made it READY")
@Outcome(id = ".*, DRAINED, .*", expect = FORBIDDEN, desc = "short read recorded DRAINED after the urgent edge: bytes stranded")
@Outcome(id = ".*, false", expect = FORBIDDEN, desc = "the read after the urgent data would be skipped")
@Outcome(expect = FORBIDDEN, desc = "the edge was lost, or a read on UNKNOWN was skipped")
@State
public class ReadinessDispatchShortReadTest {
    static final int FD = 7;
    static final EventBuffer URGENT = PolledEvents.one((1L << 32) | FD, Events.IN | Events.PRI);   // generation 1
    final Readiness readiness = new Readiness();
    final FdState s = Unstarted.register(readiness, FD);
    volatile boolean arrived;   // the socket's receive queue

    @Actor
    public void reader(ILZ_Result r) {
        r.r1 = IoAttempt.shortRead(s, this::hasArrived);
    }

    /** Urgent data arrives; the carrier dispatches the EPOLLIN|EPOLLPRI event it polled. */
    @Actor
    public void carrier() {
        arrived = true;
        readiness.dispatch(URGENT, 1);
    }

    @Arbiter
    public void after(ILZ_Result r) {
        r.r2 = Parks.state(s, READ);
        r.r3 = !s.skipAllowed(READ);
    }

    boolean hasArrived() { return arrived; }
}
