package io.vtloop.runtime;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/** The timer heap alone: order by deadline, removal from anywhere. */
// Package-private access: with the agent these classes live in the boot loader, another runtime package.
@DisabledIfSystemProperty(named = "vtloop.test.agent", matches = "true")
class TimerHeapTest {
    @Test
    void pollsInDeadlineOrderAfterRandomRemovals() {
        Random rnd = new Random(42);
        TimerHeap heap = new TimerHeap();
        List<CarrierTimer> live = new ArrayList<>();
        for (int i = 0; i < 5000; i++) {
            CarrierTimer t = new CarrierTimer(rnd.nextInt(1_000_000) - 500_000L, () -> { }, null);
            heap.add(t);
            live.add(t);
            if (rnd.nextInt(3) == 0) {
                CarrierTimer victim = live.remove(rnd.nextInt(live.size()));
                heap.remove(victim);
                heap.remove(victim);   // twice is harmless
            }
        }
        assertEquals(live.size(), heap.size());
        long last = Long.MIN_VALUE;
        int n = 0;
        for (CarrierTimer t; (t = heap.poll()) != null; n++) {
            assertTrue(t.deadline >= last, "out of order");
            last = t.deadline;
            assertTrue(live.contains(t));
        }
        assertEquals(live.size(), n);
    }

    @Test
    void fireAndCancelAreExclusive() {
        CarrierTimer t = new CarrierTimer(0, () -> { }, null);
        assertTrue(t.tryFire());
        assertFalse(t.isCancelled());
        assertTrue(t.isDone());
        assertFalse(t.tryFire());
    }
}
