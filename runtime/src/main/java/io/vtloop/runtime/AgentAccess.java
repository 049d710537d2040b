package io.vtloop.runtime;

import io.vtloop.VtloopScheduler;

import java.io.IOException;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;
import java.util.function.IntPredicate;

/**
 * The one door from the agent's hooks into the runtime (the JDK's {@code SharedSecrets}
 * pattern): the scheduler the agent installed, held in this class only, and every operation
 * patched JDK code needs, as static methods that take plain values (fd numbers, directions,
 * nanoseconds). The runtime knows nothing of the JDK's patch points; the agent translates
 * (file descriptors, {@code Net.POLLIN}, {@code IOStatus}) before it calls in.
 *
 * <p>Internal: not an API. Every method but {@link #installed} may be called only after
 * {@link #install}, that is from code the agent patched after installing.
 */
public final class AgentAccess {
    private AgentAccess() { }

    private static volatile CarrierScheduler installed;

    /** The scheduler the agent installed, or null. */
    public static VtloopScheduler installed() { return installed; }

    /**
     * Makes {@code s} the JVM's scheduler for the hooks; called by the agent once, right
     * before it applies its patches ({@code null}: the patches failed, nothing is installed).
     * {@code skippable} is checked once per fd registration: false never skips that fd's I/O.
     */
    public static void install(CarrierScheduler s, IntPredicate skippable) {
        if (s != null) s.readiness.skipPolicy(skippable);
        installed = s;
    }

    /** The summary line of the installed scheduler's counters. */
    public static String summary() { return installed.summary(); }

    // -- java.lang.VirtualThread --

    /**
     * The scheduler of a new virtual thread: the {@code requested} one if any; null from a
     * virtual parent (the JDK then inherits the parent's); the installed one from a platform thread.
     */
    public static Executor schedulerFor(Executor requested) {
        if (requested != null || Thread.currentThread().isVirtual()) return requested;
        return installed;
    }

    /** The current virtual thread is about to {@code Thread.yield}: it queues behind outside work, as on the JDK. */
    public static void yielding() { installed.yielding(); }

    /** True when the current thread runs on one of the installed scheduler's carriers and tasks are queued there. */
    public static boolean hasQueuedWork() { return installed.hasQueuedWork(); }

    /** A park timeout on the current carrier's timers, or null off the carriers (the JDK's timers then). */
    public static Future<?> schedule(Runnable task, long delayNanos) {
        return installed.schedule(task, delayNanos);
    }

    // -- jdk.internal.misc.Blocker --

    /** The current virtual thread will block its carrier's OS thread: lend the carrier. True if handled. */
    public static boolean beginBlocking() { return installed.beginBlocking(); }

    /**
     * The current virtual thread parks while pinned ({@code VirtualThread.parkOnCarrierThread}):
     * its carrier's OS thread will block, so the carrier is lent like for a blocking call.
     */
    public static void pinnedPark() { installed.beginBlocking(); }

    /** True when the current thread is one of the installed scheduler's threads or runs on one. */
    public static boolean onCarrier() { return installed.onCarrier(); }

    // -- sun.nio.ch.Poller --

    /** Parks the current thread until {@code fd} is ready for {@code dir} ({@link FdState#READ} or WRITE). */
    public static void park(int fd, int dir, long nanos, BooleanSupplier isOpen) throws IOException {
        installed.park(fd, dir, nanos, isOpen);
    }

    /** Wakes a thread parked on {@code fd} for {@code dir}. */
    public static void stopPoll(int fd, int dir) { installed.readiness.stopPoll(fd, dir); }

    /** {@code fd} is about to be closed: forget its registration. */
    public static void forget(int fd) { installed.readiness.forget(fd); }

    /** A channel on {@code fd} was configured non-blocking: never skip its I/O. */
    public static void nonBlocking(int fd) { installed.readiness.nonBlocking(fd); }

    // -- sun.nio.ch.SocketDispatcher: one lookup per I/O attempt --

    /** The readiness of {@code fd} for an I/O attempt by a virtual thread in blocking mode, or null (not registered). */
    public static FdState ioState(int fd) { return installed.readiness.state(fd); }

    /**
     * Before the attempt: {@link FdState#SKIP} when it would only get EAGAIN (see
     * {@link FdState}'s rule), else a snapshot for {@link #notReady}.
     */
    public static int beginIo(FdState s, int dir) {
        int snapshot = s.beginIo(dir);
        if (snapshot == FdState.SKIP) installed.countSkippedSyscall();
        return snapshot;
    }

    /**
     * After an attempt that reached the kernel: {@code unavailable} (EAGAIN), {@code notReady}
     * (EAGAIN or a short transfer) recorded, and the attempt counted for the skip guess.
     */
    public static void afterIo(FdState s, int dir, int snapshot, boolean unavailable, boolean notReady) {
        s.endIo(dir, snapshot, unavailable, notReady);
    }

    // -- io_uring: java.net.Socket reads completed on the ring (UringBackend) --

    /**
     * Copies the bytes of a read that completed on the ring into {@code address} (at most
     * {@code len}) and returns their count, 0 for EOF or {@code -errno}; {@link Integer#MIN_VALUE}
     * when no completed read waits (the caller tries the syscall). The reader's thread only.
     */
    public static int deliverCompletedRead(FdState s, long address, int len) {
        RingOp op = s.readResult();
        if (op == null) return Integer.MIN_VALUE;
        int n = op.deliver(address, len);
        // a short read, as after read(2), or a full one where reads wait: the next one may skip to its park's recv
        if (n > 0 && (n < len || s.predictsWait())) s.endIoNotReady(FdState.READ, s.state(FdState.READ));
        return n;
    }

    /** The read returning UNAVAILABLE asks the park that follows for a recv of {@code len} bytes (0: none). */
    public static void askRecv(FdState s, int len) { s.askRecv(len); }

    /**
     * A {@code java.net.Socket} read on io_uring reached the kernel and returned {@code n}:
     * UNAVAILABLE asks the park that follows for a recv of {@code len} bytes; either result
     * teaches whether this socket's reads wait ({@link FdState#predictsWait}).
     */
    public static void ringReadReachedKernel(FdState s, boolean unavailable, int len) {
        s.askRecv(unavailable ? len : 0);
        s.readReachedKernel(unavailable);
    }

    /** Keeps the snapshot of {@link #beginIo} for a read across the syscall (the reader's thread only). */
    public static void readSnapshot(FdState s, int snapshot) { s.readSnapshot(snapshot); }

    /** The snapshot {@link #readSnapshot(FdState, int)} kept. */
    public static int readSnapshot(FdState s) { return s.readSnapshot(); }
}
