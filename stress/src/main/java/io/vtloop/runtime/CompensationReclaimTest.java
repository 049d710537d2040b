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
 * Attacks {@link Compensation}'s hand-back: the primary's {@link Compensation#reclaim} (row
 * "(spare, false) primary's continuation returned: reclaim(primary) -> (spare, true)")
 * against the spare serving the lent carrier and calling {@link Compensation#keepServing}
 * between its steps (row "(spare, true) keepServing: hands back, unparks the primary ->
 * (primary, false)"), on a carrier lent by the real {@code lend} ({@link LentCarrier}).
 * The spare must hand back exactly once, stop serving, and never be let serve after the
 * primary returned from reclaim; the primary must not sleep through the hand-back, and
 * must hold and serve the carrier afterwards with the reclaim request cleared.
 * Result: (hand-backs, spare's fate: 0 clean, 1 served after the primary was back,
 * 2 primary's wake-up lost; primary serves alone afterwards and a new lend works).
 */
@JCStressTest
@Description("Compensation: reclaim racing the spare's keepServing: one hand-back, the primary serves alone")
@Outcome(id = "1, 0, true", expect = ACCEPTABLE, desc = "the spare saw the reclaim, handed back once and stopped")
@Outcome(id = "1, 2, .*", expect = FORBIDDEN, desc = "lost wake-up: the primary slept through the hand-back")
@Outcome(id = ".*, 1, .*", expect = FORBIDDEN, desc = "two threads served the carrier at once")
@Outcome(expect = FORBIDDEN, desc = "no or several hand-backs, or the carrier is not the primary's alone afterwards")
@State
public class CompensationReclaimTest {
    final LentCarrier c = new LentCarrier();

    /** The primary, back from its blocking call (CarrierThread.run: reclaim). */
    @Actor
    public void primary() {
        c.reclaimAsPrimary();
    }

    /** The spare serving the lent carrier (CarrierThread.run: keepServing, step). */
    @Actor
    public void spare(IIZ_Result r) {
        r.r2 = c.serveUntilHandedBack(c.spare);
    }

    @Arbiter
    public void after(IIZ_Result r) {
        r.r1 = c.compensation.handBacks.get();
        r.r3 = c.primaryServesAlone();
    }
}
