package io.vtloop.runtime;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IL_Result;

import static io.vtloop.runtime.FdState.READ;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * Attacks the DRAINED shortcut of {@link FdState#beginIo} (rows "DRAINED edge -> READY" and
 * the DRAINED row of "I/O not ready" in the {@link FdState} state table) against
 * {@link FdState#edge}: the previous read got EAGAIN, so the next attempt may be skipped, but
 * only while no edge came. The kernel is modelled as in {@link FdStateIoEdgeTest}. A skipped
 * or failed attempt must leave the edge READY so that the following park returns at once.
 * Result: (I/O outcome: 0 skipped as DRAINED, 1 read data, 2 EAGAIN; final read state).
 */
@JCStressTest
@Description("FdState: beginIo/endIoNotReady racing an edge (from DRAINED): a skipped I/O never hides the edge")
@Outcome(id = "0, READY", expect = ACCEPTABLE, desc = "skipped as DRAINED before the edge; the edge stays READY for the park")
@Outcome(id = "1, READY", expect = ACCEPTABLE, desc = "edge first: the I/O was tried and read the data")
@Outcome(id = "2, READY", expect = ACCEPTABLE, desc = "edge during the I/O, which ran before the data: READY survives")
@Outcome(id = ".*, DRAINED/.*", expect = FORBIDDEN, desc = "lost edge: DRAINED although an edge raced the I/O")
@Outcome(expect = FORBIDDEN, desc = "impossible state")
@State
public class FdStateDrainedIoEdgeTest {
    final FdState s = new FdState(7, 1);
    volatile boolean readable;

    public FdStateDrainedIoEdgeTest() {
        IoAttempt.drained(s);   // earlier reads got EAGAIN: DRAINED, and the skip guess trusts it
    }

    @Actor
    public void reader(IL_Result r) {
        r.r1 = IoAttempt.read(s, this::isReadable);
    }

    @Actor
    public void carrier() {
        readable = true;
        s.edge(READ);
    }

    @Arbiter
    public void after(IL_Result r) {
        r.r2 = Parks.state(s, READ);
    }

    boolean isReadable() { return readable; }
}
