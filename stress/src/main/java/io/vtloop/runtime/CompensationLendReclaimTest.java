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
 * Attacks {@link Compensation} where the spare serving a lent carrier lends it on (row
 * "(spare, false) the spare's virtual thread blocks too: lend(spare) -> (spare2, false)")
 * while the primary reclaims it (row "(spare, false) reclaim(primary) -> (spare, true)"),
 * then the hand-back by whichever spare holds it (row "(spare, true) keepServing -> (primary,
 * false)"). The spare actor plays the first spare ({@code lend(spare)}, then its
 * {@code keepServing}, which must stop it) and then the second spare, which the lend handed
 * the carrier to. Exactly one hand-back, no spare serves once the primary is back, the
 * primary's wake-up is not lost, and it serves alone afterwards.
 * Result: (hand-backs, spares' fate: 0 clean, 1 a spare served when it must not, 2 the
 * primary's wake-up lost; primary serves alone afterwards and a new lend works).
 */
@JCStressTest
@Description("Compensation: a spare lending the carrier on while the primary reclaims it: one hand-back")
@Outcome(id = "1, 0, true", expect = ACCEPTABLE, desc = "the second spare saw the reclaim, handed back once and stopped")
@Outcome(id = "1, 2, .*", expect = FORBIDDEN, desc = "lost wake-up: the primary slept through the hand-back")
@Outcome(id = ".*, 1, .*", expect = FORBIDDEN, desc = "two threads served the carrier at once")
@Outcome(expect = FORBIDDEN, desc = "no or several hand-backs, or the carrier is not the primary's alone afterwards")
@State
public class CompensationLendReclaimTest {
    final LentCarrier c = new LentCarrier();

    @Actor
    public void primary() {
        c.reclaimAsPrimary();
    }

    /** The first spare's virtual thread blocks (Blocker.begin: lend), then the second spare serves. */
    @Actor
    public void spares(IIZ_Result r) {
        c.compensation.lend(c.spare);
        boolean firstStops = !c.compensation.keepServing(c.spare);
        c.pool.giveBack(c.spare);
        int fate = c.serveUntilHandedBack(c.spare2);
        r.r2 = firstStops ? fate : LentCarrier.OVERLAP;
    }

    @Arbiter
    public void after(IIZ_Result r) {
        r.r1 = c.compensation.handBacks.get();
        r.r3 = c.primaryServesAlone();
    }
}
