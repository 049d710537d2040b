package io.vtloop.agent;

import io.vtloop.scheduler.CarrierScheduler;

import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Called by the patched {@code java.lang.VirtualThread} constructor. Public because the
 * caller lives in {@code java.base}; not an API.
 */
public final class VirtualThreadHooks {
    private VirtualThreadHooks() { }

    private static volatile CarrierScheduler scheduler;

    static void install(CarrierScheduler s) { scheduler = s; }

    /**
     * Chooses the scheduler of a new virtual thread. {@code requested} is the one passed
     * to the constructor: a thread builder's explicit scheduler is kept; null from a virtual
     * parent stays null (the JDK then inherits the parent's scheduler); null from a platform
     * thread becomes vtloop's scheduler, in place of the JDK's ForkJoinPool.
     */
    public static Executor scheduler(Executor requested) {
        if (requested != null || Thread.currentThread().isVirtual()) return requested;
        return scheduler;
    }

    /**
     * First statement of {@code VirtualThread.schedule(command, delay, unit)}, which arms a
     * timed park's timeout: on a vtloop carrier, a timer on that carrier's heap (fired from its
     * loop, cancelled without cross-thread traffic in the common case); elsewhere null, and the
     * JDK's timer threads do it.
     */
    public static Future<?> schedule(Runnable command, long delay, TimeUnit unit) {
        CarrierScheduler s = scheduler;
        return s == null ? null : s.schedule(command, unit.toNanos(delay));
    }
}
