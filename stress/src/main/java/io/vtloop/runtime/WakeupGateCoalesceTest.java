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
 * Attacks {@link WakeupGate#claimWakeup} from two submitters at once while the carrier is
 * SLEEPING (row "SLEEPING claimWakeup (CAS wins) AWAKE" of the {@link WakeupGate} state
 * table): exactly one claims, so one thread pays for {@code poller.wakeup()}, and the gate
 * ends AWAKE. Result: (first claimed, second claimed, gate still sleeping afterwards).
 */
@JCStressTest
@Description("WakeupGate: two submitters, one sleeping carrier: exactly one claims the wake-up")
@Outcome(id = "true, false, false", expect = ACCEPTABLE, desc = "the first submitter wakes the carrier")
@Outcome(id = "false, true, false", expect = ACCEPTABLE, desc = "the second submitter wakes the carrier")
@Outcome(id = "true, true, .*", expect = FORBIDDEN, desc = "not coalesced: both submitters pay for a wake-up")
@Outcome(id = "false, false, .*", expect = FORBIDDEN, desc = "lost wake-up: nobody claimed the sleeping carrier")
@Outcome(id = ".*, true", expect = FORBIDDEN, desc = "gate still SLEEPING after a claim: a later submitter would wake it again")
@State
public class WakeupGateCoalesceTest {
    final WakeupGate gate = new WakeupGate();

    public WakeupGateCoalesceTest() {
        gate.prepareToSleep();   // the carrier re-checked, found nothing, and blocks in its poller
    }

    @Actor
    public void submitter1(ZZZ_Result r) {
        r.r1 = gate.claimWakeup();
    }

    @Actor
    public void submitter2(ZZZ_Result r) {
        r.r2 = gate.claimWakeup();
    }

    @Arbiter
    public void after(ZZZ_Result r) {
        r.r3 = gate.isSleeping();
    }
}
