package io.vtloop.runtime;

import jdk.internal.misc.Unsafe;
import java.util.concurrent.Delayed;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A timed task (a virtual thread's park timeout) held in one carrier's {@link Timers}
 * and fired from that carrier's loop. Cancelling races firing; exactly one wins, by CAS:
 *
 * <pre>
 *  from      event                            to         action
 *  PENDING   deadline passed (owner carrier)  FIRED      run the task on the owner
 *  PENDING   cancel (owner carrier)           CANCELLED  drop the task; remove from the heap now,
 *                                                        O(log n)
 *  PENDING   cancel (any other thread)        CANCELLED  drop the task (it references the parked
 *                                                        thread); hand to the owner's remote-cancel
 *                                                        queue: the owner removes it on its next loop
 *  FIRED /   cancel                           (same)     returns false
 *  CANCELLED
 * </pre>
 * Only the owner carrier touches the heap ({@link #heapIndex}); other threads only CAS
 * {@code state} and enqueue. {@code owner} is the timer's {@link Timers}, the structure it
 * sits in, so that a cancel can reach it; it does not reach the rest of the carrier.
 */
public final class CarrierTimer implements Future<Void>, Delayed {
    static final int PENDING = 0, FIRED = 1, CANCELLED = 2;
    // Unsafe rather than a VarHandle (as in RunQueue): same barriers, cheap while interpreted
    private static final Unsafe U = Unsafe.getUnsafe();
    private static final long STATE = U.objectFieldOffset(CarrierTimer.class, "state");

    final long deadline;          // System.nanoTime() based
    Runnable task;                // cleared by a cancel: it never runs, and it references the parked thread
    final Timers owner;
    int heapIndex = -1;           // owner only
    private volatile int state;

    CarrierTimer(long deadline, Runnable task, Timers owner) {
        this.deadline = deadline;
        this.task = task;
        this.owner = owner;
    }

    /** Owner: PENDING -> FIRED; true if the caller must run the task. */
    boolean tryFire() {
        return U.compareAndSetInt(this, STATE, PENDING, FIRED);
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        if (!U.compareAndSetInt(this, STATE, PENDING, CANCELLED)) return false;
        task = null;   // read only after a successful tryFire; held until the owner drops the timer (a remote cancel waits for its loop)
        owner.cancelled(this);
        return true;
    }

    @Override public boolean isCancelled() { return state == CANCELLED; }
    @Override public boolean isDone() { return state != PENDING; }
    @Override public State state() {
        return switch (state) { case PENDING -> State.RUNNING; case FIRED -> State.SUCCESS; default -> State.CANCELLED; };
    }

    /** Not supported: the JDK only cancels these timers; nothing waits for them. */
    @Override public Void get() { throw new UnsupportedOperationException("vtloop park timer"); }
    @Override public Void get(long timeout, TimeUnit unit) throws InterruptedException, ExecutionException, TimeoutException {
        throw new UnsupportedOperationException("vtloop park timer");
    }

    @Override public long getDelay(TimeUnit unit) { return unit.convert(deadline - System.nanoTime(), TimeUnit.NANOSECONDS); }
    @Override public int compareTo(Delayed o) { return Long.compare(getDelay(TimeUnit.NANOSECONDS), o.getDelay(TimeUnit.NANOSECONDS)); }
}
