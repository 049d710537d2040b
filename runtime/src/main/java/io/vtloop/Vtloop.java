package io.vtloop;

import io.vtloop.runtime.CarrierScheduler;
import io.vtloop.runtime.Config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Constructor;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.FutureTask;

/**
 * vtloop without the agent: the analogue of uvloop's {@code new_event_loop()} / {@code run()}.
 *
 * <p>{@link #newScheduler} starts a {@link CarrierScheduler}; {@link #ofVirtual} gives a
 * {@code Thread.Builder.OfVirtual} whose threads (and their children) run on its carriers;
 * {@link #run} runs a task in such a thread and waits for it. With the agent installed these
 * use the agent's scheduler ({@link #installed()}).
 *
 * <p>Without the agent, only scheduling changes: socket waits still go through the JDK's
 * {@code sun.nio.ch.Poller} (its sub-poller threads then run on vtloop's carriers), timed
 * parks use the JDK's timer threads, reads known not ready are not skipped, and blocking
 * calls are not compensated. It needs {@code --add-opens java.base/java.lang=ALL-UNNAMED
 * --add-exports java.base/jdk.internal.access=ALL-UNNAMED --enable-native-access=ALL-UNNAMED}.
 */
public final class Vtloop {
    private Vtloop() { }

    private static volatile CarrierScheduler installed;
    private static CarrierScheduler fallback;

    /** Called by the agent once it has installed {@code s}. */
    public static void setInstalled(CarrierScheduler s) { installed = s; }

    /** The scheduler the agent installed, or null without the agent. */
    public static CarrierScheduler installed() { return installed; }

    /** Starts a new scheduler with {@code carriers} carrier threads ({@code vtloop.*} properties for the rest). */
    public static CarrierScheduler newScheduler(int carriers) {
        try {
            return CarrierScheduler.start(Config.withCarriers(carriers));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The agent's scheduler, else one shared scheduler with {@code vtloop.carriers} carriers, started on first use. */
    public static synchronized CarrierScheduler defaultScheduler() {
        if (installed != null) return installed;
        if (fallback == null) fallback = newScheduler(Config.fromSystemProperties().carriers());
        return fallback;
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
