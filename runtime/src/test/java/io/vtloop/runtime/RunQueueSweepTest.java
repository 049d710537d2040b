package io.vtloop.runtime;

import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.util.ArrayDeque;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@link RunQueue} keeps no reference to a task that was taken, once its owner offers again or
 * sweeps: random runs of offers, owner polls, exclusive polls and steals into another queue,
 * checked against a model queue (every task taken once, oldest first) and, after each sweep,
 * slot by slot (only the slots of [head, tail) hold tasks).
 */
class RunQueueSweepTest {
    private static final long SEED = Long.getLong("vtloop.test.seed", System.nanoTime());

    private static Runnable[] slots(RunQueue q) throws Exception {
        Field f = RunQueue.class.getDeclaredField("slots");
        f.setAccessible(true);
        return (Runnable[]) f.get(q);
    }

    /** The tasks the ring still references. */
    private static int referenced(RunQueue q) throws Exception {
        int n = 0;
        for (Runnable r : slots(q)) if (r != null) n++;
        return n;
    }

    @Test
    void takenTasksAreNotReferencedAfterASweep() throws Exception {
        SplittableRandom random = new SplittableRandom(SEED);
        for (int run = 0; run < 200; run++) {
            RunQueue q = new RunQueue(), other = new RunQueue();
            ArrayDeque<Runnable> model = new ArrayDeque<>();
            boolean exclusive = random.nextBoolean();   // a lone carrier's queue, which nothing steals from
            for (int step = 0; step < 2000; step++) {
                int op = random.nextInt(10);
                if (op < 5) {
                    Runnable t = () -> { };
                    if (q.offer(t)) model.addLast(t);
                    else assertEquals(RunQueue.CAPACITY, model.size(), "refused while not full, seed " + SEED);
                } else if (op < 8 || exclusive) {
                    Runnable t = exclusive ? q.pollExclusive() : q.poll();
                    assertSame(model.pollFirst(), t, "seed " + SEED);
                } else if (op == 8) {
                    int n = q.stealInto(other);
                    for (int i = 0; i < n; i++) assertSame(model.pollFirst(), other.poll(), "seed " + SEED);
                    assertNull(other.poll());
                    other.sweep();
                    assertEquals(0, referenced(other), "the thief's ring after it ran what it stole, seed " + SEED);
                } else {
                    q.sweep();
                    assertEquals(model.size(), referenced(q), "only queued tasks are referenced, seed " + SEED);
                }
            }
            q.sweep();
            assertEquals(model.size(), referenced(q), "seed " + SEED);
            while (!model.isEmpty()) assertSame(model.pollFirst(), exclusive ? q.pollExclusive() : q.poll());
            q.sweep();
            assertEquals(0, referenced(q), "an empty ring references nothing, seed " + SEED);
        }
    }
}
