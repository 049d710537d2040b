package io.vtloop.runtime;

import jdk.internal.misc.Unsafe;
import java.util.Objects;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * Readiness of one registered file descriptor, for each direction (read, write).
 *
 * <p>The fd is registered once, edge-triggered, with one carrier's poller; whoever polls that
 * poller calls {@link #edge} for each event. A thread that got EAGAIN calls {@link #park}. The
 * state remembers an edge that arrived between the failed I/O and the park, so the park
 * returns at once instead of missing it. Each direction's state is one int: a mode in the
 * low two bits and an edge sequence number above them, changed only by CAS.
 *
 * <pre>
 *  mode        meaning
 *  UNKNOWN     nothing known: I/O must be tried
 *  READY       an edge arrived since the last park: a park returns at once
 *  PARKED      a thread ({@code waiter}) waits for the next edge
 *  DRAINED     the last I/O found the fd not ready and no edge came since: I/O may be skipped
 *
 *  from        event                          to        action
 *  UNKNOWN     edge / stopPoll                READY     seq+1
 *  DRAINED     edge / stopPoll                READY     seq+1
 *  READY       edge / stopPoll                READY     seq+1
 *  PARKED      edge / stopPoll                UNKNOWN   seq+1, unpark(waiter)
 *  READY       park                           UNKNOWN   return at once (consume the edge)
 *  UNKNOWN     park                           PARKED    waiter = current thread, then park
 *  DRAINED     park                           PARKED    waiter = current thread, then park
 *  PARKED      park returns (timeout, interrupt,
 *              closed, spurious)              UNKNOWN   by the waiter, if still PARKED; seq+1
 *  UNKNOWN/    I/O not ready, seq unchanged
 *  READY/      since it started, skipping     DRAINED   (see {@link #beginIo}, {@link #endIoNotReady})
 *  DRAINED     allowed
 * </pre>
 * At most one thread parks per direction at a time (the JDK's channel locks guarantee it,
 * as its own Poller assumes). Only that thread writes its {@code waiter} slot: before the CAS
 * that publishes PARKED, and (cleared) after its own CAS out of PARKED, won or lost. The
 * edge reads the slot while it sees PARKED and then CASes the same state, so a successful
 * CAS unparks exactly the thread that parked.
 *
 * <h2>When skipping a read or write is safe</h2>
 * A skipped call returns {@code IOStatus.UNAVAILABLE} as if the kernel had said EAGAIN. That
 * changes nothing the program sees only if the kernel would have said EAGAIN, or if the caller
 * parks right after and the data that made the call possible also produces an edge that ends
 * the park. So the agent skips only when all of these hold:
 * <ol>
 * <li>the caller is a virtual thread in blocking-mode I/O ({@code NioSocketImpl}, a blocking
 *     {@code SocketChannel} or {@code Pipe} channel), which parks on UNAVAILABLE; platform
 *     threads are never tracked, and a channel ever configured non-blocking disables skipping
 *     for its registration ({@link #disableSkipping}): a selector loop on it would otherwise
 *     read 0 for as long as no edge is dispatched;</li>
 * <li>the last attempt in that direction ended not ready (EAGAIN, or a short transfer) and no
 *     edge or stopPoll has come since (the sequence number did not move);</li>
 * <li>none of the kernel's reasons for a short transfer that does not mean "drained" applies;
 *     each disables skipping for the registration, once seen:
 *     <ul>
 *     <li>RDHUP/HUP/ERR (EOF or an error can wait behind the last bytes);</li>
 *     <li>urgent data (EPOLLPRI): with SO_OOBINLINE off a read stops short at the urgent mark
 *         while bytes wait behind it. The poller registers EPOLLPRI; the PRI event comes with
 *         the same edge as the data, so either it is dispatched before the short read ends
 *         (skipping is off) or after it (the edge moves the state out of DRAINED);</li>
 *     <li>SO_RCVLOWAT above 1: the kernel reports readable only above the low mark while a
 *         read returns less, so no edge may follow a short read; checked once at registration
 *         (SO_SNDLOWAT cannot be changed on Linux).</li>
 *     </ul></li>
 * </ol>
 * Rules 1-3 make a skip safe; whether it pays is a guess, made per registration and direction
 * ({@link #beginIo}): a skipped read parks, and the thread runs again only once its carrier polls
 * and dispatches the edge, possibly many tasks later, while an attempted read of bytes that have
 * already come returns them at once. A request-response client whose server answers during the
 * client's {@code write} (a database on the same cores: the woken server preempts the writer)
 * finds its answer there nearly every time; skipping its reads halved a JDBC client's
 * throughput (issue 11). So an attempt made in DRAINED counts as a sample of "would it have
 * found the fd not ready?" ({@link #endIo}), and a running estimate of that probability decides:
 * below {@link #SKIP_TRUSTED} the I/O is tried (every try is a sample), above it the I/O is
 * skipped but for one attempt in {@link #PROBE_TRUSTED} (one in {@link #PROBE_SURE} above
 * {@link #SKIP_SURE}), which keeps the estimate current. A server whose next request never
 * waits in the socket when it reads skips 63 reads in 64 once sure.
 *
 * <p>On io_uring ({@link UringBackend}) rule 3 is not needed, and its events are not looked for:
 * each park arms its own request, which the kernel checks against the socket's state when it is
 * submitted, so a skipped read ends in a park that returns with the bytes, the EOF or the error
 * at once. Rules 1 and 2 hold as on epoll.
 * Not covered, so never skipped and never recorded: scattering/gathering I/O
 * ({@code readv}/{@code writev}), {@code transferTo}/{@code sendfile} and datagram sockets (a
 * short datagram is not a drained queue): those do not go through the patched
 * {@code SocketDispatcher.read/write}. UNIX-domain stream sockets and pipes behave as TCP
 * here: a short read leaves the queue empty and new data is a new edge.
 */
public class FdState {   // not final only for stress/'s control subclass: see plainEdge
    public static final int READ = 0, WRITE = 1;

    static final int UNKNOWN = 0, READY = 1, PARKED = 2, DRAINED = 3;
    static final int MODE_MASK = 3, SEQ_ONE = 4;
    /** {@link #beginIo} result: skip the call, the fd is known not ready. */
    public static final int SKIP = -1;

    // Unsafe rather than VarHandles (as in RunQueue): same barriers, cheap while interpreted
    private static final Unsafe U = Unsafe.getUnsafe();
    private static final long STATES_BASE = U.arrayBaseOffset(int[].class);
    private static final int STATES_SHIFT = 31 - Integer.numberOfLeadingZeros(U.arrayIndexScale(int[].class));

    /** The offset of {@code states[dir]}; another {@code dir} than {@link #READ} or {@link #WRITE} throws, as {@code states[dir]} did. */
    private static long stateAt(int dir) { return STATES_BASE + ((long) Objects.checkIndex(dir, 2) << STATES_SHIFT); }

    final int fd;
    final int generation;
    private final int[] states = new int[2];
    private volatile boolean noSkip;   // a reason of rule 1 or 3 was seen: never skip, never record DRAINED
    private final Thread[] waiters = new Thread[2];
    /** The carrier whose poller holds this registration, until {@link #takeCarrier} (see {@code Readiness.register}). */
    @SuppressWarnings("unused") private volatile Carrier carrier;
    private static final long CARRIER = U.objectFieldOffset(FdState.class, "carrier");
    // thread-confined per direction (the JDK's channel locks: one reader, one writer at a time)
    private RingOp readOp, writeOp;    // io_uring only, created on first use
    private int recvLength;            // io_uring: the read that returned UNAVAILABLE asks its park for a recv of this much
    private int readSnapshot;          // the snapshot beginRead took, for afterRead
    private boolean readsWait;         // io_uring: the last read that reached the kernel found nothing (EAGAIN)
    private int fullReads;             // io_uring: full reads delivered from the ring since the last probe
    // the skip guess (see the class comment), per direction; the thread doing I/O in that direction
    private int readOdds = SKIP_ODDS_START, writeOdds = SKIP_ODDS_START;   // P(not ready | DRAINED) x 256
    private int readProbes, writeProbes;                                     // skip-eligible attempts counted

    FdState(int fd, int generation) {
        this.fd = fd;
        this.generation = generation;
    }

    /** Readiness.register: the registration with {@code c}'s poller is counted there ({@link Carrier#fdRegistered}). */
    void registeredOn(Carrier c) { U.putReferenceVolatile(this, CARRIER, c); }

    /** The carrier whose registration count this fd holds, once: forget and a racing register both ask, one gets it. */
    Carrier takeCarrier() { return (Carrier) U.getAndSetReference(this, CARRIER, null); }

    /** The poller token for this registration: generation in the high word, fd in the low. */
    long token() {
        return ((long) generation << 32) | (fd & 0xFFFFFFFFL);
    }

    static int mode(int s) { return s & MODE_MASK; }

    int state(int dir) { return U.getIntVolatile(states, stateAt(dir)); }

    /**
     * An edge (or a stopPoll) for direction {@code dir}: marks it ready, or wakes the thread
     * parked on it. Returns true when a thread was unparked.
     */
    boolean edge(int dir) {
        for (;;) {
            int s = state(dir);
            int next = (s & ~MODE_MASK) + SEQ_ONE;
            if (mode(s) == PARKED) {
                Thread w = waiters[dir];
                if (edgeCas(dir, s, next | UNKNOWN)) {
                    LockSupport.unpark(w);
                    return true;
                }
            } else if (edgeCas(dir, s, next | READY)) {
                return false;
            }
        }
    }

    /** The CAS of {@link #edge}; a plain (volatile) write only in the test-only control, see {@link #plainEdge}. */
    private boolean edgeCas(int dir, int expected, int next) {
        if (plainEdge()) {                                  // never in vtloop
            U.putIntVolatile(states, stateAt(dir), next);
            return true;
        }
        return U.compareAndSetInt(states, stateAt(dir), expected, next);
    }

    /**
     * Test-only seam: false here; true only in stress/'s {@code UncasedEdgeFdState}, the control
     * of {@code FdStateParkEdgeControlTest}, whose {@link #edge} then writes instead of CASing
     * (the lost update the CAS prevents). With no subclass loaded the JIT folds it away.
     */
    boolean plainEdge() {
        return false;
    }

    /**
     * Parks the current thread until an edge for {@code dir}, a stopPoll, the timeout, an
     * interrupt, or a spurious wake-up; returns at once if an edge is pending or
     * {@code isOpen} says the channel closed. Callers retry their I/O either way, as with
     * the JDK's {@code Poller.poll}.
     *
     * @param nanos the waiting time, or 0 to wait without a timeout
     */
    void park(int dir, long nanos, BooleanSupplier isOpen) {
        Thread me = Thread.currentThread();
        int s;
        for (;;) {
            s = state(dir);
            int m = mode(s);
            if (m == READY) {
                if (U.compareAndSetInt(states, stateAt(dir), s, (s & ~MODE_MASK) | UNKNOWN)) return;
            } else if (m == PARKED) {
                throw new IllegalStateException("fd " + fd + " already has a parked thread for "
                        + (dir == READ ? "read" : "write"));
            } else {
                waiters[dir] = me;
                int parked = (s & ~MODE_MASK) | PARKED;
                if (U.compareAndSetInt(states, stateAt(dir), s, parked)) { s = parked; break; }
            }
        }
        try {
            if (isOpen == null || isOpen.getAsBoolean()) {
                if (nanos > 0) LockSupport.parkNanos(this, nanos);
                else LockSupport.park(this);
            }
        } finally {
            // still PARKED: nobody woke us (timeout, interrupt, closed, spurious): withdraw
            // a new seq: an edge() that read this PARKED value (and maybe our waiter slot) must
            // not match a later park of ours that would write the same value again
            U.compareAndSetInt(states, stateAt(dir), s, ((s & ~MODE_MASK) + SEQ_ONE) | UNKNOWN);
            waiters[dir] = null;   // only the waiter writes this field
        }
    }

    /**
     * From now on I/O on this registration is never skipped (rule 1 or 3 of the class
     * comment: hangup, urgent data, a low mark, non-blocking use). Sticky; called before the
     * edge that reports the reason, if any.
     */
    void disableSkipping() {
        noSkip = true;
    }

    /** True once {@link #disableSkipping} was called. */
    boolean skippingDisabled() { return noSkip; }

    /**
     * Called before an I/O attempt by a virtual thread in blocking mode (the thread doing I/O
     * in direction {@code dir}). Returns {@link #SKIP} when the attempt is skipped (DRAINED,
     * skipping allowed: it would fail with EAGAIN, and the guess of the class comment says that
     * it likely does), else a snapshot to pass to {@link #endIo}.
     */
    int beginIo(int dir) {
        int s = state(dir);
        return mode(s) == DRAINED && !noSkip && guessesNotReady(dir) ? SKIP : s;
    }

    /** The skip guess for an attempt that rules 1-3 allow to skip: true to skip it. */
    private boolean guessesNotReady(int dir) {
        int odds = dir == READ ? readOdds : writeOdds;
        if (odds < SKIP_TRUSTED) return false;                             // tried: a sample
        int every = odds >= SKIP_SURE ? PROBE_SURE : PROBE_TRUSTED;
        int n = dir == READ ? ++readProbes : ++writeProbes;
        return (n & (every - 1)) != 0;                                     // one in every: a sample
    }

    /**
     * Whether rules 1-3 allow the next attempt in {@code dir} to be skipped now (DRAINED,
     * skipping not disabled), whatever the guess says: what a skip's safety rests on (tests).
     */
    boolean skipAllowed(int dir) {
        return mode(state(dir)) == DRAINED && !noSkip;
    }

    /**
     * Called after an I/O attempt that reached the kernel, with the snapshot {@link #beginIo}
     * returned: {@code unavailable} when it failed with EAGAIN, {@code notReady} when it also
     * or otherwise (a short transfer) left the fd not ready. An attempt made in DRAINED is a
     * sample for the skip guess; then as {@link #endIoNotReady}.
     */
    void endIo(int dir, int snapshot, boolean unavailable, boolean notReady) {
        if (mode(snapshot) == DRAINED && !noSkip) {
            int sample = unavailable ? 256 : 0;                             // EWMA, weight 1/8
            if (dir == READ) readOdds += (sample - readOdds) >> 3;
            else writeOdds += (sample - writeOdds) >> 3;
        }
        if (notReady) endIoNotReady(dir, snapshot);
    }

    /**
     * The skip guess (x 256, see the class comment). A new registration starts just below
     * {@link #SKIP_TRUSTED}: two attempts in DRAINED that find nothing make it skip, one that
     * finds bytes keeps it trying. {@link #SKIP_TRUSTED} is about 0.69, set from the costs, not
     * tuned: a skipped attempt that would have found bytes costs a park, an edge, an unpark and
     * the wait for the carrier's next poll, an attempted one that fails costs one syscall, so a
     * skip must usually be right to pay. (On the 200-thread JDBC client, bars of 0.69, 0.85 and
     * "never skip" measured alike: docs/BENCHMARKS.md.) At {@link #SKIP_SURE} (0.94) the probes
     * thin out. The EWMA settles at 249 under a steady stream of EAGAIN samples.
     */
    static final int SKIP_ODDS_START = 160, SKIP_TRUSTED = 176, SKIP_SURE = 240;
    /** One skip-eligible attempt in this many is tried anyway (powers of two), trusted and sure. */
    static final int PROBE_TRUSTED = 16, PROBE_SURE = 64;

    /** The skip guess for {@code dir}, x 256 (tests). */
    int skipOdds(int dir) { return dir == READ ? readOdds : writeOdds; }

    /**
     * Called after an I/O attempt that left the fd not ready (EAGAIN, or a short transfer of a
     * stream): records DRAINED unless an edge arrived since {@code snapshot} was taken or
     * skipping is disabled.
     */
    void endIoNotReady(int dir, int snapshot) {
        int m = mode(snapshot);
        if (m != PARKED && m != DRAINED && !noSkip)
            U.compareAndSetInt(states, stateAt(dir), snapshot, (snapshot & ~MODE_MASK) | DRAINED);
    }

    // -- io_uring completion reads (see UringBackend); the reader's thread only --

    /** The io_uring request of direction {@code dir}, created on first use. */
    RingOp ringOp(int dir) {
        RingOp op = dir == READ ? readOp : writeOp;
        if (op == null) {
            op = new RingOp(this, dir);
            if (dir == READ) readOp = op; else writeOp = op;
        }
        return op;
    }

    /** A fresh request for {@code dir}, the old one left to the kernel (and to the ring's slot table). */
    RingOp replaceRingOp(int dir) {
        RingOp op = new RingOp(this, dir);
        if (dir == READ) readOp = op; else writeOp = op;
        return op;
    }

    /** A recv that completed and is not yet all delivered, else null. */
    RingOp readResult() {
        RingOp op = readOp;
        return op != null && op.hasReadResult() ? op : null;
    }

    /** The read that returned UNAVAILABLE asks the park that follows for a recv of {@code len} bytes (0: a poll). */
    void askRecv(int len) { recvLength = len; }

    /** The park's side of {@link #askRecv}: the length asked, once. */
    int takeRecvLength() {
        int n = recvLength;
        recvLength = 0;
        return n;
    }

    void readSnapshot(int snapshot) { readSnapshot = snapshot; }

    /**
     * A read that reached the kernel returned {@code n}: EAGAIN ({@code waited}) teaches that
     * reads of this socket wait, bytes that they do not (see {@link #predictsWait}).
     */
    void readReachedKernel(boolean waited) { readsWait = waited; }

    /**
     * After a read delivered from the ring got all it asked for (an exact-length reader's
     * {@code readNBytes}: nothing says whether more is queued): true when the last read that
     * reached the kernel found nothing, so the next one likely would too and may go straight
     * to its park's recv. Every {@link #PROBE_EVERY}th such read says false instead, so the
     * next read reaches the kernel and refreshes what is known (a reader that falls behind a
     * stream of bytes goes back to plain reads). A wrong guess costs a loop turn, not an outcome:
     * the recv returns what is queued.
     */
    boolean predictsWait() {
        return readsWait && (++fullReads & (PROBE_EVERY - 1)) != 0;
    }

    /** See {@link #predictsWait}: one read in 16 reaches the kernel (a power of two). */
    static final int PROBE_EVERY = 16;

    int readSnapshot() { return readSnapshot; }

    @Override
    public String toString() {
        return "FdState[fd=" + fd + ", gen=" + generation + ", read=" + mode(state(READ))
                + ", write=" + mode(state(WRITE)) + (noSkip ? ", no skip" : "") + "]";
    }
}
