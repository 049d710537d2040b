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
 * Attacks the Dekker pair of {@link Carrier}'s parked sleep against {@link Carrier#wakeup} (the
 * request a reclaim, a close or a registration from another thread makes; rows "S: pollerIdle,
 * sleeps parked" and "W: wakeup()" of the class comment's parked-sleep table): carrier A, whose
 * epoll watches no fd, goes to sleep with the real {@link Carrier#mayBlock} (it sets its parked
 * sleeper, announces the sleep, re-checks {@code wakeRequested}), while another thread calls the
 * real {@code wakeup}. Outcome (true, false): A parks, and the waker neither was seen by A nor
 * unparked it (it wrote the eventfd A does not poll): A would sleep until its next timer,
 * forever without one, with a reclaim or a close waiting. A is a real carrier of a
 * {@link CarrierScheduler} whose threads are not started ({@link Unstarted}); the arbiter resets
 * it (the real {@code awoke}, and a poll that consumes an eventfd write) for the next state.
 * The waker's unpark leaves a permit on the actor's thread, which costs a later park there one
 * spurious return.
 * Mutated (the parked sleeper published after the gate's fence and the request not re-checked)
 * this test reported the FORBIDDEN outcome 19,850 times in one quick run.
 * Result: (A would sleep parked, the waker unparked A's thread).
 */
@JCStressTest
@Description("A carrier going to sleep parked vs Carrier.wakeup: it sees the request, or it is unparked")
@Outcome(id = "true, true", expect = ACCEPTABLE, desc = "A sleeps parked; the waker saw it and unparked it")
@Outcome(id = "false, true", expect = ACCEPTABLE, desc = "A saw the request and stays awake; the waker unparked it too (a spurious permit)")
@Outcome(id = "false, false", expect = ACCEPTABLE, desc = "A saw the request before it published itself; the waker wrote the eventfd (one spurious poll return)")
@Outcome(id = "true, false", expect = FORBIDDEN, desc = "lost wake-up: A sleeps parked and the waker only wrote the eventfd")
@State
public class ParkedSleepWakeupTest {
    private static final Unstarted.Pool POOL = new Unstarted.Pool();
    final CarrierScheduler scheduler = POOL.take();
    final Carrier a = scheduler.carriers[0];

    public ParkedSleepWakeupTest() {
        if (!a.pollerIdle()) throw new IllegalStateException("carrier A's poller watches an fd");
    }

    /** Carrier A: nothing to run, no fd watched; Carrier.idle up to its sleep (it sleeps parked on true). */
    @Actor
    public void carrier(ZZ_Result r) {
        r.r1 = a.mayBlock() && a.sleepsParked();
    }

    /** A thread that needs A awake: a primary reclaiming A from its spare, a close, a registration off the carriers. */
    @Actor
    public void waker(ZZ_Result r) {
        r.r2 = a.wakeup();
    }

    @Arbiter
    public void after() {
        a.awoke();                     // clears the sleeper and the request
        if (a.spinning()) a.stopSpinning();
        try {
            a.backend.poll(0);         // consumes an eventfd write, if the waker made one
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        POOL.give(scheduler);
    }
}
