package io.vtloop.binding;

import static io.vtloop.binding.UringTestSupport.MS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Wake-ups, timeouts, owner threads and closing. Timing assertions are deliberately loose. */
class IoUringWakeupTest {

    private IoUring ring;
    private CompletionBuffer buf;

    @BeforeEach
    void open() throws IOException {
        assumeTrue(IoUring.isSupported(), () -> "io_uring unavailable here: " + IoUring.unsupportedReason());
        ring = IoUring.open(32);
        buf = new CompletionBuffer(8);
    }

    @AfterEach
    void close() throws IOException {
        if (ring != null) {
            try {
                ring.close(); // also frees a wait a failed test left blocked
            } finally {
                buf.close();
            }
        }
    }

    /** Runs {@code submitAndWait(buf, timeout)} on a new platform thread: {count, elapsed nanos}. */
    private CompletableFuture<long[]> waitAsync(long timeoutNanos) {
        CompletableFuture<long[]> result = new CompletableFuture<>();
        Thread.ofPlatform().daemon().start(() -> {
            try {
                long t0 = System.nanoTime();
                int n = ring.submitAndWait(buf, timeoutNanos);
                result.complete(new long[] {n, System.nanoTime() - t0});
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        });
        return result;
    }

    private void awaitCallsInFlight(int n) throws InterruptedException {
        long deadline = System.nanoTime() + 5000 * MS;
        while (ring.callsInFlight() < n && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        assertEquals(n, ring.callsInFlight(), "wait not under way");
    }

    @Test
    void wakeupFromAnotherThreadEndsABlockingWait() throws Exception {
        CompletableFuture<long[]> wait = waitAsync(-1);
        awaitCallsInFlight(1);
        Thread.sleep(100);
        assertFalse(wait.isDone(), "submitAndWait(-1) returned without a wakeup");
        long t0 = System.nanoTime();
        ring.wakeup();
        long[] r = wait.get(5, TimeUnit.SECONDS);
        assertEquals(0, r[0], "the wake-up read must not be reported");
        assertTrue(r[1] >= 90 * MS, "the wait did not block: " + r[1] + " ns");
        assertTrue(System.nanoTime() - t0 < 1000 * MS, "the wake-up took over a second");
    }

    @Test
    void wakeupBeforeAWaitMakesItReturn() throws IOException {
        ring.wakeup();
        long t0 = System.nanoTime();
        assertEquals(0, ring.submitAndWait(buf, 5000 * MS));
        assertTrue(System.nanoTime() - t0 < 1000 * MS);
    }

    @Test
    void aPollFromAnotherThreadLeavesTheWakeupToTheWaiter() throws Exception {
        try (IoUring shared = IoUring.openShared(8, 0); CompletionBuffer mine = new CompletionBuffer(8);
             CompletionBuffer other = new CompletionBuffer(8)) {
            assertEquals(0, shared.submitAndWait(mine, 0));   // arms the wake-up read
            shared.wakeup();
            for (int i = 0; i < 5; i++) {                      // the read's completion is posted by now, and reaped
                CompletableFuture<Integer> n = new CompletableFuture<>();
                Thread.ofPlatform().start(() -> {
                    try {
                        n.complete(shared.submitAndPollFromOtherThread(other));
                    } catch (Throwable e) {
                        n.completeExceptionally(e);
                    }
                }).join();
                assertEquals(0, n.get(), "the wake-up is not a completion");
                Thread.sleep(10);
            }
            long t0 = System.nanoTime();
            assertEquals(0, shared.submitAndWait(mine, 5000 * MS));
            assertTrue(System.nanoTime() - t0 < 1000 * MS, "another thread's poll consumed the waiter's wake-up");
        }
    }

    @Test
    void manyWakeupsCoalesceIntoOne() throws Exception {
        ring.submit(); // this thread owns the ring; the wake-up read is armed
        List<Thread> wakers = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            wakers.add(Thread.ofPlatform().start(() -> {
                for (int i = 0; i < 10_000; i++) {
                    ring.wakeup();
                }
            }));
        }
        for (Thread t : wakers) {
            t.join();
        }
        long t0 = System.nanoTime();
        assertEquals(0, ring.submitAndWait(buf, 5000 * MS));
        assertTrue(System.nanoTime() - t0 < 1000 * MS, "the pending wake-up was lost");
        // Consumed by that one wait (the read took the eventfd's whole count): the next ones time out.
        for (int i = 0; i < 2; i++) {
            long t1 = System.nanoTime();
            assertEquals(0, ring.submitAndWait(buf, 50 * MS));
            assertTrue(System.nanoTime() - t1 >= 45 * MS, "a second wake-up was pending");
        }
    }

    @Test
    void wakeupAfterAWakeIsNotLost() throws Exception {
        // One owner thread waits 200 times; each round another thread wakes it.
        CompletableFuture<Void> owner = new CompletableFuture<>();
        java.util.concurrent.SynchronousQueue<Integer> rounds = new java.util.concurrent.SynchronousQueue<>();
        Thread.ofPlatform().daemon().start(() -> {
            try {
                for (int round = 0; round < 200; round++) {
                    rounds.put(round);
                    assertEquals(0, ring.submitAndWait(buf, 5000 * MS), "round " + round);
                }
                owner.complete(null);
            } catch (Throwable e) {
                owner.completeExceptionally(e);
            }
        });
        for (int round = 0; round < 200; round++) {
            Integer r = rounds.poll(5, TimeUnit.SECONDS);
            assertEquals(round, r);
            ring.wakeup();
        }
        owner.get(30, TimeUnit.SECONDS);
    }

    @Test
    void timedWaitWaitsAboutTheTimeout() throws IOException {
        ring.submit();
        for (long timeout : new long[] {50 * MS, 1000}) { // 50 ms, and 1 µs with ns resolution
            long t0 = System.nanoTime();
            assertEquals(0, ring.submitAndWait(buf, timeout));
            long elapsed = System.nanoTime() - t0;
            assertTrue(elapsed >= timeout * 9 / 10 && elapsed < 2000 * MS, "wait(" + timeout + " ns) took " + elapsed);
        }
    }

    @Test
    void nonBlockingWaitReturnsAtOnce() throws IOException {
        ring.submit();
        long t0 = System.nanoTime();
        for (int i = 0; i < 1000; i++) {
            assertEquals(0, ring.submitAndWait(buf, 0));
            assertEquals(0, ring.peek(buf));
        }
        assertTrue(System.nanoTime() - t0 < 1000 * MS, "1000 non-blocking waits took over a second");
    }

    @Test
    void theFirstSubmitterOwnsTheRing() throws Exception {
        assumeTrue((ring.setupFlags() & IoUring.SETUP_DEFER_TASKRUN) != 0,
                "only DEFER_TASKRUN rings refuse other threads' waits; this one: " + IoUring.setupFlagsToString(ring.setupFlags()));
        // Opened on this thread, but another thread submits first: it becomes the owner.
        CompletableFuture<long[]> owner = waitAsync(20 * MS);
        assertEquals(0, owner.get(5, TimeUnit.SECONDS)[0]);
        IOException e = assertThrows(IOException.class, () -> ring.submitAndWait(buf, 20 * MS));
        assertTrue(e.getMessage().contains("EEXIST"), e.getMessage());
    }

    @Test
    void closeEndsAWaitInProgressAndIsIdempotent() throws Exception {
        CompletableFuture<long[]> wait = waitAsync(-1);
        awaitCallsInFlight(1);
        Thread.sleep(20);
        ring.close();
        assertEquals(0, wait.get(5, TimeUnit.SECONDS)[0]);
        assertEquals(0, ring.callsInFlight());
        ring.close();
        assertTrue(ring.isClosed());
    }

    @Test
    void closedRingRejectsCallsButNotWakeup() throws IOException {
        ring.close();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> ring.submitAndWait(buf, 0));
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> ring.prepPollAdd(0, Events.IN, true, 1));
        assertThrows(IllegalStateException.class, () -> ring.peek(buf));
        assertThrows(IllegalStateException.class, ring::submit);
        ring.wakeup();
    }

    @Test
    void aFullSubmissionQueueIsSubmittedBeforeTheNextPrep() throws IOException {
        int slots = ring.submissionQueueSize();
        try (var pipe = new TestPipe()) {
            // One more poll than fits: the prep of the last one submits the queue first.
            for (int i = 0; i < slots + 1; i++) {
                ring.prepPollAdd(pipe.readFd, Events.IN, false, 100 + i);
            }
            assertEquals(slots + 1, ring.inFlight());
            pipe.write();
            List<UringTestSupport.Cqe> cqes = UringTestSupport.await(ring, buf, slots + 1);
            assertEquals(slots + 1, cqes.stream().filter(c -> c.res() == Events.IN).count(), cqes.toString());
            assertEquals(0, ring.inFlight());
        }
    }

    /** A JDK pipe and its fds. */
    private static final class TestPipe implements AutoCloseable {
        final java.nio.channels.Pipe pipe = java.nio.channels.Pipe.open();
        final int readFd = TestFds.fd(pipe.source());

        TestPipe() throws IOException {}

        void write() throws IOException {
            pipe.sink().write(java.nio.ByteBuffer.wrap(new byte[] {1}));
        }

        @Override
        public void close() throws IOException {
            pipe.source().close();
            pipe.sink().close();
        }
    }
}
