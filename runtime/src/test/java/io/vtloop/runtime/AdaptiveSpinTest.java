package io.vtloop.runtime;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;

import java.lang.reflect.Constructor;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@link Carrier}'s adaptive spin, on the real carrier loop of a two-carrier scheduler whose
 * threads are not started: the test thread serves carrier 0 ({@link Carrier#step}), a helper
 * thread serves carrier 1. A ticker thread wakes carrier 0's epoll every millisecond, so that
 * each step that finds nothing ends: it spins (at most 10 µs), then sleeps until the next tick
 * (a tick that comes during the spin is drained by it and found no work).
 */
// Package-private access: with the agent these classes live in the boot loader, another runtime package.
@DisabledIfSystemProperty(named = "vtloop.test.agent", matches = "true")
class AdaptiveSpinTest {
    private CarrierScheduler scheduler;
    private volatile boolean done;
    private Thread ticker;

    private static CarrierScheduler unstarted(int carriers) throws Exception {
        Constructor<CarrierScheduler> c = CarrierScheduler.class.getDeclaredConstructor(Config.class);
        c.setAccessible(true);
        return c.newInstance(Config.withCarriers(carriers));
    }

    /**
     * {@code vtloop.spin} of the scheduler under test: 1 ms, so that a spin of the full length
     * polls many times even while the JIT has not compiled the loop yet (a cold turn of it,
     * with its epoll_wait, can take longer than the default 10 µs).
     */
    private static final String SPIN_MICROS = "1000";

    private Carrier start() throws Exception {
        String before = System.setProperty("vtloop.spin", SPIN_MICROS);
        try {
            scheduler = unstarted(2);
        } finally {
            if (before == null) System.clearProperty("vtloop.spin");
            else System.setProperty("vtloop.spin", before);
        }
        Carrier c = scheduler.carriers[0];
        ticker = Thread.ofPlatform().daemon().start(() -> {
            while (!done) {
                c.wakeup();
                try {
                    Thread.sleep(1);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        return c;
    }

    @AfterEach
    void close() throws InterruptedException {
        done = true;
        if (ticker != null) ticker.join();
        if (scheduler != null) for (Carrier c : scheduler.carriers) c.exit();
    }

    /** One turn of carrier 0's loop with nothing to run: it spins, then sleeps until the next tick. */
    private static void emptyStep(Carrier c) {
        long empty = c.stats.spinsEmpty;
        assertTrue(c.step());
        assertFalse(c.hasLocalWork());
        assertEquals(empty + 1, c.stats.spinsEmpty, "the step spun and found nothing");
        assertEquals(0, c.stats.loopFailures);
    }

    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)   // a lost timer would block in epoll_wait
    void spinsThatFindNothingHalveTheNextDownToTheFloorAndStayThere() throws Exception {
        Carrier c = start();
        long full = c.spinBudget();
        assertEquals(Long.parseLong(SPIN_MICROS) * 1000L, full, "the first spin is vtloop.spin long");
        List<Long> budgets = new ArrayList<>();
        for (int i = 0; i < 2 * Carrier.SPIN_PROBE_EVERY + 4; i++) {   // two probes at the floor among them
            emptyStep(c);
            budgets.add(c.spinBudget());
        }
        long expect = full;
        for (int i = 0; i < budgets.size(); i++) {
            expect = Math.max(Math.min(full, Carrier.SPIN_FLOOR_NANOS), expect / 2);
            assertEquals(expect, budgets.get(i), "budget after empty spin " + (i + 1) + ": " + budgets);
        }
    }

    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)   // a lost timer would block in epoll_wait
    void aSpinAtTheFloorStillTakesARunnextWaitingBehindARunningTaskAndRestoresTheFullSpin() throws Exception {
        Carrier c0 = start(), c1 = scheduler.carriers[1];
        long full = c0.spinBudget();
        while (c0.spinBudget() > Carrier.SPIN_FLOOR_NANOS) emptyStep(c0);
        assertTrue(full > Carrier.RUNNEXT_GRACE_NANOS && c0.spinBudget() < Carrier.RUNNEXT_GRACE_NANOS,
                "the floor is below the runnext grace, so only the extension can take it");

        // Carrier 1's serving thread runs a task that readies b into its runnext, then keeps the carrier.
        AtomicBoolean ran = new AtomicBoolean();
        Runnable b = () -> ran.set(true);
        CountDownLatch inTask = new CountDownLatch(1), release = new CountDownLatch(1);
        Thread helper = Thread.ofPlatform().daemon().start(() -> {
            c1.push(() -> {
                c1.push(b, true);
                inTask.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, false);
            c1.step();
        });
        try {
            assertTrue(inTask.await(10, TimeUnit.SECONDS));
            assertTrue(c1.hasRunnext());
            assertTrue(c0.step());
            assertTrue(ran.get(), "carrier 0's spin took carrier 1's runnext and ran it");
            assertFalse(c1.hasRunnext());
            assertEquals(full, c0.spinBudget(), "a spin that found work makes the next one full length");
        } finally {
            release.countDown();
            helper.join(10_000);
        }
    }
}
