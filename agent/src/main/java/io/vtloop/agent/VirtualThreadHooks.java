package io.vtloop.agent;

import io.vtloop.runtime.AgentAccess;

import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Called by the patched {@code java.lang.VirtualThread} and {@code jdk.internal.misc.Blocker}.
 * Public because the callers live in {@code java.base}; not an API.
 */
public final class VirtualThreadHooks {
    private VirtualThreadHooks() { }

    /**
     * Chooses the scheduler of a new virtual thread. {@code requested} is the one passed
     * to the constructor: a thread builder's explicit scheduler is kept; null from a virtual
     * parent stays null (the JDK then inherits the parent's scheduler); null from a platform
     * thread becomes vtloop's scheduler, in place of the JDK's ForkJoinPool.
     */
    public static Executor scheduler(Executor requested) {
        return AgentAccess.schedulerFor(requested);
    }

    /**
     * First statement of {@code VirtualThread.schedule(command, delay, unit)}, which arms a
     * timed park's timeout: on a vtloop carrier, a timer on that carrier's heap (fired from its
     * loop, cancelled without cross-thread traffic in the common case); elsewhere null, and the
     * JDK's timer threads do it.
     */
    public static Future<?> schedule(Runnable command, long delay, TimeUnit unit) {
        return AgentAccess.schedule(command, unit.toNanos(delay));
    }

    /**
     * {@code JcmdVThreadCommands.printScheduler()}, what {@code jcmd PID Thread.vthread_scheduler}
     * prints: vtloop's scheduler, where to watch it, and its counters.
     */
    public static byte[] printScheduler() {
        String nl = System.lineSeparator();
        var s = AgentAccess.installed();
        StringBuilder sb = new StringBuilder().append(s).append(" (vtloop-agent: every virtual thread without an explicit"
                + " scheduler runs on it; MXBean io.vtloop:type=Scheduler)").append(nl);
        s.counters().forEach((k, v) -> sb.append("  ").append(k).append('=').append(v).append(nl));
        return sb.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    /**
     * First statement of {@code Blocker.begin()}: a virtual thread on a vtloop carrier is
     * about to block the OS thread (file I/O and the like); the carrier is lent to a spare
     * thread so its other virtual threads and fds keep moving. True: handled (the JDK's
     * {@code Blocker.end(true)} then comes to {@link #endBlocking}).
     */
    public static boolean beginBlocking() {
        return AgentAccess.beginBlocking();
    }

    /**
     * First statement of {@code VirtualThread.parkOnCarrierThread(timed, nanos)}: a pinned
     * virtual thread is about to park its carrier's OS thread; the carrier is lent to a spare
     * exactly as for a {@code Blocker} call, so its queue, fds and timers keep moving.
     */
    public static void pinnedPark() {
        AgentAccess.pinnedPark();
    }

    /**
     * First statement of {@code VirtualThread.tryYield()}: the thread's continuation will be
     * resubmitted behind work from outside when its carrier's queue is empty, as on the JDK.
     */
    public static void yielding() {
        AgentAccess.yielding();
    }

    /**
     * First statement of {@code ForkJoinWorkerThread.hasKnownQueuedWork()}, which
     * {@code LinkedTransferQueue}, {@code SynchronousQueue} and {@code Exchanger} ask before they
     * spin for a peer: true when the current thread runs on a vtloop carrier with tasks queued,
     * where spinning only delays the peer (it runs once the spinner parks), as on the JDK's pool.
     */
    public static boolean hasQueuedWork() {
        return AgentAccess.hasQueuedWork();
    }

    /**
     * First statement of {@code Blocker.end(attempted)}: true (skip the JDK's body, which
     * expects a ForkJoinPool carrier) when {@link #beginBlocking} handled the begin. The
     * carrier thread takes its carrier back once the continuation it runs returns.
     */
    public static boolean endBlocking(boolean attempted) {
        return attempted && AgentAccess.onCarrier();
    }

    // -- VirtualThread.createDefaultScheduler: the JDK's lambdas, as classes --

    /** {@code pool -> new CarrierThread(pool)}. */
    public static ForkJoinPool.ForkJoinWorkerThreadFactory carrierThreadFactory() {
        return new JdkCarrierThreads();
    }

    /** {@code (t, e) -> { }}. */
    public static Thread.UncaughtExceptionHandler ignoreUncaught() {
        return new IgnoreUncaught();
    }

    /** {@code pool -> true}. */
    public static Predicate<? super ForkJoinPool> saturateAlways() {
        return new SaturateAlways();
    }

    private static final class JdkCarrierThreads implements ForkJoinPool.ForkJoinWorkerThreadFactory {
        @Override
        public ForkJoinWorkerThread newThread(ForkJoinPool pool) {
            return new jdk.internal.misc.CarrierThread(pool);
        }
    }

    private static final class IgnoreUncaught implements Thread.UncaughtExceptionHandler {
        @Override
        public void uncaughtException(Thread t, Throwable e) { }
    }

    private static final class SaturateAlways implements Predicate<ForkJoinPool> {
        @Override
        public boolean test(ForkJoinPool pool) {
            return true;
        }
    }
}
