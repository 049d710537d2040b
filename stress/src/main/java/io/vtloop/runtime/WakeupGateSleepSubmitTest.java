package io.vtloop.runtime;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.ZZ_Result;

import java.util.concurrent.ConcurrentLinkedQueue;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * Attacks {@link WakeupGate}'s Dekker pair: carrier steps 1-2 ({@code prepareToSleep}, then
 * the re-check of the queues) against submitter steps a-b (publish the task, then
 * {@code claimWakeup}), as {@code Carrier.sleep0} and {@code CarrierScheduler.inject} run
 * them on the shared injection queue. Checks the {@link WakeupGate} state table: either the
 * carrier sees the task or the submitter claims the wake-up of the SLEEPING carrier.
 * Result: (carrier saw the task, submitter claimed the wake-up).
 */
@JCStressTest
@Description("WakeupGate: a submission racing a carrier going to sleep must never lose the wake-up")
@Outcome(id = "true, false", expect = ACCEPTABLE, desc = "carrier found the task in its re-check; still awake")
@Outcome(id = "false, true", expect = ACCEPTABLE, desc = "carrier will sleep; the submitter claimed its wake-up")
@Outcome(id = "true, true", expect = ACCEPTABLE, desc = "both: the carrier runs the task and takes one spurious wake-up")
@Outcome(id = "false, false", expect = FORBIDDEN, desc = "lost wake-up: carrier sleeps with a queued task and nobody wakes it")
@State
public class WakeupGateSleepSubmitTest {
    final WakeupGate gate = new WakeupGate();
    final ConcurrentLinkedQueue<Runnable> injected = new ConcurrentLinkedQueue<>();

    /** The carrier: Carrier.sleep0 up to the point where it blocks in the poller. */
    @Actor
    public void carrier(ZZ_Result r) {
        gate.prepareToSleep();
        r.r1 = !injected.isEmpty();
    }

    /** Another thread: CarrierScheduler.inject for one carrier. */
    @Actor
    public void submitter(ZZ_Result r) {
        injected.offer(() -> { });
        r.r2 = gate.claimWakeup();
    }
}
