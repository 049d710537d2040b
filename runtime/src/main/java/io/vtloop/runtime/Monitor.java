package io.vtloop.runtime;

import java.util.concurrent.locks.LockSupport;

/**
 * vtloop's sysmon (after Go's {@code sysmon}): one platform thread per scheduler
 * ({@code vtloop-monitor}) that finds carriers whose current task has run longer than
 * {@code vtloop.stallMillis} — a CPU-bound virtual thread, or one blocked inside the VM while
 * pinned (a contended monitor, {@code Object.wait}), which no Java hook can see — and serves
 * what they own meanwhile ({@link Carrier#serveWhileBusy}): their queued threads move to the
 * shared queue (an idle carrier is woken for them), their due timers fire and their poller's
 * events are dispatched. Nothing a carrier owns waits for the thread that serves it while another
 * carrier is idle. When none is (one carrier, or all busy) the monitor leaves the carrier alone,
 * as the JDK's pool can only queue work when every worker is busy: work moved to the shared queue
 * would then only wait longer there (it is polled every 61st task) than in the carrier's own FIFO.
 *
 * <p>Detection reads each carrier's task counter ({@link Carrier#taskSeq}, odd while a task
 * runs): the same odd value seen for {@code stall} nanoseconds is one task running that long.
 * Period: {@code stall / 2} while some carrier is inside a task, so a stall is noticed between
 * {@code stall} and {@code 1.5 stall} after it began; while every carrier is between tasks (an
 * idle or lightly loaded server) the period doubles up to {@link #IDLE_PERIOD_NANOS}; once every
 * carrier sleeps in its poller the monitor parks until one wakes (Go's sysmon does the same), so
 * an idle JVM pays nothing. A carrier that stays busy is served again every period.
 *
 * <pre>
 *  monitor ({@link #prepareToPark})         carrier leaving its poller ({@link #carrierAwake})
 *  1. parked = true (volatile)              a. sleeping = false (WakeupGate.awake, volatile)
 *  2. every carrier still sleeping? else 4  b. parked? then unpark(monitor)
 *  3. park
 *  4. parked = false ({@link #unparked})
 *
 *  parked  event                            next    effect
 *  false   monitor: prepareToPark           true    parks if every carrier still sleeps
 *  true    carrier: carrierAwake            true    unpark (the monitor looks again; spurious if
 *                                                    it had not parked yet, or saw the carrier awake)
 *  true    monitor: unparked                false   period back to stall / 2
 *  false   carrier: carrierAwake            false   nothing: the monitor is not parking
 * </pre>
 * 1-2 and a-b are a Dekker pair: either the monitor sees the carrier awake and does not park,
 * or the carrier sees {@code parked} and unparks it (maybe spuriously: one extra look). Both
 * halves are volatile accesses, so no fence is spelled out. stress/ {@code MonitorParkAwakeTest}
 * races the real 1-2 against the real a-b ({@code Carrier.awoke}).
 */
final class Monitor extends Thread {
    /** The longest period, reached when no carrier was inside a task for a while (Go: 10 ms; idle servers matter more here). */
    static final long IDLE_PERIOD_NANOS = 50_000_000L;

    private final CarrierScheduler scheduler;
    private final long stallNanos;
    private final long[] seenSeq;
    private final long[] seenSince;
    private volatile boolean stop;
    private volatile boolean parked;

    Monitor(CarrierScheduler scheduler, long stallNanos) {
        super(null, null, "vtloop-monitor", 0, false);
        setDaemon(true);
        this.scheduler = scheduler;
        this.stallNanos = stallNanos;
        this.seenSeq = new long[scheduler.carriers.length];
        this.seenSince = new long[scheduler.carriers.length];
    }

    @Override
    public void run() {
        long busyPeriod = Math.max(stallNanos / 2, 100_000L), period = busyPeriod;
        while (!stop) {
            LockSupport.parkNanos(this, period);
            boolean anyInTask = check(System.nanoTime());
            period = anyInTask ? busyPeriod : Math.min(period * 2, Math.max(IDLE_PERIOD_NANOS, busyPeriod));
            if (!anyInTask && allSleeping()) {
                if (prepareToPark()) LockSupport.park(this);
                unparked();
                period = busyPeriod;
            }
        }
    }

    private boolean allSleeping() {
        for (Carrier c : scheduler.carriers) if (!c.isSleeping()) return false;
        return true;
    }

    /** Steps 1-2 of the table: true when the monitor may park (every carrier still sleeps). */
    boolean prepareToPark() {
        parked = true;
        return allSleeping() && !stop;
    }

    /** Step 4 of the table: the monitor looks at the carriers again. */
    void unparked() {
        parked = false;
    }

    /**
     * Steps a-b of the table (a, the carrier's {@code sleeping = false}, came first): a carrier
     * returned from its poller; wakes the monitor if it parks or is about to. Returns true when
     * it unparked the monitor.
     */
    boolean carrierAwake() {
        if (!parked) return false;
        LockSupport.unpark(this);
        return true;
    }

    /** One look at every carrier; returns true when one was inside a task. */
    private boolean check(long now) {
        boolean anyInTask = false;
        Carrier[] carriers = scheduler.carriers;
        for (int i = 0; i < carriers.length; i++) {
            Carrier c = carriers[i];
            long seq = c.taskSeq();
            if ((seq & 1) == 0) continue;                        // between tasks
            anyInTask = true;
            if (seq != seenSeq[i]) {                             // a new task since the last look
                seenSeq[i] = seq;
                seenSince[i] = now;
            } else if (now - seenSince[i] >= stallNanos && scheduler.hasSleepingCarrierOtherThan(c)) {
                try {
                    c.stats.monitorServes++;   // racy, statistics only
                    c.serveWhileBusy();
                } catch (Throwable e) {       // a closed poller at shutdown; anything else is a bug
                    if (!stop) reportOnce(e);
                }
            }
        }
        return anyInTask;
    }

    private boolean reported;

    private void reportOnce(Throwable e) {
        if (reported) return;
        reported = true;
        System.err.println("vtloop: monitor: serving a busy carrier failed (reported once): " + e);
    }

    /** Stops the monitor and waits for it to exit. */
    void shutdown() throws InterruptedException {
        stop = true;
        LockSupport.unpark(this);
        join();
    }
}
