package io.vtloop;

import io.vtloop.runtime.AgentAccess;
import io.vtloop.runtime.CarrierScheduler;
import io.vtloop.runtime.Config;

import java.lang.reflect.Constructor;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.FutureTask;

/**
 * vtloop's public entry points: the analogue of uvloop's {@code new_event_loop()} / {@code run()}.
 *
 * <p>{@link #newScheduler} starts a {@link VtloopScheduler}; {@link #ofVirtual} gives a
 * {@code Thread.Builder.OfVirtual} whose threads (and their children) run on its carriers;
 * {@link #run} runs a task in such a thread and waits for it. With the agent installed
 * {@link #installed()} is the scheduler every virtual thread of the JVM runs on.
 *
 * <p>Without the agent, only scheduling changes: socket waits still go through the JDK's
 * {@code sun.nio.ch.Poller} (its sub-poller threads then run on vtloop's carriers), timed
 * parks use the JDK's timer threads, reads known not ready are not skipped, and blocking
 * calls are not compensated. It needs {@code --add-opens java.base/java.lang=ALL-UNNAMED
 * --add-exports java.base/jdk.internal.access=ALL-UNNAMED --enable-native-access=ALL-UNNAMED}.
 */
public final class Vtloop {
    private Vtloop() { }

    private static VtloopScheduler shared;   // guarded by Vtloop.class

    /** The scheduler the agent installed, or null without the agent. */
    public static VtloopScheduler installed() { return AgentAccess.installed(); }

    /**
     * Starts a new scheduler with {@code carriers} carrier threads ({@code vtloop.*} properties
     * for the rest). Close it when done.
     *
     * @throws IllegalArgumentException when {@code carriers} is not from 1 to 1024
     * @throws java.io.UncheckedIOException when the native poller cannot be created
     */
    public static VtloopScheduler newScheduler(int carriers) {
        return CarrierScheduler.start(Config.withCarriers(carriers));
    }

    /** The agent's scheduler, else one shared scheduler with {@code vtloop.carriers} carriers, started on first use and never closed. */
    public static synchronized VtloopScheduler defaultScheduler() {
        VtloopScheduler s = installed();
        if (s != null) return s;
        if (shared == null) shared = CarrierScheduler.start(Config.fromSystemProperties());
        return shared;
    }

    /** A virtual thread builder whose threads run on {@code scheduler}. */
    public static Thread.Builder.OfVirtual ofVirtual(Executor scheduler) {
        try {
            Class<?> builder = Class.forName("java.lang.ThreadBuilders$VirtualThreadBuilder");
            Constructor<?> ctor = builder.getDeclaredConstructor(Executor.class);
            ctor.setAccessible(true);
            return (Thread.Builder.OfVirtual) ctor.newInstance(scheduler);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("cannot create virtual threads on a custom scheduler"
                    + " (run with --add-opens java.base/java.lang=ALL-UNNAMED): " + e, e);
        }
    }

    /** An executor that starts a new virtual thread on {@code scheduler} for each task. */
    public static ExecutorService newVirtualThreadPerTaskExecutor(Executor scheduler) {
        return Executors.newThreadPerTaskExecutor(ofVirtual(scheduler).factory());
    }

    /**
     * Runs {@code main} in a virtual thread on {@link #defaultScheduler()} and returns its
     * result; its exception is rethrown as is (checked ones wrapped in ExecutionException).
     */
    public static <T> T run(Callable<T> main) throws ExecutionException, InterruptedException {
        FutureTask<T> task = new FutureTask<>(main);
        ofVirtual(defaultScheduler()).name("vtloop-main").start(task).join();
        try {
            return task.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            if (e.getCause() instanceof Error err) throw err;
            throw e;
        }
    }
}
