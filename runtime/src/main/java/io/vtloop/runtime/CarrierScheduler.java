package io.vtloop.runtime;

import io.vtloop.VtloopScheduler;
import jdk.internal.access.JavaLangAccess;
import jdk.internal.access.SharedSecrets;
import jdk.internal.vm.annotation.DontInline;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.BooleanSupplier;

/**
 * vtloop's scheduler for virtual threads: {@code N} {@link Carrier}s, each with a run queue
 * and its own native poller, plus a shared queue for tasks submitted from other threads, the
 * scheduler's {@link Readiness} and its {@link SparePool}.
 *
 * <p>{@link #execute} is the virtual thread scheduler entry point. The JDK calls it with
 * the virtual thread pinned, so a call made on a carrier (a virtual thread unparking
 * another, or the carrier's poll loop dispatching an event) queues the task on that
 * carrier; a call from any other thread (timers, the main thread, platform threads) goes to
 * the shared queue and wakes a carrier unless one spins ({@link Spinners}).
 *
 * <p>Internal: the public face is {@link VtloopScheduler}; the agent's hooks reach the other
 * methods through {@link AgentAccess}.
 */
public final class CarrierScheduler implements VtloopScheduler {
    private static final JavaLangAccess JLA = SharedSecrets.getJavaLangAccess();

    final Carrier[] carriers;
    final Readiness readiness = new Readiness();
    final SparePool spares;
    final Monitor monitor;                          // null with vtloop.stallMillis=0
    private final ConcurrentLinkedQueue<Runnable> injected = new ConcurrentLinkedQueue<>();
    final Spinners spinners;
    private volatile boolean closed;
    /** Set by {@link #prepareForExit}: no thread of this scheduler waits in native code from then on. */
    private volatile boolean exiting;
    /** Runs {@link #prepareForExit} when the JVM begins to exit; removed by {@link #close}. */
    private final Thread exitHook = new ExitHook(this);
    /** The backend in use, {@code vtloop.backend} resolved: {@code epoll} or {@code io_uring}. */
    final String backend;

    private CarrierScheduler(Config config) throws IOException {
        this.backend = config.resolveBackend(System.err);   // not System.err::println: a bootstrap at start-up
        this.carriers = new Carrier[config.carriers()];
        this.spinners = new Spinners(config.spinMicros() > 0 ? config.carriers() / 2 : 0);
        this.spares = new SparePool(this, Math.max(0, config.maxPoolSize() - config.carriers()),
                config.spareKeepAliveMillis() * 1_000_000L);
        try {
            for (int i = 0; i < carriers.length; i++)
                carriers[i] = new Carrier(this, i, config, backend.equals("io_uring"));
        } catch (IOException | RuntimeException e) {
            for (Carrier c : carriers) if (c != null) c.exit();
            throw e;
        }
        this.monitor = config.stallMillis() > 0 ? new Monitor(this, config.stallMillis() * 1_000_000L) : null;
    }

    /**
     * Creates a scheduler with {@code config.carriers()} carriers and starts them.
     *
     * @throws UncheckedIOException when a native poller cannot be created
     */
    public static CarrierScheduler start(Config config) {
        CarrierScheduler s;
        try {
            s = new CarrierScheduler(config);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (Carrier c : s.carriers) c.primary.start();
        if (s.monitor != null) s.monitor.start();
        try {
            Runtime.getRuntime().addShutdownHook(s.exitHook);
        } catch (IllegalStateException e) {   // started by a shutdown hook: the JVM exits already
            s.prepareForExit();
        }
        return s;
    }

    /**
     * The JVM begins to exit (a shutdown hook): from now on no carrier, spare or monitor of this
     * scheduler waits in native code. HotSpot's last step of an exit waits up to 300 ms for
     * threads in native code to stop; a carrier asleep in {@code epoll_wait} or the monitor in
     * its timer's {@code read} would hold every exit that long (the JDK's own pollers hold an
     * exit of any program that used a socket the same way). A carrier with fds registered keeps
     * dispatching their events for the shutdown hooks, polling without blocking every
     * {@link Carrier#EXIT_POLL_NANOS} and sleeping parked in between; the others sleep parked as
     * they do without fds. Each thread in such a wait is woken to see this.
     */
    void prepareForExit() {
        exiting = true;
        for (Carrier c : carriers) c.wakeup();
        if (monitor != null) monitor.exiting();
    }

    /** True once the JVM began to exit ({@link #prepareForExit}). */
    boolean isExiting() { return exiting; }

    @Override
    public int carriers() { return carriers.length; }

    @Override
    public String backend() { return backend; }

    boolean isClosed() { return closed; }

    @Override
    public void close() {
        if (AgentAccess.installed() == this)
            throw new UnsupportedOperationException("the scheduler the agent installed serves the whole JVM and cannot be closed");
        if (onCarrier())
            throw new IllegalStateException("a vtloop scheduler cannot be closed from one of its own threads");
        if (closed) {
            awaitCarriers();
            return;
        }
        closed = true;
        try {
            Runtime.getRuntime().removeShutdownHook(exitHook);
        } catch (IllegalStateException e) {
            // the JVM is exiting already: the hook ran or runs
        }
        try {
            if (monitor != null) monitor.shutdown();   // before the pollers close
            for (Carrier c : carriers) c.wakeup();
            awaitCarriers();
            spares.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void awaitCarriers() {
        boolean interrupted = false;
        for (Carrier c : carriers) {
            while (c.primary.isAlive()) {
                try {
                    c.primary.join();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
    }

    /** The vtloop carrier running the current thread (virtual or not), or null. */
    Carrier currentCarrier() {
        return (JLA.currentCarrierThread() instanceof CarrierThread t && t.scheduler == this) ? t.carrier : null;
    }

    /** True when the current thread is one of this scheduler's carrier or spare threads, or runs on one. */
    boolean onCarrier() {
        return JLA.currentCarrierThread() instanceof CarrierThread t && t.scheduler == this;
    }

    /**
     * Queues a virtual thread's continuation: on the current carrier if the caller runs on
     * one (in its {@code runnext} when a virtual thread running there unparks or starts it: it
     * runs when that one parks), else on the shared queue. A thread that yields
     * ({@code Thread.yield}) while its carrier's queue is empty goes to the shared queue, behind
     * work submitted from outside, as on the JDK's scheduler ({@code VirtualThread.afterYield});
     * when the shared queue is empty too there is nothing to go behind, and it stays on its
     * carrier (two carriers yielding to each other would otherwise pass every yield through the
     * shared queue, two contended CASes and a node each).
     *
     * @throws RejectedExecutionException from a thread outside this scheduler once it is closed
     */
    @Override
    public void execute(Runnable task) {
        Carrier c = currentCarrier();
        if (c == null) {
            inject(task);
        } else if (Thread.currentThread().isVirtual()) {
            c.push(task, true);
        } else if (c.yielding) {                          // afterYield, unmounted
            c.yielding = false;
            if (c.hasLocalWork() || injected.isEmpty()) c.push(task, false);
            else inject(task);
        } else {
            c.push(task, false);                          // events and timers, from the carrier's loop
        }
    }

    /** True when a carrier other than {@code c} sleeps in its poller: it can take work off {@code c}. */
    boolean hasSleepingCarrierOtherThan(Carrier c) {
        for (Carrier o : carriers) if (o != c && o.isSleeping()) return true;
        return false;
    }

    /** A carrier returned from its poller: the monitor may have parked while all slept; true when this unparked it. */
    boolean carrierAwake() {
        return monitor != null && monitor.carrierAwake();
    }

    /** The Monitor moves a busy carrier's queued task to the shared queue. */
    void injectFromMonitor(Runnable task) {
        injected.offer(task);
        wake(null);
    }

    /**
     * Asked by a virtual thread about to spin for a peer ({@code LinkedTransferQueue},
     * {@code SynchronousQueue}, {@code Exchanger}): true when tasks are queued on its carrier, so
     * that it parks at once and they run (serving thread only). One case is answered by moving
     * work instead: when the only task queued is the {@code runnext} thread and another carrier
     * spins idle, that thread goes to the shared queue for the spinner and the answer is false,
     * so the caller spins while its peer (usually that very thread) runs on the other carrier,
     * and the two meet without a park, as they do on two of the JDK's workers. Without the move
     * a ping-pong of two such threads stays on one carrier, a park and an unpark per hand-off.
     * Waking a sleeping carrier for it is paced ({@link SplitPacer}): while the pair's code is cold
     * the two do not meet, and each such wake was wasted.
     */
    boolean hasQueuedWork() {
        Carrier c = currentCarrier();
        return c != null && c.hasLocalWork() && keepsQueuedWork(c);
    }

    /**
     * The rest of {@link #hasQueuedWork}, out of line: C2 inlines the hook into
     * {@code DualNode.await}, and with this part inlined too, await's code grew past
     * {@code InlineSmallCode}, so it was no longer inlined into {@code xferLifo} (a call per
     * hand-off that the JDK does not pay). The common answer, nothing queued, stays inline.
     */
    @DontInline
    private boolean keepsQueuedWork(Carrier c) {
        if (!c.onlyRunnext()) return true;
        if (spinners.count() == 0 && (!hasSleepingCarrierOtherThan(c) || !c.splits.tryAt(System.nanoTime()))) return true;
        Runnable r = c.takeRunnext();
        if (r == null) return c.hasLocalWork();            // a spinner stole it meanwhile
        injected.offer(r);                                // a CAS: the fence wake needs
        wake(c);
        return false;
    }

    /** The current virtual thread is about to yield ({@code VirtualThread.tryYield}); see {@link #execute}. */
    void yielding() {
        Carrier c = currentCarrier();
        if (c != null) c.yielding = true;
    }

    private void inject(Runnable task) {
        if (closed) throw new RejectedExecutionException("vtloop scheduler closed");
        injected.offer(task);                             // a CAS: the fence wake needs
        wake(null);
    }

    Runnable pollInjected() { return injected.poll(); }

    /**
     * Work was published (and fenced) for other carriers to take: unless a carrier spins, wakes
     * a sleeping one (not {@code self}) to spin (Go's {@code wakep}; the table in {@link Spinners}).
     */
    void wake(Carrier self) {
        if (spinners.count() != 0 || !hasSleepingCarrierOtherThan(self)) return;   // a spinner, or every
        if (!spinners.claimForWake()) return;             // carrier, re-checks before it sleeps
        for (Carrier c : carriers) if (c != self && c.wakeIfSleeping()) return;   // it holds the unit now
        spinners.stop();                                  // none sleeps (any more): the same
    }

    /** True when a task waits in the shared queue or any carrier's ring or overflow (a spinner that found work leaves it to others). */
    boolean hasSurplus() {
        if (!injected.isEmpty()) return true;
        for (Carrier c : carriers) if (!c.queue.isEmpty() || c.hasOverflow()) return true;
        return false;
    }

    /**
     * Steals from the next other carrier that has queued tasks, into {@code self}'s empty ring:
     * half of its ring, or, when its ring is empty, up to half a ring of its overflow (a carrier
     * kept by one task while it readies more threads than its ring holds). Returns a task or null.
     */
    Runnable steal(Carrier self) {
        int n = carriers.length;
        if (n == 1) return null;
        int start = self.index + 1;
        for (int i = 0; i < n - 1; i++) {
            Carrier victim = carriers[(start + i) % n];
            if (!victim.queue.isEmpty() && victim.queue.stealInto(self.queue) > 0
                    || victim.hasOverflow() && victim.stealOverflowInto(self.queue) > 0) {
                self.stats.steals++;
                return self.queue.poll();
            }
        }
        return null;
    }

    /**
     * True when a carrier other than {@code self} holds a {@code runnext} behind a running task:
     * a spinner may take it once it waited {@link Carrier#RUNNEXT_GRACE_NANOS}. Read after the
     * sleep is announced, it closes most of the window in which a carrier about to sleep misses
     * the {@code runnext} filled meanwhile and its filler, not yet seeing the sleep, wakes nobody
     * ({@code Carrier.offerRunnext}: a hint without a fence, so not all of it).
     */
    boolean hasRunnextBehindTask(Carrier self) {
        for (Carrier c : carriers) if (c != self && c.hasRunnext() && (c.taskSeq() & 1) != 0) return true;
        return false;
    }

    /** True when {@code self} has something to run, to re-check before it sleeps. */
    boolean hasWorkFor(Carrier self) {
        if (self.hasLocalWork() || !injected.isEmpty()) return true;
        for (Carrier c : carriers) if (c != self && (c.queue.size() > 0 || c.hasOverflow())) return true;
        return false;
    }

    // -- what the agent's hooks reach through AgentAccess --

    /**
     * The current virtual thread is about to block its carrier's OS thread (the JDK's
     * {@code Blocker.begin}): lends the carrier to a spare thread. Returns false, doing
     * nothing, when the current thread is not a virtual thread on one of these carriers.
     */
    boolean beginBlocking() {
        if (!Thread.currentThread().isVirtual()) return false;
        if (!(JLA.currentCarrierThread() instanceof CarrierThread t) || t.scheduler != this) return false;
        Carrier c = t.carrier;
        return c != null && c.compensation.lend(t);
    }

    /**
     * Parks the current (virtual) thread until {@code fd} is ready for {@code dir}, the
     * timeout, or a stopPoll; a new fd is registered with the current carrier's poller (or
     * carrier {@code fd mod N}'s when called off the carriers).
     */
    void park(int fd, int dir, long nanos, BooleanSupplier isOpen) throws IOException {
        Carrier c = currentCarrier();
        if (c == null) c = carriers[Math.floorMod(fd, carriers.length)];
        readiness.park(fd, dir, nanos, isOpen, c);
    }

    /**
     * Arms a park timeout on the current carrier, or returns null when the caller is not on
     * one of this scheduler's carriers (the JDK then uses its own timer threads).
     */
    Future<?> schedule(Runnable task, long delayNanos) {
        Carrier c = currentCarrier();
        return c == null ? null : c.timers.arm(task, delayNanos);
    }

    /** Counts a read/write syscall skipped because the fd was known not ready. */
    void countSkippedSyscall() {
        Carrier c = currentCarrier();
        if (c != null) c.stats.skippedSyscalls++;
    }

    @Override
    public Map<String, Long> counters() {
        var m = new LinkedHashMap<String, Long>();
        for (Carrier c : carriers) c.stats.addTo(m);
        m.put("spinning", (long) spinners.count());   // now: carriers spinning, or woken to
        m.put("spares", (long) spares.created());
        m.put("sparesAlive", (long) spares.alive());
        return m;
    }

    /** One line: the carrier count and every counter. */
    String summary() {
        StringBuilder sb = new StringBuilder("vtloop: carriers=").append(carriers.length).append(" backend=").append(backend);
        counters().forEach((k, v) -> sb.append(' ').append(k).append('=').append(v));
        return sb.toString();
    }

    @Override
    public String toString() {
        return "vtloop scheduler[carriers=" + carriers.length + (closed ? ", closed" : "") + "]";
    }

    /** The shutdown hook {@code vtloop-exit}: {@link #prepareForExit} (a class, not a lambda: each bootstrap costs start-up time). */
    private static final class ExitHook extends Thread {
        private final CarrierScheduler scheduler;

        ExitHook(CarrierScheduler scheduler) {
            super("vtloop-exit");
            this.scheduler = scheduler;
        }

        @Override
        public void run() { scheduler.prepareForExit(); }
    }
}
