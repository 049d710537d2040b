package io.vtloop.binding;

import io.vtloop.Vtloop;

/**
 * A JVM where io_uring_setup is refused (a seccomp filter, as in a container), installed on
 * the main thread before anything probes io_uring, so every thread started later (the probe's)
 * inherits it. Starts a one-carrier scheduler with {@code vtloop.backend} as given and prints
 * the backend it got.
 */
public final class DeniedIoUringMain {
    public static void main(String[] args) throws Exception {
        IoUring.denySetupOnThisThread(1);   // EPERM
        try (var s = Vtloop.newScheduler(1)) {
            System.out.println("backend=" + s.backend());
        }
    }
}
