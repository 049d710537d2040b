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
 * Attacks the real {@link Readiness#dispatch} of an EPOLLIN|EPOLLRDHUP event (a hangup:
 * {@link FdState#disableSkipping}, then the edge) against a read attempt on a DRAINED fd
 * ({@link FdState#beginIo} / {@link FdState#endIoNotReady}; the "skipping allowed" condition
 * of the "I/O not ready -> DRAINED" row and the row "DRAINED edge -> READY" of the
 * {@link FdState} state table; rule 3, RDHUP, of its skip rules).
 * The peer's FIN is modelled like data in {@link FdStateIoEdgeTest}: EOF becomes readable,
 * then RDHUP is reported. However the attempt interleaves, afterwards the fd must not be
 * DRAINED and the next attempt must not be skipped: a skipped read would never see the EOF.
 * The fd is registered in the Readiness's real table without a poller ({@link Unstarted}).
 * A read that stops short before the FIN (or an urgent mark) is
 * {@link ReadinessDispatchShortReadTest}.
 * Result: (attempt: 0 skipped, 1 read EOF, 2 EAGAIN; final read state;
 * the next attempt is made).
 */
@JCStressTest
@Description("FdState: hangup + edge racing a read on a DRAINED fd: the EOF is never skipped afterwards")
@Outcome(id = "[012], READY, true", expect = ACCEPTABLE, desc = "the hangup's edge is READY and later reads are tried")
@Outcome(id = ".*, false", expect = FORBIDDEN, desc = "a read after the hangup would be skipped: EOF never seen")
@Outcome(expect = FORBIDDEN, desc = "the hangup's edge was lost")
@State
public class FdStateHangupIoTest {
    static final int FD = 7;
    static final EventBuffer HANGUP = PolledEvents.one((1L << 32) | FD, Events.IN | Events.RDHUP);   // generation 1
    final Readiness readiness = new Readiness();
    final FdState s = Unstarted.register(readiness, FD);
    volatile boolean eof;

    public FdStateHangupIoTest() {
        IoAttempt.drained(s);   // earlier reads got EAGAIN: DRAINED, and the skip guess trusts it
    }

    @Actor
    public void reader(ILZ_Result r) {
        r.r1 = IoAttempt.read(s, this::isEof);
    }

    /** The peer closes; the carrier dispatches EPOLLIN|EPOLLRDHUP: hangup, then the edge. */
    @Actor
    public void carrier() {
        eof = true;
        readiness.dispatch(HANGUP, 1);
    }

    @Arbiter
    public void after(ILZ_Result r) {
        r.r2 = Parks.state(s, READ);
        r.r3 = !s.skipAllowed(READ);
    }

    boolean isEof() { return eof; }
}
