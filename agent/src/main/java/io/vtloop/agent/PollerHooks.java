package io.vtloop.agent;

import io.vtloop.binding.IoUring;
import io.vtloop.runtime.AgentAccess;
import io.vtloop.runtime.FdState;
import jdk.internal.access.JavaIOFileDescriptorAccess;
import jdk.internal.access.SharedSecrets;
import sun.nio.ch.Net;
import sun.nio.ch.SelChImpl;

import java.io.FileDescriptor;
import java.io.IOException;
import java.util.function.BooleanSupplier;

/**
 * The bodies of the patched {@code sun.nio.ch.Poller} entry points, the read/write and close
 * hooks and the blocking-mode hook. Each method has the shape of the JDK method it replaces or
 * prefixes (see {@link JdkPatches}); each translates the JDK's values (file descriptors,
 * {@code Net.POLLIN}/{@code POLLOUT}, {@code IOStatus}) into the runtime's and calls
 * {@link AgentAccess}. Public because the callers live in {@code java.base}; not an API.
 */
public final class PollerHooks {
    private PollerHooks() { }

    private static final JavaIOFileDescriptorAccess FDA = SharedSecrets.getJavaIOFileDescriptorAccess();
    private static final int POLLIN = Net.POLLIN, POLLOUT = Net.POLLOUT;

    /** What {@link #beginIo} returns for "skip the syscall" ({@link FdState#SKIP}). */
    public static final int SKIP = FdState.SKIP;

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
        AgentAccess.park(fdVal, direction(event), nanos, isOpen);
    }

    /** {@code Poller.pollSelector(fdVal, nanos)}: parks until the Selector's epoll fd is readable. */
    public static void pollSelector(int fdVal, long nanos) throws IOException {
        AgentAccess.park(fdVal, FdState.READ, nanos, null);
    }

    /** {@code Poller.stopPoll(fdVal, event)}: wakes a thread parked on the fd for {@code event}. */
    public static void stopPoll(int fdVal, int event) {
        AgentAccess.stopPoll(fdVal, direction(event));
    }

    /** {@code Poller.stopPoll(fdVal)}: wakes any thread parked on the fd. */
    public static void stopPoll(int fdVal) {
        AgentAccess.stopPoll(fdVal, FdState.READ);
        AgentAccess.stopPoll(fdVal, FdState.WRITE);
    }

    // -- SocketDispatcher.read/write: skip the syscall that would fail with EAGAIN --

    /**
     * First call of the patched {@code SocketDispatcher.read/write}: the fd's readiness when a
     * virtual thread does I/O on a registered fd, else null (platform threads and unregistered
     * fds are not tracked: the JDK's body runs as it is). One table lookup per attempt; the
     * result travels in a local to {@link #beginIo} and {@link #afterIo}.
     */
    public static FdState ioState(FileDescriptor fd) {
        return Thread.currentThread().isVirtual() ? AgentAccess.ioState(FDA.get(fd)) : null;
    }

    /** What {@link #beginRead} returns for "do the syscall, then call {@link #afterRead}". */
    public static final int PROCEED = Integer.MIN_VALUE;

    /** {@code NioSocketImpl.nd} under io_uring: reads through it complete on the ring; null on epoll. */
    private static Object ringReadDispatcher;

    /** The installer, on io_uring: {@code java.net.Socket} reads that would park complete on the ring. */
    static void completeSocketReadsOnTheRing() throws ReflectiveOperationException {
        var nd = Class.forName("sun.nio.ch.NioSocketImpl").getDeclaredField("nd");
        nd.setAccessible(true);
        ringReadDispatcher = nd.get(null);
    }

    /**
     * Patched {@code SocketDispatcher.read}, before the syscall, on a tracked fd: returns the
     * result of a read completed on the ring, if one waits (the bytes are copied to
     * {@code address}); UNAVAILABLE when the fd is known not ready (skip); else {@link #PROCEED}.
     * A {@code java.net.Socket} read ({@code dispatcher} is {@code NioSocketImpl}'s) that returns
     * UNAVAILABLE on io_uring asks its park for a recv of {@code len} bytes, which the retry
     * after the park then finds here. Only {@code NioSocketImpl}'s reads qualify: each of its
     * read parks follows such a read at once, and nothing but this method reads its socket
     * (a channel's reads may be scattering, or non-blocking).
     */
    public static int beginRead(FdState s, Object dispatcher, long address, int len) throws IOException {
        boolean ring = dispatcher == ringReadDispatcher;   // false on epoll: the field is null
        if (ring) {
            int r = AgentAccess.deliverCompletedRead(s, address, len);
            if (r != Integer.MIN_VALUE) return readResult(r);
        }
        int snapshot = AgentAccess.beginIo(s, FdState.READ);
        if (snapshot == SKIP) {
            if (ring) AgentAccess.askRecv(s, len);
            return JdkContract.IOSTATUS_UNAVAILABLE;
        }
        AgentAccess.readSnapshot(s, snapshot);
        if (ring) AgentAccess.askRecv(s, 0);
        return PROCEED;
    }

    /** Patched {@code SocketDispatcher.read}, after {@code read0} returned {@code n}: as {@link #afterIo}. */
    public static int afterRead(FdState s, Object dispatcher, int n, int len) {
        if (dispatcher == ringReadDispatcher) AgentAccess.ringReadReachedKernel(s, n == JdkContract.IOSTATUS_UNAVAILABLE, len);
        return afterIo(s, AgentAccess.readSnapshot(s), FdState.READ, n, len);
    }

    /** A recv's result as {@code read0} returns or throws it (see the JDK's {@code SocketDispatcher.c}). */
    private static int readResult(int r) throws IOException {
        if (r > 0) return r;
        if (r == 0) return JdkContract.IOSTATUS_EOF;
        int errno = -r;
        if (errno == IoUring.EAGAIN) return JdkContract.IOSTATUS_UNAVAILABLE;
        if (errno == IoUring.EINTR) return JdkContract.IOSTATUS_INTERRUPTED;
        if (errno == IoUring.ECONNRESET || errno == IoUring.EPIPE) throw new sun.net.ConnectionResetException("Connection reset");
        throw new IOException(IoUring.errnoMessage(errno));
    }

    /** Before the syscall: {@link #SKIP} to skip it (return UNAVAILABLE), else a snapshot for {@link #afterIo}. */
    public static int beginIo(FdState s, int dir) {
        return AgentAccess.beginIo(s, dir);
    }

    /**
     * After the read/write syscall returned {@code n} for a request of {@code len} bytes:
     * EAGAIN ({@code IOStatus.UNAVAILABLE}) or a short transfer means the fd is now not ready,
     * which the runtime records unless an edge came meanwhile. Returns n.
     */
    public static int afterIo(FdState s, int snapshot, int dir, int n, int len) {
        boolean unavailable = n == JdkContract.IOSTATUS_UNAVAILABLE;
        AgentAccess.afterIo(s, dir, snapshot, unavailable, unavailable || (n >= 0 && n < len));
        return n;
    }

    // -- jcmd --

    /**
     * {@code JcmdVThreadCommands.printPollers()}, what {@code jcmd PID Thread.vthread_pollers}
     * prints: vtloop has no poller threads, each carrier polls its own epoll; the I/O counters.
     */
    public static byte[] printPollers() {
        String nl = System.lineSeparator();
        var s = AgentAccess.installed();
        StringBuilder sb = new StringBuilder("vtloop: no I/O poller threads; each of the ").append(s.carriers())
                .append(" carriers (vtloop-carrier-N) polls its own ").append(s.backend())
                .append(" between the virtual threads it runs").append(nl);
        var io = java.util.Set.of("polls", "events", "staleEvents", "sleeps", "parkedSleeps", "wakeups", "skippedSyscalls",
                "ringReads", "ringCancels");
        s.counters().forEach((k, v) -> {
            if (io.contains(k)) sb.append("  ").append(k).append('=').append(v).append(nl);
        });
        return sb.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    // -- blocking mode --

    /**
     * First statement of {@code AbstractSelectableChannel.configureBlocking(block)}: a channel
     * going non-blocking never has its I/O skipped again (its reads must reach the kernel, as a
     * selector loop expects).
     */
    public static void configureBlocking(Object channel, boolean block) {
        if (!block && channel instanceof SelChImpl ch) AgentAccess.nonBlocking(ch.getFDVal());
    }

    // -- close paths: nothing here may keep the close syscall from running --

    /** First statement of {@code UnixDispatcher.close(fd)}: forget the fd before its number is reused. */
    public static void beforeClose(FileDescriptor fd) {
        beforeClose(FDA.get(fd));
    }

    /** First statement of {@code EPollSelectorImpl.implClose()}: forget the Selector's epoll fd. */
    public static void beforeClose(int fdVal) {
        try {
            if (fdVal >= 0) AgentAccess.forget(fdVal);
        } catch (Throwable e) {   // a vtloop bug must not leak the fd: report, then let the close run
            closeFailed(fdVal, e);
        }
    }

    private static volatile boolean closeFailureReported;

    private static void closeFailed(int fdVal, Throwable e) {
        if (closeFailureReported) return;
        closeFailureReported = true;
        try {
            System.err.println("vtloop: forgetting fd " + fdVal + " before its close failed (reported once): " + e);
        } catch (Throwable ignore) { }
    }
}
