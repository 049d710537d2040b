package io.vtloop.binding;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.ZZZZ_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * Control for {@link CallGateEnterCloseTest}: the same two actors on {@link RacyEnterCallGate},
 * the real gate whose enter checks {@code CLOSED} and then writes the count instead of one
 * {@code getAndAdd}. jcstress is expected to observe a close completing between the check and
 * the write: the call enters after the handle was freed, and its write erases {@code CLOSED}
 * (the gate ends open). That shows that the real test can see the race the atomic enter
 * prevents; {@code stress/run.sh} requires it in long mode.
 * Result: as {@link CallGateEnterCloseTest}'s.
 */
@JCStressTest
@Description("CONTROL: CallGate with a check-then-write enter lets a call in after close freed the handle")
@Outcome(id = "true, false, false, true", expect = ACCEPTABLE, desc = "the call got in first; close waited for it to leave, then freed")
@Outcome(id = "false, false, false, true", expect = ACCEPTABLE, desc = "close began first; the call was refused (IllegalStateException)")
@Outcome(id = "true, .*, false", expect = ACCEPTABLE_INTERESTING,
        desc = "EXPECTED BUG: close freed between the enter's check and its write; the call entered anyway and erased CLOSED")
@Outcome(expect = FORBIDDEN, desc = "any other outcome")
@State
public class CallGateEnterCloseControlTest {
    final GuardedHandle h = new GuardedHandle(new RacyEnterCallGate());   // test-only: racy enter

    @Actor
    public void call(ZZZZ_Result r) {
        int c = h.call();
        r.r1 = c != 0;
        r.r2 = c == 2;
    }

    @Actor
    public void closer(ZZZZ_Result r) {
        r.r3 = h.close();
    }

    @Arbiter
    public void after(ZZZZ_Result r) {
        r.r4 = h.closedAndEmpty();
    }
}
