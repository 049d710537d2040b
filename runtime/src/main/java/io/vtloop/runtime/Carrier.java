package io.vtloop.runtime;

import io.vtloop.binding.EpollPoller;
import io.vtloop.binding.EventBuffer;
import io.vtloop.binding.Events;

import java.io.IOException;
import java.lang.invoke.VarHandle;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A carrier: a {@link RunQueue}, its own {@link EpollPoller} for the fds registered on it,
 * and a timer heap, served by one thread at a time, its {@link CarrierThread}
 * ({@code vtloop-carrier-N}) or, while that thread is blocked outside the poller, a spare
 * (see {@link #lend}).
 *
 * <p>Loop: take a task (local queue; the shared injection queue every 61 ticks and when
 * local is empty; else steal half of another carrier's queue) and run it, polling events
 * without blocking every {@code vtloop.pollInterval} tasks; with no task, wait in the poller
 * (one {@code epoll_wait}, which returns at once if events are pending) until an event, the next of its
 * timers ({@link CarrierTimer}: virtual threads' park timeouts), or a
 * {@link EpollPoller#wakeup}. A virtual thread woken by an event is queued here, on the
 * carrier that polled the event.
 *
 * <p>Going to sleep and being woken follow {@link WakeupGate}'s protocol; the native
 * wakeup is itself coalesced (at most one eventfd write per sleep).
 */
public final class Carrier {
    final CarrierScheduler scheduler;
    final int index;
    final RunQueue queue = new RunQueue();
    final EpollPoller poller;
    private final EventBuffer events;
    private final int pollInterval;
    private final WakeupGate gate = new WakeupGate();
    private final TimerHeap timers = new TimerHeap();
    private final ConcurrentLinkedQueue<CarrierTimer> remoteCancels = new ConcurrentLinkedQueue<>();
    private final java.util.ArrayDeque<Runnable> overflow = new java.util.ArrayDeque<>();   // serving thread only
    private int tick;
    final CarrierStats stats = new CarrierStats();

    final CarrierThread primary;
    private volatile CarrierThread holder;      // the thread serving this carrier now
    private volatile boolean reclaim;           // primary wants it back from a spare

    private final long spinNanos;

    Carrier(CarrierScheduler scheduler, int index, Config config) throws IOException {
        this.scheduler = scheduler;
        this.index = index;
        this.pollInterval = config.pollInterval();
        this.spinNanos = config.spinMicros() * 1000L;
        this.poller = EpollPoller.open();
        this.events = new EventBuffer(1024);
        this.primary = new CarrierThread(scheduler, "vtloop-carrier-" + index, this);
        this.holder = primary;
    }

    // -- blocking compensation: lend this carrier to a spare thread --
    //
    //  state (holder, reclaim)     event                                   next
    //  (primary, false)            primary's virtual thread enters a       (spare, false)
    //                              blocking call: lend(primary)
    //  (spare, false)              the spare's virtual thread blocks too:  (spare2, false)
    //                              lend(spare); spare returns to the pool
    //  (spare, false)              primary's continuation returned:        (spare, true)
    //                              reclaim(primary), then wakes the poller
    //  (spare, true)               the spare, between two steps            (primary, false)
    //                              hands back and unparks the primary

    /**
     * The virtual thread on {@code self} starts an operation that may block the OS thread
     * (the JDK's {@code Blocker.begin}): a spare thread serves this carrier meanwhile, so
     * its queue, fds and timers keep moving. {@code self} serves it again after the
     * continuation it runs returns ({@link #reclaim}).
     */
    void lend(CarrierThread self) {
        self.carrier = null;
        CarrierThread spare = scheduler.takeSpare();
        holder = spare;
        stats.compensations++;
        var event = new CarrierEvents.Compensation();
        if (event.isEnabled()) {
            event.carrier = index;
            event.spare = spare.getName();
            event.commit();
        }
        spare.assign(this);
    }

    /** The primary thread, back from a blocking call, takes this carrier back from its spare. */
    void reclaim(CarrierThread self) {
        reclaim = true;
        poller.wakeup();                              // the spare may sleep in the poller
        while (holder != self) java.util.concurrent.locks.LockSupport.park(this);
        reclaim = false;
        self.carrier = this;
    }

    /** A spare serving this carrier: true while it should go on. */
    boolean keepServing(CarrierThread spare) {
        if (spare.carrier != this) return false;      // it lent the carrier to another spare
        if (!reclaim) return true;
        spare.carrier = null;
        holder = primary;
        java.util.concurrent.locks.LockSupport.unpark(primary);
        return false;
    }

    /**
     * Queues a task on this carrier; called by the thread serving it only. When the ring is
     * full, tasks wait in {@code overflow}, and later tasks queue behind them there, so
     * order stays FIFO: a burst of more ready threads than the ring holds cannot be overtaken
     * by threads that events make ready afterwards.
     */
    void push(Runnable task) {
        if (!overflow.isEmpty() || !queue.offer(task)) {
            overflow.addLast(task);
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
            poller.wakeup();
            stats.wakeupsSent++;   // racy, statistics only
            return true;
        }
        return false;
    }

    boolean isSleeping() { return gate.isSleeping(); }

    /** Serving thread only: tasks queued here (ring or overflow). */
    boolean hasLocalWork() { return !queue.isEmpty() || !overflow.isEmpty(); }

    /** Arms a timer on this carrier; called on this carrier's thread only. */
    CarrierTimer schedule(Runnable task, long delayNanos) {
        CarrierTimer t = new CarrierTimer(System.nanoTime() + Math.max(0, delayNanos), task, this);
        timers.add(t);
        return t;
    }

    /** A timer of this carrier was cancelled (by any thread): drop it from the heap. */
    void timerCancelled(CarrierTimer t) {
        stats.timersCancelled++;   // racy when remote, statistics only
        if (scheduler.currentCarrier() == this) timers.remove(t);
        else remoteCancels.offer(t);
    }

    /** Removes remotely cancelled timers, fires the due ones; returns nanos to the next deadline or -1. */
    private long runTimers() {
        CarrierTimer t;
        while ((t = remoteCancels.poll()) != null) timers.remove(t);
        if (timers.size() == 0) return -1;
        long now = System.nanoTime();
        while ((t = timers.peek()) != null) {
            long wait = t.deadline - now;
            if (wait > 0) return wait;
            timers.poll();
            if (t.tryFire()) {
                stats.timersFired++;
                t.task.run();      // a park timeout: unparks, queuing the thread here
            }
        }
        return -1;
    }

    /** One turn of the loop: run a task, or poll, or sleep. Only the holder calls it. */
    void step() {
        try {
            Runnable task = nextTask();
            if (task != null) {
                stats.tasks++;
                var stall = new CarrierEvents.CarrierStall();   // JFR; expected to be scalar-replaced (unverified)
                stall.begin();
                task.run();
                stall.end();
                if (stall.shouldCommit()) {
                    stall.carrier = index;
                    stall.task = task.toString();
                    stall.commit();
                }
                if (holder != Thread.currentThread()) return;   // lent to a spare meanwhile
                if (++tick % pollInterval == 0) {
                    pollEvents(0);
                    runTimers();
                }
            } else {
                sleep0();   // one epoll_wait: returns at once when events are pending
            }
        } catch (Throwable e) {
            // runContinuation handles the virtual thread's own exceptions; anything here is
            // a vtloop bug or an OOME: report it and keep the carrier alive
            try { e.printStackTrace(); } catch (Throwable ignore) { }
        }
    }

    private Runnable nextTask() {
        Runnable t;
        if (tick % 61 == 0 && (t = scheduler.pollInjected()) != null) return t;   // fairness
        if ((t = queue.poll()) != null) {
            while (!overflow.isEmpty() && queue.offer(overflow.peekFirst())) overflow.pollFirst();   // top up
            return t;
        }
        if ((t = overflow.pollFirst()) != null) return t;
        if ((t = scheduler.pollInjected()) != null) return t;
        return scheduler.steal(this);
    }

    private void sleep0() throws IOException {
        long timeout = runTimers();
        if (hasLocalWork()) return;              // a timer fired: run its thread first
        if (spinNanos > 0 && spin()) return;
        gate.prepareToSleep();
        if (scheduler.hasWorkFor(this)) {
            gate.awake();
            return;
        }
        stats.sleeps++;
        try {
            pollEvents(timeout);
        } finally {
            gate.awake();
        }
        runTimers();
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

    /** Polls this carrier's poller and dispatches the events; returns the number of events. */
    private int pollEvents(long timeoutNanos) throws IOException {
        stats.polls++;
        int n = poller.poll(events, timeoutNanos);
        for (int i = 0; i < n; i++) {
            FdState s = scheduler.fds.lookup(events.token(i));
            if (s == null) { stats.staleEvents++; continue; }
            int ev = events.events(i);
            if ((ev & (Events.RDHUP | Events.HUP | Events.ERR)) != 0) s.hangup();
            if ((ev & (Events.IN | Events.RDHUP | Events.HUP | Events.ERR)) != 0) s.edge(FdState.READ);
            if ((ev & (Events.OUT | Events.HUP | Events.ERR)) != 0) s.edge(FdState.WRITE);
        }
        stats.events += n;
        return n;
    }
}
