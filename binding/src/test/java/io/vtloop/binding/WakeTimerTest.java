package io.vtloop.binding;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The monitor's wake timer: arming, waiting, closing. Timing assertions are lower bounds or generous. */
class WakeTimerTest {

    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

    private WakeTimer timer;

    @BeforeEach
    void open() throws IOException {
        timer = WakeTimer.open();
    }

    @AfterEach
    void close() throws IOException {
        timer.close();   // also frees a wait a failed test left blocked
    }

    private CompletableFuture<long[]> awaitOnNewThread() {
        CompletableFuture<long[]> f = new CompletableFuture<>();
        Thread.ofPlatform().daemon().start(() -> {
            long t0 = System.nanoTime();
            try {
                boolean fired = timer.await();
                f.complete(new long[] {fired ? 1 : 0, System.nanoTime() - t0});
            } catch (Throwable e) {
                f.completeExceptionally(e);
            }
        });
        return f;
    }

    @Test
    void awaitReturnsNoSoonerThanTheDelayArmedFromAnotherThread() throws Exception {
        CompletableFuture<long[]> waiter = awaitOnNewThread();
        Thread.sleep(20);
        assertFalse(waiter.isDone(), "a disarmed timer never fires");
        long armed = System.nanoTime();
        timer.arm(30 * MS);
        long[] r = waiter.get(10, TimeUnit.SECONDS);
        assertEquals(1, r[0]);
        assertTrue(System.nanoTime() - armed >= 30 * MS, "fired before its delay");
    }

    @Test
    void anExpiryBeforeTheWaitIsKeptAndConsumedOnce() throws Exception {
        timer.arm(1);
        Thread.sleep(10);
        assertTrue(timer.await(), "the earlier expiry ends the wait at once");
        CompletableFuture<long[]> second = awaitOnNewThread();
        Thread.sleep(30);
        assertFalse(second.isDone(), "the expiry was consumed by the first wait");
        timer.arm(1);
        assertEquals(1, second.get(10, TimeUnit.SECONDS)[0]);
    }

    @Test
    void rearmingReplacesTheExpiry() throws Exception {
        timer.arm(10 * MS);
        timer.arm(10_000 * MS);   // pushed out: the first expiry is gone
        CompletableFuture<long[]> waiter = awaitOnNewThread();
        Thread.sleep(100);
        assertFalse(waiter.isDone(), "the replaced expiry fired");
        timer.arm(1);
        assertEquals(1, waiter.get(10, TimeUnit.SECONDS)[0]);
    }

    @Test
    void closeEndsABlockedWaitWithFalseAndLaterCallsAreHarmless() throws Exception {
        CompletableFuture<long[]> waiter = awaitOnNewThread();
        while (timer.isClosed() || !waiterInFlight()) Thread.sleep(1);
        timer.close();
        assertEquals(0, waiter.get(10, TimeUnit.SECONDS)[0], "a closed timer's wait returns false");
        assertTrue(timer.isClosed());
        timer.arm(MS);                        // no-op, no exception
        assertFalse(timer.await(), "await on a closed timer returns false at once");
        timer.close();                        // idempotent
    }

    private boolean waiterInFlight() throws Exception {
        java.lang.reflect.Field f = WakeTimer.class.getDeclaredField("gate");
        f.setAccessible(true);
        return ((CallGate) f.get(timer)).callsInFlight() > 0;
    }

    @Test
    void badDelayNamesTheArgument() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> timer.arm(0));
        assertTrue(e.getMessage().contains("delayNanos"), e.getMessage());
    }

    @Test
    void closeReleasesTheDescriptor() throws Exception {
        long before = openFds();
        WakeTimer[] timers = new WakeTimer[50];
        for (int i = 0; i < timers.length; i++) timers[i] = WakeTimer.open();
        assertTrue(openFds() >= before + timers.length);
        for (WakeTimer t : timers) t.close();
        assertTrue(openFds() <= before + 2, "timerfds leaked");   // 2: other threads may open files meanwhile
    }

    private static long openFds() throws IOException {
        try (var s = Files.list(Path.of("/proc/self/fd"))) {
            return s.count();
        }
    }
}
