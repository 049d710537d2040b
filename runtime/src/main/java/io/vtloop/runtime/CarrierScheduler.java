package io.vtloop.runtime;

import jdk.internal.access.JavaLangAccess;
import jdk.internal.access.SharedSecrets;

import java.io.IOException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.function.BooleanSupplier;

/**
 * vtloop's scheduler for virtual threads: {@code N} {@link Carrier}s, each with a run queue
 * and its own native poller, plus a shared queue for tasks submitted from other threads.
 *
 * <p>{@link #execute} is the virtual thread scheduler entry point. The JDK calls it with
 * the virtual thread pinned, so a call made on a carrier (a virtual thread unparking
 * another, or the carrier's poll loop dispatching an event) queues the task on that
 * carrier; a call from any other thread (timers, the main thread, platform threads) goes to
 * the shared queue and wakes a sleeping carrier.
 *
 * <p>{@link #park} is the socket-wait entry point (the JDK's {@code Poller.poll}): the fd is
 * registered once, edge-triggered, with the poller of the carrier where it first parks, and
 * its {@link FdState} remembers edges.
 */
public final class CarrierScheduler implements Executor {
    private static final JavaLangAccess JLA = SharedSecrets.getJavaLangAccess();

    final Config config;
    final Carrier[] carriers;
    final FdTable fds = new FdTable();
    private final ConcurrentLinkedQueue<Runnable> injected = new ConcurrentLinkedQueue<>();

    private CarrierScheduler(Config config) throws IOException {
        this.config = config;
        this.carriers = new Carrier[config.carriers()];
        try {
            for (int i = 0; i < carriers.length; i++)
                carriers[i] = new Carrier(this, i, config);
        } catch (IOException | RuntimeException e) {
            for (Carrier c : carriers) if (c != null) try { c.poller.close(); } catch (IOException ignore) { }
            throw e;
        }
    }

    /** Creates a scheduler with {@code config.carriers()} carriers and starts them. */
    public static CarrierScheduler start(Config config) throws IOException {
        CarrierScheduler s = new CarrierScheduler(config);
        for (Carrier c : s.carriers) c.primary.start();
        return s;
    }

    // -- spare threads for blocking compensation (see Carrier#lend) --

    private final java.util.concurrent.ConcurrentLinkedDeque<CarrierThread> spares =
            new java.util.concurrent.ConcurrentLinkedDeque<>();
    private final java.util.concurrent.atomic.AtomicInteger sparesCreated = new java.util.concurrent.atomic.AtomicInteger();

    CarrierThread takeSpare() {
        CarrierThread t = spares.pollFirst();
        if (t == null) {
            t = new CarrierThread(this, "vtloop-spare-" + sparesCreated.getAndIncrement(), null);
            t.start();
        }
        return t;
    }

    void returnSpare(CarrierThread t) { spares.offerFirst(t); }

    /**
     * The current virtual thread is about to block its carrier's OS thread (the JDK's
     * {@code Blocker.begin}): lends the carrier to a spare thread. Returns false, doing
     * nothing, when the current thread is not a virtual thread on one of these carriers.
     */
    public boolean beginBlocking() {
        if (!Thread.currentThread().isVirtual()) return false;
        if (!(JLA.currentCarrierThread() instanceof CarrierThread t) || t.scheduler != this) return false;
        Carrier c = t.carrier;
        if (c == null) return false;
        c.lend(t);
        return true;
    }

    /** Number of carriers. */
    public int carrierCount() { return carriers.length; }

    /** The vtloop carrier running the current thread (virtual or not), or null. */
    Carrier currentCarrier() {
        return (JLA.currentCarrierThread() instanceof CarrierThread t && t.scheduler == this) ? t.carrier : null;
    }

    /** True when the current thread is one of this scheduler's carrier or spare threads, or runs on one. */
    public boolean onCarrier() {
        return JLA.currentCarrierThread() instanceof CarrierThread t && t.scheduler == this;
    }

    @Override
    public void execute(Runnable task) {
        Carrier c = currentCarrier();
        if (c != null) c.push(task);
        else inject(task);
    }

    void inject(Runnable task) {
        injected.offer(task);
        for (Carrier c : carriers) if (c.wakeIfSleeping()) return;
    }

    Runnable pollInjected() { return injected.poll(); }

    /** A carrier queued surplus work: wake one sleeping carrier (not {@code self}) to steal it. */
    void wakeIdle(Carrier self) {
        for (Carrier c : carriers) if (c != self && c.wakeIfSleeping()) return;
    }

    /** Steals half of the longest other queue into {@code self}'s queue; returns a task or null. */
    Runnable steal(Carrier self) {
        int n = carriers.length;
        if (n == 1) return null;
        int start = self.index + 1;
        for (int i = 0; i < n - 1; i++) {
            Carrier victim = carriers[(start + i) % n];
            if (!victim.queue.isEmpty() && victim.queue.stealInto(self.queue) > 0) {
                self.stats.steals++;
                return self.queue.poll();
            }
        }
        return null;
    }

    /** True when {@code self} has something to run, to re-check before it sleeps. */
    boolean hasWorkFor(Carrier self) {
        if (self.hasLocalWork() || !injected.isEmpty()) return true;
        for (Carrier c : carriers) if (c != self && c.queue.size() > 0) return true;
        return false;
    }

    // -- fd readiness: the JDK Poller's replacement --

    /**
     * Parks the current (virtual) thread until {@code fd} is ready for {@code dir}, the
     * timeout, or a stopPoll; see {@link FdState#park}.
     */
    public void park(int fd, int dir, long nanos, BooleanSupplier isOpen) throws IOException {
        FdState s = fds.get(fd);
        if (s == null) s = register(fd);
        s.park(dir, nanos, isOpen);
    }

    /** The state of {@code fd}, registering it on the current carrier (or {@code fd mod N}) if new. */
    FdState register(int fd) throws IOException {
        Carrier c = currentCarrier();
        if (c == null) c = carriers[Math.floorMod(fd, carriers.length)];
        boolean[] created = new boolean[1];
        FdState s = fds.getOrCreate(fd, c, created);
        if (created[0]) {
            try {
                s.owner.poller.register(fd, s.token());
            } catch (IOException | RuntimeException e) {
                fds.forget(fd, s);
                s.edge(FdState.READ);    // let a thread that raced onto s retry
                s.edge(FdState.WRITE);
                throw e;
            }
        }
        return s;
    }

    /** The state of {@code fd} if it is registered, else null (no registration). */
    public FdState stateOf(int fd) { return fds.get(fd); }

    /** Wakes a thread parked on {@code fd} for {@code dir} (the JDK's stopPoll). */
    public void stopPoll(int fd, int dir) {
        FdState s = fds.get(fd);
        if (s != null) s.edge(dir);
    }

    /** The JDK is closing {@code fd}: forget it so a reuse of the number registers afresh. */
    public void forget(int fd) {
        FdState s = fds.forget(fd);
        if (s != null) {  // nobody should be parked (the JDK closes after blocked threads leave)
            s.edge(FdState.READ);
            s.edge(FdState.WRITE);
        }
    }

    /**
     * Arms a park timeout on the current carrier, or returns null when the caller is not on
     * one of this scheduler's carriers (the JDK then uses its own timer threads).
     */
    public java.util.concurrent.Future<?> schedule(Runnable task, long delayNanos) {
        Carrier c = currentCarrier();
        return c == null ? null : c.schedule(task, delayNanos);
    }

    /** Counts a read/write syscall skipped because the fd was known not ready. */
    public void countSkippedSyscall() {
        Carrier c = currentCarrier();
        if (c != null) c.stats.skippedSyscalls++;
    }

    /** Counters of all carriers, summed, by name (see {@link CarrierStats}). */
    public java.util.Map<String, Long> counters() {
        var m = new java.util.LinkedHashMap<String, Long>();
        for (Carrier c : carriers) c.stats.addTo(m);
        return m;
    }

    /** One line: the carrier count and every counter. */
    public String summary() {
        StringBuilder sb = new StringBuilder("vtloop: carriers=").append(carriers.length);
        counters().forEach((k, v) -> sb.append(' ').append(k).append('=').append(v));
        return sb.toString();
    }
}
