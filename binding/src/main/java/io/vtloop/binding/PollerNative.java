package io.vtloop.binding;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodType;

import static java.lang.invoke.MethodType.methodType;

/**
 * The downcalls into {@code vtloop_poller.c}, bound once. Calls that never block use
 * critical handles (no thread-state transition): register, deregister, wakeup and the
 * non-blocking wait. Results are returned raw: {@code >= 0} or {@code -errno}.
 * Initializing this class fails unless {@link NativeLibrary#isAvailable()} and the library
 * has every symbol; each handle is bound at its first call (see the holders below). A holder
 * keeps its function's address ({@code AT}, a {@link NativeLibrary#symbol}) and a handle that
 * takes it first ({@link NativeLibrary#downcall}); pointers are passed as {@code long}s.
 */
final class PollerNative {

    // One holder class per downcall: a handle is bound when its holder is initialised, at its
    // first call. Through the FFM linker binding costs 4-18 ms each in a fresh JVM (the first,
    // with the linker's start, 80-140 ms); with the agent's direct handles mostly under 1 ms each
    // (the first 8-19 ms; bench/results/2026-12-07-direct-downcalls/bind-cost). A JVM that never registers an fd never waits in epoll, nor wakes an epoll.
    private static final class Create {
        static final long AT = NativeLibrary.symbol("vtloop_poller_create");
        static final MethodHandle MH = NativeLibrary.downcall(methodType(long.class), false);
    }
    private static final class Register {
        static final long AT = NativeLibrary.symbol("vtloop_poller_register");
        static final MethodHandle MH = NativeLibrary.downcall(
                methodType(int.class, long.class, int.class, long.class), true);
    }
    private static final class Deregister {
        static final long AT = NativeLibrary.symbol("vtloop_poller_deregister");
        static final MethodHandle MH = NativeLibrary.downcall(
                methodType(int.class, long.class, int.class), true);
    }
    private static final MethodType WAIT_SIGNATURE =
            methodType(int.class, long.class, long.class, int.class, long.class);
    private static final class Wait {
        static final long AT = NativeLibrary.symbol("vtloop_poller_wait");
        static final MethodHandle MH = NativeLibrary.downcall(WAIT_SIGNATURE, false);
    }
    private static final class WaitNow {
        static final long AT = NativeLibrary.symbol("vtloop_poller_wait");
        static final MethodHandle MH = NativeLibrary.downcall(WAIT_SIGNATURE, true);
    }
    private static final class WaitOther {
        static final long AT = NativeLibrary.symbol("vtloop_poller_wait_other");
        static final MethodHandle MH = NativeLibrary.downcall(
                methodType(int.class, long.class, long.class, int.class), true);
    }
    private static final class Wakeup {
        static final long AT = NativeLibrary.symbol("vtloop_poller_wakeup");
        static final MethodHandle MH = NativeLibrary.downcall(methodType(int.class, long.class), true);
    }
    private static final class Kick {
        static final long AT = NativeLibrary.symbol("vtloop_poller_kick");
        static final MethodHandle MH = NativeLibrary.downcall(methodType(int.class, long.class), true);
    }
    private static final class Close {
        static final long AT = NativeLibrary.symbol("vtloop_poller_close");
        static final MethodHandle MH = NativeLibrary.downcall(methodType(int.class, long.class), false);
    }
    private static final class ErrnoMessage {
        static final long AT = NativeLibrary.symbol("vtloop_errno_message");
        static final MethodHandle MH = NativeLibrary.downcall(
                methodType(int.class, int.class, long.class, int.class), false);
    }
    private static final class ErrnoName {
        static final long AT = NativeLibrary.symbol("vtloop_errno_name");
        static final MethodHandle MH = NativeLibrary.downcall(
                methodType(int.class, int.class, long.class, int.class), true);
    }
    private static final class UsePwait2 {
        static final long AT = NativeLibrary.symbol("vtloop_poller_use_pwait2");
        static final MethodHandle MH = NativeLibrary.downcall(methodType(void.class, int.class), true);
    }

    static {
        NativeLibrary.requireSymbols("vtloop_poller_create", "vtloop_poller_register", "vtloop_poller_deregister",
                "vtloop_poller_wait", "vtloop_poller_wait_other", "vtloop_poller_wakeup", "vtloop_poller_kick",
                "vtloop_poller_close", "vtloop_errno_message", "vtloop_errno_name", "vtloop_poller_use_pwait2");
    }

    private PollerNative() {}

    static long create() {
        try {
            return (long) Create.MH.invokeExact(Create.AT);
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    static int register(long handle, int fd, long token) {
        try {
            return (int) Register.MH.invokeExact(Register.AT, handle, fd, token);
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    static int deregister(long handle, int fd) {
        try {
            return (int) Deregister.MH.invokeExact(Deregister.AT, handle, fd);
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    static int waitOther(long handle, long out, int capacity) {
        try {
            return (int) WaitOther.MH.invokeExact(WaitOther.AT, handle, out, capacity);
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    static int wait(long handle, long out, int capacity, long timeoutNanos) {
        try {
            return timeoutNanos == 0
                    ? (int) WaitNow.MH.invokeExact(WaitNow.AT, handle, out, capacity, 0L)
                    : (int) Wait.MH.invokeExact(Wait.AT, handle, out, capacity, timeoutNanos);
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    static int wakeup(long handle) {
        try {
            return (int) Wakeup.MH.invokeExact(Wakeup.AT, handle);
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    static int kick(long handle) {
        try {
            return (int) Kick.MH.invokeExact(Kick.AT, handle);
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    static int close(long handle) {
        try {
            return (int) Close.MH.invokeExact(Close.AT, handle);
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    static void usePwait2(boolean enabled) {
        try {
            UsePwait2.MH.invokeExact(UsePwait2.AT, enabled ? 1 : 0);
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    /** Returns the symbolic name of an errno value, e.g. {@code "EBADF"}. */
    static String errnoName(int errno) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(64);
            int n = (int) ErrnoName.MH.invokeExact(ErrnoName.AT, errno, buf.address(), (int) buf.byteSize());
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
            int n = (int) ErrnoMessage.MH.invokeExact(ErrnoMessage.AT, errno, buf.address(), (int) buf.byteSize());
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
