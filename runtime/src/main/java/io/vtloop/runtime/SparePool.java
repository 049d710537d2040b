package io.vtloop.runtime;

import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The spare threads ({@code vtloop-spare-N}) of one scheduler that serve lent carriers
 * ({@link Compensation}). At most {@code max} are alive (the JDK's {@code maxPoolSize} less the
 * carriers); an idle spare retires after {@code keepAliveNanos} (the JDK's pool keeps a
 * compensating thread 30 s).
 */
final class SparePool {
    private final CarrierScheduler scheduler;
    private final int max;
    private final long keepAliveNanos;
    private final ConcurrentLinkedDeque<CarrierThread> idle = new ConcurrentLinkedDeque<>();
    private final AtomicInteger created = new AtomicInteger();
    private final AtomicInteger alive = new AtomicInteger();
    private volatile boolean closed;

    SparePool(CarrierScheduler scheduler, int max, long keepAliveNanos) {
        this.scheduler = scheduler;
        this.max = max;
        this.keepAliveNanos = keepAliveNanos;
    }

    /** An idle spare, or a new one; null when {@code max} spares are alive and none is idle. */
    CarrierThread take() {
        CarrierThread t = idle.pollFirst();
        if (t != null) return t;
        for (int n; (n = alive.get()) < max; ) {
            if (alive.compareAndSet(n, n + 1)) {
                t = new CarrierThread(scheduler, "vtloop-spare-" + created.getAndIncrement(), null);
                t.start();
                return t;
            }
        }
        return null;
    }

    /** A spare that stopped serving; it waits in {@link #awaitCarrier} for its next carrier. */
    void giveBack(CarrierThread t) { idle.offerFirst(t); }

    /**
     * A spare's wait for a carrier; null when the pool is closed or the spare stayed idle for
     * the keep-alive (the spare then exits). {@link #take} removes a spare from {@code idle}
     * before it assigns a carrier, so a spare that can still remove itself has none coming.
     */
    Carrier awaitCarrier(CarrierThread spare) {
        Carrier c;
        long deadline = System.nanoTime() + keepAliveNanos;
        while ((c = spare.carrier) == null) {
            long left = deadline - System.nanoTime();
            if (closed || (left <= 0 && idle.removeFirstOccurrence(spare))) {
                alive.decrementAndGet();
                return null;
            }
            java.util.concurrent.locks.LockSupport.parkNanos(this, Math.max(left, 1_000_000L));
        }
        return c;
    }

    int created() { return created.get(); }

    int alive() { return alive.get(); }

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
