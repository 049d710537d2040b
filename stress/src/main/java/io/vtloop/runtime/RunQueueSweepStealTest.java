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
 * Attacks {@link RunQueue#sweep} (row "sweep() owner: clears the slots in [swept, head)" of the
 * {@link RunQueue} table) against a thief's {@link RunQueue#stealInto}: the queue holds tasks
 * 1-3; the owner takes one and sweeps while another carrier steals into its own queue and
 * drains it. A thief that read a slot the owner cleared must lose its CAS on {@code head}: no
 * task is lost (a cleared slot taken as a task), none is seen twice.
 * Result: (owner's bit, thief's bits, bits left, 1 if a task was lost or seen twice).
 */
@JCStressTest
@Description("RunQueue: the owner's sweep of taken slots racing a steal: every task is run exactly once")
@Outcome(id = ".*, .*, .*, 0", expect = ACCEPTABLE, desc = "each of the three tasks seen exactly once")
@Outcome(id = ".*, .*, .*, 1", expect = FORBIDDEN, desc = "a task was lost (a cleared slot stolen) or seen twice")
@State
public class RunQueueSweepStealTest {
    final RunQueue victim = new RunQueue();
    final RunQueue thiefQueue = new RunQueue();
    int ownerBits, thiefBits;   // each written by one actor, read by the arbiter

    public RunQueueSweepStealTest() {
        for (int i = 0; i < 3; i++) victim.offer(new Task(i));
    }

    @Actor
    public void owner(IIII_Result r) {
        ownerBits = Task.bit(victim.poll());
        victim.sweep();
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
        boolean ok = ownerBits >= 0 && thiefBits >= 0 && left >= 0
                && (ownerBits & thiefBits) == 0 && (ownerBits & left) == 0 && (thiefBits & left) == 0
                && (ownerBits | thiefBits | left) == 0b111;
        r.r4 = ok ? 0 : 1;
    }
}
