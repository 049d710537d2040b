package io.vtloop.runtime;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * Attacks {@link RunQueue#offer} (rows "offer(t) owner: slot[tail] = t, tail+1 (release)"
 * of the {@link RunQueue} table) and the owner's {@link RunQueue#poll} against another
 * thread's {@code poll} (CAS on head): the owner queues tasks 1 and 2 and takes one, another
 * consumer takes one concurrently. Each task is taken exactly once, oldest first, and a
 * consumer never reads a slot before the owner's release of {@code tail} published it.
 * Result: (owner's task bit, other consumer's task bit or 0, bits of tasks left).
 */
@JCStressTest
@Description("RunQueue: owner offer/offer/poll racing another consumer's poll: no task lost, run twice, or out of order")
@Outcome(id = "1, 0, 2", expect = ACCEPTABLE, desc = "the other consumer found the queue empty; task 2 is left")
@Outcome(id = "1, 2, 0", expect = ACCEPTABLE, desc = "owner took task 1, the other consumer task 2")
@Outcome(id = "2, 1, 0", expect = ACCEPTABLE, desc = "the other consumer took task 1 first, the owner task 2")
@Outcome(expect = FORBIDDEN, desc = "a task lost, taken twice, or a newer one taken before the oldest")
@State
public class RunQueueOfferPollTest {
    final RunQueue q = new RunQueue();
    final Task t1 = new Task(0), t2 = new Task(1);

    @Actor
    public void owner(III_Result r) {
        q.offer(t1);
        q.offer(t2);
        r.r1 = Task.bit(q.poll());
    }

    @Actor
    public void consumer(III_Result r) {
        r.r2 = Task.bit(q.poll());
    }

    @Arbiter
    public void after(III_Result r) {
        r.r3 = Task.drain(q);
    }
}
