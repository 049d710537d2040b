package io.vtloop.runtime;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.ZZ_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * Attacks {@link WakeupGate}'s Dekker pair as the real {@link Carrier#push} and
 * {@code CarrierScheduler.wake} use it: carrier B pushes two tasks on its empty queue
 * (the second is surplus: {@code push} fences and wakes a sleeping carrier to steal it;
 * {@link RunQueue#offer} itself publishes with a release store only), while carrier A runs
 * steps 1-2 of the {@link WakeupGate} table the way {@code Carrier.sleep} does:
 * {@code prepareToSleep} (row "AWAKE prepareToSleep -> SLEEPING"), then
 * {@code CarrierScheduler.hasWorkFor(A)}, which looks at B's queue. B's push ends in
 * {@code claimWakeup} (row "SLEEPING claimWakeup (CAS wins) -> AWAKE"), no carrier spinning
 * ({@link Spinners}: B's wake takes the unit and hands it to A with the claim).
 * Outcome (false, false): A goes to sleep although B holds surplus work, and B does not wake
 * it (a missed steal). B pushes twice because {@code hasWorkFor} counts any queued task while
 * {@code push} wakes a sleeper only for surplus (a second task). Both carriers are the real objects of a {@link CarrierScheduler}
 * whose threads are not started ({@link Unstarted}); the actors play their threads. A
 * scheduler costs four fds and two native buffers, so the arbiter resets it (the real
 * {@code awake} and {@code poll}) and hands it to the next state instead of closing it.
 * Without the full fence in {@code Carrier.push} this test reports the FORBIDDEN outcome
 * (checked with the fence deleted: 66 to 1,039 times in each of three quick runs).
 * Result: (A's re-check found work, B woke A: A's gate was claimed).
 */
@JCStressTest
@Description("Carrier.push surplus vs a carrier going to sleep: the sleeper sees the work or is woken")
@Outcome(id = "true, false", expect = ACCEPTABLE, desc = "A found B's tasks in its re-check and stays awake to steal")
@Outcome(id = "false, true", expect = ACCEPTABLE, desc = "B saw A sleeping and claimed its wake-up")
@Outcome(id = "true, true", expect = ACCEPTABLE, desc = "both: A steals and takes one spurious wake-up")
@Outcome(id = "false, false", expect = FORBIDDEN,
        desc = "missed steal: A sleeps while B holds surplus (the offer's store passed the sleeping load)")
@State
public class PushWakeIdleTest {
    static final Runnable TASK = () -> { };
    private static final Unstarted.Pool POOL = new Unstarted.Pool();
    final CarrierScheduler scheduler = POOL.take();
    final Carrier a = scheduler.carriers[0], b = scheduler.carriers[1];
    final WakeupGate gateA = Unstarted.gate(a);

    /** Carrier A: Carrier.sleep up to the blocking poll (it would sleep on false). */
    @Actor
    public void carrierA(ZZ_Result r) {
        gateA.prepareToSleep();
        r.r1 = scheduler.hasWorkFor(a);
    }

    /** Carrier B: two continuations made ready on it (the second is surplus). */
    @Actor
    public void carrierB() {
        b.push(TASK, false);
        b.push(TASK, false);
    }

    @Arbiter
    public void after(ZZ_Result r) {
        r.r2 = !gateA.isSleeping();   // only B's claimWakeup clears it here
        if (gateA.awake()) scheduler.spinners.stop();   // A, woken, holds B's Spinners unit: give it back
        while (b.queue.poll() != null) { }
        POOL.give(scheduler);       // for the JVM's life: at most one per live state
    }
}
