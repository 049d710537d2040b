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
 * Attacks the hand-over of a parked sleep to the thread that claims it (row "W: claim" of
 * {@link Carrier}'s parked-sleep table): carrier A, whose epoll watches no fd, goes to sleep with
 * the real {@link Carrier#mayBlock}, while carrier B, which queued surplus work, wakes a sleeper
 * with the real {@code CarrierScheduler.wake} (a {@link Spinners} unit, then
 * {@link Carrier#wakeIfSleeping}: {@link WakeupGate#claimWakeup}, then the wake-up itself). The
 * claimer must unpark A's thread, not write the eventfd A does not poll: it reads A's parked
 * sleeper after its CAS on the gate, and A writes that field before the gate's store the CAS
 * reads. Outcome (true, true, false): A sleeps parked, its sleep was claimed, and the claimer
 * wrote the eventfd (it saw no parked sleeper): A would sleep on with the task the claimer
 * published. A and B are real carriers of a {@link CarrierScheduler} whose threads are not started
 * ({@link Unstarted}); the arbiter resets it (the real {@code awoke}: a claimed carrier holds the
 * claimer's {@link Spinners} unit, given back here; a poll that consumes an eventfd write).
 * Mutated (the parked sleeper published after the gate's store) this test reported the
 * FORBIDDEN outcome 32 times in one quick run.
 * Result: (A would sleep parked, B's wake claimed A's sleep, the claim unparked A's thread).
 */
@JCStressTest
@Description("A carrier going to sleep parked vs a claim of its sleep: the claimer unparks it")
@Outcome(id = "true, true, true", expect = ACCEPTABLE, desc = "A sleeps parked; the claimer unparked it")
@Outcome(id = "true, false, false", expect = ACCEPTABLE, desc = "B looked before A announced its sleep: nobody to wake")
@Outcome(id = "true, true, false", expect = FORBIDDEN, desc = "lost wake-up: A's sleep was claimed, but the claimer wrote the eventfd A does not poll")
@State
public class ParkedSleepClaimTest {
    private static final Unstarted.Pool POOL = new Unstarted.Pool();
    final CarrierScheduler scheduler = POOL.take();
    final Carrier a = scheduler.carriers[0], b = scheduler.carriers[1];
    final long unparksBefore = a.stats.unparksSent;

    public ParkedSleepClaimTest() {
        if (!a.pollerIdle()) throw new IllegalStateException("carrier A's poller watches an fd");
    }

    /** Carrier A: nothing to run, no fd watched; Carrier.idle up to its sleep (it sleeps parked on true). */
    @Actor
    public void carrier(ZZZ_Result r) {
        r.r1 = a.mayBlock() && a.sleepsParked();
    }

    /** Carrier B, with surplus queued (Carrier.push): wakes a sleeping carrier to steal it. */
    @Actor
    public void submitter() {
        scheduler.wake(b);
    }

    @Arbiter
    public void after(ZZZ_Result r) {
        r.r3 = a.stats.unparksSent != unparksBefore;   // only the submitter writes it (statistics)
        a.awoke();
        r.r2 = a.spinning();                           // awoke(): true exactly when a waker claimed A's sleep
        if (a.spinning()) a.stopSpinning();            // and A holds the waker's unit: give it back
        try {
            a.backend.poll(0);                         // consumes an eventfd write, if the claimer made one
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        POOL.give(scheduler);
    }
}
