package io.vtloop.binding;

import static io.vtloop.binding.TestFds.fd;
import static io.vtloop.binding.UringTestSupport.MS;
import static io.vtloop.binding.UringTestSupport.await;
import static io.vtloop.binding.UringTestSupport.only;
import static io.vtloop.binding.UringTestSupport.waitOnce;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vtloop.binding.TestFds.Pair;
import io.vtloop.binding.UringTestSupport.Cqe;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * A shared ring ({@link IoUring#openShared}), as a carrier's: driven by one thread, then
 * another (a spare serving the carrier), each submitting requests whose completions the other
 * reaps; a submitter that sleeps elsewhere or has ended must not hold its completions back.
 */
class IoUringSharedTest {

    @Test
    void hasNoSingleIssuerNorDeferredTaskRunButCooperativeTaskRunWhereEveryCpuKeepsItsTick() throws IOException {
        assumeTrue(IoUring.isSupported(), () -> "io_uring unavailable here: " + IoUring.unsupportedReason());
        try (IoUring ring = IoUring.openShared(8, 0)) {
            int f = ring.setupFlags();
            assertEquals(0, f & (IoUring.SETUP_SINGLE_ISSUER | IoUring.SETUP_DEFER_TASKRUN), IoUring.setupFlagsToString(f));
            int coop = IoUring.SETUP_COOP_TASKRUN | IoUring.SETUP_TASKRUN_FLAG;
            if (tickMayStop()) {
                assertEquals(0, f & coop, "a nohz_full CPU gets no tick to post completions: " + IoUring.setupFlagsToString(f));
            } else if (IoUringSupportTest.kernelAtLeast(5, 19)) {
                assertEquals(coop, f & coop, "Linux >= 5.19 accepts COOP_TASKRUN|TASKRUN_FLAG: " + IoUring.setupFlagsToString(f));
            }
        }
    }

    /** Whether some CPU is nohz_full (the list in that file starts with a digit; "(null)" or no file: none). */
    private static boolean tickMayStop() throws IOException {
        java.nio.file.Path p = java.nio.file.Path.of("/sys/devices/system/cpu/nohz_full");
        return java.nio.file.Files.exists(p) && java.nio.file.Files.readString(p).matches("(?s)[0-9].*");
    }

    /** What the submitter does after its submit. */
    private enum Then { PARK, COMPUTE, END }

    /** Set by the test to end a computing submitter. */
    private static volatile boolean stopComputing;

    /** Submitter thread A: prepares and submits a recv, then parks, computes (no system call) or ends. */
    private static void submitFromAnotherThread(IoUring ring, int fd, MemorySegment mem, Then then,
                                                CountDownLatch release) throws Exception {
        var failure = new AtomicReference<Throwable>();
        var submitted = new CountDownLatch(1);
        Thread a = Thread.ofPlatform().name("submitter").start(() -> {
            try {
                ring.prepRecv(fd, mem, 0, 7);
                ring.submit();
            } catch (Throwable e) {
                failure.set(e);
            }
            submitted.countDown();
            if (then == Then.PARK) {
                try {
                    release.await();
                } catch (InterruptedException ignore) { }
            } else if (then == Then.COMPUTE) {
                long x = 1;
                while (!stopComputing) x = x * 31 + 7;      // user space only: no system call to run completion work on
                if (x == 42) System.out.println(x);
            }
        });
        assertTrue(submitted.await(5, TimeUnit.SECONDS));
        if (failure.get() != null) throw new AssertionError(failure.get());
        if (then == Then.END) a.join();
    }

    private void completesOnTheReaper(Then then, int expected) throws Exception {
        assumeTrue(IoUring.isSupported(), () -> "io_uring unavailable here: " + IoUring.unsupportedReason());
        var release = new CountDownLatch(1);
        try (IoUring ring = IoUring.openShared(8, 0); var buf = new CompletionBuffer(8);
             Pair pair = Pair.open(); Arena arena = Arena.ofShared()) {
            MemorySegment mem = arena.allocate(16);
            assertEquals(List.of(), waitOnce(ring, buf, 0), "this thread enters first: it is the one close drains on");
            stopComputing = false;
            submitFromAnotherThread(ring, fd(pair.server()), mem, then, release);
            assertEquals(List.of(), waitOnce(ring, buf, 20 * MS), "no data yet");
            pair.client().write(ByteBuffer.wrap(new byte[] {1, 2, 3}));
            Cqe c = only(await(ring, buf, 1), 7);
            assertEquals(expected, c.res(), c.toString());
            if (expected == 3) assertEquals(3, mem.get(java.lang.foreign.ValueLayout.JAVA_BYTE, 2));
            else assertEquals(3, pair.server().read(ByteBuffer.allocate(8)), "a cancelled recv took nothing");
        } finally {
            release.countDown();
            stopComputing = true;
        }
    }

    @Test
    void aRecvSubmittedByAThreadThatThenParksCompletesForTheThreadThatWaits() throws Exception {
        completesOnTheReaper(Then.PARK, 3);
    }

    /**
     * A carrier whose task computes for seconds: under COOP_TASKRUN its requests complete at
     * its next return to user mode, the scheduler tick at the latest, not at its next system
     * call; the thread that waits (the Monitor, for a stuck carrier) reaps them meanwhile.
     */
    @Test
    void aRecvSubmittedByAThreadThatThenComputesCompletesForTheThreadThatWaits() throws Exception {
        completesOnTheReaper(Then.COMPUTE, 3);
    }

    /**
     * The kernel cancels a thread's requests when it ends (ECANCELED, nothing consumed): the
     * runtime treats a completion it did not ask to cancel as a spurious wake-up (a retiring
     * spare's polls and recvs end so).
     */
    @Test
    void aRecvSubmittedByAThreadThatHasEndedIsCancelledAndTakesNothing() throws Exception {
        completesOnTheReaper(Then.END, -IoUring.ECANCELED);
    }

    @Test
    void errnoMessageIsTheCLibrarysText() {
        assumeTrue(NativeLibrary.isAvailable());
        assertEquals("Connection timed out", IoUring.errnoMessage(110));
        assertEquals("Connection reset by peer", IoUring.errnoMessage(104));
    }
}
