package io.vtloop.agent;

import io.vtloop.scheduler.CarrierScheduler;
import io.vtloop.scheduler.FdState;
import jdk.internal.access.JavaIOFileDescriptorAccess;
import jdk.internal.access.SharedSecrets;
import sun.nio.ch.Net;

import java.io.FileDescriptor;
import java.io.IOException;
import java.util.function.BooleanSupplier;

/**
 * The bodies of the patched {@code sun.nio.ch.Poller} entry points and the close-path
 * hooks. Each method has the shape of the JDK method it replaces (see {@link JdkPatches}).
 * Public because the callers live in {@code java.base}; not an API.
 */
public final class PollerHooks {
    private PollerHooks() { }

    private static final JavaIOFileDescriptorAccess FDA = SharedSecrets.getJavaIOFileDescriptorAccess();
    private static final int POLLIN = Net.POLLIN, POLLOUT = Net.POLLOUT;
    private static CarrierScheduler scheduler;   // set once, before the patches apply

    static void install(CarrierScheduler s) { scheduler = s; }

    private static int direction(int event) {
        if (event == POLLIN) return FdState.READ;
        if (event == POLLOUT) return FdState.WRITE;
        throw new IllegalArgumentException("event " + event);
    }

    /**
     * {@code Poller.poll(fdVal, event, nanos, isOpen)}: parks the current virtual thread until
     * the fd is ready for {@code event} ({@code Net.POLLIN} or {@code Net.POLLOUT}), for up
     * to {@code nanos} (0: no timeout), or until a stopPoll. May return early; callers retry.
     */
    public static void poll(int fdVal, int event, long nanos, BooleanSupplier isOpen) throws IOException {
        scheduler.park(fdVal, direction(event), nanos, isOpen);
    }

    /** {@code Poller.pollSelector(fdVal, nanos)}: parks until the Selector's epoll fd is readable. */
    public static void pollSelector(int fdVal, long nanos) throws IOException {
        scheduler.park(fdVal, FdState.READ, nanos, null);
    }

    /** {@code Poller.stopPoll(fdVal, event)}: wakes a thread parked on the fd for {@code event}. */
    public static void stopPoll(int fdVal, int event) {
        scheduler.stopPoll(fdVal, direction(event));
    }

    /** {@code Poller.stopPoll(fdVal)}: wakes any thread parked on the fd. */
    public static void stopPoll(int fdVal) {
        scheduler.stopPoll(fdVal, FdState.READ);
        scheduler.stopPoll(fdVal, FdState.WRITE);
    }

    /** First statement of {@code UnixDispatcher.close(fd)}: forget the fd before its number is reused. */
    public static void beforeClose(FileDescriptor fd) {
        beforeClose(FDA.get(fd));
    }

    /** First statement of {@code EPollSelectorImpl.implClose()}: forget the Selector's epoll fd. */
    public static void beforeClose(int fdVal) {
        if (fdVal >= 0) scheduler.forget(fdVal);
    }
}
