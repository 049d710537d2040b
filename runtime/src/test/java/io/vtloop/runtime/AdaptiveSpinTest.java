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
 * thread serves carrier 1. A step that finds nothing spins, then sleeps in its epoll until a
 * no-op timer the test armed 50 ms ahead. A ticker waking carrier 0's epoll every
 * 5 s (a test takes about one) keeps a lost timer from blocking the test forever; a tick that
 * cut a sleep short would leave its timer to cut the next one short too, so it must not come
 * while the test runs.
 */
// Package-private access: with the agent these classes live in the boot loader, another runtime package.
@DisabledIfSystemProperty(named = "vtloop.test.agent", matches = "true")
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)   // a blocked epoll_wait ignores interrupts
class AdaptiveSpinTest {
    /**
     * {@code vtloop.spin} of the scheduler under test: 1 ms, so that a spin of the full length
     * polls many times even while the JIT has not compiled the loop yet (a cold turn of it,
     * with its epoll_wait, can take longer than the default 10 µs).
     */
    private static final String SPIN_MICROS = "1000";
    private static final long FULL = Long.parseLong(SPIN_MICROS) * 1000L;
    private static final long LONG_GAP = 50_000_000L;

    private CarrierScheduler scheduler;
    private volatile boolean done;
    private Thread ticker;

    private Carrier start() throws Exception {
        String before = System.setProperty("vtloop.spin", SPIN_MICROS);
        try {
            Constructor<CarrierScheduler> c = CarrierScheduler.class.getDeclaredConstructor(Config.class);
            c.setAccessible(true);
            scheduler = c.newInstance(Config.withCarriers(2));   // not started: no carrier thread runs
        } finally {
            if (before == null) System.clearProperty("vtloop.spin");
            else System.setProperty("vtloop.spin", before);
        }
        Carrier c0 = scheduler.carriers[0];
        ticker = Thread.ofPlatform().daemon().start(() -> {
            while (!done) {
                try {
                    Thread.sleep(5_000);
                } catch (InterruptedException e) {
                    return;
                }
                c0.wakeup();
            }
        });
        return c0;
    }

    @AfterEach
    void close() throws InterruptedException {
        done = true;
        if (ticker != null) {
            ticker.interrupt();
            ticker.join();
        }
        if (scheduler != null) for (Carrier c : scheduler.carriers) c.exit();
    }

    /** One turn of the loop with nothing to run: a spin that finds nothing, then a sleep of about {@code gapNanos}. */
    private static void emptyStep(Carrier c, long gapNanos) {
        long empty = c.stats.spinsEmpty;
        c.timers.arm(() -> { }, gapNanos);
        assertTrue(c.step());
        assertFalse(c.hasLocalWork());
        assertEquals(empty + 1, c.stats.spinsEmpty, "the step spun and found nothing");
        assertEquals(0, c.stats.loopFailures);
    }

    @Test
    void spinsThatFindNothingHalveTheNextDownToTheFloorAndStayThere() throws Exception {
        Carrier c = start();
        assertEquals(FULL, c.spinBudget(), "the first spin is vtloop.spin long");
        List<Long> budgets = new ArrayList<>();
        for (int i = 0; i < Carrier.SPIN_PROBE_EVERY + 4; i++) {   // a probe at the floor among them
            emptyStep(c, LONG_GAP);
            budgets.add(c.spinBudget());
        }
        long expect = FULL;
        for (int i = 0; i < budgets.size(); i++) {
            expect = Math.max(Carrier.SPIN_FLOOR_NANOS, expect / 2);
            assertEquals(expect, budgets.get(i), "budget after empty spin " + (i + 1) + ": " + budgets);
        }
    }

    @Test
    void aSpinAtTheFloorStillTakesARunnextWaitingBehindARunningTaskAndRestoresTheFullSpin() throws Exception {
        Carrier c0 = start(), c1 = scheduler.carriers[1];
        while (c0.spinBudget() > Carrier.SPIN_FLOOR_NANOS) emptyStep(c0, LONG_GAP);
        assertTrue(c0.spinBudget() < Carrier.RUNNEXT_GRACE_NANOS,
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
            c0.timers.arm(() -> { }, LONG_GAP);   // bounds the sleep should the spin miss it
            assertTrue(c0.step());
            assertTrue(ran.get(), "carrier 0's spin took carrier 1's runnext and ran it");
            assertFalse(c1.hasRunnext());
            assertEquals(FULL, c0.spinBudget(), "a spin that found work makes the next one full length");
        } finally {
            release.countDown();
            helper.join(10_000);
        }
    }
}
