package io.vtloop.runtime;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.channels.Channel;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * What tests that drive the real loop of a started scheduler share: starting one on a given
 * backend, the fd of an NIO channel to register with a carrier's poller, waiting for a
 * counter, and getting the monitor to open its timer.
 */
final class StartedScheduler {
    private StartedScheduler() { }

    private static final MethodHandle FD_VAL;   // sun.nio.ch.SelChImpl#getFDVal (--add-exports java.base/sun.nio.ch)
    static {
        try {
            FD_VAL = MethodHandles.lookup().findVirtual(Class.forName("sun.nio.ch.SelChImpl"), "getFDVal",
                    MethodType.methodType(int.class)).asType(MethodType.methodType(int.class, Channel.class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** A started scheduler of {@code carriers} carriers on {@code backend} ({@code vtloop.backend}); the caller closes it. */
    static CarrierScheduler start(String backend, int carriers) {
        String before = System.setProperty("vtloop.backend", backend);
        try {
            CarrierScheduler s = CarrierScheduler.start(Config.withCarriers(carriers));
            if (!s.backend.equals(backend)) {
                s.close();
                throw new IllegalStateException("asked for " + backend + ", got " + s.backend);
            }
            return s;
        } finally {
            if (before == null) System.clearProperty("vtloop.backend");
            else System.setProperty("vtloop.backend", before);
        }
    }

    /** Waits until {@code value} reaches {@code atLeast}; fails (AssertionError) after 10 s. */
    static void await(String what, LongSupplier value, long atLeast) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (value.getAsLong() < atLeast) {
            if (System.nanoTime() - end >= 0)
                throw new AssertionError(what + ": " + value.getAsLong() + " < " + atLeast + " after 10 s");
            Thread.sleep(1);
        }
    }

    /**
     * Wakes the idle scheduler's carriers with empty tasks until its monitor has had
     * {@link Monitor#TIMER_AFTER_WAITS} waits and installed its timer; fails after 10 s.
     */
    static void driveMonitorToItsTimer(CarrierScheduler scheduler) throws InterruptedException {
        Monitor m = scheduler.monitor;
        await("the monitor's first wait", m::waitsWithoutTimer, 1);
        for (int i = m.waitsWithoutTimer(); i < Monitor.TIMER_AFTER_WAITS; i = m.waitsWithoutTimer()) {
            scheduler.execute(() -> { });
            await("the monitor's next wait", m::waitsWithoutTimer, i + 1);
        }
        for (long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10); !m.hasTimer(); Thread.sleep(2)) {
            if (System.nanoTime() - end >= 0) throw new AssertionError("no monitor timer 10 s after its opening");
            scheduler.execute(() -> { });                         // the monitor installs it between waits
        }
    }

    /** The fd of {@code ch} (a pipe's end, a socket channel). */
    static int fd(Channel ch) throws Throwable {
        return (int) FD_VAL.invokeExact(ch);
    }
}
