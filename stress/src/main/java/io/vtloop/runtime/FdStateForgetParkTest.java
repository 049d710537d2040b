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
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * Attacks a close (the real {@link Readiness#forget}: {@link FdTable#forget(int)}, then an edge
 * per direction) racing a thread that looked the fd up and parks on it
 * ({@link Readiness#park}'s {@code fds.get}, here {@link Readiness#state}, then
 * {@link FdState#park}). Rows
 * "UNKNOWN edge -> READY" and "PARKED edge -> UNKNOWN, unpark" of the {@link FdState} state
 * table: a park on a state that close already forgot must return at once (the close's
 * edge is READY) and a park that began before must be woken; nobody may stay parked on a
 * forgotten state. The fd is registered in the Readiness's real table without a poller
 * ({@link Unstarted}).
 * Result: (parker's fate: 0 woke/returned, 1 slept the whole timeout, 2 found the fd
 * forgotten; final read state of the forgotten FdState; table slot empty afterwards).
 */
@JCStressTest
@Description("FdState/FdTable: close (forget + edges) racing a park: nobody stays parked on a closed fd")
@Outcome(id = "0, UNKNOWN, true", expect = ACCEPTABLE, desc = "parked (or consumed the close's READY) and was released by the close")
@Outcome(id = "2, READY, true", expect = ACCEPTABLE, desc = "close first: the lookup found nothing (would register afresh)")
@Outcome(id = "0, READY, true", expect = ACCEPTABLE_INTERESTING, desc = "park returned spuriously before the close's edge")
@Outcome(id = "1, .*", expect = FORBIDDEN, desc = "lost wake-up: parked on a closed fd and slept the whole timeout")
@Outcome(expect = FORBIDDEN, desc = "the close's edge was lost or the slot survived the forget")
@State
public class FdStateForgetParkTest {
    static final int FD = 9;
    final Readiness readiness = new Readiness();
    final FdState registered = Unstarted.register(readiness, FD);

    @Actor
    public void parker(ILZ_Result r) {
        FdState s = readiness.state(FD);
        if (s == null) r.r1 = 2;
        else r.r1 = Parks.parkLost(s, READ) ? 1 : 0;
    }

    /** The JDK closes the fd: Readiness.forget(FD). */
    @Actor
    public void closer() {
        readiness.forget(FD);
    }

    @Arbiter
    public void after(ILZ_Result r) {
        r.r2 = Parks.state(registered, READ);
        r.r3 = readiness.state(FD) == null;
    }
}
