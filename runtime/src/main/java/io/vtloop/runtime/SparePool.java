package io.vtloop.runtime;

import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;

/** The spare threads ({@code vtloop-spare-N}) of one scheduler that serve lent carriers ({@link Compensation}). */
final class SparePool {
    private final CarrierScheduler scheduler;
    private final ConcurrentLinkedDeque<CarrierThread> idle = new ConcurrentLinkedDeque<>();
    private final AtomicInteger created = new AtomicInteger();
    private volatile boolean closed;

    SparePool(CarrierScheduler scheduler) { this.scheduler = scheduler; }

    /** An idle spare, or a new one. */
    CarrierThread take() {
        CarrierThread t = idle.pollFirst();
        if (t == null) {
            t = new CarrierThread(scheduler, "vtloop-spare-" + created.getAndIncrement(), null);
            t.start();
        }
        return t;
    }

    /** A spare that stopped serving; it waits in {@link #awaitCarrier} for its next carrier. */
    void giveBack(CarrierThread t) { idle.offerFirst(t); }

    /** A spare's wait for a carrier; null when the pool is closed (the spare then exits). */
    Carrier awaitCarrier(CarrierThread spare) {
        Carrier c;
        while ((c = spare.carrier) == null) {
            if (closed) return null;
            java.util.concurrent.locks.LockSupport.park(this);
        }
        return c;
    }

    int created() { return created.get(); }

    /** Stops the idle spares and waits for them to exit; the carriers have stopped already. */
    void close() throws InterruptedException {
        closed = true;
        CarrierThread t;
        while ((t = idle.pollFirst()) != null) {
            java.util.concurrent.locks.LockSupport.unpark(t);
            t.join();
        }
    }
}
