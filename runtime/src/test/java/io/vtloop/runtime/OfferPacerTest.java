package io.vtloop.runtime;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** {@link OfferPacer}'s rule, on a clock the test drives. */
class OfferPacerTest {
    private static final long MIN = SplitPacer.MIN_GAP_NANOS, MAX = SplitPacer.MAX_GAP_NANOS;

    /** A chain offers at every stage, and no wake pays. */
    @Test
    void wakesThatNeverPayBackOffToOnePerMaxGap() {
        OfferPacer p = new OfferPacer();
        SplitPacerTest.backsOffToOnePerMaxGap(p::tryAt, p::gap);
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

    /** Whatever the pattern (and wakes that pay now and then), the bounds hold: {@link SplitPacerTest#keepsTheBounds}. */
    @Test
    void randomOffersKeepTheBounds() {
        OfferPacer p = new OfferPacer();
        SplitPacerTest.keepsTheBounds(p::tryAt, p::gap, p::paid);
    }
}
