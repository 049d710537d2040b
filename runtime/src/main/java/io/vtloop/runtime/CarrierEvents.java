package io.vtloop.runtime;

import jdk.internal.access.JavaLangAccess;
import jdk.internal.access.SharedSecrets;
import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.FlightRecorder;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Threshold;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * vtloop's JFR events (category "vtloop"); enable with {@code -XX:StartFlightRecording}.
 *
 * <p>{@link CarrierStall} is measured by {@link Carrier}'s {@code run} around each continuation
 * ({@link #beginRun}, {@link #endRun}) and ended early when the carrier is lent to a spare in
 * the middle of it ({@link #lent}). It is committed by one platform thread,
 * {@code vtloop-jfr}, that never runs a virtual thread: JFR drops the next event a carrier
 * thread commits after a virtual thread that wrote events unmounted from it (its event writer
 * is left invalid), which lost most stalls that ended in a park or a blocking call.
 *
 * <p>No event object is created before JFR is initialised ({@link #recorderUp}): the first one
 * loads its event class, and registering that class initialises JFR's metadata repository,
 * about 100 ms of CPU at start-up in a JVM that never records.
 */
final class CarrierEvents {
    private CarrierEvents() { }

    @Name("io.vtloop.Compensation")
    @Label("Carrier Lent to a Spare")
    @Category("vtloop")
    @Description("A virtual thread blocked its carrier's OS thread (a JDK Blocker call); a spare thread served the carrier meanwhile")
    @StackTrace(true)
    static final class Compensation extends Event {
        @Label("Carrier") int carrier;
        @Label("Spare Thread") String spare;
    }

    @Name("io.vtloop.CarrierStall")
    @Label("Carrier Stall")
    @Category("vtloop")
    @Description("One continuation ran this long without returning to the carrier's loop (or being lent to a spare): its other virtual threads and fds waited")
    @Threshold("20 ms")
    @StackTrace(false)
    static final class CarrierStall extends Event {
        @Label("Carrier") int carrier;
        @Label("Carrier Thread") Thread carrierThread;
        @Label("Virtual Thread") Thread virtualThread;
        @Label("Ended By") @Description("return: the continuation finished, parked or yielded; blocking call: the carrier was lent to a spare")
        String endedBy;
        transient Runnable task;   // not recorded: the JDK's runContinuation, to find the virtual thread
    }

    /** The continuation being measured on one serving thread. */
    private static final class Probe {
        CarrierStall running;   // written by the serving OS thread only (in its own or its virtual thread's context)
    }

    private static final JavaLangAccess JLA = SharedSecrets.getJavaLangAccess();
    private static final ThreadLocal<Probe> PROBE = new ProbeLocal();
    /** The probes by serving thread, for {@link #lent}, which runs with a virtual thread mounted. */
    private static final Map<Thread, Probe> PROBES = Collections.synchronizedMap(new WeakHashMap<>());
    private static volatile boolean probing;
    private static final LinkedBlockingQueue<CarrierStall> PENDING = new LinkedBlockingQueue<>();
    private static Thread committer;   // guarded by CarrierEvents.class

    /** A class rather than {@code withInitial}'s method reference: its bootstrap cost a cold start ~2 ms. */
    private static final class ProbeLocal extends ThreadLocal<Probe> {
        @Override
        protected Probe initialValue() {
            return newProbe();
        }
    }

    private static Probe newProbe() {
        Probe p = new Probe();
        PROBES.put(Thread.currentThread(), p);
        probing = true;
        return p;
    }

    /**
     * True once JFR is initialised, by the first recording (-XX:StartFlightRecording,
     * {@code jcmd JFR.start}, the {@code jdk.jfr} API) or any other use; until then no recording
     * can enable vtloop's events. A volatile read of {@code FlightRecorder}'s own flag.
     */
    static boolean recorderUp() { return FlightRecorder.isInitialized(); }

    /** Before a continuation runs on {@code carrier}: the stall being measured, or null when the event is off. */
    static CarrierStall beginRun(int carrier, Runnable task) {
        if (!recorderUp()) return null;
        CarrierStall s = new CarrierStall();
        if (!s.isEnabled()) return null;
        s.carrier = carrier;
        s.task = task;
        s.begin();
        PROBE.get().running = s;
        return s;
    }

    /** After {@code task.run()} returned on the thread that called {@link #beginRun}. */
    static void endRun(CarrierStall s) {
        Probe p = PROBE.get();
        if (p.running != s) return;   // ended by a lend, recorded then
        p.running = null;
        s.end();
        if (s.shouldCommit()) {
            s.carrierThread = Thread.currentThread();
            s.virtualThread = threadOf(s.task);
            s.endedBy = "return";
            commitLater(s);
        }
    }

    /**
     * The carrier of the current (virtual) thread is being lent to a spare: the continuation
     * measured on that OS thread stops stalling the carrier now.
     */
    static void lent() {
        if (!probing) return;
        Thread carrierThread = JLA.currentCarrierThread();
        Probe p = PROBES.get(carrierThread);
        CarrierStall s = p == null ? null : p.running;
        if (s == null) return;
        p.running = null;
        s.end();
        if (s.shouldCommit()) {
            s.carrierThread = carrierThread;
            s.virtualThread = Thread.currentThread().isVirtual() ? Thread.currentThread() : threadOf(s.task);
            s.endedBy = "blocking call";
            commitLater(s);
        }
    }

    /** Hands {@code s} to {@code vtloop-jfr}, started on first use. */
    private static void commitLater(CarrierStall s) {
        s.task = null;
        PENDING.add(s);
        synchronized (CarrierEvents.class) {
            if (committer != null) return;
            committer = Thread.ofPlatform().daemon().name("vtloop-jfr").start(() -> {
                while (true) {
                    try {
                        PENDING.take().commit();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
        }
    }

    /** The virtual thread whose continuation {@code task} runs (the JDK's {@code this::runContinuation}), or null. */
    private static Thread threadOf(Runnable task) {
        Field f = TASK_THREAD.get(task.getClass());
        try {
            return f == null ? null : (Thread) f.get(task);
        } catch (IllegalAccessException e) {
            return null;
        }
    }

    private static final ClassValue<Field> TASK_THREAD = new ClassValue<>() {
        @Override
        protected Field computeValue(Class<?> c) {
            for (Field f : c.getDeclaredFields()) {
                if (Modifier.isStatic(f.getModifiers()) || !Thread.class.isAssignableFrom(f.getType())) continue;
                try {
                    f.setAccessible(true);
                    return f;
                } catch (RuntimeException e) {   // java.lang not open to vtloop
                    return null;
                }
            }
            return null;
        }
    };
}
