package io.vtloop.runtime;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

/** {@link OfferPacer}'s rule, on a clock the test drives. */
class OfferPacerTest {
    private static final long MIN = SplitPacer.MIN_GAP_NANOS, MAX = SplitPacer.MAX_GAP_NANOS;

    @Test
    void wakesThatNeverPayBackOffToOnePerMaxGap() {
        OfferPacer p = new OfferPacer();
        long now = 987_654_321;
        int allowed = 0;
        for (int i = 0; i < 100_000; i++) {           // a chain: an offer every 10 us for 1 s
            if (p.tryAt(now)) allowed++;
            now += 10_000;
        }
        assertEquals(MAX, p.gap());
        assertTrue(allowed < 1_000_000_000 / MAX + 20, "wakes in 1 s: " + allowed);
    }

    /** Starvation's shape: an offer every 70 us, and every wake pays; the gap stays the shortest, so none is refused. */
    @Test
    void wakesThatPayAreNeverRefusedFartherApartThanTheShortestGap() {
        OfferPacer p = new OfferPacer();
        long now = -3_000_000_000L;                   // nanoTime may be negative
        for (int i = 0; i < 10_000; i++) {
            assertTrue(p.tryAt(now), "offer " + i);
            p.paid();
            now += 70_000;
        }
        assertEquals(MIN, p.gap());
    }

    @Test
    void aPaidWakeResetsTheGapAnUnpaidOneDoublesIt() {
        OfferPacer p = new OfferPacer();
        long now = 0;
        assertTrue(p.tryAt(now));
        assertEquals(MIN, p.gap());
        assertFalse(p.tryAt(now + MIN - 1));
        assertTrue(p.tryAt(now += MIN));              // the first wake did not pay
        assertEquals(2 * MIN, p.gap());
        assertFalse(p.tryAt(now + 2 * MIN - 1));
        p.paid();
        assertEquals(MIN, p.gap());
        assertTrue(p.tryAt(now += MIN));
        assertEquals(MIN, p.gap(), "paid since the last wake: the shortest gap again");
    }

    /** Whatever the pattern, allowed wakes are never closer than MIN, and one asked MAX after the last is allowed. */
    @Test
    void randomOffersKeepTheBounds() {
        SplittableRandom r = new SplittableRandom(Long.getLong("vtloop.test.seed", System.nanoTime()));
        OfferPacer p = new OfferPacer();
        long now = r.nextLong(), last = 0;
        boolean any = false;
        for (int i = 0; i < 200_000; i++) {
            now += r.nextInt(4) == 0 ? r.nextLong(3 * MAX) : r.nextLong(2 * MIN);
            if (r.nextInt(50) == 0) p.paid();
            boolean due = any && now - last >= MAX;
            if (p.tryAt(now)) {
                assertTrue(!any || now - last >= MIN, "two wakes " + (now - last) + " ns apart");
                any = true;
                last = now;
            } else {
                assertFalse(due, "refused " + (now - last) + " ns after the last");
            }
            assertTrue(p.gap() >= MIN && p.gap() <= MAX);
        }
    }
}
