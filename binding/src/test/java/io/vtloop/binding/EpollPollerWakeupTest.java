package io.vtloop.binding;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Wake-ups, timeouts and closing. Timing assertions are deliberately loose. */
class EpollPollerWakeupTest {

    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

    private EpollPoller poller;
    private EventBuffer buf;

    @BeforeEach
    void open() throws IOException {
        poller = EpollPoller.open();
        buf = new EventBuffer(8);
    }

    @AfterEach
    void close() throws IOException {
        EventBuffer b = buf;
        try (b) {
            poller.close(); // also frees a poll a failed test left blocked
        }
    }

    /** Runs {@code poll(buf, timeout)} on a new thread; completes with {count, elapsed nanos}. */
    private CompletableFuture<long[]> pollAsync(long timeoutNanos, CountDownLatch started) {
        CompletableFuture<long[]> result = new CompletableFuture<>();
        Thread.ofPlatform().daemon().start(() -> {
            try {
                started.countDown();
                long t0 = System.nanoTime();
                int n = poller.poll(buf, timeoutNanos);
                result.complete(new long[] {n, System.nanoTime() - t0});
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        });
        return result;
    }

    private void awaitCallsInFlight(int n) throws InterruptedException {
        long deadline = System.nanoTime() + 5000 * MS;
        while (poller.callsInFlight() < n && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        assertEquals(n, poller.callsInFlight(), "polls not under way");
    }

    @Test
    void wakeupEndsABlockingPoll() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CompletableFuture<long[]> poll = pollAsync(-1, started);
        started.await();
        awaitCallsInFlight(1);
        Thread.sleep(100);
        assertFalse(poll.isDone(), "poll(-1) returned without a wakeup");
        long t0 = System.nanoTime();
        poller.wakeup();
        long[] r = poll.get(5, TimeUnit.SECONDS);
        assertEquals(0, r[0], "the wake-up eventfd must not be reported");
        assertTrue(r[1] >= 90 * MS, "poll did not block: " + r[1] + " ns");
        assertTrue(System.nanoTime() - t0 < 1000 * MS, "wake-up took over a second");
    }

    @Test
    void wakeupBeforePollMakesTheNextPollReturn() throws IOException {
        poller.wakeup();
        long t0 = System.nanoTime();
        assertEquals(0, poller.poll(buf, 5000 * MS));
        assertTrue(System.nanoTime() - t0 < 1000 * MS);
    }

    @Test
    void aPollFromAnotherThreadLeavesTheWakeupToTheWaiter() throws Exception {
        poller.wakeup();
        try (EventBuffer other = new EventBuffer(8)) {
            for (int i = 0; i < 3; i++) {
                CompletableFuture<Integer> n = new CompletableFuture<>();
                Thread.ofPlatform().start(() -> {
                    try {
                        n.complete(poller.pollFromOtherThread(other));
                    } catch (Throwable e) {
                        n.completeExceptionally(e);
                    }
                }).join();
                assertEquals(0, n.get(), "the wake-up is not an event");
            }
        }
        long t0 = System.nanoTime();
        assertEquals(0, poller.poll(buf, 5000 * MS));
        assertTrue(System.nanoTime() - t0 < 1000 * MS, "another thread's poll consumed the waiter's wake-up");
    }

    @Test
    void aPollFromAnotherThreadDuringABlockingPollLeavesItsWakeup() throws Exception {
        try (EventBuffer other = new EventBuffer(8)) {
            for (int round = 0; round < 100; round++) {
                CountDownLatch started = new CountDownLatch(1);
                CompletableFuture<long[]> poll = pollAsync(-1, started);
                started.await();
                awaitCallsInFlight(1);
                poller.wakeup();
                for (int i = 0; i < 3; i++) poller.pollFromOtherThread(other);   // races the waiter for the eventfd
                assertEquals(0, poll.get(5, TimeUnit.SECONDS)[0], "round " + round);
            }
        }
    }

    @Test
    void manyWakeupsCoalesceIntoOne() throws Exception {
        List<Thread> wakers = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            wakers.add(Thread.ofPlatform().start(() -> {
                for (int i = 0; i < 10_000; i++) {
                    poller.wakeup();
                }
            }));
        }
        for (Thread t : wakers) {
            t.join();
        }
        long t0 = System.nanoTime();
        assertEquals(0, poller.poll(buf, 5000 * MS));
        assertTrue(System.nanoTime() - t0 < 1000 * MS, "the pending wake-up was lost");
        // Consumed by that one poll: the next ones wait out their timeout.
        for (int i = 0; i < 2; i++) {
            long t1 = System.nanoTime();
            assertEquals(0, poller.poll(buf, 50 * MS));
            assertTrue(System.nanoTime() - t1 >= 45 * MS, "a second wake-up was pending");
        }
    }

    @Test
    void wakeupAfterAWakeIsNotLost() throws Exception {
        for (int round = 0; round < 200; round++) {
            CountDownLatch started = new CountDownLatch(1);
            CompletableFuture<long[]> poll = pollAsync(-1, started);
            started.await();
            poller.wakeup();
            assertEquals(0, poll.get(5, TimeUnit.SECONDS)[0], "round " + round);
        }
    }

    @Test
    void pollZeroReturnsAtOnce() throws IOException {
        long t0 = System.nanoTime();
        for (int i = 0; i < 1000; i++) {
            assertEquals(0, poller.poll(buf, 0));
        }
        assertTrue(System.nanoTime() - t0 < 1000 * MS, "1000 non-blocking polls took over a second");
    }

    @Test
    void timedPollWaitsAboutTheTimeout() throws IOException {
        assertTimedPoll();
    }

    @Test
    void timedPollWithoutEpollPwait2RoundsUpToMilliseconds() throws IOException {
        EpollPoller.usePwait2(false);
        try {
            assertTimedPoll();
            long t0 = System.nanoTime();
            assertEquals(0, poller.poll(buf, 1000)); // 1 µs: one whole millisecond, not a busy 0
            assertTrue(System.nanoTime() - t0 >= 900_000, "sub-millisecond timeout became 0");
        } finally {
            EpollPoller.usePwait2(true);
        }
    }

    private void assertTimedPoll() throws IOException {
        long t0 = System.nanoTime();
        assertEquals(0, poller.poll(buf, 50 * MS));
        long elapsed = System.nanoTime() - t0;
        assertTrue(elapsed >= 45 * MS && elapsed < 2000 * MS, "poll(50 ms) took " + elapsed + " ns");
    }

    @Test
    void closeEndsABlockingPollAndIsIdempotent() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CompletableFuture<long[]> poll = pollAsync(-1, started);
        started.await();
        awaitCallsInFlight(1);
        poller.close();
        assertEquals(0, poll.get(5, TimeUnit.SECONDS)[0]);
        poller.close();
        assertTrue(poller.isClosed());
    }

    @Test
    void closeEndsEveryBlockedPoll() throws Exception {
        List<CompletableFuture<Integer>> polls = new ArrayList<>();
        CountDownLatch started = new CountDownLatch(3);
        for (int t = 0; t < 3; t++) {
            CompletableFuture<Integer> result = new CompletableFuture<>();
            polls.add(result);
            Thread.ofPlatform().daemon().start(() -> {
                try (EventBuffer own = new EventBuffer(4)) {
                    started.countDown();
                    result.complete(poller.poll(own, -1));
                } catch (Throwable e) {
                    result.completeExceptionally(e);
                }
            });
        }
        started.await();
        awaitCallsInFlight(3);
        poller.close();
        for (CompletableFuture<Integer> poll : polls) {
            assertEquals(0, poll.get(5, TimeUnit.SECONDS));
        }
    }

    @Test
    void closedPollerRejectsCallsButNotWakeup() throws IOException {
        poller.close();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> poller.poll(buf, 0));
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> poller.register(0, 1));
        assertThrows(IllegalStateException.class, () -> poller.deregister(0));
        poller.wakeup();
    }

    @Test
    void rejectsBadTimeouts() {
        assertThrows(IllegalArgumentException.class, () -> poller.poll(buf, -2));
    }
}
