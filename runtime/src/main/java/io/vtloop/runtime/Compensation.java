package io.vtloop.runtime;

import java.util.concurrent.locks.LockSupport;

/**
 * Blocking compensation for one carrier: while the carrier's own thread is blocked outside the
 * poller (a JDK {@code Blocker} call: file I/O, process pipes, DNS), a spare thread serves the
 * carrier, so its queue, fds and timers keep moving (Go's P hand-off from a blocked M).
 *
 * <pre>
 *  state (holder, reclaim)     event                                   next
 *  (primary, false)            primary's virtual thread enters a       (spare, false)
 *                              blocking call: lend(primary)
 *  (spare, false)              the spare's virtual thread blocks too:  (spare2, false)
 *                              lend(spare); spare returns to the pool
 *  (spare, false)              primary's continuation returned:        (spare, true)
 *                              reclaim(primary), then wakes the poller
 *  (spare, true)               the spare, between two steps            (primary, false)
 *                              (keepServing): hands back, unparks the
 *                              primary, returns to the pool
 * </pre>
 * {@code holder} is written by the thread giving the carrier away (lend) or handing it back
 * (keepServing), always before that thread stops serving; {@code reclaim} only by the primary.
 * A thread serves the carrier exactly while {@code CarrierThread.carrier} is the carrier and
 * {@code holder} is that thread. The primary waits (parks) for {@code holder == primary},
 * which the spare publishes before its unpark, so the wake-up cannot be lost.
 */
class Compensation {   // not final only for stress/'s tests: see unparkPrimary
    private final Carrier carrier;
    private final SparePool spares;
    private final CarrierThread primary;
    private volatile CarrierThread holder;      // the thread serving the carrier now
    private volatile boolean reclaim;           // primary wants it back from a spare

    Compensation(Carrier carrier, SparePool spares, CarrierThread primary) {
        this.carrier = carrier;
        this.spares = spares;
        this.primary = primary;
        this.holder = primary;
    }

    /** True when {@code t} serves the carrier now. */
    boolean isHolder(Thread t) { return holder == t; }

    /**
     * The virtual thread on {@code self} starts an operation that may block the OS thread:
     * a spare serves the carrier meanwhile. {@code self} takes it back after the continuation it
     * runs returns ({@link #reclaim}). Returns false, changing nothing, when the pool is at its
     * cap ({@code jdk.virtualThreadScheduler.maxPoolSize}).
     */
    boolean lend(CarrierThread self) {
        CarrierThread spare = spares.take();
        if (spare == null) return false;              // at maxPoolSize: the call blocks the carrier, as on the JDK
        carrier.taskLeft();
        self.carrier = null;
        holder = spare;
        carrier.stats.compensations++;
        CarrierEvents.lent();                         // the stall measured on this thread ends here
        if (CarrierEvents.recorderUp()) {
            var event = new CarrierEvents.Compensation();
            if (event.isEnabled()) {
                event.carrier = carrier.index;
                event.spare = spare.getName();
                event.commit();
            }
        }
        spare.assign(carrier);
        return true;
    }

    /** The primary thread, back from a blocking call, takes the carrier back from its spare. */
    void reclaim(CarrierThread self) {
        reclaim = true;
        carrier.wakeup();                             // the spare may sleep in the poller
        while (holder != self) LockSupport.park(this);
        reclaim = false;
        self.carrier = carrier;
    }

    /** A spare serving the carrier, between two steps: true while it should go on. */
    boolean keepServing(CarrierThread spare) {
        if (spare.carrier != carrier) return false;   // it lent the carrier to another spare
        if (!reclaim) return true;
        spare.carrier = null;
        holder = primary;
        unparkPrimary();
        return false;
    }

    /**
     * Wakes the primary parked in {@link #reclaim}. Test-only seam: stress/'s Compensation
     * tests override it, because there a jcstress actor, not the {@code primary} thread
     * itself, runs {@code reclaim(primary)}; nothing else may.
     */
    void unparkPrimary() {
        LockSupport.unpark(primary);
    }
}
