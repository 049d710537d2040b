package io.vtloop.runtime;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A carrier lent to a spare, for the {@link Compensation} tests: the real carrier of an
 * {@link Unstarted} scheduler (shared: {@code Compensation} only wakes its poller and counts
 * on it), and per test state a real {@link Compensation} with its own {@link SparePool},
 * primary and spare {@link CarrierThread}s (never started: the actors play them), lent once
 * by the real {@link Compensation#lend} (row "(primary, false) lend -> (spare, false)").
 *
 * <p>The only override is the test-only seam {@link Compensation#unparkPrimary}: the thread
 * that runs {@code reclaim(primary)} is a jcstress actor, so the seam also unparks that actor
 * (after the real unpark of {@code primary}) and counts the hand-backs. A primary whose
 * wake-up was lost would park forever; the spare's actor therefore waits up to
 * {@link Parks#LOST_NANOS} for the primary to return and then unparks it itself, reporting
 * the loss.
 */
final class LentCarrier {
    static final CarrierScheduler SCHEDULER = Unstarted.scheduler(1);   // for the JVM's life
    static final Carrier CARRIER = SCHEDULER.carriers[0];

    /** Fates of the spare's actor: see {@link #serveUntilHandedBack}. */
    static final int CLEAN = 0, OVERLAP = 1, LOST = 2;

    final CarrierThread primary = new CarrierThread(SCHEDULER, "primary", CARRIER);
    final CarrierThread spare = new CarrierThread(SCHEDULER, "spare", null);
    final CarrierThread spare2 = new CarrierThread(SCHEDULER, "spare2", null);
    final SparePool pool = new SparePool(SCHEDULER, 2, Long.MAX_VALUE);   // spares given back below: never created, never retired
    final Observed compensation = new Observed(pool, primary);
    private volatile boolean primaryBack;

    LentCarrier() {
        pool.giveBack(spare2);
        pool.giveBack(spare);            // taken first (LIFO)
        compensation.lend(primary);      // now (spare, false); spare2 idle in the pool
    }

    /** The primary thread back from its blocking call: CarrierThread.run's reclaim. */
    void reclaimAsPrimary() {
        compensation.primaryActor = Thread.currentThread();   // before reclaim publishes the flag
        compensation.reclaim(primary);
        primaryBack = true;
    }

    /**
     * {@code s}'s loop in CarrierThread.run ({@code while (keepServing) step}; a step here is a
     * spin), then its return to the pool. Returns {@link #OVERLAP} if keepServing let it serve
     * after the primary had returned from reclaim, {@link #LOST} if the primary did not return
     * within {@link Parks#LOST_NANOS} after the hand-back, else {@link #CLEAN}.
     */
    int serveUntilHandedBack(CarrierThread s) {
        int fate = CLEAN;
        while (compensation.keepServing(s)) {
            if (primaryBack) fate = OVERLAP;
            Thread.onSpinWait();
        }
        pool.giveBack(s);
        long t0 = System.nanoTime();
        while (!primaryBack) {
            if (System.nanoTime() - t0 >= Parks.LOST_NANOS) {
                if (fate == CLEAN) fate = LOST;
                LockSupport.unpark(compensation.primaryActor);   // rescue it, or the fork hangs
            }
            Thread.yield();
        }
        return fate;
    }

    /**
     * After both actors: the primary holds and serves the carrier, no spare does, and a new
     * lend's spare is let serve (so {@code reclaim} was reset: state (primary, false)).
     */
    boolean primaryServesAlone() {
        boolean ok = compensation.isHolder(primary) && primary.carrier == CARRIER
                && spare.carrier == null && spare2.carrier == null;
        compensation.lend(primary);
        CarrierThread next = spare.carrier == CARRIER ? spare : spare2;
        return ok && compensation.isHolder(next) && compensation.keepServing(next);
    }

    /** The real Compensation; the seam also wakes the actor that plays the primary. */
    static final class Observed extends Compensation {
        volatile Thread primaryActor;
        final AtomicInteger handBacks = new AtomicInteger();

        Observed(SparePool pool, CarrierThread primary) {
            super(CARRIER, pool, primary);
        }

        @Override
        void unparkPrimary() {
            handBacks.incrementAndGet();
            super.unparkPrimary();                   // the real one: an unstarted thread, no effect
            LockSupport.unpark(primaryActor);
        }
    }
}
