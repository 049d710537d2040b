package io.vtloop.runtime;

import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * One carrier's park timeouts: a {@link TimerHeap} touched only by the thread serving the
 * carrier, and a queue of timers cancelled by other threads, which that thread drains before it
 * fires anything. Protocol of a single timer: {@link CarrierTimer}.
 */
final class Timers {
    private final Carrier carrier;
    private final TimerHeap heap = new TimerHeap();
    private final ConcurrentLinkedQueue<CarrierTimer> remoteCancels = new ConcurrentLinkedQueue<>();

    Timers(Carrier carrier) { this.carrier = carrier; }

    /** Arms a timer; serving thread only. */
    CarrierTimer arm(Runnable task, long delayNanos) {
        CarrierTimer t = new CarrierTimer(System.nanoTime() + Math.max(0, delayNanos), task, this);
        heap.add(t);
        return t;
    }

    /** {@code t} was cancelled (by any thread): drop it from the heap now, or hand it to the serving thread. */
    void cancelled(CarrierTimer t) {
        carrier.stats.timersCancelled++;   // racy when remote, statistics only
        if (carrier.servedByCurrentThread()) heap.remove(t);
        else remoteCancels.offer(t);
    }

    /** Serving thread: drops remotely cancelled timers, fires the due ones; returns nanos to the next deadline, or -1. */
    long fireDue() {
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
