package io.vtloop.runtime;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIZ_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * Attacks {@link FdTable}'s growth: two threads register fds beyond the initial top-level
 * array (64 chunks: fds 0..65535) at once, each in a chunk that does not exist yet and each
 * forcing a different growth (to 128 and to 2048 chunks), and then each looks up the
 * other's fd. Row "empty first park on the fd: CAS in a fresh state" of the {@link FdTable}
 * table, and its rule that chunks and the grown copy are made under the table's lock while
 * slots are shared by every copy: no registration may be lost in a copy (an fd registered
 * before the race, in chunk 0, too), and a lookup racing a growth returns the state or null,
 * never throws. Both lookups missing the other's fd would break the order of the CASes that
 * registered them (each actor's lookup follows its own registration).
 * Result: (A's lookup of B's fd: 0 null, 1 B's state, 2 other or threw; B's lookup of A's;
 * all three registrations found afterwards).
 */
@JCStressTest
@Description("FdTable: two registrations that grow the top-level array at once: none lost, lookups never throw")
@Outcome(id = "[01], 1, true", expect = ACCEPTABLE, desc = "B's lookup saw A's registration")
@Outcome(id = "1, 0, true", expect = ACCEPTABLE, desc = "A's lookup saw B's registration")
@Outcome(id = "0, 0, .*", expect = FORBIDDEN, desc = "each lookup missed the other's earlier registration")
@Outcome(id = ".*, false", expect = FORBIDDEN, desc = "a registration was lost in a growth")
@Outcome(expect = FORBIDDEN, desc = "a lookup threw or returned another fd's state")
@State
public class FdTableGrowTest {
    static final int OLD = 5, A = 65_536 + 7, B = (1 << 20) + 3;   // chunks 0, 64, 1024
    final FdTable table = new FdTable();
    final FdState old = table.putIfAbsent(new FdState(OLD, table.nextGeneration()));
    final FdState a = new FdState(A, table.nextGeneration()), b = new FdState(B, table.nextGeneration());

    @Actor
    public void registerA(IIZ_Result r) {
        table.putIfAbsent(a);
        r.r1 = lookup(b);
    }

    @Actor
    public void registerB(IIZ_Result r) {
        table.putIfAbsent(b);
        r.r2 = lookup(a);
    }

    private int lookup(FdState expected) {
        try {
            FdState s = table.lookup(expected.token());
            return s == null ? 0 : s == expected ? 1 : 2;
        } catch (RuntimeException e) {
            return 2;
        }
    }

    @Arbiter
    public void after(IIZ_Result r) {
        r.r3 = table.get(OLD) == old && table.get(A) == a && table.get(B) == b;
    }
}
