package io.vtloop.binding;

import java.io.IOException;
import java.lang.ref.Reference;

/**
 * A readiness poller over Linux {@code epoll}, implemented in {@code libvtloop-poller.so}.
 *
 * <p>Descriptors are {@linkplain #register registered} once, edge-triggered, for
 * {@link Events#IN}, {@link Events#PRI}, {@link Events#OUT} and {@link Events#RDHUP}, with a caller-chosen
 * {@code long} token. {@link #poll} reports each descriptor whose readiness changed since
 * it was last reported (one event per edge, carrying the full current readiness), and
 * nothing while nothing changes. A descriptor that is ready when registered is reported
 * once. Data left unread is not reported again; only a new change (more data, freed send
 * space, a shutdown) produces the next event, so the owner reads or writes until the call
 * would block before it waits for readiness again.
 *
 * <p>epoll tracks the open file description, not the number: closing a descriptor removes
 * it from the poller only when no duplicate ({@code dup}, {@code fork}) of it remains open.
 * Deregister before closing when duplicates may exist.
 *
 * <p>All methods are thread-safe. {@link #wakeup()} may be called from any thread and
 * never blocks. Several threads may poll at once; a wakeup ends one of their polls.
 * {@link #close()} ends polls in progress, waits for calls in flight to leave, then
 * frees the native poller; later calls throw {@link IllegalStateException}.
 */
public final class EpollPoller implements AutoCloseable {

    private final long handle;
    /** Guards {@link #handle}: calls in flight, and close; see {@link CallGate}. */
    private final CallGate gate = new CallGate("EpollPoller");

    private EpollPoller(long handle) {
        this.handle = handle;
    }

    /**
     * Creates a poller: an epoll instance plus an eventfd for wake-ups, both close-on-exec.
     *
     * @return the new poller
     * @throws IOException if the native library is unavailable (the message names the cause
     *                     and the cause is {@link NativeLibrary#loadError()}) or the kernel
     *                     refuses, e.g. {@code "epoll_create1/eventfd: EMFILE"}
     */
    public static EpollPoller open() throws IOException {
        UnsatisfiedLinkError loadError = NativeLibrary.loadError();
        if (loadError != null) {
            throw new IOException(loadError.getMessage(), loadError);
        }
        long handle = PollerNative.create();
        if (handle < 0) {
            throw PollerNative.error("epoll_create1/eventfd", (int) handle);
        }
        return new EpollPoller(handle);
    }

    /**
     * Registers a descriptor, edge-triggered, for {@code IN | PRI | OUT | RDHUP}
     * ({@code epoll_ctl(EPOLL_CTL_ADD)} with {@code EPOLLET}).
     *
     * @param fd    the descriptor; it must support polling (sockets, pipes, eventfds, ...)
     * @param token the value reported with its events; any value but {@code -1}, which is
     *              reserved for the poller's wake-up descriptor
     * @throws IllegalArgumentException if {@code token == -1}
     * @throws IOException if the kernel refuses, e.g. {@code "epoll_ctl(ADD, fd=12): EBADF"};
     *                     {@code EEXIST} if {@code fd} is registered already, {@code EPERM}
     *                     if it cannot be polled (regular files)
     * @throws IllegalStateException if the poller is closed
     */
    public void register(int fd, long token) throws IOException {
        if (token == -1L) {
            throw new IllegalArgumentException("token -1 is reserved for the poller's wake-up eventfd");
        }
        gate.enter();
        int rc;
        try {
            rc = PollerNative.register(handle, fd, token);
        } finally {
            gate.leave();
        }
        if (rc < 0) {
            throw PollerNative.error("epoll_ctl(ADD, fd=" + fd + ")", rc);
        }
    }

    /**
     * Deregisters a descriptor ({@code epoll_ctl(EPOLL_CTL_DEL)}). Events of {@code fd}
     * not yet returned by {@link #poll} are discarded.
     *
     * @param fd the registered descriptor
     * @throws IOException if the kernel refuses, e.g. {@code "epoll_ctl(DEL, fd=12): ENOENT"}
     *                     when {@code fd} is not registered
     * @throws IllegalStateException if the poller is closed
     */
    public void deregister(int fd) throws IOException {
        gate.enter();
        int rc;
        try {
            rc = PollerNative.deregister(handle, fd);
        } finally {
            gate.leave();
        }
        if (rc < 0) {
            throw PollerNative.error("epoll_ctl(DEL, fd=" + fd + ")", rc);
        }
    }

    /**
     * A non-blocking {@link #poll} by a thread other than the one that waits in this poller
     * (vtloop's monitor serving a busy carrier): the same events, but a pending
     * {@linkplain #wakeup() wake-up} is neither reported nor consumed, so that it still ends the
     * waiting thread's current or next poll. Were it consumed here, a thread that announced its
     * sleep and was woken would sleep on.
     *
     * @param events receives the events; at most {@code events.capacity()} per call
     * @return the number of events stored
     * @throws IOException if {@code epoll_wait} fails
     * @throws IllegalStateException if the poller or {@code events} is closed
     */
    public int pollFromOtherThread(EventBuffer events) throws IOException {
        gate.enter();
        int n;
        try {
            n = PollerNative.waitOther(handle, events.address(), events.capacity());
        } finally {
            gate.leave();
            Reference.reachabilityFence(events);   // its memory stays until the call returned
        }
        if (n < 0) throw PollerNative.error("epoll_wait(capacity=" + events.capacity() + ", timeout=0)", n);
        return n;
    }

    /**
     * Waits for events and stores them in {@code events}, slots {@code 0..n-1}. Returns
     * early with fewer (possibly no) events when {@linkplain #wakeup() woken up} or
     * interrupted by a signal. The poller's own wake-up descriptor is never reported.
     * A non-blocking poll ({@code timeoutNanos == 0}) allocates nothing and costs about one
     * {@code epoll_wait} system call.
     *
     * @param events       receives the events; at most {@code events.capacity()} per call
     * @param timeoutNanos {@code -1} to block until an event or wake-up, {@code 0} not to
     *                     block, or a positive bound in nanoseconds ({@code epoll_pwait2};
     *                     on kernels without it, {@code epoll_wait} rounded up to whole
     *                     milliseconds)
     * @return the number of events stored, {@code 0} on timeout or wake-up
     * @throws IllegalArgumentException if {@code timeoutNanos < -1}
     * @throws IOException if {@code epoll_wait} fails
     * @throws IllegalStateException if the poller or {@code events} is closed
     */
    public int poll(EventBuffer events, long timeoutNanos) throws IOException {
        if (timeoutNanos < -1) {
            throw new IllegalArgumentException("timeoutNanos " + timeoutNanos + " < -1");
        }
        gate.enter();
        int n;
        try {
            n = PollerNative.wait(handle, events.address(), events.capacity(), timeoutNanos);
        } finally {
            gate.leave();
            Reference.reachabilityFence(events);   // its memory stays until the call returned
        }
        if (n < 0) {
            throw PollerNative.error("epoll_wait(capacity=" + events.capacity()
                    + ", timeout=" + timeoutNanos + "ns)", n);
        }
        return n;
    }

    /**
     * Makes a poll in progress return, or if none is, the next one. Coalesced: wake-ups
     * issued before a poll consumes the pending one cost a memory read, and at most one
     * eventfd write happens per sleep. What the caller wrote before calling this is visible
     * to the polling thread once its poll returns. Callable from any thread; never blocks,
     * never throws, and does nothing on a closed poller.
     */
    public void wakeup() {
        if (gate.tryEnter()) {
            try {
                PollerNative.wakeup(handle); // only fails for a closed eventfd, which enter() excludes
            } finally {
                gate.leave();
            }
        }
    }

    /**
     * Closes the poller: ends polls in progress, waits until calls in flight have returned,
     * then closes the epoll and eventfd descriptors. Registered descriptors stay open.
     * Idempotent: later calls return at once.
     *
     * @throws IOException if closing a descriptor fails
     */
    @Override
    public void close() throws IOException {
        // Blocked polls leave through the eventfd; the gate kicks it (uncoalesced) until all are out.
        if (!gate.close(() -> PollerNative.kick(handle))) {
            return;
        }
        int rc = PollerNative.close(handle);
        if (rc < 0) {
            throw PollerNative.error("close(epoll fd, eventfd)", rc);
        }
    }

    /**
     * Tells whether {@link #close()} has been called.
     *
     * @return {@code true} once closing has begun
     */
    public boolean isClosed() {
        return gate.isClosed();
    }

    @Override
    public String toString() {
        return "EpollPoller[" + (isClosed() ? "closed" : "open") + "]";
    }

    /** Returns the number of calls in flight (tests use it to see that polls are under way). */
    int callsInFlight() {
        return gate.callsInFlight();
    }

    /** Test hook: {@code false} makes timed polls use millisecond {@code epoll_wait}. */
    static void usePwait2(boolean enabled) {
        PollerNative.usePwait2(enabled);
    }
}
