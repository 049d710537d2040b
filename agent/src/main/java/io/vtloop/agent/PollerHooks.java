package io.vtloop.agent;

import io.vtloop.runtime.CarrierScheduler;
import io.vtloop.runtime.FdState;
import jdk.internal.access.JavaIOFileDescriptorAccess;
import jdk.internal.access.SharedSecrets;
import sun.nio.ch.Net;

import java.io.FileDescriptor;
import java.io.IOException;
import java.util.function.BooleanSupplier;

/**
 * The bodies of the patched {@code sun.nio.ch.Poller} entry points and the close-path
 * hooks. Each method has the shape of the JDK method it replaces (see {@link JdkPatches}).
 * Public because the callers live in {@code java.base}; not an API.
 */
public final class PollerHooks {
    private PollerHooks() { }

    private static final JavaIOFileDescriptorAccess FDA = SharedSecrets.getJavaIOFileDescriptorAccess();
    private static final int POLLIN = Net.POLLIN, POLLOUT = Net.POLLOUT;
    private static CarrierScheduler scheduler;   // set once, before the patches apply

    static void install(CarrierScheduler s) { scheduler = s; }

    private static int direction(int event) {
        if (event == POLLIN) return FdState.READ;
        if (event == POLLOUT) return FdState.WRITE;
        throw new IllegalArgumentException("event " + event);
    }

    /**
     * {@code Poller.poll(fdVal, event, nanos, isOpen)}: parks the current virtual thread until
     * the fd is ready for {@code event} ({@code Net.POLLIN} or {@code Net.POLLOUT}), for up
     * to {@code nanos} (0: no timeout), or until a stopPoll. May return early; callers retry.
     */
    public static void poll(int fdVal, int event, long nanos, BooleanSupplier isOpen) throws IOException {
        scheduler.park(fdVal, direction(event), nanos, isOpen);
    }

    /** {@code Poller.pollSelector(fdVal, nanos)}: parks until the Selector's epoll fd is readable. */
    public static void pollSelector(int fdVal, long nanos) throws IOException {
        scheduler.park(fdVal, FdState.READ, nanos, null);
    }

    /** {@code Poller.stopPoll(fdVal, event)}: wakes a thread parked on the fd for {@code event}. */
    public static void stopPoll(int fdVal, int event) {
        scheduler.stopPoll(fdVal, direction(event));
    }

    /** {@code Poller.stopPoll(fdVal)}: wakes any thread parked on the fd. */
    public static void stopPoll(int fdVal) {
        scheduler.stopPoll(fdVal, FdState.READ);
        scheduler.stopPoll(fdVal, FdState.WRITE);
    }

    // -- SocketDispatcher.read/write: skip the syscall that would fail with EAGAIN --

    /** {@link #beforeIo} result: skip the syscall, return {@code IOStatus.UNAVAILABLE}. */
    public static final long SKIP = -1L;
    /** {@link #beforeIo} result: the fd is not tracked; do the syscall and record nothing. */
    public static final long UNTRACKED = Long.MIN_VALUE;

    /**
     * Before {@code SocketDispatcher.read} ({@code dir} = READ) or {@code write}: returns
     * {@link #SKIP} when a virtual thread would only get EAGAIN (the fd was found not ready and
     * no edge came since), else a token for {@link #afterIo}.
     */
    public static long beforeIo(FileDescriptor fd, int dir) {
        if (!Thread.currentThread().isVirtual()) return UNTRACKED;
        int fdVal = FDA.get(fd);
        FdState s = scheduler.stateOf(fdVal);
        if (s == null) return UNTRACKED;
        int snapshot = s.beginIo(dir);
        if (snapshot == -1) {
            scheduler.countSkippedSyscall();
            return SKIP;
        }
        return ((long) fdVal << 32) | (snapshot & 0xFFFFFFFFL);
    }

    /**
     * After the read/write syscall returned {@code n} for a request of {@code len} bytes:
     * EAGAIN ({@code IOStatus.UNAVAILABLE}) or a short transfer means the fd is now not ready,
     * which {@link FdState#endIoNotReady} records unless an edge came meanwhile. Returns n.
     */
    public static int afterIo(long token, int dir, int n, int len) {
        if (token != UNTRACKED && (n == UNAVAILABLE || (n >= 0 && n < len))) {
            FdState s = scheduler.stateOf((int) (token >>> 32));
            if (s != null) s.endIoNotReady(dir, (int) token);
        }
        return n;
    }

    private static final int UNAVAILABLE = -2;   // sun.nio.ch.IOStatus.UNAVAILABLE

    /** First statement of {@code UnixDispatcher.close(fd)}: forget the fd before its number is reused. */
    public static void beforeClose(FileDescriptor fd) {
        beforeClose(FDA.get(fd));
    }

    /** First statement of {@code EPollSelectorImpl.implClose()}: forget the Selector's epoll fd. */
    public static void beforeClose(int fdVal) {
        if (fdVal >= 0) scheduler.forget(fdVal);
    }
}
