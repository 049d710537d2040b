package io.vtloop.binding;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.ref.Reference;

/**
 * An io_uring instance (a submission and a completion ring shared with the kernel), implemented
 * in {@code libvtloop-poller.so} with raw system calls; one per carrier thread.
 *
 * <p>Requests are prepared with the {@code prep…} calls, which only write submission queue
 * entries into shared memory, and reach the kernel with the next {@link #submit()} or
 * {@link #submitAndWait}: one {@code io_uring_enter} submits everything prepared since and
 * waits for completions. Each request carries a caller-chosen {@code long} user data that its
 * completions report; {@code -1} ({@link #WAKE_USER_DATA}) is reserved. A request may complete
 * at any time after submission, in any order; a buffer passed to a read or write belongs to
 * the kernel until that request's final completion has been reaped (also after a cancel).
 *
 * <p><b>Threads.</b> The ring is created with {@code IORING_SETUP_SINGLE_ISSUER} where the kernel
 * has it ({@link #setupFlags()}), disabled, and the first OS thread that calls {@link #submit()}
 * or {@link #submitAndWait} enables it and becomes its <em>owner</em> (any code running on that
 * platform thread, such as a virtual thread mounted on that carrier, is the owner). The
 * {@code prep…} calls, {@link #submit()}, {@link #submitAndWait}, {@link #peek} and
 * {@link #inFlight()} belong to the owner, one at a time: they use no locks, and the kernel
 * refuses a submit or wait from another thread with {@code EEXIST} under
 * {@code SINGLE_ISSUER}. {@link #wakeup()} may be called from any thread and never blocks.
 * {@link #close()} may be called from any thread: it ends a wait in progress, waits for calls
 * in flight to leave, then frees the ring; later calls throw {@link IllegalStateException}.
 *
 * <p><b>Support.</b> {@link #isSupported()} tells whether this kernel and process may use
 * io_uring; where {@code io_uring_setup} is refused ({@code ENOSYS}, or {@code EPERM} from
 * {@code kernel.io_uring_disabled} or a container's seccomp profile) or the kernel is older
 * than 5.13, {@link #unsupportedReason()} says why and the runtime falls back to
 * {@link EpollPoller}.
 */
public final class IoUring implements AutoCloseable {

    /** {@code IORING_SETUP_CQSIZE}: the completion queue size was given. */
    public static final int SETUP_CQSIZE = 1 << 3;
    /** {@code IORING_SETUP_CLAMP}: sizes above the kernel's limits are clamped. */
    public static final int SETUP_CLAMP = 1 << 4;
    /** {@code IORING_SETUP_R_DISABLED}: created disabled, enabled by the owner's first submit. */
    public static final int SETUP_R_DISABLED = 1 << 6;
    /** {@code IORING_SETUP_SUBMIT_ALL}: a bad submission fails alone, in its own completion. */
    public static final int SETUP_SUBMIT_ALL = 1 << 7;
    /** {@code IORING_SETUP_COOP_TASKRUN}: completions run at the next kernel entry, no IPI. */
    public static final int SETUP_COOP_TASKRUN = 1 << 8;
    /** {@code IORING_SETUP_TASKRUN_FLAG}: the ring flags pending task work, so peeks know to enter. */
    public static final int SETUP_TASKRUN_FLAG = 1 << 9;
    /** {@code IORING_SETUP_SINGLE_ISSUER}: only the owner thread submits. */
    public static final int SETUP_SINGLE_ISSUER = 1 << 12;
    /** {@code IORING_SETUP_DEFER_TASKRUN}: completion work runs only when the owner waits. */
    public static final int SETUP_DEFER_TASKRUN = 1 << 13;

    /** {@code IORING_CQE_F_MORE}: the request stays armed and reports again (multishot poll). */
    public static final int CQE_F_MORE = 1 << 1;

    /** The user data reserved for the ring's own wake-up read; never reported. */
    public static final long WAKE_USER_DATA = -1L;

    /** {@code offset} for {@link #prepRead}/{@link #prepWrite}: the file position, as {@code read(2)}. */
    public static final long CURRENT_POSITION = -1L;

    /** {@code ENOENT}: a cancel or poll remove found no such request. */
    public static final int ENOENT = 2;
    /** {@code EINTR}. */
    public static final int EINTR = 4;
    /** {@code EBADF}. */
    public static final int EBADF = 9;
    /** {@code EAGAIN}: would block (see {@link #prepRead}). */
    public static final int EAGAIN = 11;
    /** {@code EPIPE}: a send after the connection was shut down. */
    public static final int EPIPE = 32;
    /** {@code ECONNRESET}: the peer reset the connection. */
    public static final int ECONNRESET = 104;
    /** {@code EALREADY}: a cancel found the request already running; it completes on its own. */
    public static final int EALREADY = 114;
    /** {@code ECANCELED}: the request was cancelled (cancel, poll remove, ring close). */
    public static final int ECANCELED = 125;

    /** {@code MSG_NOSIGNAL} for {@link #prepSend}: no {@code SIGPIPE}. */
    public static final int MSG_NOSIGNAL = 0x4000;

    private final long handle;
    private final int setupFlags;
    private final int features;
    private final int sqEntries;
    private final int cqEntries;
    /** Guards {@link #handle}: calls in flight, and close; see {@link CallGate}. */
    private final CallGate gate = new CallGate("IoUring");

    private IoUring(long handle) {
        this.handle = handle;
        this.setupFlags = UringNative.setupFlags(handle);
        this.features = UringNative.features(handle);
        long sizes = UringNative.sizes(handle);
        this.sqEntries = (int) sizes;
        this.cqEntries = (int) (sizes >>> 32);
    }

    /** The probe's result, computed once. */
    private static final class Support {
        static final String REASON = computeReason();

        private static String computeReason() {
            UnsatisfiedLinkError loadError = NativeLibrary.loadError();
            if (loadError != null) {
                return loadError.getMessage();
            }
            int rc = probe();
            return rc == 0 ? null : refusal(rc);
        }
    }

    /**
     * Sets up and tears down a small ring now, as {@link #open} would, and checks the kernel
     * features this binding needs. Not cached; {@link #isSupported()} is. It runs on a
     * short-lived thread of its own: the kernel's teardown of a ring later notifies the thread
     * that created it (see {@link #close()}), and that should not be the caller's.
     *
     * @return {@code 0}, or {@code -errno}: {@code -ENOSYS} (no io_uring), {@code -EPERM}
     *         ({@code kernel.io_uring_disabled}, a seccomp filter), {@code -EOPNOTSUPP} (kernel
     *         older than 5.13), {@code -ENOMEM}, {@code -EMFILE}...
     * @throws IllegalStateException if the native library is not loaded
     */
    public static int probe() {
        if (!NativeLibrary.isAvailable()) {
            throw new IllegalStateException(NativeLibrary.loadError().getMessage(), NativeLibrary.loadError());
        }
        try {
            return onShortLivedThread("vtloop-io_uring-probe", UringNative::probe);
        } catch (IOException e) {
            throw new AssertionError(e);   // the probe returns -errno, it does not throw
        }
    }

    /** What {@link #onShortLivedThread} runs. */
    private interface Setup<T> {
        T run() throws IOException;
    }

    /**
     * Runs {@code setup} on a platform thread of its own and returns its result (or throws
     * what it threw): the kernel's teardown of a ring later notifies the thread that created
     * it (see {@link #close()}), and that should be a thread that has ended, not the caller.
     * Waits uninterruptibly; an interrupt is kept.
     */
    private static <T> T onShortLivedThread(String name, Setup<T> setup) throws IOException {
        Object[] result = new Object[1];
        Throwable[] failure = new Throwable[1];
        Thread t = Thread.ofPlatform().name(name).daemon().unstarted(() -> {
            try {
                result[0] = setup.run();
            } catch (Throwable e) {
                failure[0] = e;
            }
        });
        t.start();
        boolean interrupted = false;
        while (true) {
            try {
                t.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (failure[0] instanceof IOException e) {
            throw e;
        }
        if (failure[0] instanceof RuntimeException e) {
            throw e;
        }
        if (failure[0] instanceof Error e) {
            throw e;
        }
        @SuppressWarnings("unchecked") T r = (T) result[0];   // join() makes the thread's writes visible
        return r;
    }

    /**
     * Tells whether io_uring can be used here: the library is loaded and a {@link #probe()}
     * succeeded. Probes once per JVM; never throws.
     *
     * @return {@code true} if {@link #open} is expected to succeed
     */
    public static boolean isSupported() {
        return Support.REASON == null;
    }

    /**
     * Says why io_uring cannot be used, for the one-line fallback warning, e.g.
     * {@code "io_uring_setup: EPERM (kernel.io_uring_disabled or a seccomp filter)"}.
     *
     * @return the reason, or {@code null} if {@link #isSupported()}
     */
    public static String unsupportedReason() {
        return Support.REASON;
    }

    /** Renders a refused setup, e.g. {@code "io_uring_setup: ENOSYS (no io_uring in this kernel, ...)"}. */
    static String refusal(int rc) {
        String name = PollerNative.errnoName(-rc);
        String why = switch (name) {
            case "ENOSYS" -> " (no io_uring in this kernel, or a seccomp filter)";
            case "EPERM", "EACCES" -> " (kernel.io_uring_disabled or a seccomp filter)";
            case "EOPNOTSUPP" -> " (kernel older than 5.13: no multishot poll or EXT_ARG)";
            default -> "";
        };
        return "io_uring_setup: " + name + why;
    }

    /**
     * Creates a ring with {@code entries} submission slots and twice as many completion slots.
     *
     * @param entries the submission queue size, 1 to 32768 (rounded up to a power of two)
     * @return the new ring
     * @throws IOException as {@link #open(int, int)}
     */
    public static IoUring open(int entries) throws IOException {
        return open(entries, 0);
    }

    /**
     * Creates a ring plus an eventfd for wake-ups, both close-on-exec, with the best setup flags
     * the kernel accepts: {@code SINGLE_ISSUER|DEFER_TASKRUN|TASKRUN_FLAG} (Linux 6.1), else
     * {@code COOP_TASKRUN|TASKRUN_FLAG} (5.19), else none; see {@link #setupFlags()}. The
     * completion queue does not drop completions when full ({@code IORING_FEAT_NODROP}): they
     * wait in the kernel until reaped.
     *
     * @param entries   the submission queue size, 1 to 32768 (rounded up to a power of two)
     * @param cqEntries the completion queue size ({@code IORING_SETUP_CQSIZE}, clamped), or
     *                  {@code 0} for twice {@code entries}
     * @return the new ring
     * @throws IllegalArgumentException if a size is out of range
     * @throws IOException if the native library is unavailable (the cause is
     *                     {@link NativeLibrary#loadError()}) or the kernel refuses, e.g.
     *                     {@code "io_uring_setup: EPERM (kernel.io_uring_disabled or a seccomp filter)"}
     */
    public static IoUring open(int entries, int cqEntries) throws IOException {
        return open(entries, cqEntries, false);
    }

    /**
     * Creates a ring that any thread may drive, one call at a time, the callers serializing
     * their calls themselves (a lock, or a hand-over with a happens-before edge): a carrier's
     * ring, driven by whichever thread serves the carrier. Its setup flags have no
     * {@code SINGLE_ISSUER} and so no {@code DEFER_TASKRUN}; they have
     * {@code COOP_TASKRUN|TASKRUN_FLAG} where the kernel does (Linux 5.19) and no CPU runs
     * without the scheduler tick ({@code nohz_full}). Each completion is posted by the thread
     * that submitted the request: at once if it sleeps (in another ring, a futex, an
     * interruptible system call: the kernel wakes it), else at its next return to user mode, a
     * system call or an interrupt, the scheduler tick at the latest (a thread computing in user
     * space posts within 1/HZ). Without {@code COOP_TASKRUN} the kernel sends a running
     * submitter an inter-processor interrupt for each completion instead; with it, a peek that
     * sees {@code IORING_SQ_TASKRUN} enters the kernel. {@link #wakeup()} and {@link #close()}
     * are as for {@link #open(int, int)}; "owner" in the other methods' comments reads "the thread whose
     * turn it is". The ring is created on a short-lived thread of its own, so that the
     * kernel's notice of its teardown goes to a thread that has ended (see {@link #close()}).
     *
     * @param entries   the submission queue size, 1 to 32768 (rounded up to a power of two)
     * @param cqEntries the completion queue size, or {@code 0} for twice {@code entries}
     * @return the new ring
     * @throws IOException as {@link #open(int, int)}
     */
    public static IoUring openShared(int entries, int cqEntries) throws IOException {
        return onShortLivedThread("vtloop-io_uring-setup", () -> open(entries, cqEntries, true));
    }

    private static IoUring open(int entries, int cqEntries, boolean shared) throws IOException {
        if (entries < 1 || entries > 32768 || cqEntries < 0) {
            throw new IllegalArgumentException("entries " + entries + " not in [1, 32768] or cqEntries " + cqEntries + " < 0");
        }
        UnsatisfiedLinkError loadError = NativeLibrary.loadError();
        if (loadError != null) {
            throw new IOException(loadError.getMessage(), loadError);
        }
        long handle = UringNative.create2(entries, cqEntries, shared);
        if (handle < 0) {
            throw new IOException(refusal((int) handle));
        }
        return new IoUring(handle);
    }

    /**
     * Returns the {@code IORING_SETUP_*} flags the kernel accepted ({@code SETUP_*} constants).
     *
     * @return the flags; any thread
     */
    public int setupFlags() {
        return setupFlags;
    }

    /**
     * Returns the {@code IORING_FEAT_*} bits the kernel reported.
     *
     * @return the feature bits; any thread
     */
    public int features() {
        return features;
    }

    /**
     * Returns the submission queue size the kernel chose.
     *
     * @return the number of submission slots; any thread
     */
    public int submissionQueueSize() {
        return sqEntries;
    }

    /**
     * Returns the completion queue size the kernel chose.
     *
     * @return the number of completion slots; any thread
     */
    public int completionQueueSize() {
        return cqEntries;
    }

    /**
     * Renders setup flags, e.g. {@code "SINGLE_ISSUER|DEFER_TASKRUN|TASKRUN_FLAG|SUBMIT_ALL|R_DISABLED"}.
     *
     * @param flags {@code IORING_SETUP_*} bits
     * @return the names joined by {@code |}, unknown bits in hex, {@code "0"} if none
     */
    public static String setupFlagsToString(int flags) {
        int[] bits = {SETUP_SINGLE_ISSUER, SETUP_DEFER_TASKRUN, SETUP_COOP_TASKRUN, SETUP_TASKRUN_FLAG,
                SETUP_SUBMIT_ALL, SETUP_R_DISABLED, SETUP_CQSIZE, SETUP_CLAMP};
        String[] names = {"SINGLE_ISSUER", "DEFER_TASKRUN", "COOP_TASKRUN", "TASKRUN_FLAG", "SUBMIT_ALL", "R_DISABLED",
                "CQSIZE", "CLAMP"};
        StringBuilder sb = new StringBuilder();
        int rest = flags;
        for (int i = 0; i < bits.length; i++) {
            if ((rest & bits[i]) != 0) {
                sb.append(sb.isEmpty() ? "" : "|").append(names[i]);
                rest &= ~bits[i];
            }
        }
        if (rest != 0) {
            sb.append(sb.isEmpty() ? "" : "|").append("0x").append(Integer.toHexString(rest));
        }
        return sb.isEmpty() ? "0" : sb.toString();
    }

    /**
     * Returns the symbolic name of an errno value, e.g. {@code errnoName(-result)} → {@code "ECANCELED"}.
     *
     * @param errno a positive errno value
     * @return its name, or {@code "errno N"}
     */
    public static String errnoName(int errno) {
        return PollerNative.errnoName(errno);
    }

    /**
     * Returns the C library's text for an errno value ({@code strerror}), e.g. {@code
     * errnoMessage(110)} → {@code "Connection timed out"}: what the JDK's {@code IOException}
     * says for a read that failed with it.
     *
     * @param errno a positive errno value
     * @return the text
     */
    public static String errnoMessage(int errno) {
        return PollerNative.errnoMessage(errno);
    }

    /**
     * Prepares a readiness poll ({@code IORING_OP_POLL_ADD}). Its completion's result is the
     * ready bits ({@link Events}: {@code IN OUT PRI ERR HUP RDHUP}, as epoll reports them) or
     * {@code -errno}. Multishot ({@code IORING_POLL_ADD_MULTI}) is edge-triggered like
     * {@link EpollPoller}: one completion when armed on a ready descriptor and one per readiness
     * change, each with {@link #CQE_F_MORE}; a completion without it (cancelled, removed, or the
     * kernel gave up, e.g. on a full completion queue) ends the poll and must be re-armed if still
     * wanted. {@code ERR} and {@code HUP} are always reported. Owner only; memory only.
     *
     * @param fd        the descriptor
     * @param pollMask  the bits to watch, e.g. {@code Events.IN | Events.RDHUP}
     * @param multishot whether the poll stays armed after reporting
     * @param userData  reported with its completions; not {@code -1}
     * @throws IllegalArgumentException if {@code userData == -1}
     * @throws IOException if a full submission queue could not be submitted
     * @throws IllegalStateException if the ring is closed
     */
    public void prepPollAdd(int fd, int pollMask, boolean multishot, long userData) throws IOException {
        checkUserData(userData);
        gate.enter();
        int rc;
        try {
            rc = UringNative.pollAdd(handle, fd, pollMask, multishot, userData);
        } finally {
            gate.leave();
        }
        check("poll_add(fd=" + fd + ")", rc);
    }

    /**
     * Prepares the removal of a poll ({@code IORING_OP_POLL_REMOVE}). Its own completion's
     * result is {@code 0} or {@code -ENOENT}; the poll's last completion
     * ({@code -ECANCELED}, no {@link #CQE_F_MORE}) follows separately. Owner only; memory only.
     *
     * @param target   the user data of the poll to remove
     * @param userData reported with this request's completion; not {@code -1}
     * @throws IllegalArgumentException if {@code userData == -1}
     * @throws IOException if a full submission queue could not be submitted
     * @throws IllegalStateException if the ring is closed
     */
    public void prepPollRemove(long target, long userData) throws IOException {
        checkUserData(userData);
        gate.enter();
        int rc;
        try {
            rc = UringNative.pollRemove(handle, target, userData);
        } finally {
            gate.leave();
        }
        check("poll_remove", rc);
    }

    /**
     * Prepares a receive ({@code IORING_OP_RECV}) of at most {@code length} bytes into native
     * memory at {@code address}. On a socket without data it waits in the kernel (also when the
     * socket is non-blocking, as the JDK's are); its result is the number of bytes received,
     * {@code 0} at end of stream, or {@code -errno} ({@code -ECONNRESET}, {@code -ECANCELED}...).
     * The memory must stay valid until the completion is reaped. Owner only; memory only.
     *
     * @param fd       a socket
     * @param address  the native address of the buffer
     * @param length   the buffer size, {@code >= 0}
     * @param msgFlags {@code recv(2)} flags, usually {@code 0}
     * @param userData reported with its completion; not {@code -1}
     * @throws IllegalArgumentException if {@code length < 0}, {@code address == 0} or {@code userData == -1}
     * @throws IOException if a full submission queue could not be submitted
     * @throws IllegalStateException if the ring is closed
     */
    public void prepRecv(int fd, long address, int length, int msgFlags, long userData) throws IOException {
        checkIo(address, length, userData);
        gate.enter();
        int rc;
        try {
            rc = UringNative.recv(handle, fd, address, length, msgFlags, userData);
        } finally {
            gate.leave();
        }
        check("recv(fd=" + fd + ")", rc);
    }

    /**
     * As {@link #prepRecv(int, long, int, int, long)}, into all of a native segment, which must
     * stay alive until the completion is reaped.
     *
     * @param fd       a socket
     * @param buffer   native memory of at most 2 GiB - 1
     * @param msgFlags {@code recv(2)} flags
     * @param userData reported with its completion; not {@code -1}
     * @throws IllegalArgumentException if {@code buffer} is not native or too large
     * @throws IOException if a full submission queue could not be submitted
     */
    public void prepRecv(int fd, MemorySegment buffer, int msgFlags, long userData) throws IOException {
        prepRecv(fd, address(buffer), length(buffer), msgFlags, userData);
    }

    /**
     * Prepares a send ({@code IORING_OP_SEND}) of {@code length} bytes from native memory at
     * {@code address}. Like a non-blocking {@code write(2)} on a stream socket it completes
     * with what fits in the socket buffer, possibly fewer than {@code length} bytes (the caller
     * sends the rest, as the JDK's blocking write loops); only when nothing fits does it wait in
     * the kernel for space. Its result is the number of bytes sent or {@code -errno}
     * ({@code -EPIPE}, {@code -ECONNRESET}...). Owner only; memory only.
     *
     * @param fd       a socket
     * @param address  the native address of the data
     * @param length   the number of bytes, {@code >= 0}
     * @param msgFlags {@code send(2)} flags, e.g. {@link #MSG_NOSIGNAL}
     * @param userData reported with its completion; not {@code -1}
     * @throws IllegalArgumentException if {@code length < 0}, {@code address == 0} or {@code userData == -1}
     * @throws IOException if a full submission queue could not be submitted
     * @throws IllegalStateException if the ring is closed
     */
    public void prepSend(int fd, long address, int length, int msgFlags, long userData) throws IOException {
        checkIo(address, length, userData);
        gate.enter();
        int rc;
        try {
            rc = UringNative.send(handle, fd, address, length, msgFlags, userData);
        } finally {
            gate.leave();
        }
        check("send(fd=" + fd + ")", rc);
    }

    /**
     * As {@link #prepSend(int, long, int, int, long)}, from all of a native segment.
     *
     * @param fd       a socket
     * @param buffer   native memory of at most 2 GiB - 1
     * @param msgFlags {@code send(2)} flags
     * @param userData reported with its completion; not {@code -1}
     * @throws IOException if a full submission queue could not be submitted
     */
    public void prepSend(int fd, MemorySegment buffer, int msgFlags, long userData) throws IOException {
        prepSend(fd, address(buffer), length(buffer), msgFlags, userData);
    }

    /**
     * Prepares a read ({@code IORING_OP_READ}) into native memory. On a pipe or socket without
     * data it waits in the kernel, also when the descriptor is {@code O_NONBLOCK} (checked on
     * Linux 6.18 for pipes); a kernel that completes such a read with {@code -EAGAIN} instead
     * leaves the caller to poll and retry, as on epoll. Its result is the number of bytes read,
     * {@code 0} at end of file, or {@code -errno}. Owner only; memory only.
     *
     * @param fd       the descriptor
     * @param address  the native address of the buffer
     * @param length   the buffer size, {@code >= 0}
     * @param offset   the file offset, or {@link #CURRENT_POSITION}
     * @param userData reported with its completion; not {@code -1}
     * @throws IllegalArgumentException if {@code length < 0}, {@code address == 0} or {@code userData == -1}
     * @throws IOException if a full submission queue could not be submitted
     * @throws IllegalStateException if the ring is closed
     */
    public void prepRead(int fd, long address, int length, long offset, long userData) throws IOException {
        checkIo(address, length, userData);
        gate.enter();
        int rc;
        try {
            rc = UringNative.read(handle, fd, address, length, offset, userData);
        } finally {
            gate.leave();
        }
        check("read(fd=" + fd + ")", rc);
    }

    /**
     * Prepares a write ({@code IORING_OP_WRITE}) from native memory; as {@link #prepSend} it
     * may complete short, and as {@link #prepRead} a kernel may answer {@code -EAGAIN} on a
     * full {@code O_NONBLOCK} descriptor. Owner only; memory only.
     *
     * @param fd       the descriptor
     * @param address  the native address of the data
     * @param length   the number of bytes, {@code >= 0}
     * @param offset   the file offset, or {@link #CURRENT_POSITION}
     * @param userData reported with its completion; not {@code -1}
     * @throws IllegalArgumentException if {@code length < 0}, {@code address == 0} or {@code userData == -1}
     * @throws IOException if a full submission queue could not be submitted
     * @throws IllegalStateException if the ring is closed
     */
    public void prepWrite(int fd, long address, int length, long offset, long userData) throws IOException {
        checkIo(address, length, userData);
        gate.enter();
        int rc;
        try {
            rc = UringNative.write(handle, fd, address, length, offset, userData);
        } finally {
            gate.leave();
        }
        check("write(fd=" + fd + ")", rc);
    }

    /**
     * Prepares the cancellation of a request ({@code IORING_OP_ASYNC_CANCEL}, by user data).
     * Its own completion's result is {@code 0} (found; the target then completes with
     * {@code -ECANCELED}), {@code -ENOENT} (not found: already completed) or {@code -EALREADY}
     * (running; it completes on its own). Either way the target's own completion follows or has
     * come: only after reaping it may its buffer be reused. Owner only; memory only.
     *
     * @param target   the user data of the request to cancel
     * @param userData reported with this request's completion; not {@code -1}
     * @throws IllegalArgumentException if {@code userData == -1}
     * @throws IOException if a full submission queue could not be submitted
     * @throws IllegalStateException if the ring is closed
     */
    public void prepCancel(long target, long userData) throws IOException {
        checkUserData(userData);
        gate.enter();
        int rc;
        try {
            rc = UringNative.cancel(handle, target, userData);
        } finally {
            gate.leave();
        }
        check("async_cancel", rc);
    }

    /**
     * Prepares the cancellation of every request on a descriptor
     * ({@code IORING_ASYNC_CANCEL_FD | IORING_ASYNC_CANCEL_ALL}, Linux 5.19), as needed before
     * its number may be reused after an asynchronous close. Its own completion's result is the
     * number of requests cancelled, or {@code -ENOENT} if there were none; each of those
     * completes with {@code -ECANCELED}. Owner only; memory only.
     *
     * @param fd       the descriptor
     * @param userData reported with this request's completion; not {@code -1}
     * @throws IllegalArgumentException if {@code userData == -1}
     * @throws IOException if a full submission queue could not be submitted
     * @throws IllegalStateException if the ring is closed
     */
    public void prepCancelFd(int fd, long userData) throws IOException {
        checkUserData(userData);
        gate.enter();
        int rc;
        try {
            rc = UringNative.cancelFd(handle, fd, userData);
        } finally {
            gate.leave();
        }
        check("async_cancel(fd=" + fd + ")", rc);
    }

    /**
     * Submits what was prepared, without waiting: one {@code io_uring_enter}, none if nothing
     * was prepared. Owner only (the first caller becomes the owner); never blocks.
     *
     * @return the number of requests submitted
     * @throws IOException if {@code io_uring_enter} fails, e.g. {@code EEXIST} when called by
     *                     a thread other than the owner
     * @throws IllegalStateException if the ring is closed
     */
    public int submit() throws IOException {
        gate.enter();
        int rc;
        try {
            rc = UringNative.submit(handle);
        } finally {
            gate.leave();
        }
        return check("io_uring_enter(submit)", rc);
    }

    /**
     * Submits what was prepared, waits for completions and copies them into {@code out},
     * slots {@code 0..n-1}, in completion order. At most one {@code io_uring_enter}: none when
     * completions are ready and nothing was prepared, or when {@code timeoutNanos == 0} and
     * nothing was prepared and the kernel flags no pending completion work
     * ({@code IORING_SQ_TASKRUN}). Returns early with fewer (possibly no) completions when
     * {@linkplain #wakeup() woken up}, interrupted by a signal, or after the timeout. The
     * ring's own wake-up completion is never reported. Owner only (the first caller becomes
     * the owner).
     *
     * @param out          receives the completions; at most {@code out.capacity()} per call
     * @param timeoutNanos {@code -1} to wait until a completion or wake-up, {@code 0} not to
     *                     wait, or a positive bound in nanoseconds ({@code IORING_ENTER_EXT_ARG})
     * @return the number of completions stored, {@code 0} on timeout or wake-up
     * @throws IllegalArgumentException if {@code timeoutNanos < -1}
     * @throws IOException if {@code io_uring_enter} fails, e.g. {@code EEXIST} when called by
     *                     a thread other than the owner
     * @throws IllegalStateException if the ring or {@code out} is closed
     */
    public int submitAndWait(CompletionBuffer out, long timeoutNanos) throws IOException {
        if (timeoutNanos < -1) {
            throw new IllegalArgumentException("timeoutNanos " + timeoutNanos + " < -1");
        }
        gate.enter();
        int n;
        try {
            n = UringNative.wait(handle, out.address(), out.capacity(), timeoutNanos);
        } finally {
            gate.leave();
            Reference.reachabilityFence(out);   // its memory stays until the call returned
        }
        return check("io_uring_enter(capacity=" + out.capacity() + ", timeout=" + timeoutNanos + "ns)", n);
    }

    /**
     * {@link #submitAndWait submitAndWait(out, 0)} by a thread other than the one that waits on
     * this ring, while it holds the ring (vtloop's monitor serving a busy carrier): a wake-up
     * completion it reaps was the waiter's, so the ring's eventfd is written again and the
     * waiter's next wait returns at once instead of sleeping on.
     *
     * @param out receives the completions; at most {@code out.capacity()} per call
     * @return the number of completions stored
     * @throws IOException if {@code io_uring_enter} fails
     * @throws IllegalStateException if the ring or {@code out} is closed
     */
    public int submitAndPollFromOtherThread(CompletionBuffer out) throws IOException {
        gate.enter();
        int n;
        try {
            n = UringNative.waitOther(handle, out.address(), out.capacity());
        } finally {
            gate.leave();
            Reference.reachabilityFence(out);   // its memory stays until the call returned
        }
        return check("io_uring_enter(capacity=" + out.capacity() + ", timeout=0)", n);
    }

    /**
     * Copies the completions that are ready into {@code out} without a system call. Under
     * {@code DEFER_TASKRUN} most completions are only produced inside {@link #submitAndWait};
     * a busy owner calls {@code submitAndWait(out, 0)}, which enters the kernel only when it
     * flags work. Owner only.
     *
     * @param out receives the completions
     * @return the number of completions stored
     * @throws IllegalStateException if the ring or {@code out} is closed
     */
    public int peek(CompletionBuffer out) {
        gate.enter();
        try {
            return UringNative.peek(handle, out.address(), out.capacity());
        } finally {
            gate.leave();
            Reference.reachabilityFence(out);   // its memory stays until the call returned
        }
    }

    /**
     * Returns the number of requests prepared whose final completion (one without
     * {@link #CQE_F_MORE}) has not been reaped yet; {@code 0} means the kernel holds no
     * buffer of the caller's. Owner only.
     *
     * @return the requests in flight
     * @throws IllegalStateException if the ring is closed
     */
    public long inFlight() {
        gate.enter();
        try {
            return UringNative.inFlight(handle);
        } finally {
            gate.leave();
        }
    }

    /**
     * Makes a {@link #submitAndWait} in progress return, or if none is, the next one that
     * waits. Coalesced as {@link EpollPoller#wakeup()}: at most one eventfd write per sleep;
     * the ring's read of the eventfd, re-armed with the next submission, drains it without a
     * system call. What the caller wrote before calling this is visible to the owner once its
     * wait returns. Callable from any thread; never blocks, never throws, and does nothing on
     * a closed ring.
     */
    public void wakeup() {
        if (gate.tryEnter()) {
            try {
                UringNative.wakeup(handle);
            } finally {
                gate.leave();
            }
        }
    }

    /**
     * Closes the ring: ends a wait in progress, waits until calls in flight have returned,
     * then unmaps the rings and closes the ring fd and the eventfd. Idempotent; any thread.
     *
     * <p>On the owner thread it first cancels every request still in flight and reaps the
     * cancellations (waiting at most about a second), so once it returns the kernel holds none
     * of the caller's buffers and no reference to their files (a closed socket a recv held
     * open is released). From another thread the kernel cancels them asynchronously after
     * this returns: cancel and reap them on the owner first if their buffers are to be freed.
     * Either way the kernel's teardown later (after an RCU grace period, milliseconds) queues
     * task work to the thread that created the ring and to each thread that submitted to it,
     * which ends a blocking {@code epoll_wait} in progress on such a thread with {@code EINTR}
     * ({@link EpollPoller#poll} then returns {@code 0}; {@code io_uring_enter} runs such work
     * itself; the JDK retries its own interrupted calls). A thread that has ended is not
     * affected.
     *
     * @throws IOException if closing a descriptor fails
     */
    @Override
    public void close() throws IOException {
        if (!gate.close(() -> UringNative.kick(handle))) {
            return;
        }
        int rc = UringNative.close(handle);
        if (rc < 0) {
            throw PollerNative.error("close(io_uring fd, eventfd)", rc);
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
        return "IoUring[" + (isClosed() ? "closed" : setupFlagsToString(setupFlags) + ", sq=" + sqEntries
                + ", cq=" + cqEntries) + "]";
    }

    /** Returns the number of calls in flight (tests use it to see that a wait is under way). */
    int callsInFlight() {
        return gate.callsInFlight();
    }

    /**
     * Test hook: installs a seccomp filter on the calling thread (only) that fails
     * {@code io_uring_setup} with {@code errno}, as a container's seccomp profile does. It
     * cannot be removed; call it on a thread that ends afterwards.
     */
    static void denySetupOnThisThread(int errno) throws IOException {
        int rc = UringNative.testDenySetup(errno);
        if (rc < 0) {
            throw PollerNative.error("seccomp(deny io_uring_setup)", rc);
        }
    }

    private static void checkUserData(long userData) {
        if (userData == WAKE_USER_DATA) {
            throw new IllegalArgumentException("user data -1 is reserved for the ring's wake-up read");
        }
    }

    private static void checkIo(long address, int length, long userData) {
        checkUserData(userData);
        if (length < 0 || address == 0) {
            throw new IllegalArgumentException("bad buffer: address 0x" + Long.toHexString(address) + ", length " + length);
        }
    }

    private static long address(MemorySegment buffer) {
        if (!buffer.isNative()) {
            throw new IllegalArgumentException("not native memory: " + buffer);
        }
        return buffer.address();
    }

    private static int length(MemorySegment buffer) {
        if (buffer.byteSize() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("buffer larger than 2 GiB - 1: " + buffer.byteSize());
        }
        return (int) buffer.byteSize();
    }

    private static int check(String call, int rc) throws IOException {
        if (rc < 0) {
            throw PollerNative.error(call, rc);
        }
        return rc;
    }
}
