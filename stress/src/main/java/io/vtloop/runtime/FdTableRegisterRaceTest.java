package io.vtloop.runtime;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.ZZZ_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * Attacks {@link FdTable#putIfAbsent} from two threads parking on the same new fd at once
 * (read and write side, as in {@code CarrierScheduler.register}), in a chunk that does not
 * exist yet: exactly one creates the state (and so registers it with its poller), both get
 * the same state, and the table holds it. See the {@link FdTable} javadoc.
 * Result: (first created, second created, both got the table's state).
 */
@JCStressTest
@Description("FdTable: two first parks on one fd: exactly one registers, both share the state")
@Outcome(id = "true, false, true", expect = ACCEPTABLE, desc = "the first thread created and registers the state")
@Outcome(id = "false, true, true", expect = ACCEPTABLE, desc = "the second thread created and registers the state")
@Outcome(id = "true, true, .*", expect = FORBIDDEN, desc = "double registration (epoll_ctl ADD would fail with EEXIST)")
@Outcome(expect = FORBIDDEN, desc = "no registration, or the threads got different states")
@State
public class FdTableRegisterRaceTest {
    static final int FD = 3000;   // its chunk is created by the race
    final FdTable table = new FdTable();
    FdState a, b;

    @Actor
    public void reader(ZZZ_Result r) {
        FdState fresh = new FdState(FD, table.nextGeneration());
        a = table.putIfAbsent(fresh);
        r.r1 = a == fresh;
    }

    @Actor
    public void writer(ZZZ_Result r) {
        FdState fresh = new FdState(FD, table.nextGeneration());
        b = table.putIfAbsent(fresh);
        r.r2 = b == fresh;
    }

    @Arbiter
    public void after(ZZZ_Result r) {
        r.r3 = a != null && a == b && table.get(FD) == a;
    }
}
