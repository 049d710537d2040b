package io.vtloop.runtime;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.ZZ_Result;

import java.util.concurrent.ConcurrentLinkedQueue;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;

/**
 * Control for {@link WakeupGateSleepSubmitTest}: the same two actors on the real
 * {@link WakeupGate} built with its test-only {@code WakeupGate(false)}, which makes step 1
 * of the protocol ({@code prepareToSleep}) a release store without the full fence. The
 * submitter's publish stays a CAS (the real {@code CarrierScheduler.inject} path): one
 * unfenced side suffices for store buffering. jcstress is expected to observe the lost
 * wake-up here, which shows that the real test can see it; {@code stress/run.sh} requires
 * it in long mode.
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
    final WakeupGate gate = new WakeupGate(false);   // test-only: step 1 unfenced
    final ConcurrentLinkedQueue<Runnable> injected = new ConcurrentLinkedQueue<>();

    @Actor
    public void carrier(ZZ_Result r) {
        gate.prepareToSleep();
        r.r1 = !injected.isEmpty();
    }

    @Actor
    public void submitter(ZZ_Result r) {
        injected.offer(() -> { });
        r.r2 = gate.claimWakeup();
    }
}
