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
 * Attacks the first Dekker pair of {@link Spinners}: carrier A, the only spinner, gives up (rows
 * "spinner gives up: stop, then prepareToSleep, re-check every queue") with the real
 * {@link Carrier#mayBlock}, while a platform thread submits a virtual thread with the real
 * {@link CarrierScheduler#execute} (the shared queue, then {@code wake}: rows "wake: c > 0" and
 * "wake: CAS 0 -> 1 wins", the claim of A's gate). A submitter that still sees A spinning wakes
 * nobody, so A's re-check must then see the task; one that sees no spinner must claim A.
 * Outcome (false, false, *): A blocks with a task queued and nobody woke it. Third field: the
 * units left equal the units held (1 when A was claimed and holds its waker's unit, else 0); a
 * leaked unit would make every later wake skip. Both carriers are real ({@link Unstarted}); the
 * arbiter gives A's unit back and reuses the scheduler, as {@link PushWakeIdleTest} does.
 * Result: (A's re-check saw the task, A's gate was claimed, units consistent).
 */
@JCStressTest
@Description("A spinner giving up vs a submission: it sees the task, or the submitter wakes it")
@Outcome(id = "true, false, true", expect = ACCEPTABLE, desc = "A's re-check found the task (the submitter saw A spinning, or no sleeper yet)")
@Outcome(id = "false, true, true", expect = ACCEPTABLE, desc = "A announced sleep first; the submitter claimed it and handed it the unit")
@Outcome(id = "true, true, true", expect = ACCEPTABLE, desc = "both: A runs the task and holds the unit (one spurious wake-up)")
@Outcome(id = "false, false, .*", expect = FORBIDDEN, desc = "lost wake-up: A blocks with the task queued")
@Outcome(id = ".*, .*, false", expect = FORBIDDEN, desc = "a Spinners unit leaked or doubled")
@State
public class SpinnerGiveUpInjectTest {
    static final Runnable TASK = () -> { };
    private static final Unstarted.Pool POOL = new Unstarted.Pool();
    final CarrierScheduler scheduler = POOL.take();
    final Carrier a = scheduler.carriers[0];
    final WakeupGate gateA = Unstarted.gate(a);

    public SpinnerGiveUpInjectTest() {
        if (!a.trySpin()) throw new IllegalStateException("A could not spin: " + scheduler.spinners.count());
    }

    /** Carrier A: its spin found nothing; Carrier.idle up to the blocking poll (it blocks on true). */
    @Actor
    public void spinner(ZZZ_Result r) {
        r.r1 = !a.mayBlock();
    }

    /** A platform thread starts a virtual thread (CarrierScheduler.inject). */
    @Actor
    public void submitter() {
        scheduler.execute(TASK);
    }

    @Arbiter
    public void after(ZZZ_Result r) {
        if (!r.r1) a.awoke();       // A's sleep ends (at once if claimed: A, which watches no fd, was unparked)
        r.r2 = a.spinning();        // awoke(): true exactly when a waker claimed A's sleep
        r.r3 = scheduler.spinners.count() == (a.spinning() ? 1 : 0);
        reset();
    }

    private void reset() {
        if (a.spinning()) a.stopSpinning();
        while (scheduler.pollInjected() != null) { }
        POOL.give(scheduler);
    }
}
