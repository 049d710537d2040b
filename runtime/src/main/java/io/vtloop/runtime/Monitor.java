package io.vtloop.runtime;

import io.vtloop.binding.WakeTimer;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
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
 * A thread waiting in a busy carrier's {@code runnext} while another carrier sleeps gets a second
 * look sooner ({@link #RUNNEXT_LOOK_NANOS}) and moves if the same task still runs; usually a
 * spinner took it long before ({@code Carrier.offerRunnext}), and this look is the fallback for
 * the wakes that hint missed or paced away.
 *
 * <p>Detection reads each carrier's task counter ({@link Carrier#taskSeq}, odd while a task
 * runs): the same odd value seen for {@code stall} nanoseconds is one task running that long.
 * Period: {@code stall / 2} while some carrier is inside a task, so a stall is noticed between
 * {@code stall} and {@code 1.5 stall} after it began; while every carrier is between tasks (an
 * idle or lightly loaded server) the period doubles up to {@link #IDLE_PERIOD_NANOS}; once every
 * carrier sleeps in its poller the monitor parks until one wakes (Go's sysmon does the same), so
 * an idle JVM pays nothing. A carrier that stays busy is served again every period.
 *
 * <p>The carrier that wakes first does not unpark the monitor: it arms the monitor's
 * {@link WakeTimer} for one busy period, and the monitor, woken by the kernel then, looks at
 * once. An unpark would cost that carrier a futex wake of a thread asleep on another CPU (on a
 * VM an inter-processor interrupt) before it runs the task it woke for, and would wake the
 * monitor onto a CPU the woken work may need, while the monitor only looks a period later
 * anyway: a task that began at the wake-up is served 1.5 {@code stall} later either way.
 * Measured (WakeFromIdle, docs/BENCHMARKS.md, session 8's {@code 1-timer-ab}): a virtual thread woken
 * from full idle by a platform thread, 90th percentile of the round trip 4.5-5 µs lower than with
 * the unpark. Without a timer the carrier unparks the monitor, as before: until the monitor's
 * {@link #TIMER_AFTER_WAITS}th wait, when the timer is opened (on a thread of its own,
 * {@code vtloop-monitor-timer}), and for good when the kernel refused one. The monitor installs
 * an opened timer only between its waits, before step 1, so that the carriers that see
 * {@code parked} see the timer it waits in.
 *
 * <pre>
 *  monitor ({@link #prepareToPark})         carrier leaving its poller ({@link #carrierAwake})
 *  0. no timer yet? timer = opened, if one  a. sleeping = false (WakeupGate.awake, volatile)
 *     was (volatile; {@link #installTimer}) b. parked? CAS parked true -> false; the winner reads
 *  1. parked = true (volatile)                 timer and arms it (or, null, unparks the monitor)
 *  2. every carrier still sleeping? else 4
 *  3. wait in the timer read at 0 (or park)
 *  4. parked = false ({@link #unparked})
 *
 *  parked  event                            next    effect
 *  false   monitor: prepareToPark           true    waits if every carrier still sleeps
 *  true    carrier: carrierAwake (CAS wins) false   arms the timer: the monitor looks a busy period
 *                                                    later (spuriously, at its next wait, if it had
 *                                                    not waited yet, or saw the carrier awake)
 *  false   carrier: carrierAwake            false   nothing: the monitor is not parking, or another
 *                                                    carrier armed the timer already
 *  any     monitor: unparked                false   period back to stall / 2
 * </pre>
 * 1-2 and a-b are a Dekker pair: either the monitor sees the carrier awake and does not wait,
 * or the carrier sees {@code parked} and arms the timer (maybe spuriously: one extra look). Both
 * halves are volatile accesses, so no fence is spelled out; the CAS makes one carrier arm per
 * wait, so that carriers waking one after another do not push the expiry later. Step 0 comes
 * before the store of 1, so a carrier whose CAS saw that store reads the timer the monitor waits
 * in; one that won the CAS of an earlier wait (a park, no timer) and reads the timer late finds
 * the monitor past that wait: its unpark then leaves a permit, or its arm one extra look. stress/
 * {@code MonitorParkAwakeTest} races the real 1-2 against the real a-b ({@code Carrier.awoke}).
 */
final class Monitor extends Thread {
    /** The longest period, reached when no carrier was inside a task for a while (Go: 10 ms; idle servers matter more here). */
    static final long IDLE_PERIOD_NANOS = 50_000_000L;

    private final CarrierScheduler scheduler;
    private final long stallNanos;
    private final long[] seenSeq;
    private final long[] seenSince;
    /** Per carrier: the running task's counter when its {@code runnext} was seen waiting at a regular look, or 0. */
    private final long[] runnextSeq;
    /** The next look is {@link #RUNNEXT_LOOK_NANOS} away: a {@code runnext} waits behind a running task. */
    private boolean runnextLook;
    private final long busyPeriod;
    /**
     * The monitor's first waits for a carrier unpark it; its {@code TIMER_AFTER_WAITS}th opens the
     * timer. A timer costs a downcall's binding (the FFM linker's start, about 100 ms of CPU, when
     * no fd was waited for yet), which a short program never earns back; a program that has gone
     * fully idle and woken this many times keeps doing so, and then saves 4.5-5 µs per wake-up.
     */
    static final int TIMER_AFTER_WAITS = 64;

    /**
     * What the carriers arm while the monitor waits; null (they unpark it) before
     * {@link #TIMER_AFTER_WAITS} waits, or when the kernel refused a timerfd. Written by the monitor only.
     */
    private volatile WakeTimer timer;
    /** The timer {@code vtloop-monitor-timer} opened, until the monitor installs it; guarded by {@link #timerLock}. */
    private WakeTimer opened;
    /** Shut down: a timer opened from now on is closed at once; guarded by {@link #timerLock}. */
    private boolean timerClosed;
    private final Object timerLock = new Object();
    private int waits;
    private volatile boolean stop;
    private volatile boolean parked;
    /** The JVM exits: wait parked, not in the timer's read (native code holds HotSpot's exit). */
    private volatile boolean exiting;

    private static final VarHandle PARKED;
    static {
        try {
            PARKED = MethodHandles.lookup().findVarHandle(Monitor.class, "parked", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /**
     * How soon the monitor looks again after it saw a carrier's {@code runnext} waiting behind a
     * running task while another carrier sleeps; if the same task still runs then, the waiting
     * thread goes to the shared queue and a sleeping carrier is woken. The task that readied it
     * usually parks within a hand-off (0.3-0.5 µs; spinners leave a {@code runnext} alone for
     * {@link Carrier#RUNNEXT_GRACE_NANOS}), but one that blocks inside the VM instead (a contended
     * {@code synchronized} while pinned, which no Java hook sees) kept it until the stall bound:
     * OpenJDK's Starvation test, 10-15 ms per iteration, now the next regular look plus this
     * (500 iterations: 2.5 s against 5.4; the JDK 0.24). Only a runnext seen at a regular look
     * gets this second look, so a ping-pong costs the monitor a few extra looks per second. Not
     * shorter: a thread spinning for its peer ({@code SynchronousQueue}) is a running task too,
     * and at 100 µs the second look split such pairs across carriers (SynchronousQueue, 1 pair, 2
     * cores, 3 rounds: 816, 647, 124 ns against 255, 257, 294 without it; at 1 ms 247, 236, 269,
     * 229 against 248, 258, 421, 839: session 15's {@code rn1-2c}).
     */
    static final long RUNNEXT_LOOK_NANOS = 1_000_000L;

    Monitor(CarrierScheduler scheduler, long stallNanos) {
        super(null, null, "vtloop-monitor", 0, false);
        setDaemon(true);
        this.scheduler = scheduler;
        this.stallNanos = stallNanos;
        this.seenSeq = new long[scheduler.carriers.length];
        this.seenSince = new long[scheduler.carriers.length];
        this.runnextSeq = new long[scheduler.carriers.length];
        this.busyPeriod = Math.max(stallNanos / 2, 100_000L);
    }

    @Override
    public void run() {
        long period = busyPeriod;
        boolean lookNow = false;
        while (!stop) {
            if (lookNow) {
                // a timer fired: look at once
            } else if (runnextLook) {                // the full second look's delay, even if woken early
                for (long end = System.nanoTime() + RUNNEXT_LOOK_NANOS, left; (left = end - System.nanoTime()) > 0 && !stop; )
                    LockSupport.parkNanos(this, left);
            } else {
                LockSupport.parkNanos(this, period);
            }
            boolean anyInTask = check(System.nanoTime());
            period = anyInTask ? busyPeriod : Math.min(period * 2, Math.max(IDLE_PERIOD_NANOS, busyPeriod));
            lookNow = false;
            if (!anyInTask && allSleeping()) {
                if (timer == null) installTimer();   // before step 1: carriers that see parked see it
                if (prepareToPark()) lookNow = waitForCarrier();
                unparked();
                period = busyPeriod;
            }
        }
    }

    /**
     * Step 3 of the table: waits until a carrier wakes. Returns true when the timer fired: a
     * busy period has passed since that carrier woke, so the monitor looks at once.
     */
    private boolean waitForCarrier() {
        WakeTimer timer = this.timer;
        if (timer == null || exiting) {
            if (timer == null && !exiting && ++waits == TIMER_AFTER_WAITS)
                Thread.ofPlatform().daemon().name("vtloop-monitor-timer").start(this::openTimer);
            LockSupport.park(this);
            return false;
        }
        try {
            return timer.await();
        } catch (IOException | RuntimeException e) {
            if (!stop) reportOnce("waiting for its timer", e);
            LockSupport.parkNanos(this, IDLE_PERIOD_NANOS);   // a bounded look-again instead
            return false;
        }
    }

    /** On {@code vtloop-monitor-timer}: opens the timer, for the monitor to install; a failure leaves the unpark. */
    private void openTimer() {
        WakeTimer t;
        try {
            t = WakeTimer.open();
        } catch (IOException | RuntimeException | LinkageError e) {
            return;   // EMFILE and the like: carriers unpark the monitor for good
        }
        synchronized (timerLock) {
            if (!timerClosed) {
                opened = t;
                return;
            }
        }
        closeTimer(t);
    }

    /** How many times the monitor waited without a timer (tests). */
    int waitsWithoutTimer() { return waits; }

    /** Whether carriers arm the timer now, rather than unpark the monitor (tests). */
    boolean hasTimer() { return timer != null; }

    /** Monitor thread, between waits: the opened timer, if any, is the one carriers arm from now on. */
    private void installTimer() {
        synchronized (timerLock) {
            timer = opened;
        }
    }

    private static void closeTimer(WakeTimer t) {
        try {
            t.close();
        } catch (IOException e) {
            System.err.println("vtloop: monitor: closing its timer: " + e);
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
     * returned from its poller; arms the monitor's timer (or unparks it) if it waits or is about
     * to, unless another carrier did so already. Returns true when this call armed or unparked.
     */
    boolean carrierAwake() {
        if (!parked || !PARKED.compareAndSet(this, true, false)) return false;
        WakeTimer timer = this.timer;
        if (timer != null && !exiting) timer.arm(busyPeriod);
        else LockSupport.unpark(this);
        return true;
    }

    /**
     * The JVM begins to exit ({@code CarrierScheduler.prepareForExit}): from now on the monitor
     * waits parked and carriers unpark it; a wait in the timer already begun is ended by firing it.
     */
    void exiting() {
        exiting = true;
        LockSupport.unpark(this);
        WakeTimer timer = this.timer;
        if (timer != null) timer.arm(1);
    }

    /** One look at every carrier; returns true when one was inside a task. */
    private boolean check(long now) {
        boolean anyInTask = false, quickLook = runnextLook;
        runnextLook = false;
        Carrier[] carriers = scheduler.carriers;
        for (int i = 0; i < carriers.length; i++) {
            Carrier c = carriers[i];
            long seq = c.taskSeq();
            long waitedBehind = runnextSeq[i];
            runnextSeq[i] = 0;
            if ((seq & 1) == 0) continue;                        // between tasks
            anyInTask = true;
            if (c.hasRunnext() && scheduler.hasSleepingCarrierOtherThan(c)) {   // see RUNNEXT_LOOK_NANOS
                Runnable t;
                if (quickLook && waitedBehind == seq && (t = c.stealRunnext(seq)) != null) {
                    c.stats.monitorServes++;   // racy, statistics only
                    scheduler.injectFromMonitor(t);
                } else if (!quickLook) {
                    runnextSeq[i] = seq;
                    runnextLook = true;
                }
            }
            if (seq != seenSeq[i]) {                             // a new task since the last look
                seenSeq[i] = seq;
                seenSince[i] = now;
            } else if (now - seenSince[i] >= stallNanos && scheduler.hasSleepingCarrierOtherThan(c)) {
                try {
                    c.stats.monitorServes++;   // racy, statistics only
                    c.serveWhileBusy();
                } catch (Throwable e) {       // a closed poller at shutdown; anything else is a bug
                    if (!stop) reportOnce("serving a busy carrier", e);
                }
            }
        }
        return anyInTask;
    }

    private boolean reported;

    private void reportOnce(String what, Throwable e) {
        if (reported) return;
        reported = true;
        System.err.println("vtloop: monitor: " + what + " failed (reported once): " + e);
    }

    /** Stops the monitor and waits for it to exit. */
    void shutdown() throws InterruptedException {
        stop = true;
        LockSupport.unpark(this);
        WakeTimer timer = this.timer;
        if (timer != null) timer.arm(1);
        join();
        WakeTimer t;
        synchronized (timerLock) {
            timerClosed = true;
            t = opened;   // the installed one, or one opened but not yet installed
        }
        if (t != null) closeTimer(t);
    }
}
