package io.vtloop.runtime;

import io.vtloop.binding.CompletionBuffer;
import io.vtloop.binding.Events;
import io.vtloop.binding.IoUring;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.BooleanSupplier;

/**
 * The io_uring {@link Backend}: one shared ring per carrier ({@link IoUring#openShared}), driven
 * by whichever thread serves the carrier. Nothing is registered: each park arms one request
 * ({@link RingOp}) on the ring of the carrier it parks on, a one-shot poll or, for a
 * {@code java.net.Socket} read that would park, a recv into a vtloop buffer that the reader's
 * retry copies out (no read system call). The carrier submits everything armed and reaps
 * every completion in one {@code io_uring_enter} per poll; a poll with nothing to submit
 * reaps without a system call.
 *
 * <p>Why one-shot: a request in flight holds a reference to its file, so a persistent
 * (multishot) poll would keep every closed socket open, its FIN unsent, until removed. A
 * one-shot request lives only as long as its park, which waits for it (or for its
 * cancellation) before returning; the JDK's own poller is one-shot too.
 *
 * <p>Why shared: a lent carrier is served by a spare thread and a stuck one by the
 * {@link Monitor}, so a single-issuer ring would refuse them (and with it
 * {@code DEFER_TASKRUN}). The completion work of a request runs on the thread that submitted
 * it, under {@code COOP_TASKRUN} (where every CPU keeps its scheduler tick) without an
 * inter-processor interrupt: at once if that thread sleeps (a spare parked in its pool wakes,
 * runs it, sleeps again), else at its next return to user mode, a system call or the
 * scheduler tick at the latest, so a carrier computing for seconds delays its requests'
 * completions by at most a tick before the Monitor can reap them.
 * Requests of a spare that retires are cancelled by the kernel, which the waiting thread sees
 * as a spurious wake-up and retries.
 *
 * <p>Threads: the ring is used under {@link #lock} (a spin lock: the serving thread takes it
 * for each poll, holding it while it sleeps in the kernel, and a virtual thread running on
 * the carrier takes it to arm; the Monitor only tries). A thread that does not serve this
 * carrier never touches the ring: it queues a {@link Request} and wakes the carrier, which
 * carries it out at the top of its next poll.
 */
final class UringBackend implements Backend {
    static final int ECANCELED = IoUring.ECANCELED;
    /** Poll masks: a read wait ends on data, urgent data, a half-close; a write wait on space. HUP and ERR are implied. */
    private static final int READ_MASK = Events.IN | Events.PRI | Events.RDHUP, WRITE_MASK = Events.OUT;
    /** user_data: slot in the low 24 bits, arm sequence above; a cancel's own completion has CANCEL set. */
    private static final int SLOT_BITS = 24;
    private static final long SLOT_MASK = (1L << SLOT_BITS) - 1, CANCEL = 1L << 62;

    private final Carrier carrier;
    private final Readiness readiness;
    private final CarrierStats stats;
    private final IoUring ring;
    private final CompletionBuffer cqes = new CompletionBuffer(512);
    private final CompletionBuffer monitorCqes = new CompletionBuffer(128);
    private final ConcurrentLinkedQueue<Request> requests = new ConcurrentLinkedQueue<>();

    // under lock
    private RingOp[] slots = new RingOp[256];
    private int[] freeSlots = new int[256];   // a stack of slots given back; no boxing per completion
    private int freeCount, nextSlot;
    private long seq;

    @SuppressWarnings("unused") private volatile int lock;
    private static final VarHandle LOCK;
    static {
        try {
            LOCK = MethodHandles.lookup().findVarHandle(UringBackend.class, "lock", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** What a thread that does not serve this carrier asks of it: arm {@code op}, or cancel it. */
    private record Request(RingOp op, boolean cancel) { }

    UringBackend(Carrier carrier, Readiness readiness, CarrierStats stats) throws IOException {
        this.carrier = carrier;
        this.readiness = readiness;
        this.stats = stats;
        this.ring = IoUring.openShared(1024, 4096);   // created on a short-lived thread: see IoUring.close
    }

    @Override public String name() { return "io_uring"; }

    @Override public boolean reportsOnlyRegistered() { return false; }

    @Override public void register(FdState s) { }   // nothing: each park arms its own request

    /**
     * Arms a request for this park on the current carrier's ring (a recv when the read that
     * returned UNAVAILABLE asked for one, see {@link FdState#takeRecvLength}), parks, and, if
     * the park ended before the request completed, cancels it and waits for its completion.
     */
    @Override
    public void park(FdState s, int dir, long nanos, BooleanSupplier isOpen) {
        RingOp op = s.ringOp(dir);
        if (op.phase == RingOp.DONE) {
            if (op.hasReadResult()) return;          // bytes not yet delivered: the retry takes them
            op.release();
        } else if (op.phase == RingOp.ARMED) {       // a cancel that could not be asked for: the kernel keeps that one
            op = s.replaceRingOp(dir);
        }
        int len = dir == FdState.READ ? s.takeRecvLength() : 0;
        if (len > 0) {
            op.kind = RingOp.RECV;
            op.length = Math.min(len, RecvBuffers.MAX);
            op.buffer = RecvBuffers.acquire(op.length);
        } else {
            op.kind = RingOp.POLL;
            op.mask = dir == FdState.READ ? READ_MASK : WRITE_MASK;
        }
        op.phase = RingOp.ARMED;
        arm(op);
        try {
            s.park(dir, nanos, isOpen);
        } finally {
            if (op.phase != RingOp.DONE) cancelAndAwait(op);
            // a poll, or a cancelled recv, is consumed; never give back a buffer the kernel may still own
            if (op.phase == RingOp.DONE && !op.hasReadResult()) op.release();
        }
    }

    /** Arms {@code op} on the ring of the carrier the caller runs on, or through a request. */
    private void arm(RingOp op) {
        op.owner = this;                             // before the park can end and ask for a cancel
        if (carrier.servedByCurrentThread()) {
            lock();
            try {
                prep(op);
            } finally {
                unlock();
            }
        } else {
            requests.offer(new Request(op, false));
            ring.wakeup();
        }
    }

    /** Under lock: prepares {@code op}'s request in a fresh slot. */
    private void prep(RingOp op) {
        int slot = takeSlot();
        long ud = (++seq << SLOT_BITS) & ~CANCEL & Long.MAX_VALUE | slot;
        op.userData = ud;
        slots[slot] = op;
        try {
            if (op.kind == RingOp.RECV) ring.prepRecv(op.state.fd, op.buffer.address(), op.length, 0, ud);
            else ring.prepPollAdd(op.state.fd, op.mask, false, ud);
        } catch (IOException e) {        // a full queue that could not be submitted: the park ends now
            slots[slot] = null;
            freeSlot(slot);
            op.complete(-ECANCELED);
            op.state.edge(op.dir);
        }
    }

    private void freeSlot(int slot) {
        if (freeCount == freeSlots.length) freeSlots = java.util.Arrays.copyOf(freeSlots, freeCount * 2);
        freeSlots[freeCount++] = slot;
    }

    private int takeSlot() {
        if (freeCount > 0) return freeSlots[--freeCount];
        if (nextSlot == slots.length) {
            if (nextSlot > SLOT_MASK) throw new IllegalStateException("io_uring: more than 2^24 requests in flight");
            slots = java.util.Arrays.copyOf(slots, slots.length * 2);
        }
        return nextSlot++;
    }

    /**
     * The park ended while {@code op} is in flight: asks its ring to cancel it, then waits,
     * uninterruptibly (the interrupt is kept), until its final completion is reaped.
     */
    private static void cancelAndAwait(RingOp op) {
        stats(op).ringCancels++;
        UringBackend owner = op.owner;
        owner.requestCancel(op);
        boolean interrupted = Thread.interrupted();
        try {
            while (op.phase != RingOp.DONE) op.state.park(op.dir, 0, null);
        } finally {
            if (interrupted) Thread.currentThread().interrupt();
        }
    }

    private static CarrierStats stats(RingOp op) { return op.owner.stats; }

    private void requestCancel(RingOp op) {
        if (carrier.servedByCurrentThread()) {
            lock();
            try {
                prepCancel(op.userData);
            } finally {
                unlock();
            }
        } else {
            requests.offer(new Request(op, true));   // after its arm, if that was queued too: FIFO
            ring.wakeup();
        }
    }

    /** Under lock. A cancel that finds nothing (already completed) completes with ENOENT; ignored. */
    private void prepCancel(long target) {
        try {
            ring.prepCancel(target, target | CANCEL);
        } catch (IOException e) {
            throw new UncheckedIOException(e);  // a full queue that cannot be submitted: the ring is broken
        }
    }

    @Override public boolean emptyPollIsCostly() { return false; }

    @Override
    public int poll(long timeoutNanos) throws IOException {
        lock();
        try {
            return pollLocked(cqes, timeoutNanos, false);
        } finally {
            unlock();
        }
    }

    @Override
    public int pollFromMonitor() throws IOException {
        if (!tryLock()) return 0;                 // the carrier is inside its own poll
        try {
            return pollLocked(monitorCqes, 0, true);
        } finally {
            unlock();
        }
    }

    /** Under lock. {@code fromMonitor}: not the carrier's thread; a wake-up it reaps is written again for the carrier. */
    private int pollLocked(CompletionBuffer out, long timeoutNanos, boolean fromMonitor) throws IOException {
        for (Request r; (r = requests.poll()) != null; ) {
            if (!r.cancel) prep(r.op);
            else if (r.op.phase != RingOp.DONE) prepCancel(r.op.userData);
        }
        int n = fromMonitor ? ring.submitAndPollFromOtherThread(out) : ring.submitAndWait(out, timeoutNanos);
        for (int i = 0; i < n; i++) complete(out.userData(i), out.result(i));
        return n;
    }

    /** Under lock: one completion. */
    private void complete(long ud, int res) {
        if ((ud & CANCEL) != 0) return;              // a cancel's own completion; the target's follows
        int slot = (int) (ud & SLOT_MASK);
        RingOp op = slot < slots.length ? slots[slot] : null;
        if (op == null || op.userData != ud) {
            stats.staleEvents++;
            return;
        }
        slots[slot] = null;
        freeSlot(slot);
        if (op.kind == RingOp.RECV && res > 0) stats.ringReads++;
        finish(op, res);
    }

    /**
     * The final completion of {@code op} with {@code res}: the result is published
     * ({@link RingOp#complete}), then the edge wakes the parked thread.
     *
     * <p>Unlike epoll's dispatch, nothing here disables skipping (hang-ups, errors, urgent data:
     * see {@link FdState}'s rule 3). Those reasons guard against a park that waits for an edge
     * that never comes; on io_uring each park arms its own request, which the kernel checks
     * against the socket's state when it is submitted (a recv returns the bytes behind an
     * urgent mark, or the EOF, at once), so a skipped read only moves the same read onto the
     * ring. Rule 1 (non-blocking channels) still holds: such a read does not park.
     */
    static void finish(RingOp op, int res) {
        op.complete(res);
        op.state.edge(op.dir);
    }

    @Override public void wakeup() { ring.wakeup(); }

    @Override
    public void close() throws IOException {
        try {
            ring.close();                              // on the carrier's thread: cancels and reaps what is in flight
        } finally {
            cqes.close();
            monitorCqes.close();
        }
    }

    private void lock() {
        while (!LOCK.compareAndSet(this, 0, 1)) Thread.onSpinWait();
    }

    private boolean tryLock() { return LOCK.compareAndSet(this, 0, 1); }

    private void unlock() { LOCK.setRelease(this, 0); }
}
