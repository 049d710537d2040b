package io.vtloop.runtime;

import java.io.IOException;
import java.util.function.BooleanSupplier;

/**
 * A carrier's poller: where the virtual threads it runs wait for their file descriptors, and
 * where the carrier sleeps. The contract between the portable part ({@link Carrier},
 * {@link Readiness}, {@link FdState}) and each kernel interface (after Go's
 * {@code runtime/netpoll.go}):
 *
 * <ul>
 * <li>{@link #register} is called once per fd registration, by the thread that first parks on
 *     it; {@link #park} for every wait, by the parking virtual thread on the carrier it runs on
 *     (which need not be the one it registered on). Both may throw; a park may return early for
 *     any reason (callers retry their I/O, as with the JDK's {@code Poller.poll}).</li>
 * <li>{@link #poll} belongs to the thread serving the carrier, one call at a time: it waits up
 *     to {@code timeoutNanos} (-1: no bound, 0: not at all), then calls {@link FdState#edge}
 *     for what became ready (through {@link Readiness#dispatch} or a completed operation) and
 *     returns how many events it handled. {@link #pollFromMonitor} is the same without waiting,
 *     from the {@link Monitor} while the serving thread runs a long task; it may skip when the
 *     serving thread is inside {@link #poll}, and it never consumes a {@link #wakeup}: the
 *     serving thread may have announced its sleep meanwhile and been claimed by a waker, and
 *     would sleep on with the waker's {@link Spinners} unit, which makes every later wake-up
 *     look unnecessary (a hang: seen on fan-out of 100,000 threads on 2 carriers).</li>
 * <li>{@link #emptyPollIsCostly}: whether a {@link #poll} without waiting that finds nothing still
 *     costs a system call; a busy carrier then backs off its polls while they find nothing.</li>
 * <li>{@link #wakeup} ends a {@link #poll} in progress, or the next one; any thread; coalesced.</li>
 * <li>{@link #close} frees everything; called once by the carrier's own thread at exit.</li>
 * </ul>
 *
 * <pre>
 *                    epoll ({@link EpollBackend})                io_uring ({@link UringBackend})
 *  register          EPOLL_CTL_ADD, edge-triggered, once       nothing
 *  park (read)       none: the registration reports edges      a one-shot POLL_ADD or, for a
 *                                                              java.net.Socket read, a RECV into a
 *                                                              vtloop buffer; cancelled (and waited
 *                                                              for) if the park ends without it
 *  poll              one epoll_wait                            one io_uring_enter: submits what the
 *                                                              parks prepared, reaps completions
 *  busy poll, empty  epoll_wait (a syscall): backed off         a CQ read, no syscall unless parks
 *                                                              prepared requests: every interval
 *  wakeup            eventfd write (coalesced)                 eventfd write the ring reads (coalesced)
 * </pre>
 */
interface Backend {
    /** The value of {@code vtloop.backend} this is: {@code epoll} or {@code io_uring}. */
    String name();

    /** A new registration of {@code s.fd} with this carrier (the token is {@link FdState#token}). */
    void register(FdState s) throws IOException;

    /** Parks the current virtual thread until {@code s} is ready for {@code dir}, the timeout, or a stopPoll. */
    void park(FdState s, int dir, long nanos, BooleanSupplier isOpen) throws IOException;

    /** Serving thread only: waits up to {@code timeoutNanos}, dispatches; returns the events handled. */
    int poll(long timeoutNanos) throws IOException;

    /** Monitor only: a non-blocking {@link #poll} while the serving thread runs a task; may skip; leaves a wake-up pending. */
    int pollFromMonitor() throws IOException;

    /**
     * True when a non-blocking {@link #poll} that finds nothing costs a system call anyway
     * (epoll), so a busy carrier may poll less often while polls find nothing
     * ({@code Carrier.POLL_BACKOFF_MAX}); false when such a poll is a memory read and every poll
     * also submits what parks prepared (io_uring: polling less would delay their requests).
     */
    boolean emptyPollIsCostly();

    /**
     * True when a poll can report nothing but events of {@link #register registered} fds (and
     * a {@link #wakeup}): a carrier with no fd registered then sleeps parked, not in the poller,
     * and skips its polls ({@code Carrier.pollerIdle}). False when a {@link #park} arms what a
     * poll reports without registering (io_uring).
     */
    boolean reportsOnlyRegistered();

    /** Ends a poll in progress, or the next one. Any thread; never blocks. */
    void wakeup();

    /** Frees the poller; the carrier's own thread, once, at exit. */
    void close() throws IOException;
}
