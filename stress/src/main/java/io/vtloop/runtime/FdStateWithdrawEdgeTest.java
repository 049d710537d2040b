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
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * Attacks the withdrawal in {@link FdState#park} (row "PARKED park returns (timeout,
 * interrupt, closed, spurious) -> UNKNOWN, by the waiter, if still PARKED" of the
 * {@link FdState} state table) against {@link FdState#edge} (row "PARKED edge -> UNKNOWN,
 * unpark"). The parker publishes PARKED and, through {@code isOpen} reporting the channel
 * closed, returns without blocking, so its withdrawing CAS races the edge's CAS in every
 * iteration. Exactly one of them must win: the edge is either consumed at once, delivered
 * as an unpark, or left READY for the next park.
 * Result: (parker published PARKED, edge unparked a thread, final read state).
 */
@JCStressTest
@Description("FdState: a park withdrawing on its own (timeout/closed) racing an edge: the edge is never lost")
@Outcome(id = "false, false, UNKNOWN", expect = ACCEPTABLE, desc = "edge first: the park consumed READY without parking")
@Outcome(id = "true, true, UNKNOWN", expect = ACCEPTABLE, desc = "the edge claimed the PARKED state (its unpark leaves a permit)")
@Outcome(id = "true, false, READY", expect = ACCEPTABLE, desc = "the waiter withdrew first; the edge stays READY for the retry")
@Outcome(expect = FORBIDDEN, desc = "edge lost, delivered twice, or PARKED left behind")
@State
public class FdStateWithdrawEdgeTest {
    final FdState s = new FdState(7, 1);
    boolean published;   // written and read by the parker only

    @Actor
    public void parker(ZZL_Result r) {
        s.park(READ, 0, () -> {
            published = true;   // runs after the CAS to PARKED
            return false;       // "closed": withdraw without blocking
        });
        r.r1 = published;
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
