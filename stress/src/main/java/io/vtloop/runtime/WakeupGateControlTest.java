package io.vtloop.runtime;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.ZZ_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;

/**
 * Control for {@link WakeupGateSleepSubmitTest}: the same two actors on
 * {@link UnfencedWakeupGate}, a copy of {@link WakeupGate} without the full fence after
 * {@code prepareToSleep} (the Dekker pair of the {@link WakeupGate} protocol, steps 1-2
 * against a-b). jcstress is expected to observe the lost wake-up here, which shows that
 * the real test can see it; {@code stress/run.sh} requires it in long mode.
 * Result: (carrier saw the task, submitter claimed the wake-up).
 */
@JCStressTest
@Description("CONTROL: WakeupGate without the fence loses wake-ups (the bug the real gate prevents)")
@Outcome(id = "true, false", expect = ACCEPTABLE, desc = "carrier found the task")
@Outcome(id = "false, true", expect = ACCEPTABLE, desc = "submitter claimed the wake-up")
@Outcome(id = "true, true", expect = ACCEPTABLE, desc = "both")
@Outcome(id = "false, false", expect = ACCEPTABLE_INTERESTING,
        desc = "EXPECTED BUG: lost wake-up (store-load reordering without the fence); the real WakeupGate forbids this")
@State
public class WakeupGateControlTest {
    final UnfencedWakeupGate gate = new UnfencedWakeupGate();

    @Actor
    public void carrier(ZZ_Result r) {
        gate.prepareToSleep();
        r.r1 = gate.hasWork();
    }

    @Actor
    public void submitter(ZZ_Result r) {
        gate.publish();
        r.r2 = gate.claimWakeup();
    }
}
