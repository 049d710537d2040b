package io.vtloop.runtime;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.ZZ_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;

/**
 * Control for {@link FdStateParkEdgeTest}: the same actors and the same lost-wake-up
 * detector (a real park that sleeps its whole safety timeout, {@link Parks#LOST_NANOS}) on
 * {@link UncasedFdState}, a copy of the park/edge rows of the {@link FdState} state table
 * without CAS. jcstress is expected to observe the lost wake-up here, which shows that the
 * real test can see it; {@code stress/run.sh} requires it in long mode.
 * Result: (park slept the whole timeout, edge unparked a thread).
 */
@JCStressTest
@Description("CONTROL: FdState park/edge without CAS loses wake-ups (the bug the real FdState prevents)")
@Outcome(id = "false, false", expect = ACCEPTABLE, desc = "edge first: the park consumed READY")
@Outcome(id = "false, true", expect = ACCEPTABLE, desc = "park first: the edge woke the parked thread")
@Outcome(id = "true, false", expect = ACCEPTABLE_INTERESTING,
        desc = "EXPECTED BUG: lost wake-up, the edge overwrote PARKED with READY; the real FdState forbids this")
@Outcome(id = "true, true", expect = ACCEPTABLE, desc = "not the bug: the edge ran only after the whole timeout")
@State
public class FdStateParkEdgeControlTest {
    final UncasedFdState s = new UncasedFdState();

    @Actor
    public void parker(ZZ_Result r) {
        long t0 = System.nanoTime();
        s.park(Parks.LOST_NANOS);
        r.r1 = System.nanoTime() - t0 >= Parks.LOST_NANOS;
    }

    @Actor
    public void carrier(ZZ_Result r) {
        r.r2 = s.edge();
    }
}
