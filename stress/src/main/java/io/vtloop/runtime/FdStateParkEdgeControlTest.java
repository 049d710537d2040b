package io.vtloop.runtime;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.ZZL_Result;

import static io.vtloop.runtime.FdState.READ;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;

/**
 * Control for {@link FdStateParkEdgeTest}: the same actors and the same lost-wake-up
 * detector (a real park that sleeps its whole safety timeout, {@link Parks#LOST_NANOS}) on
 * {@link UncasedEdgeFdState}, the real {@link FdState} whose {@code edge} writes instead of
 * CASing (rows "UNKNOWN edge -> READY" racing "UNKNOWN park -> PARKED" of the state table).
 * jcstress is expected to observe the lost wake-up here, which shows that the real test can
 * see it; {@code stress/run.sh} requires it in long mode.
 * Result: (park slept the whole timeout, edge unparked a thread, final read state).
 */
@JCStressTest
@Description("CONTROL: FdState.edge without CAS loses wake-ups (the bug the real FdState prevents)")
@Outcome(id = "false, false, UNKNOWN", expect = ACCEPTABLE, desc = "edge first: the park consumed READY")
@Outcome(id = "false, true, UNKNOWN", expect = ACCEPTABLE, desc = "park first: the edge woke the parked thread")
@Outcome(id = "false, false, READY", expect = ACCEPTABLE, desc = "spurious return, withdrawn before the edge")
@Outcome(id = "true, false, READY", expect = ACCEPTABLE_INTERESTING,
        desc = "EXPECTED BUG: lost wake-up, the edge overwrote PARKED with READY; the real FdState forbids this")
@Outcome(expect = ACCEPTABLE, desc = "other interleavings of the broken edge: not the bug this control plants")
@State
public class FdStateParkEdgeControlTest {
    final FdState s = new UncasedEdgeFdState(7, 1);

    @Actor
    public void parker(ZZL_Result r) {
        r.r1 = Parks.parkLost(s, READ);
    }

    @Actor
    public void carrier(ZZL_Result r) {
        r.r2 = s.edge(READ);
    }

    @Arbiter
    public void after(ZZL_Result r) {
        r.r3 = Parks.state(s, READ);
    }
}
