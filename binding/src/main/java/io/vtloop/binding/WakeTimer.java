package io.vtloop.binding;

import java.io.IOException;
import java.lang.invoke.MethodHandle;

import static java.lang.invoke.MethodType.methodType;

/**
 * A one-shot monotonic timer that one thread {@linkplain #await() waits on} and any thread
 * {@linkplain #arm arms}, implemented as a Linux {@code timerfd} in {@code vtloop_timer.c}.
 *
 * <p>What it is for: arming costs one {@code timerfd_settime} and wakes nobody now, where
 * {@code LockSupport.unpark} of a thread asleep on another CPU costs the waker a futex wake and,
 * on a VM, an inter-processor interrupt. vtloop's monitor
 * waits on one while every carrier sleeps; a carrier leaving its poller arms it instead of
 * unparking the monitor, so the monitor's wake-up is off the path of the task that carrier runs.
 *
 * <p>All methods are thread-safe. {@link #close()} ends a wait in progress (it fires the timer),
 * waits for calls in flight to leave, then closes the descriptor; {@link #arm} on a closed timer
 * does nothing, {@link #await} returns {@code false}.
 */
public final class WakeTimer implements AutoCloseable {

    private static final long CREATE_AT = NativeLibrary.symbol("vtloop_timer_create");
    private static final MethodHandle CREATE = NativeLibrary.downcall(methodType(int.class), false);
    private static final long ARM_AT = NativeLibrary.symbol("vtloop_timer_arm");
    private static final MethodHandle ARM = NativeLibrary.downcall(
            methodType(int.class, int.class, long.class), true);
    private static final long WAIT_AT = NativeLibrary.symbol("vtloop_timer_wait");
    private static final MethodHandle WAIT = NativeLibrary.downcall(methodType(long.class, int.class), false);
    private static final long CLOSE_AT = NativeLibrary.symbol("vtloop_timer_close");
    private static final MethodHandle CLOSE = NativeLibrary.downcall(methodType(int.class, int.class), false);

    private final int fd;
    /** Guards {@link #fd}: calls in flight, and close; see {@link CallGate}. */
    private final CallGate gate = new CallGate("WakeTimer");

    private WakeTimer(int fd) {
        this.fd = fd;
    }

    /**
     * Creates a disarmed timer.
     *
     * @return the timer
     * @throws IOException if the native library is unavailable or the kernel refuses, e.g.
     *                     {@code "timerfd_create: EMFILE"}
     */
    public static WakeTimer open() throws IOException {
        UnsatisfiedLinkError loadError = NativeLibrary.loadError();
        if (loadError != null) {
            throw new IOException(loadError.getMessage(), loadError);
        }
        int fd;
        try {
            fd = (int) CREATE.invokeExact(CREATE_AT);
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
        if (fd < 0) {
            throw PollerNative.error("timerfd_create", fd);
        }
        return new WakeTimer(fd);
    }

    /**
     * Arms the timer to fire once, {@code delayNanos} from now, replacing an earlier expiry that
     * has not fired yet. Never blocks; does nothing once the timer is closed.
     *
     * @param delayNanos the delay, at least 1
     * @throws IllegalArgumentException if {@code delayNanos < 1}
     */
    public void arm(long delayNanos) {
        if (delayNanos < 1) {
            throw new IllegalArgumentException("delayNanos must be at least 1: " + delayNanos);
        }
        if (gate.tryEnter()) {
            try {
                armNow(delayNanos);   // only fails for a closed fd, which the gate excludes
            } finally {
                gate.leave();
            }
        }
    }

    private void armNow(long delayNanos) {
        try {
            int rc = (int) ARM.invokeExact(ARM_AT, fd, delayNanos);
            if (rc < 0) throw new IllegalStateException(PollerNative.error("timerfd_settime", rc).getMessage());
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Blocks until the timer fires; an expiry that came before the call returns at once (and is
     * consumed). Returns early on a signal ({@code EINTR}), which callers treat as a spurious
     * wake-up.
     *
     * @return {@code true} when the timer fired (or a signal came), {@code false} once closed
     * @throws IOException if the read fails
     */
    public boolean await() throws IOException {
        if (!gate.tryEnter()) {
            return false;
        }
        long n;
        try {
            n = (long) WAIT.invokeExact(WAIT_AT, fd);
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        } finally {
            gate.leave();
        }
        if (n < 0) {
            throw PollerNative.error("read(timerfd)", (int) n);
        }
        return !gate.isClosed();
    }

    /**
     * Closes the timer: a wait in progress returns {@code false}, calls in flight leave, then
     * the descriptor is closed. Idempotent.
     *
     * @throws IOException if closing the descriptor fails
     */
    @Override
    public void close() throws IOException {
        // A blocked wait leaves when the timer fires; the gate re-fires it until every call is out.
        if (!gate.close(() -> armNow(1))) {
            return;
        }
        int rc;
        try {
            rc = (int) CLOSE.invokeExact(CLOSE_AT, fd);
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
        if (rc < 0) {
            throw PollerNative.error("close(timerfd)", rc);
        }
    }

    /** Tells whether {@link #close()} has been called. */
    public boolean isClosed() {
        return gate.isClosed();
    }

    @Override
    public String toString() {
        return "WakeTimer[" + (isClosed() ? "closed" : "open") + "]";
    }
}
