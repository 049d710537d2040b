package io.vtloop.runtime;

import java.util.concurrent.locks.LockSupport;

/**
 * A platform thread that serves a {@link Carrier}: the carrier's own thread
 * ({@code vtloop-carrier-N}, for its whole life) or a spare ({@code vtloop-spare-K}, for as
 * long as the carrier's own thread is blocked outside the poller; see {@link Compensation}).
 * {@link CarrierScheduler#currentCarrier()} is {@code carrier} of the thread it runs on.
 */
final class CarrierThread extends Thread {
    final CarrierScheduler scheduler;
    private final Carrier own;        // null for a spare
    volatile Carrier carrier;         // the carrier this thread serves now, or null

    CarrierThread(CarrierScheduler scheduler, String name, Carrier own) {
        super(null, null, name, 0, false);
        this.scheduler = scheduler;
        this.own = own;
        this.carrier = own;
        setDaemon(true);
    }

    /** Spare only: serve {@code c} until its primary takes it back. */
    void assign(Carrier c) {
        carrier = c;
        LockSupport.unpark(this);
    }

    @Override
    public void run() {
        if (own != null) {
            do {
                if (carrier == null) own.compensation.reclaim(this);   // lent while this thread was blocked
            } while (own.step());
            own.exit();
            return;
        }
        Carrier c;
        while ((c = scheduler.spares.awaitCarrier(this)) != null) {   // a spare
            while (c.compensation.keepServing(this)) c.step();
            scheduler.spares.giveBack(this);
        }
        // retired or closed: awaitCarrier counted it out
    }
}
