package io.vtloop.binding;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Probing, setup flags, and the refusal path through a real seccomp filter. */
class IoUringSupportTest {

    private static final int EPERM = 1;
    private static final int ENOSYS = 38;

    @Test
    void probeAgreesWithIsSupported() {
        assumeTrue(IoUring.isSupported(), () -> "io_uring unavailable here: " + IoUring.unsupportedReason());
        assertNull(IoUring.unsupportedReason());
        assertEquals(0, IoUring.probe());
    }

    @Test
    void probingLeavesTheCallingThreadsBlockingCallsAlone() throws IOException {
        assumeTrue(IoUring.isSupported(), () -> "io_uring unavailable here: " + IoUring.unsupportedReason());
        // A ring's teardown interrupts its creator's blocking call ~15-20 ms later (EINTR);
        // probe() creates its ring on a thread of its own, so this poll runs its full time.
        try (EpollPoller poller = EpollPoller.open(); EventBuffer events = new EventBuffer(1)) {
            for (int round = 0; round < 3; round++) {
                assertEquals(0, IoUring.probe());
                long t0 = System.nanoTime();
                assertEquals(0, poller.poll(events, 100_000_000L));
                long elapsed = System.nanoTime() - t0;
                assertTrue(elapsed >= 90_000_000L, "round " + round + ": poll(100 ms) ended after " + elapsed + " ns");
            }
        }
    }

    @Test
    void reportsTheSetupFlagsTheKernelAccepted() throws IOException {
        assumeTrue(IoUring.isSupported(), () -> "io_uring unavailable here: " + IoUring.unsupportedReason());
        try (IoUring ring = IoUring.open(100, 1000)) {
            int flags = ring.setupFlags();
            System.out.println("io_uring setup flags: " + IoUring.setupFlagsToString(flags) + ", " + ring);
            boolean defer = (flags & IoUring.SETUP_DEFER_TASKRUN) != 0;
            boolean coop = (flags & IoUring.SETUP_COOP_TASKRUN) != 0;
            assertTrue(!(defer && coop), IoUring.setupFlagsToString(flags));
            if (defer) {
                assertTrue((flags & IoUring.SETUP_SINGLE_ISSUER) != 0 && (flags & IoUring.SETUP_R_DISABLED) != 0,
                        IoUring.setupFlagsToString(flags));
            }
            if (kernelAtLeast(6, 1)) {
                assertTrue(defer, "Linux >= 6.1 accepts DEFER_TASKRUN: " + IoUring.setupFlagsToString(flags));
            }
            assertEquals(128, ring.submissionQueueSize(), "rounded up to a power of two");
            assertEquals(1024, ring.completionQueueSize());
            assertTrue(IoUring.setupFlagsToString(flags).endsWith("CQSIZE|CLAMP"), IoUring.setupFlagsToString(flags));
        }
    }

    @Test
    void rejectsBadSizes() {
        assertThrows(IllegalArgumentException.class, () -> IoUring.open(0));
        assertThrows(IllegalArgumentException.class, () -> IoUring.open(65536));
        assertThrows(IllegalArgumentException.class, () -> IoUring.open(8, -1));
    }

    @Test
    void aSeccompRefusalIsReportedNotThrown() throws Exception {
        assumeTrue(IoUring.isSupported(), () -> "io_uring unavailable here: " + IoUring.unsupportedReason());
        for (int errno : new int[] {EPERM, ENOSYS}) {
            String[] seen = onDeniedThread(errno);
            String name = errno == EPERM ? "EPERM" : "ENOSYS";
            assertEquals("-" + errno, seen[0], "probe result");
            assertTrue(seen[1].startsWith("java.io.IOException: io_uring_setup: " + name + " ("), seen[1]);
            assertEquals("io_uring_setup: " + name + (errno == EPERM
                    ? " (kernel.io_uring_disabled or a seccomp filter)"
                    : " (no io_uring in this kernel, or a seccomp filter)"), IoUring.refusal(-errno));
        }
        // The filter stayed on those threads: this one still opens rings.
        try (IoUring ring = IoUring.open(4)) {
            assertTrue(ring.toString().startsWith("IoUring["), ring.toString());
        }
    }

    /** On a new thread that a seccomp filter denies io_uring_setup: {probe(), open's failure}. */
    private static String[] onDeniedThread(int errno) throws Exception {
        CompletableFuture<String[]> result = new CompletableFuture<>();
        Thread.ofPlatform().daemon().start(() -> {
            try {
                IoUring.denySetupOnThisThread(errno);
                String probe = Integer.toString(IoUring.probe());
                String open;
                try (IoUring ring = IoUring.open(4)) {
                    open = "opened " + ring;
                } catch (IOException e) {
                    open = e.toString();
                }
                result.complete(new String[] {probe, open});
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        });
        return result.get(10, TimeUnit.SECONDS);
    }

    static boolean kernelAtLeast(int major, int minor) {
        String[] v = System.getProperty("os.version", "0.0").split("[.-]");
        int ma = Integer.parseInt(v[0]);
        int mi = v.length > 1 ? Integer.parseInt(v[1]) : 0;
        return ma > major || (ma == major && mi >= minor);
    }
}
