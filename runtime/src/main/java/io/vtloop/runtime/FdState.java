package io.vtloop.runtime;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.LockSupport;

/**
 * Readiness of one registered file descriptor, for each direction (read, write).
 *
 * <p>The fd is registered once, edge-triggered, with one carrier's poller; that carrier
 * calls {@link #edge} for each event. A thread that got EAGAIN calls {@link #park}. The
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
 *  READY/      since it started, and no       DRAINED   (see {@link #beginIo}, {@link #endIoNotReady})
 *  DRAINED     hangup reported
 * </pre>
 * A short read is taken as "not ready" only before the peer hung up: EOF can wait behind
 * the last bytes, so once RDHUP/HUP/ERR was reported ({@link #hangup}) nothing is skipped.
 * At most one thread parks per direction at a time (the JDK's channel locks guarantee it,
 * as its own Poller assumes). Only that thread writes its {@code waiter} slot: before the CAS
 * that publishes PARKED, and (cleared) after its own CAS out of PARKED, won or lost. The
 * edge reads the slot while it sees PARKED and then CASes the same state, so a successful
 * CAS unparks exactly the thread that parked.
 */
public final class FdState {
    public static final int READ = 0, WRITE = 1;

    static final int UNKNOWN = 0, READY = 1, PARKED = 2, DRAINED = 3;
    static final int MODE_MASK = 3, SEQ_ONE = 4;

    private static final VarHandle STATES = MethodHandles.arrayElementVarHandle(int[].class);

    final int fd;
    final int generation;
    final Carrier owner;               // carrier whose poller reports this fd
    private final int[] states = new int[2];
    private volatile boolean hangup;   // RDHUP/HUP/ERR seen: I/O ends at once (EOF, error), never skip it
    private final Thread[] waiters = new Thread[2];

    FdState(int fd, int generation, Carrier owner) {
        this.fd = fd;
        this.generation = generation;
        this.owner = owner;
    }

    /** The poller token for this registration: generation in the high word, fd in the low. */
    long token() {
        return ((long) generation << 32) | (fd & 0xFFFFFFFFL);
    }

    static int mode(int s) { return s & MODE_MASK; }

    int state(int dir) { return (int) STATES.getVolatile(states, dir); }

    /**
     * An edge (or a stopPoll) for direction {@code dir}: marks it ready, or wakes the thread
     * parked on it. Returns true when a thread was unparked.
     */
    public boolean edge(int dir) {
        for (;;) {
            int s = state(dir);
            int next = (s & ~MODE_MASK) + SEQ_ONE;
            if (mode(s) == PARKED) {
                Thread w = waiters[dir];
                if (STATES.compareAndSet(states, dir, s, next | UNKNOWN)) {
                    LockSupport.unpark(w);
                    return true;
                }
            } else if (STATES.compareAndSet(states, dir, s, next | READY)) {
                return false;
            }
        }
    }

    /**
     * Parks the current thread until an edge for {@code dir}, a stopPoll, the timeout, an
     * interrupt, or a spurious wake-up; returns at once if an edge is pending or
     * {@code isOpen} says the channel closed. Callers retry their I/O either way, as with
     * the JDK's {@code Poller.poll}.
     *
     * @param nanos the waiting time, or 0 to wait without a timeout
     */
    public void park(int dir, long nanos, java.util.function.BooleanSupplier isOpen) {
        Thread me = Thread.currentThread();
        int s;
        for (;;) {
            s = state(dir);
            int m = mode(s);
            if (m == READY) {
                if (STATES.compareAndSet(states, dir, s, (s & ~MODE_MASK) | UNKNOWN)) return;
            } else if (m == PARKED) {
                throw new IllegalStateException("fd " + fd + " already has a parked thread for "
                        + (dir == READ ? "read" : "write"));
            } else {
                waiters[dir] = me;
                int parked = (s & ~MODE_MASK) | PARKED;
                if (STATES.compareAndSet(states, dir, s, parked)) { s = parked; break; }
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
            STATES.compareAndSet(states, dir, s, ((s & ~MODE_MASK) + SEQ_ONE) | UNKNOWN);
            waiters[dir] = null;   // only the waiter writes this field
        }
    }

    /**
     * The poller reported RDHUP, HUP or ERR (before the edge it also delivers). From then on
     * reads return EOF and writes fail without blocking, and a short read no longer means
     * "drained" (EOF can follow the last bytes), so I/O is never skipped.
     */
    public void hangup() {
        hangup = true;
    }

    /**
     * Called before a non-blocking I/O attempt. Returns -1 when the attempt can be skipped
     * (DRAINED: it would fail with EAGAIN), else a snapshot to pass to {@link #endIoNotReady}.
     */
    public int beginIo(int dir) {
        int s = state(dir);
        return mode(s) == DRAINED && !hangup ? -1 : s;
    }

    /**
     * Called after an I/O attempt that left the fd not ready (EAGAIN, or a short read of a
     * stream): records DRAINED unless an edge arrived since {@code snapshot} was taken.
     */
    public void endIoNotReady(int dir, int snapshot) {
        int m = mode(snapshot);
        if (m != PARKED && m != DRAINED && !hangup)
            STATES.compareAndSet(states, dir, snapshot, (snapshot & ~MODE_MASK) | DRAINED);
    }

    @Override
    public String toString() {
        return "FdState[fd=" + fd + ", gen=" + generation + ", read=" + mode(state(READ))
                + ", write=" + mode(state(WRITE)) + "]";
    }
}
