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
 * Attacks the hand-over of a {@link Spinners} unit with a claimed sleep (rows "wake: CAS 0 -> 1
 * wins: claims a sleeping carrier's gate, which wakes holding this unit; none sleeps: stop" and
 * "woken carrier: WakeupGate.awake: gate was claimed"): carrier B, asleep, returns from its poller
 * on its own (an event, a timer) with the real {@link Carrier#awoke}, while a platform thread
 * submits with the real {@link CarrierScheduler#execute}, whose {@code wake} takes a unit and
 * claims B's gate or, finding no sleeper, gives the unit back. Exactly one of them may end the
 * sleep; B holds a unit exactly when the claim won. Outcome (*, false): a unit nobody holds
 * (every later wake would be skipped: the scheduler stalls) or one held twice.
 * Result: (B holds a unit, units consistent).
 */
@JCStressTest
@Description("A claimed wake-up vs the sleeper waking by itself: the Spinners unit is held exactly once")
@Outcome(id = "true, true", expect = ACCEPTABLE, desc = "the claim won: B woke holding the submitter's unit")
@Outcome(id = "false, true", expect = ACCEPTABLE, desc = "B woke first; the submitter found no sleeper and gave its unit back")
@Outcome(id = ".*, false", expect = FORBIDDEN, desc = "a Spinners unit leaked or doubled")
@State
public class SpinnerClaimAwakeTest {
    static final Runnable TASK = () -> { };
    private static final Unstarted.Pool POOL = new Unstarted.Pool();
    final CarrierScheduler scheduler = POOL.take();
    final Carrier b = scheduler.carriers[1];

    public SpinnerClaimAwakeTest() {
        Unstarted.gate(b).prepareToSleep();   // B: Carrier.idle, blocked in its poller
    }

    /** Carrier B: its poll returns by itself. */
    @Actor
    public void sleeper() {
        b.awoke();
    }

    /** A platform thread starts a virtual thread (CarrierScheduler.inject). */
    @Actor
    public void submitter() {
        scheduler.execute(TASK);
    }

    @Arbiter
    public void after(ZZ_Result r) {
        r.r1 = b.spinning();
        r.r2 = scheduler.spinners.count() == (b.spinning() ? 1 : 0);
        while (scheduler.pollInjected() != null) { }
        if (b.spinning()) b.stopSpinning();
        POOL.give(scheduler);
    }
}
