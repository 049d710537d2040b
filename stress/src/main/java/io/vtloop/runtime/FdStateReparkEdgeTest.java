package io.vtloop.runtime;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.LLLL_Result;

import static io.vtloop.runtime.FdState.READ;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * Attacks the {@code waiter} hand-off of {@link FdState} across two parks of the same thread:
 * a park that returns on its own (row "PARKED park returns ... -> UNKNOWN" of the
 * {@link FdState} state table: the waiter withdraws and clears its slot), the caller's
 * retry, and a second park (row "UNKNOWN park -> PARKED"), against one {@link FdState#edge}.
 * The withdrawal does not change the edge sequence, so the second park republishes the very
 * state value the first one did; an edge that read PARKED and the waiter slot around the
 * withdrawal must still wake the second park. The second park really blocks, with the
 * safety timeout of {@link Parks#LOST_NANOS}.
 * Result: (first park published PARKED, second park slept the whole timeout,
 * edge unparked a thread, final read state).
 */
@JCStressTest
@Description("FdState: withdraw-then-repark (same state value, ABA) racing an edge: no lost wake-up")
@Outcome(id = "false, false, false, UNKNOWN", expect = ACCEPTABLE, desc = "edge first: the first park consumed READY; no second park")
@Outcome(id = "true, false, true, UNKNOWN", expect = ACCEPTABLE, desc = "the edge claimed one of the parks and unparked the thread")
@Outcome(id = "true, false, false, UNKNOWN", expect = ACCEPTABLE, desc = "edge between the parks: the second park consumed READY")
@Outcome(id = "true, false, false, READY", expect = ACCEPTABLE_INTERESTING,
        desc = "the second park returned spuriously (stale permit) before the edge, which stays READY")
@Outcome(id = "true, true, .*", expect = FORBIDDEN,
        desc = "lost wake-up: the edge claimed a PARKED state but unparked nobody (or another thread)")
@Outcome(expect = FORBIDDEN, desc = "edge lost or delivered twice")
@State
public class FdStateReparkEdgeTest {
    final FdState s = new FdState(7, 1);
    boolean published;   // parker only

    /** Park, return without a wake-up (timeout/spurious), retry the I/O (EAGAIN), park again. */
    @Actor
    public void parker(LLLL_Result r) {
        s.park(READ, 0, () -> {
            published = true;
            return false;   // return without blocking: as a timeout or a spurious wake-up would
        });
        r.r1 = published;
        r.r2 = published && Parks.parkLost(s, READ);   // EAGAIN again: park for real
    }

    @Actor
    public void carrier(LLLL_Result r) {
        r.r3 = s.edge(READ);
    }

    @Arbiter
    public void after(LLLL_Result r) {
        r.r4 = Parks.state(s, READ);
    }
}
