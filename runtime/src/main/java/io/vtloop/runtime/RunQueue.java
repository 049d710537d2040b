package io.vtloop.runtime;

import jdk.internal.misc.Unsafe;

/**
 * A carrier's local run queue: a bounded ring of tasks with one producer (the owning
 * carrier) and many consumers (the owner and stealing carriers), after Go's {@code runq}.
 *
 * <p>{@code head} is advanced only by CAS, by any consumer; {@code tail} is written only by
 * the owner, with release semantics, after the slot is written. A consumer reads a slot
 * and then claims it by CAS on {@code head}; a slot read that loses the CAS may be stale
 * and is discarded, so no task is run twice and none is lost.
 *
 * <pre>
 *  operation          who       head            tail          effect
 *  offer(t)           owner     read (acquire)  t+1 (release) slot[tail] = t; false when full
 *  poll()             owner     CAS h -> h+1    read          returns slot[h]
 *  stealInto(q)       other     CAS h -> h+n    read          moves n = ceil(size/2) tasks to q
 *                                                             (q's owner is the caller)
 *  pollExclusive()    owner     h+1 (release)   read          returns slot[h], then clears it; only
 *                                                             while no other thread can consume
 *  sweep()            owner     read (acquire)  read          clears the slots in [swept, head): taken
 *                                                             tasks, whose references the ring kept
 * </pre>
 * Invariant: {@code 0 <= tail - head <= CAPACITY}; indices grow without bound (int
 * overflow wraps consistently, only differences are used).
 *
 * <p>Only the owner writes slots, so only the owner clears them: a consumer that took slot
 * {@code h} cannot clear it, since the owner may already be refilling it. A slot below the
 * {@code head} the owner read (acquire, after the taker's CAS) was read by its taker before that
 * CAS; any other reader of it holds a stale {@code head}, so its CAS fails and it discards what it
 * read (null or not). Without {@link #sweep} a task (a virtual thread's continuation) stayed
 * reachable after it ran until its slot was reused, up to {@value #CAPACITY} per carrier: a
 * terminated virtual thread, and what it referenced, could not be collected (OpenJDK's
 * TrackAllThreads test found it).
 */
public final class RunQueue {
    /** Ring size, a power of two. */
    public static final int CAPACITY = 256;
    private static final int MASK = CAPACITY - 1;

    // Unsafe rather than VarHandles: the same barriers (named at each access), but an access in
    // interpreted code is one intrinsic call, not a chain of method-handle invokers that C1 must
    // compile first; a fresh JVM's hand-offs run interpreted for thousands of round trips.
    private static final Unsafe U = Unsafe.getUnsafe();
    private static final long HEAD = U.objectFieldOffset(RunQueue.class, "head");
    private static final long TAIL = U.objectFieldOffset(RunQueue.class, "tail");
    private static final long SLOT_BASE = U.arrayBaseOffset(Runnable[].class);
    private static final int SLOT_SHIFT = 31 - Integer.numberOfLeadingZeros(U.arrayIndexScale(Runnable[].class));

    private static long slot(int i) { return SLOT_BASE + ((long) (i & MASK) << SLOT_SHIFT); }

    private final Runnable[] slots = new Runnable[CAPACITY];
    private volatile int head;  // next slot to consume; CAS by any consumer
    private volatile int tail;  // next slot to fill; written by the owner only
    private int swept;          // owner only: the slots before it hold no taken task

    /** Owner only: appends a task (clearing the slots taken since, {@link #sweep}); returns false (task not added) when the ring is full. */
    public boolean offer(Runnable task) {
        int h = U.getIntAcquire(this, HEAD);
        int t = U.getIntOpaque(this, TAIL);
        if (t - h >= CAPACITY) return false;
        if (swept != h) sweep(h, t);
        U.putReferenceOpaque(slots, slot(t), task);
        U.putIntRelease(this, TAIL, t + 1);
        return true;
    }

    /** Owner (or any thread): takes the oldest task, or null when empty. */
    public Runnable poll() {
        for (;;) {
            int h = U.getIntAcquire(this, HEAD);
            int t = U.getIntAcquire(this, TAIL);
            if (t == h) return null;
            Runnable r = (Runnable) U.getReferenceOpaque(slots, slot(h));
            if (U.compareAndSetInt(this, HEAD, h, h + 1)) return r;
        }
    }

    /**
     * Owner only, and only while no other thread can take from this queue: {@link #poll} without
     * the CAS (a locked instruction per task). For the ring of a scheduler's only carrier, which
     * nothing steals from and the {@code Monitor} never drains (it moves work only to another
     * carrier); the thread serving that carrier changes only through {@code Compensation}'s
     * volatile hand-over, which orders this plain read-modify-write of {@code head} with the next.
     */
    public Runnable pollExclusive() {
        int h = U.getIntOpaque(this, HEAD);
        int t = U.getIntOpaque(this, TAIL);
        if (t == h) return null;
        Runnable r = (Runnable) U.getReferenceOpaque(slots, slot(h));
        U.putReferenceOpaque(slots, slot(h), null);             // no other reader: the ring keeps no reference
        U.putIntRelease(this, HEAD, h + 1);                     // offer's acquire of head: the slot is read before it is reused
        if (swept == h) swept = h + 1;
        return r;
    }

    /**
     * Owner only: clears the slots of the tasks taken since the last sweep (by the owner or by
     * others), so that the ring keeps no reference to a task that ran. Called by {@link #offer}
     * and by a carrier about to sleep.
     */
    public void sweep() {
        int h = U.getIntAcquire(this, HEAD);   // after each taker's CAS, so after its read of the slot
        if (swept != h) sweep(h, U.getIntOpaque(this, TAIL));
    }

    /** Clears [swept, h) but never a slot of [h, t), which the ring's older indices alias. */
    private void sweep(int h, int t) {
        int from = swept - (t - CAPACITY) < 0 ? t - CAPACITY : swept;
        for (int i = from; i - h < 0; i++) U.putReferenceOpaque(slots, slot(i), null);
        swept = h;
    }

    /**
     * Moves half (rounded up) of this queue's tasks to {@code into}, whose owner must be the
     * calling thread and which must be empty. Returns the number moved.
     */
    public int stealInto(RunQueue into) {
        Runnable[] batch = new Runnable[CAPACITY / 2];
        for (;;) {
            int h = U.getIntAcquire(this, HEAD);
            int t = U.getIntAcquire(this, TAIL);
            int n = t - h;
            if (n <= 0) return 0;
            n = Math.min(n - n / 2, CAPACITY / 2);
            for (int i = 0; i < n; i++)
                batch[i] = (Runnable) U.getReferenceOpaque(slots, slot(h + i));
            if (U.compareAndSetInt(this, HEAD, h, h + n)) {
                for (int i = 0; i < n; i++) {
                    if (!into.offer(batch[i])) throw new IllegalStateException("steal target not empty");
                }
                return n;
            }
        }
    }

    /** A racy size estimate, for heuristics and statistics only. */
    public int size() {
        int n = tail - head;
        return Math.max(0, Math.min(n, CAPACITY));
    }

    public boolean isEmpty() {
        return tail == head;
    }
}
