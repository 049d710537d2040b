package io.vtloop.runtime;

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
 * Attacks {@link FdState#disableSkipping} (a hangup) plus the edge the poller delivers with it against a read
 * attempt on a DRAINED fd ({@link FdState#beginIo} / {@link FdState#endIoNotReady}; the
 * "no hangup reported" condition of the DRAINED row of the {@link FdState} state table).
 * The peer's FIN is modelled like data in {@link FdStateIoEdgeTest}: EOF becomes readable,
 * then RDHUP is reported. However the attempt interleaves, afterwards the fd must not be
 * DRAINED and the next attempt must not be skipped: a skipped read would never see the EOF.
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
    final FdState s = new FdState(7, 1);
    volatile boolean eof;

    public FdStateHangupIoTest() {
        s.endIoNotReady(READ, s.beginIo(READ));   // an earlier read got EAGAIN: DRAINED
    }

    @Actor
    public void reader(ILZ_Result r) {
        r.r1 = IoAttempt.read(s, this::isEof);
    }

    /** The peer closes; the carrier dispatches EPOLLIN|EPOLLRDHUP: hangup, then the edge. */
    @Actor
    public void carrier() {
        eof = true;
        s.disableSkipping();   // Readiness.dispatch: before the edge
        s.edge(READ);
    }

    @Arbiter
    public void after(ILZ_Result r) {
        r.r2 = Parks.state(s, READ);
        r.r3 = s.beginIo(READ) != -1;
    }

    boolean isEof() { return eof; }
}
