package io.vtloop.runtime;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IZZ_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * Attacks {@link FdTable#forget(int)} followed by a re-registration of the same fd number
 * ({@link FdTable#putIfAbsent}: the JDK closed the socket and a new one reused the number)
 * against {@link FdTable#lookup} of the old registration's token (a carrier dispatching an
 * event polled before the close). Generations, per the {@link FdTable} javadoc: an old
 * token resolves to the old state or to nothing, never to the new registration.
 * Result: (lookup of the old token: 0 null, 1 the old state, 2 the new state;
 * old token unresolvable afterwards; new token resolves to the new state afterwards).
 */
@JCStressTest
@Description("FdTable: forget + reuse of the fd number racing a lookup of the old token: a stale generation never resolves")
@Outcome(id = "0, true, true", expect = ACCEPTABLE, desc = "event after the forget: dropped as stale")
@Outcome(id = "1, true, true", expect = ACCEPTABLE, desc = "event before the forget: delivered to the old state")
@Outcome(id = "2, .*", expect = FORBIDDEN, desc = "stale token resolved to the new registration")
@Outcome(expect = FORBIDDEN, desc = "old token still resolves, or the new registration is missing")
@State
public class FdTableForgetLookupTest {
    static final int FD = 1500;   // in the second chunk
    final FdTable table = new FdTable();
    final FdState old = table.putIfAbsent(new FdState(FD, table.nextGeneration()));
    final long oldToken = old.token();
    FdState fresh;   // written by closer, read by the arbiter

    /** CarrierScheduler.forget, then a new socket with the same number registers. */
    @Actor
    public void closer() {
        table.forget(FD);
        fresh = table.putIfAbsent(new FdState(FD, table.nextGeneration()));
    }

    /** The carrier resolving a polled event's token. */
    @Actor
    public void carrier(IZZ_Result r) {
        FdState s = table.lookup(oldToken);
        r.r1 = s == null ? 0 : s == old ? 1 : 2;
    }

    @Arbiter
    public void after(IZZ_Result r) {
        r.r2 = table.lookup(oldToken) == null;
        r.r3 = fresh != old && table.lookup(fresh.token()) == fresh;
    }
}
