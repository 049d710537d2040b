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
 * Attacks the overflow's hand-over (rows "serving thread: push ... offerLast", "nextQueued:
 * pollFirst" and "another carrier: steal, the ring empty: pollFirst, up to half a ring" of the
 * overflow table in {@link Carrier}): carrier B's ring is empty and its overflow holds X and Y (a
 * fan-out filled the ring, thieves emptied it); B's serving thread pushes Z (the real
 * {@link Carrier#push}: behind X and Y, as the overflow keeps FIFO) and takes its next task (the
 * real {@link Carrier#nextTask}), while carrier A, idle, steals (the real
 * {@link CarrierScheduler#steal}, which takes from B's overflow into A's ring). Each of X, Y, Z
 * must end up exactly once: taken by B, taken by A (returned or in A's ring), or left in B's
 * overflow or ring (B, finding its overflow emptied by A, steals back half of A's ring). Both carriers are the real objects of an unstarted scheduler ({@link Unstarted}).
 * Result: (B's task: 1 X, 2 Y, 4 Z, 0 none; tasks A took; 1 when each task is found exactly once).
 */
@JCStressTest
@Description("Carrier overflow: the owner's push and take vs another carrier's steal: each task exactly once")
@Outcome(id = "[124], [0-3], 1", expect = ACCEPTABLE, desc = "B took one, A the others or some, the rest left")
@Outcome(id = ".*, .*, 0", expect = FORBIDDEN, desc = "a task lost or taken twice")
@State
public class OverflowStealTest {
    static final Runnable FILLER = () -> { };
    static final Task X = new Task(0), Y = new Task(1), Z = new Task(2);
    private static final Unstarted.Pool POOL = new Unstarted.Pool();
    final CarrierScheduler scheduler = POOL.take();
    final Carrier a = scheduler.carriers[0], b = scheduler.carriers[1];
    Runnable fromA;

    public OverflowStealTest() {
        for (int i = 0; i < RunQueue.CAPACITY; i++) b.push(FILLER, false);   // B's ring full
        b.push(X, false);                                                     // to the overflow
        b.push(Y, false);
        while (b.queue.poll() != null) { }                                    // thieves took the ring
    }

    /** Carrier B's serving thread: one more thread made ready, then its next task. */
    @Actor
    public void owner(III_Result r) {
        b.push(Z, false);
        r.r1 = Task.bit(b.nextTask());
    }

    /** Carrier A, with nothing to run: a steal. */
    @Actor
    public void thief() {
        fromA = scheduler.steal(a);
    }

    @Arbiter
    public void after(III_Result r) {
        int took = Task.bit(fromA), n = fromA != null ? 1 : 0, seen = r.r1 | took;
        boolean once = (r.r1 & took) == 0;
        for (Runnable t; (t = a.queue.poll()) != null; n++) {
            once &= (seen & Task.bit(t)) == 0;
            seen |= Task.bit(t);
        }
        r.r2 = n;
        RunQueue left = new RunQueue();
        b.stealOverflowInto(left);
        for (Runnable t; (t = b.queue.poll()) != null; ) left.offer(t);   // B may have stolen back from A's ring
        for (Runnable t; (t = left.poll()) != null; ) {
            once &= (seen & Task.bit(t)) == 0;
            seen |= Task.bit(t);
        }
        r.r3 = once && seen == 7 ? 1 : 0;
        while (b.nextTask() != null) { }   // B finds its overflow empty: overflowed false again
        POOL.give(scheduler);
    }
}
