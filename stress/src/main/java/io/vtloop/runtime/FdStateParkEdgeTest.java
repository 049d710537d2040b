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
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * Attacks {@link FdState#park} (rows "UNKNOWN park -> PARKED" and "READY park -> UNKNOWN" of
 * the {@link FdState} state table) against {@link FdState#edge} (rows "UNKNOWN edge ->
 * READY" and "PARKED edge -> UNKNOWN, unpark"): a thread that just got EAGAIN parks for
 * real while the carrier reports the edge. The park must either consume a READY edge or be
 * unparked by it; the waiter must be the thread that parked. A park that sleeps its whole
 * safety timeout ({@link Parks#LOST_NANOS}) is a lost wake-up.
 * Result: (park slept the whole timeout, edge unparked a thread, final read state).
 */
@JCStressTest
@Description("FdState: an edge racing a thread that got EAGAIN and parks: no lost wake-up, no double resume")
@Outcome(id = "false, false, UNKNOWN", expect = ACCEPTABLE, desc = "edge first: the park consumed READY and returned at once")
@Outcome(id = "false, true, UNKNOWN", expect = ACCEPTABLE, desc = "park first: the edge woke the parked thread")
@Outcome(id = "false, false, READY", expect = ACCEPTABLE_INTERESTING,
        desc = "spurious return (a stale permit), withdrawn before the edge, which stays READY for the retry")
@Outcome(id = "true, .*", expect = FORBIDDEN, desc = "lost wake-up: the parked thread slept although the edge came")
@Outcome(expect = FORBIDDEN, desc = "edge lost or delivered twice")
@State
public class FdStateParkEdgeTest {
    final FdState s = new FdState(7, 1);

    /** A virtual thread whose read got EAGAIN: the JDK's Poller.poll, i.e. FdState.park. */
    @Actor
    public void parker(ZZL_Result r) {
        r.r1 = Parks.parkLost(s, READ);
    }

    /** The carrier dispatching an EPOLLIN event for the fd. */
    @Actor
    public void carrier(ZZL_Result r) {
        r.r2 = s.edge(READ);
    }

    @Arbiter
    public void after(ZZL_Result r) {
        r.r3 = Parks.state(s, READ);
    }
}
