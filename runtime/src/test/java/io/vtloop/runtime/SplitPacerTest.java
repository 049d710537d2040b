package io.vtloop.runtime;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;
import java.util.function.LongPredicate;
import java.util.function.LongSupplier;

import static org.junit.jupiter.api.Assertions.*;

/** {@link SplitPacer}'s rule, on a clock the test drives. */
class SplitPacerTest {
    private static final long MIN = SplitPacer.MIN_GAP_NANOS, MAX = SplitPacer.MAX_GAP_NANOS;

    /** A cold pair asks at every hand-off. */
    @Test
    void splitsAskedForAtEveryHandOffBackOffToOnePerMaxGap() {
        SplitPacer p = new SplitPacer();
        backsOffToOnePerMaxGap(p::tryAt, p::gap);
    }

    /** Asked every 10 µs for 1 s (the first allowed), a pacer reaches MAX and allows about one per MAX. */
    static void backsOffToOnePerMaxGap(LongPredicate tryAt, LongSupplier gap) {
        long now = 123_456_789;
        assertTrue(tryAt.test(now), "the first");
        int allowed = 1;
        for (int i = 0; i < 100_000; i++) {
            now += 10_000;
            if (tryAt.test(now)) allowed++;
        }
        assertEquals(MAX, gap.getAsLong());
        assertTrue(allowed < 1_000_000_000 / MAX + 20, "allowed in 1 s: " + allowed);
        assertFalse(tryAt.test(now + 1), "within the gap");
    }

    @Test
    void aSplitThatStuckResetsTheGap() {
        SplitPacer p = new SplitPacer();
        long now = -5_000_000_000L;                   // nanoTime may be negative
        assertTrue(p.tryAt(now));
        assertFalse(p.tryAt(now + MIN - 1));
        assertTrue(p.tryAt(now += MIN));             // asked again at once: the gap doubles
        assertEquals(2 * MIN, p.gap());
        assertFalse(p.tryAt(now + 2 * MIN - 1));
        assertTrue(p.tryAt(now += 4 * 2 * MIN));     // four gaps later: it had stuck
        assertEquals(MIN, p.gap());
    }

    /** Whatever the pattern of requests, allowed splits are never closer than MIN nor rarer than MAX allows. */
    @Test
    void randomRequestsKeepTheBounds() {
        SplitPacer p = new SplitPacer();
        keepsTheBounds(p::tryAt, p::gap, () -> { });
    }

    /**
     * Drives a pacer ({@code tryAt}, {@code gap}; {@code sometimes} runs at one request in 50, e.g.
     * a wake that paid) with random requests, and checks that allowed ones are never closer than
     * MIN, that one asked MAX after the last is allowed, and that the gap stays within both.
     */
    static void keepsTheBounds(LongPredicate tryAt, LongSupplier gap, Runnable sometimes) {
        SplittableRandom r = new SplittableRandom(Long.getLong("vtloop.test.seed", System.nanoTime()));
        long now = r.nextLong(), last = 0;
        boolean any = false;
        for (int i = 0; i < 200_000; i++) {
            now += r.nextInt(4) == 0 ? r.nextLong(3 * MAX) : r.nextLong(2 * MIN);
            if (r.nextInt(50) == 0) sometimes.run();
            boolean due = any && now - last >= MAX;   // a request this late is always allowed
            if (tryAt.test(now)) {
                assertTrue(!any || now - last >= MIN, "two allowed " + (now - last) + " ns apart");
                any = true;
                last = now;
            } else {
                assertFalse(due, "refused " + (now - last) + " ns after the last");
            }
            assertTrue(gap.getAsLong() >= MIN && gap.getAsLong() <= MAX);
        }
    }
}
