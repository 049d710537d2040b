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
 * Attacks {@link Spinners}' row "spinner finds a task: stop; the last one wakes when work is left"
 * (Go's {@code resetspinning}): carrier A, the only spinner, found a task and gives its unit back
 * with the real {@link Carrier#stopSpinning} before running it, while a platform thread submits
 * a virtual thread with the real {@link CarrierScheduler#execute} (the shared queue, then
 * {@code wake}). Carrier B sleeps (its gate announced sleep). A submitter that still sees A
 * spinning wakes nobody, so A, the last spinner, must see the task and wake B; one that sees no
 * spinner wakes B itself. Outcome (false, *): the task waits in the shared queue while B sleeps,
 * no carrier spins, and A runs something else. Second field: B, woken, holds the one unit left.
 * Result: (B's gate was claimed, units consistent).
 */
@JCStressTest
@Description("The last spinner finding work vs a submission: a sleeper is woken for the task")
@Outcome(id = "true, true", expect = ACCEPTABLE, desc = "B was woken (by A's resetspinning or by the submitter) and holds the unit")
@Outcome(id = "false, .*", expect = FORBIDDEN, desc = "lost wake-up: the task waits, B sleeps and nobody spins")
@Outcome(id = "true, false", expect = FORBIDDEN, desc = "a Spinners unit leaked or doubled")
@State
public class SpinnerLastFindsWorkTest {
    static final Runnable TASK = () -> { };
    private static final Unstarted.Pool POOL = new Unstarted.Pool();
    final CarrierScheduler scheduler = POOL.take();
    final Carrier a = scheduler.carriers[0], b = scheduler.carriers[1];

    public SpinnerLastFindsWorkTest() {
        if (!a.trySpin()) throw new IllegalStateException("A could not spin: " + scheduler.spinners.count());
        Unstarted.gate(b).prepareToSleep();   // B: Carrier.idle, blocked in its poller
    }

    /** Carrier A: its spin found a task; Carrier.step before running it. */
    @Actor
    public void spinner() {
        a.stopSpinning();
    }

    /** A platform thread starts a virtual thread (CarrierScheduler.inject). */
    @Actor
    public void submitter() {
        scheduler.execute(TASK);
    }

    @Arbiter
    public void after(ZZ_Result r) {
        b.awoke();                  // B's poll returns (at once if claimed)
        r.r1 = b.spinning();
        r.r2 = !a.spinning() && scheduler.spinners.count() == (b.spinning() ? 1 : 0);
        while (scheduler.pollInjected() != null) { }
        if (b.spinning()) b.stopSpinning();
        POOL.give(scheduler);
    }
}
