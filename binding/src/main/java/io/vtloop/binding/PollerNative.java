package io.vtloop.binding;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The downcalls into {@code vtloop_poller.c}, bound once. Calls that never block use
 * critical handles (no thread-state transition): register, deregister, wakeup and the
 * non-blocking wait. Results are returned raw: {@code >= 0} or {@code -errno}.
 * Initializing this class fails unless {@link NativeLibrary#isAvailable()} and the library
 * has every symbol; each handle is bound at its first call (see the holders below).
 */
final class PollerNative {

    private static final Linker.Option CRITICAL = Linker.Option.critical(false);

    // One holder class per downcall: a handle is bound when its holder is initialised, at its
    // first call. Binding costs 1-4 ms each at start-up (the first, with the linker, ~40 ms),
    // and a JVM that never registers an fd never waits in epoll, nor wakes an epoll.
    private static final class Create {
        static final MethodHandle MH = NativeLibrary.downcall("vtloop_poller_create",
                FunctionDescriptor.of(JAVA_LONG));
    }
    private static final class Register {
        static final MethodHandle MH = NativeLibrary.downcall("vtloop_poller_register",
                FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_INT, JAVA_LONG), CRITICAL);
    }
    private static final class Deregister {
        static final MethodHandle MH = NativeLibrary.downcall("vtloop_poller_deregister",
                FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_INT), CRITICAL);
    }
    private static final FunctionDescriptor WAIT_FD =
            FunctionDescriptor.of(JAVA_INT, JAVA_LONG, ADDRESS, JAVA_INT, JAVA_LONG);
    private static final class Wait {
        static final MethodHandle MH = NativeLibrary.downcall("vtloop_poller_wait", WAIT_FD);
    }
    private static final class WaitNow {
        static final MethodHandle MH = NativeLibrary.downcall("vtloop_poller_wait", WAIT_FD, CRITICAL);
    }
    private static final class WaitOther {
        static final MethodHandle MH = NativeLibrary.downcall("vtloop_poller_wait_other",
                FunctionDescriptor.of(JAVA_INT, JAVA_LONG, ADDRESS, JAVA_INT), CRITICAL);
    }
    private static final class Wakeup {
        static final MethodHandle MH = NativeLibrary.downcall("vtloop_poller_wakeup",
                FunctionDescriptor.of(JAVA_INT, JAVA_LONG), CRITICAL);
    }
    private static final class Kick {
        static final MethodHandle MH = NativeLibrary.downcall("vtloop_poller_kick",
                FunctionDescriptor.of(JAVA_INT, JAVA_LONG), CRITICAL);
    }
    private static final class Close {
        static final MethodHandle MH = NativeLibrary.downcall("vtloop_poller_close",
                FunctionDescriptor.of(JAVA_INT, JAVA_LONG));
    }
    private static final class ErrnoMessage {
        static final MethodHandle MH = NativeLibrary.downcall("vtloop_errno_message",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    }
    private static final class ErrnoName {
        static final MethodHandle MH = NativeLibrary.downcall("vtloop_errno_name",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT), CRITICAL);
    }
    private static final class UsePwait2 {
        static final MethodHandle MH = NativeLibrary.downcall("vtloop_poller_use_pwait2",
                FunctionDescriptor.ofVoid(JAVA_INT), CRITICAL);
    }

    static {
        NativeLibrary.requireSymbols("vtloop_poller_create", "vtloop_poller_register", "vtloop_poller_deregister",
                "vtloop_poller_wait", "vtloop_poller_wait_other", "vtloop_poller_wakeup", "vtloop_poller_kick",
                "vtloop_poller_close", "vtloop_errno_message", "vtloop_errno_name", "vtloop_poller_use_pwait2");
    }

    private PollerNative() {}

    static long create() {
        try {
            return (long) Create.MH.invokeExact();
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    static int register(long handle, int fd, long token) {
        try {
            return (int) Register.MH.invokeExact(handle, fd, token);
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    static int deregister(long handle, int fd) {
        try {
            return (int) Deregister.MH.invokeExact(handle, fd);
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    static int waitOther(long handle, MemorySegment out, int capacity) {
        try {
            return (int) WaitOther.MH.invokeExact(handle, out, capacity);
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    static int wait(long handle, MemorySegment out, int capacity, long timeoutNanos) {
        try {
            return timeoutNanos == 0
                    ? (int) WaitNow.MH.invokeExact(handle, out, capacity, 0L)
                    : (int) Wait.MH.invokeExact(handle, out, capacity, timeoutNanos);
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    static int wakeup(long handle) {
        try {
            return (int) Wakeup.MH.invokeExact(handle);
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    static int kick(long handle) {
        try {
            return (int) Kick.MH.invokeExact(handle);
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    static int close(long handle) {
        try {
            return (int) Close.MH.invokeExact(handle);
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    static void usePwait2(boolean enabled) {
        try {
            UsePwait2.MH.invokeExact(enabled ? 1 : 0);
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    /** Returns the symbolic name of an errno value, e.g. {@code "EBADF"}. */
    static String errnoName(int errno) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(64);
            int n = (int) ErrnoName.MH.invokeExact(errno, buf, (int) buf.byteSize());
            return n < 0 ? "errno " + errno : buf.getString(0);
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    /**
     * The C library's text for {@code errno} ({@code strerror}), e.g. {@code "Connection timed
     * out"}: the message of the {@code IOException} the JDK throws for a failed read or write.
     *
     * @param errno a positive error number
     * @return the text
     */
    public static String errnoMessage(int errno) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(256);
            int n = (int) ErrnoMessage.MH.invokeExact(errno, buf, (int) buf.byteSize());
            return n < 0 ? "errno " + errno : buf.getString(0);
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    /** Builds the exception for a {@code -errno} result: {@code "<call>: <ERRNO>"}. */
    static IOException error(String call, int result) {
        return new IOException(call + ": " + errnoName(-result));
    }

    private static RuntimeException rethrow(Throwable e) {
        if (e instanceof RuntimeException re) {
            throw re;
        }
        if (e instanceof Error err) {
            throw err;
        }
        throw new IllegalStateException(e);
    }
}
