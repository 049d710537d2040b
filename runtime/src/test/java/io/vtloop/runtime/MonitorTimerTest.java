package io.vtloop.runtime;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The monitor's wake timer is opened only after {@link Monitor#TIMER_AFTER_WAITS} waits for a
 * carrier (binding its downcalls starts the FFM linker, which a short program should not pay);
 * before that the carriers unpark the monitor, after it they arm the timer. Either way a
 * carrier that wakes from full idle into a long task is served.
 */
// Package-private access: with the agent these classes live in the boot loader, another runtime package.
@DisabledIfSystemProperty(named = "vtloop.test.agent", matches = "true")
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class MonitorTimerTest {
    private CarrierScheduler scheduler;

    @AfterEach
    void close() {
        if (scheduler != null) scheduler.close();
    }

    private long serves() {
        long n = 0;
        for (Carrier c : scheduler.carriers) n += c.stats.monitorServes;
        return n;
    }

    /** A task on a carrier woken from full idle that runs for 10 stall periods is served by the monitor. */
    private void aLongTaskIsServed() throws InterruptedException {
        long before = serves();
        scheduler.execute(() -> {
            long end = System.nanoTime() + 100_000_000L;
            while (System.nanoTime() < end) Thread.onSpinWait();
        });
        StartedScheduler.await("the monitor serving the busy carrier", this::serves, before + 1);
    }

    @Test
    void theTimerOpensAfterItsWaitsAndWakesTheMonitorAsTheUnparkDid() throws Throwable {
        scheduler = StartedScheduler.start("epoll", 2);
        Monitor m = scheduler.monitor;
        StartedScheduler.await("the monitor's first wait", m::waitsWithoutTimer, 1);
        assertFalse(m.hasTimer(), "no timer at start");
        aLongTaskIsServed();                                      // woken by an unpark

        // each task woken from full idle ends one wait of the monitor
        for (int i = m.waitsWithoutTimer(); i < Monitor.TIMER_AFTER_WAITS - 1; i = m.waitsWithoutTimer()) {
            scheduler.execute(() -> { });
            StartedScheduler.await("the monitor's next wait", m::waitsWithoutTimer, i + 1);
        }
        assertFalse(m.hasTimer(), "no timer before " + Monitor.TIMER_AFTER_WAITS + " waits");
        StartedScheduler.driveMonitorToItsTimer(scheduler);
        int waits = m.waitsWithoutTimer();
        Thread.sleep(200);                                        // all idle: the monitor waits in the timer
        aLongTaskIsServed();                                      // woken by the timer the carrier armed
        assertEquals(waits, m.waitsWithoutTimer(), "the monitor waited in its timer");
    }
}
