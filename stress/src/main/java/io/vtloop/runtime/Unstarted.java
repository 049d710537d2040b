package io.vtloop.runtime;

import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Real scheduler objects for tests that call the real code of a {@link Carrier},
 * {@link Readiness} or {@link Timers}: a {@link CarrierScheduler} built by its private
 * constructor, which opens each carrier's poller but starts no thread (only
 * {@link CarrierScheduler#start} does), and the private fields such tests need.
 * A scheduler costs two fds and a native event buffer per carrier: share or reuse it across
 * jcstress states rather than build one per state.
 */
final class Unstarted {
    private Unstarted() { }

    private static final Constructor<CarrierScheduler> NEW;
    private static final Field GATE, FDS;
    static {
        try {
            NEW = CarrierScheduler.class.getDeclaredConstructor(Config.class);
            NEW.setAccessible(true);
            GATE = field(Carrier.class, "gate");
            FDS = field(Readiness.class, "fds");
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private static Field field(Class<?> c, String name) throws NoSuchFieldException {
        Field f = c.getDeclaredField(name);
        f.setAccessible(true);
        return f;
    }

    /** A scheduler with {@code carriers} carriers whose threads are not started. */
    static CarrierScheduler scheduler(int carriers) {
        try {
            return NEW.newInstance(Config.withCarriers(carriers));
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * One test class's two-carrier schedulers, reused across its jcstress states: a state takes
     * one when it is built and its arbiter, having reset it, gives it back, so a test holds at
     * most one scheduler per live state for the JVM's life.
     */
    static final class Pool {
        private final ConcurrentLinkedQueue<CarrierScheduler> idle = new ConcurrentLinkedQueue<>();

        /** An idle scheduler, or a new one. */
        CarrierScheduler take() {
            CarrierScheduler s = idle.poll();
            return s != null ? s : scheduler(2);
        }

        /** The arbiter, after resetting {@code s}: for a later state. */
        void give(CarrierScheduler s) { idle.offer(s); }
    }

    /** The carrier's {@link WakeupGate}. */
    static WakeupGate gate(Carrier c) {
        return (WakeupGate) get(GATE, c);
    }

    /**
     * Registers {@code fd} in {@code r}'s {@link FdTable} as {@code Readiness.register} does, but
     * with no poller; returns its state. In a fresh Readiness the first one has generation 1.
     */
    static FdState register(Readiness r, int fd) {
        FdTable fds = (FdTable) get(FDS, r);
        return fds.putIfAbsent(new FdState(fd, fds.nextGeneration()));
    }

    private static Object get(Field f, Object o) {
        try {
            return f.get(o);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }
}
