package io.vtloop.runtime;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.ZZ_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * Attacks {@link WakeupGate}'s Dekker pair as {@code Carrier.push} and
 * {@code CarrierScheduler.wakeIdle} use it: carrier B queues surplus work on its own
 * {@link RunQueue} ({@link RunQueue#offer}: a release store of {@code tail}, not the
 * volatile write or CAS that step a of the {@link WakeupGate} table asks for) and then
 * looks for a sleeping carrier, while carrier A runs steps 1-2 ({@code prepareToSleep}, then
 * {@code hasWorkFor}'s {@code queue.size() > 0} check of the other carriers).
 * Outcome (false, false): A sleeps although B has surplus work and B does not wake it (a
 * missed steal: latency, not liveness). {@code Carrier.push} therefore issues a full fence
 * between the offer and the look at the sleeping flag; this test mirrors those three steps,
 * and {@code PushWakeIdleTest} without the fence (its first version) saw the bad outcome in 7%
 * of samples.
 * Result: (A saw B's task in its re-check, B claimed A's wake-up).
 */
@JCStressTest
@Description("Carrier.push surplus vs a carrier going to sleep: release-store publish may miss the sleeper")
@Outcome(id = "true, false", expect = ACCEPTABLE, desc = "A found B's task in its re-check and stays awake to steal")
@Outcome(id = "false, true", expect = ACCEPTABLE, desc = "B saw A sleeping and claimed its wake-up")
@Outcome(id = "true, true", expect = ACCEPTABLE, desc = "both: A steals and takes one spurious wake-up")
@Outcome(id = "false, false", expect = FORBIDDEN,
        desc = "missed steal: A sleeps while B holds surplus (the offer's store passed the sleeping load)")
@State
public class PushWakeIdleTest {
    final WakeupGate gateA = new WakeupGate();
    final RunQueue queueB = new RunQueue();

    /** Carrier A: Carrier.sleep0 up to the poll, with hasWorkFor's look at B's queue. */
    @Actor
    public void carrierA(ZZ_Result r) {
        gateA.prepareToSleep();
        r.r1 = queueB.size() > 0;
    }

    /** Carrier B: Carrier.push (offer) then CarrierScheduler.wakeIdle for A. */
    @Actor
    public void carrierB(ZZ_Result r) {
        queueB.offer(() -> { });
        java.lang.invoke.VarHandle.fullFence();   // as Carrier.push
        r.r2 = gateA.isSleeping() && gateA.claimWakeup();
    }
}
