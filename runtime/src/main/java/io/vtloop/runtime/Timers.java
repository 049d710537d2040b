package io.vtloop.runtime;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One carrier's park timeouts: a {@link TimerHeap}, and a queue of timers cancelled by other
 * threads, drained before anything fires. The heap is used by the thread serving the carrier
 * and, while the carrier's current task runs too long, by the {@link Monitor}; a lock that the
 * two share (uncontended but for that case) guards it. Protocol of a single timer:
 * {@link CarrierTimer}.
 */
final class Timers {
    private final Carrier carrier;
    private final TimerHeap heap = new TimerHeap();
    private final ConcurrentLinkedQueue<CarrierTimer> remoteCancels = new ConcurrentLinkedQueue<>();
    private final ReentrantLock lock = new ReentrantLock();

    Timers(Carrier carrier) { this.carrier = carrier; }

    /** Arms a timer; serving thread only. */
    CarrierTimer arm(Runnable task, long delayNanos) {
        CarrierTimer t = new CarrierTimer(System.nanoTime() + Math.max(0, delayNanos), task, this);
        lock.lock();
        try {
            heap.add(t);
        } finally {
            lock.unlock();
        }
        return t;
    }

    /** {@code t} was cancelled (by any thread): drop it from the heap now, or hand it to the serving thread. */
    void cancelled(CarrierTimer t) {
        carrier.stats.timersCancelled++;   // racy when remote, statistics only
        if (carrier.servedByCurrentThread() && lock.tryLock()) {
            try {
                heap.remove(t);
            } finally {
                lock.unlock();
            }
        } else {
            remoteCancels.offer(t);
        }
    }

    /**
     * Drops remotely cancelled timers, fires the due ones (their tasks unpark threads: queued on
     * the calling carrier, or on the shared queue when the Monitor calls); returns nanos to the
     * next deadline, or -1. The serving thread, or the Monitor.
     */
    long fireDue() {
        lock.lock();
        try {
            return fireDueLocked();
        } finally {
            lock.unlock();
        }
    }

    private long fireDueLocked() {
        CarrierTimer t;
        while ((t = remoteCancels.poll()) != null) heap.remove(t);
        if (heap.size() == 0) return -1;
        long now = System.nanoTime();
        while ((t = heap.peek()) != null) {
            long wait = t.deadline - now;
            if (wait > 0) return wait;
            heap.poll();
            if (t.tryFire()) {
                carrier.stats.timersFired++;
                t.task.run();      // a park timeout: unparks, queuing the thread on this carrier
            }
        }
        return -1;
    }
}
