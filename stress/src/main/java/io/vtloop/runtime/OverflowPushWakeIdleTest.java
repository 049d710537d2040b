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
 * {@link PushWakeIdleTest} for the overflow (row "serving thread: push, ring full or overflow not
 * empty: offerLast, surplus: wake" of the overflow table in {@link Carrier}, against steps 1-2 of
 * {@link WakeupGate}'s): carrier B's ring is empty but its overflow was used since (a fan-out
 * filled the ring, thieves emptied both), so B's next push (the real {@link Carrier#push}) goes to
 * the overflow, behind nothing; carrier A, idle, announces its sleep and re-checks every queue
 * (the real {@code prepareToSleep} and {@link CarrierScheduler#hasWorkFor}). Outcome (false,
 * false): A sleeps while B's overflow holds a task no thief was woken for (a fan-out that goes on
 * readying threads would keep them all on B). Fails without the wake in push's overflow branch, or
 * without the overflow in hasWorkFor's re-check.
 * Result: (A's re-check found work, B woke A).
 */
@JCStressTest
@Description("Carrier.push into the overflow vs a carrier going to sleep: the sleeper sees the work or is woken")
@Outcome(id = "true, false", expect = ACCEPTABLE, desc = "A found B's overflow in its re-check")
@Outcome(id = "false, true", expect = ACCEPTABLE, desc = "B saw A sleeping and claimed its wake-up")
@Outcome(id = "true, true", expect = ACCEPTABLE, desc = "both: A steals and takes one spurious wake-up")
@Outcome(id = "false, false", expect = FORBIDDEN, desc = "missed steal: A sleeps while B's overflow holds a task")
@State
public class OverflowPushWakeIdleTest {
    static final Runnable TASK = () -> { };
    private static final Unstarted.Pool POOL = new Unstarted.Pool();
    final CarrierScheduler scheduler = POOL.take();
    final Carrier a = scheduler.carriers[0], b = scheduler.carriers[1];
    final WakeupGate gateA = Unstarted.gate(a);

    public OverflowPushWakeIdleTest() {
        for (int i = 0; i <= RunQueue.CAPACITY; i++) b.push(TASK, false);   // the ring full, one in the overflow
        while (b.queue.poll() != null) { }                                   // thieves took them all
        b.stealOverflowInto(new RunQueue());
    }

    /** Carrier A: Carrier.mayBlock up to the blocking poll (it would sleep on false). */
    @Actor
    public void carrierA(ZZ_Result r) {
        gateA.prepareToSleep();
        r.r1 = scheduler.hasWorkFor(a);
    }

    /** Carrier B: one more thread made ready: to the overflow, which B still treats as in use. */
    @Actor
    public void carrierB() {
        b.push(TASK, false);
    }

    @Arbiter
    public void after(ZZ_Result r) {
        r.r2 = !gateA.isSleeping();                      // only B's claimWakeup clears it here
        if (gateA.awake()) scheduler.spinners.stop();    // A, woken, holds B's Spinners unit: give it back
        while (b.nextTask() != null) { }                 // B empties its overflow: overflowed false again
        POOL.give(scheduler);
    }
}
