package io.vtloop.runtime;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIII_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * Attacks {@link RunQueue#stealInto} (row "stealInto(q) other: CAS h -> h+n, moves
 * ceil(size/2)" of the {@link RunQueue} table) against the owner's {@link RunQueue#poll} and
 * {@link RunQueue#offer}: the queue holds tasks 1-3; the owner polls, offers task 4 and
 * polls again while another carrier steals into its own empty queue and drains it. The offer
 * also runs the row "sweep() owner: clears the slots in [swept, head)": it clears the slot the
 * owner took, which the thief may be reading (it must then lose its CAS on {@code head}). Every
 * task must be seen exactly once: taken by the owner, by the thief, or left in the queue.
 * Result: (owner's bits, thief's bits, bits left, 1 if a task was lost or seen twice).
 */
@JCStressTest
@Description("RunQueue: steal racing the owner's poll and offer: every task is run exactly once")
@Outcome(id = ".*, .*, .*, 0", expect = ACCEPTABLE, desc = "each of the four tasks seen exactly once")
@Outcome(id = ".*, .*, .*, 1", expect = FORBIDDEN, desc = "a task was lost or seen twice")
@State
public class RunQueueStealPollTest {
    final RunQueue victim = new RunQueue();
    final RunQueue thiefQueue = new RunQueue();
    final Task t4 = new Task(3);
    int ownerBits, thiefBits;   // each written by one actor, read by the arbiter

    public RunQueueStealPollTest() {
        for (int i = 0; i < 3; i++) victim.offer(new Task(i));
    }

    @Actor
    public void owner(IIII_Result r) {
        int a = Task.bit(victim.poll());
        victim.offer(t4);
        int b = Task.bit(victim.poll());
        ownerBits = (a & b) != 0 ? -1 : a | b;
        r.r1 = ownerBits;
    }

    @Actor
    public void thief(IIII_Result r) {
        victim.stealInto(thiefQueue);
        thiefBits = Task.drain(thiefQueue);
        r.r2 = thiefBits;
    }

    @Arbiter
    public void after(IIII_Result r) {
        int left = Task.drain(victim);
        r.r3 = left;
        r.r4 = Task.exactlyOnce(4, ownerBits, thiefBits, left);
    }
}
