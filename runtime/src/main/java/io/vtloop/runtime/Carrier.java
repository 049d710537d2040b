package io.vtloop.runtime;

import java.io.IOException;
import java.lang.invoke.VarHandle;
import java.lang.invoke.MethodHandles;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.locks.LockSupport;

/**
 * A carrier: a {@link RunQueue}, its own {@link Backend} (epoll or io_uring) for its fds,
 * and its {@link Timers}, served by one thread at a time: its {@link CarrierThread}
 * ({@code vtloop-carrier-N}) or, while that thread is blocked outside the poller, a spare
 * ({@link Compensation}).
 *
 * <p>Loop ({@link #step}), in this order:
 * <ol>
 * <li>every 61st task, the scheduler's shared queue first (Go's {@code schedtick % 61}: a
 *     prime, so that it does not beat with {@code vtloop.pollInterval}; tasks from outside are
 *     not starved by a carrier whose local queue never empties);</li>
 * <li>the local ring, refilled from the overflow;</li>
 * <li>the overflow, the shared queue, then half of another carrier's queue (steal);</li>
 * <li>every {@code vtloop.pollInterval} tasks, a non-blocking poll and the due timers;</li>
 * <li>with nothing to run: the due timers, then sleep in one {@code epoll_wait} (which returns
 *     at once when events are pending; {@code io_uring_enter} on io_uring) until an event, the
 *     next timer, or a wake-up.</li>
 * </ol>
 * A virtual thread woken by an event is queued on the carrier that polled the event. Going to
 * sleep and being woken follow {@link WakeupGate}'s protocol; the native wake-up is itself
 * coalesced (at most one eventfd write per sleep).
 */
final class Carrier {
    /** Go's {@code schedtick % 61}: see the class comment. */
    private static final int INJECTED_EVERY = 61;
    /** The longest back-off after repeated failures of the loop itself. */
    private static final long MAX_BACKOFF_NANOS = 1_000_000_000L;

    final CarrierScheduler scheduler;
    final int index;
    final RunQueue queue = new RunQueue();
    final Backend backend;
    private final int pollInterval;
    private final WakeupGate gate = new WakeupGate();
    final Timers timers = new Timers(this);
    /** Tasks past the ring, FIFO; the serving thread adds, it and the {@link Monitor} take. */
    private final ConcurrentLinkedDeque<Runnable> overflow = new ConcurrentLinkedDeque<>();
    private int tick;
    /**
     * Tasks begun and ended: odd while a task runs. Written by the serving thread with release
     * (a plain store on x86), read by the {@link Monitor}, which serves this carrier when the same
     * odd value stays for longer than {@code vtloop.stallMillis}.
     */
    @SuppressWarnings("unused") private volatile long taskSeq;
    private static final java.lang.invoke.VarHandle TASK_SEQ;
    static {
        try {
            TASK_SEQ = MethodHandles.lookup().findVarHandle(Carrier.class, "taskSeq", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
    /** Set by a virtual thread's {@code Thread.yield} on this carrier; serving thread only. */
    boolean yielding;
    private int failures;                       // consecutive failures of step(); serving thread only
    final CarrierStats stats = new CarrierStats();

    final CarrierThread primary;
    final Compensation compensation;

    private final long spinNanos;

    Carrier(CarrierScheduler scheduler, int index, Config config, boolean ioUring) throws IOException {
        this.scheduler = scheduler;
        this.index = index;
        this.pollInterval = config.pollInterval();
        this.spinNanos = config.spinMicros() * 1000L;
        this.backend = ioUring ? new UringBackend(this, scheduler.readiness, stats)
                                        : new EpollBackend(scheduler.readiness, stats);
        this.primary = new CarrierThread(scheduler, "vtloop-carrier-" + index, this);
        this.compensation = new Compensation(this, scheduler.spares, primary);
    }

    /** True when the current (platform) thread serves this carrier now. */
    boolean servedByCurrentThread() {
        return scheduler.currentCarrier() == this;
    }

    /**
     * Queues a task on this carrier; called by the thread serving it only. When the ring is
     * full, tasks wait in {@code overflow}, and later tasks queue behind them there, so
     * order stays FIFO: a burst of more ready threads than the ring holds cannot be overtaken
     * by threads that events make ready afterwards.
     */
    void push(Runnable task) {
        if (!overflow.isEmpty() || !queue.offer(task)) {
            overflow.offerLast(task);
            return;
        }
        if (queue.size() > 1) {                           // surplus: let a sleeper steal
            VarHandle.fullFence();   // Dekker with WakeupGate: publish the task before reading sleeping
            scheduler.wakeIdle(this);
        }
    }

    /** Wakes this carrier if it sleeps in its poller; returns true if this call woke it. */
    boolean wakeIfSleeping() {
        if (gate.claimWakeup()) {
            backend.wakeup();
            stats.wakeupsSent++;   // racy, statistics only
            return true;
        }
        return false;
    }

    /** Whether this carrier sleeps in its poller (the {@link Monitor}'s view). */
    boolean isSleeping() { return gate.isSleeping(); }

    /** Ends this carrier's current or next poll, whether it sleeps or not (reclaim, close). */
    void wakeup() { backend.wakeup(); }

    /** Serving thread only: tasks queued here (ring or overflow). */
    boolean hasLocalWork() { return !queue.isEmpty() || !overflow.isEmpty(); }

    /**
     * One turn of the loop: run a task, or poll, or sleep. Only the serving thread calls it.
     * Returns false when the scheduler is closed and the primary has nothing left to run.
     */
    boolean step() {
        try {
            Runnable task = nextTask();
            if (task != null) {
                run(task);
                if (!compensation.isHolder(Thread.currentThread())) return true;   // lent to a spare meanwhile
                if (++tick % pollInterval == 0) {
                    pollEvents(0);
                    timers.fireDue();
                }
            } else if (scheduler.isClosed() && Thread.currentThread() == primary) {
                return false;
            } else {
                sleep();
            }
            failures = 0;
        } catch (Throwable e) {
            failed(e);
        }
        return true;
    }

    private void run(Runnable task) {
        stats.tasks++;
        yielding = false;
        long seq = (long) TASK_SEQ.getOpaque(this);
        TASK_SEQ.setRelease(this, seq + 1);          // odd: running
        try {
            runTask(task);
        } finally {
            if (compensation.isHolder(Thread.currentThread())) TASK_SEQ.setRelease(this, seq + 2);
        }
    }

    /** The running task's thread lends this carrier to a spare ({@link Compensation#lend}): no task runs here now. */
    void taskLeft() {
        long seq = (long) TASK_SEQ.getOpaque(this);
        if ((seq & 1) != 0) TASK_SEQ.setRelease(this, seq + 1);
    }

    /** The {@link Monitor}'s view: the task counter, odd while a task runs. */
    long taskSeq() { return (long) TASK_SEQ.getOpaque(this); }

    private void runTask(Runnable task) {
        var stall = CarrierEvents.beginRun(index, task);   // JFR CarrierStall; null when not recording it
        task.run();
        if (stall != null) CarrierEvents.endRun(stall);
    }

    /**
     * The loop itself failed (runContinuation handles a virtual thread's own exceptions, so this
     * is a vtloop bug, a poller error or an OOME): report the first one, count all, and back off
     * exponentially while they repeat, so a persistent error costs neither a log flood nor a core.
     */
    private void failed(Throwable e) {
        stats.loopFailures++;
        if (stats.loopFailures == 1) {
            try {
                System.err.println("vtloop: carrier " + index + " loop failed (later failures are counted,"
                        + " not printed: see the loopFailures counter): " + e);
                e.printStackTrace();
            } catch (Throwable ignore) { }
        }
        failures = Math.min(failures + 1, 30);
        LockSupport.parkNanos(Math.min(1_000L << failures, MAX_BACKOFF_NANOS));
    }

    private Runnable nextTask() {
        Runnable t;
        if (tick % INJECTED_EVERY == 0 && (t = scheduler.pollInjected()) != null) return t;
        if ((t = queue.poll()) != null) {
            Runnable o;                                  // top up from the overflow
            while (queue.size() < RunQueue.CAPACITY && (o = overflow.pollFirst()) != null) {
                if (!queue.offer(o)) { overflow.offerFirst(o); break; }
            }
            return t;
        }
        if ((t = overflow.pollFirst()) != null) return t;
        if ((t = scheduler.pollInjected()) != null) return t;
        return scheduler.steal(this);
    }

    private void sleep() throws IOException {
        long timeout = timers.fireDue();
        if (hasLocalWork()) return;              // a timer fired: run its thread first
        if (spinNanos > 0 && spin()) return;
        gate.prepareToSleep();
        if (scheduler.hasWorkFor(this) || scheduler.isClosed()) {
            gate.awake();
            return;
        }
        stats.sleeps++;
        try {
            pollEvents(timeout);
        } finally {
            gate.awake();
            scheduler.carrierAwake();
        }
        timers.fireDue();
    }

    /** vtloop.spin: busy-polls for up to spinNanos; true when events or work showed up. */
    private boolean spin() throws IOException {
        long end = System.nanoTime() + spinNanos;
        do {
            if (pollEvents(0) > 0 || scheduler.hasWorkFor(this)) return true;
            Thread.onSpinWait();
        } while (System.nanoTime() - end < 0);
        return false;
    }

    /**
     * Called by the {@link Monitor} while this carrier's current task has run too long: takes
     * what the carrier owns off it (its queued tasks go to the shared queue, its due timers
     * fire, its poller's events are dispatched, waking threads onto other carriers) so that
     * nothing waits for the thread that serves it. Any thread but the serving one.
     */
    void serveWhileBusy() throws IOException {
        Runnable t;
        while ((t = queue.poll()) != null) scheduler.injectFromMonitor(t);
        while ((t = overflow.pollFirst()) != null) scheduler.injectFromMonitor(t);
        timers.fireDue();
        int n = backend.pollFromMonitor();
        stats.monitorEvents += n;   // racy, statistics only
    }

    /** Polls this carrier's poller and dispatches the events; returns the number of events. */
    private int pollEvents(long timeoutNanos) throws IOException {
        stats.polls++;
        int n = backend.poll(timeoutNanos);
        stats.events += n;
        return n;
    }

    /** The primary thread leaves the loop (scheduler closed): free the poller. */
    void exit() {
        try {
            backend.close();
        } catch (IOException | RuntimeException e) {
            System.err.println("vtloop: carrier " + index + ": closing its poller: " + e);
        }
    }
}
