package io.vtloop.runtime;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * Attacks {@code Carrier.runnext} (the table in {@link Carrier}'s javadoc): carrier A's running
 * virtual thread readies two threads, the real {@code push(t, true)} twice (the first fills the
 * empty slot with a plain release store, the second swaps it and sends the first to the ring's
 * tail), then A takes its next task with the real {@link Carrier#takeRunnext}; meanwhile a
 * spinner on carrier B steals A's runnext with the real {@link Carrier#stealRunnext} (twice, as
 * its spin loop would). Every task is run exactly once: the bits of what A took, what B stole and
 * what is left in A's ring are each task once. Result: (A's bits + ring, B's bits), -1 for a
 * duplicate.
 */
@JCStressTest
@Description("runnext: the owner's fill, swap and take vs a spinner's steal: each task exactly once")
@Outcome(id = {"3, 0", "2, 1", "1, 2", "0, 3"}, expect = ACCEPTABLE, desc = "each task once: taken, left in the ring, or stolen")
@Outcome(expect = FORBIDDEN, desc = "a task lost or run twice")
@State
public class RunnextStealTest {
    private static final Unstarted.Pool POOL = new Unstarted.Pool();
    final CarrierScheduler scheduler = POOL.take();
    final Carrier a = scheduler.carriers[0];
    final long seq = a.taskSeq();       // no task runs: the spinner's grace has passed
    final Runnable t0 = () -> { }, t1 = () -> { };
    int taken;

    /** 1 for t0, 2 for t1, 0 for null, 4 for a task of another state (a harness fault, not this protocol's). */
    int bit(Runnable r) {
        return r == null ? 0 : r == t0 ? 1 : r == t1 ? 2 : 4;
    }

    int drain() {
        int bits = 0;
        for (Runnable r; (r = a.queue.poll()) != null; ) {
            int b = bit(r);
            if ((bits & b) != 0) return -1;
            bits |= b;
        }
        return bits;
    }

    /** Carrier A: its virtual thread readies T0 then T1; then A takes its next task. */
    @Actor
    public void owner() {
        a.push(t0, true);
        a.push(t1, true);
        taken = bit(a.takeRunnext());
    }

    /** Carrier B's spin loop: A's runnext waited its grace. */
    @Actor
    public void spinner(II_Result r) {
        int b = bit(a.stealRunnext(seq));
        int c = bit(a.stealRunnext(seq));
        r.r2 = (b & c) != 0 ? -1 : b | c;
    }

    @Arbiter
    public void after(II_Result r) {
        int ring = drain();
        r.r1 = ring < 0 || (ring & taken) != 0 ? -1 : ring | taken;
        if (r.r2 > 0 && (r.r2 & r.r1) != 0) r.r2 = -1;
        POOL.give(scheduler);
    }
}
