package io.vtloop.binding;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The downcalls into {@code vtloop_uring.c}, bound once. Everything that never blocks uses a
 * critical handle (no thread-state transition): the prep calls (memory only, or one
 * non-waiting {@code io_uring_enter} when the submission queue is full), submit, peek, the
 * non-waiting wait, wakeup and the queries. Only a wait with a timeout, probe, create and close
 * use normal handles. Results are returned raw: {@code >= 0} or {@code -errno}. Initializing
 * this class fails unless {@link NativeLibrary#isAvailable()}.
 */
final class UringNative {

    private static final Linker.Option CRITICAL = Linker.Option.critical(false);

    private static final MethodHandle PROBE = NativeLibrary.downcall(
            "vtloop_uring_probe", FunctionDescriptor.of(JAVA_INT));
    private static final MethodHandle CREATE = NativeLibrary.downcall(
            "vtloop_uring_create", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_INT));
    private static final MethodHandle CREATE2 = NativeLibrary.downcall(
            "vtloop_uring_create2", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle SETUP_FLAGS = NativeLibrary.downcall(
            "vtloop_uring_setup_flags", FunctionDescriptor.of(JAVA_INT, JAVA_LONG), CRITICAL);
    private static final MethodHandle FEATURES = NativeLibrary.downcall(
            "vtloop_uring_features", FunctionDescriptor.of(JAVA_INT, JAVA_LONG), CRITICAL);
    private static final MethodHandle SIZES = NativeLibrary.downcall(
            "vtloop_uring_sizes", FunctionDescriptor.of(JAVA_LONG, JAVA_LONG), CRITICAL);
    private static final MethodHandle POLL_ADD = NativeLibrary.downcall("vtloop_uring_prep_poll_add",
            FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG), CRITICAL);
    private static final FunctionDescriptor TARGET_FD =
            FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_LONG);
    private static final MethodHandle POLL_REMOVE =
            NativeLibrary.downcall("vtloop_uring_prep_poll_remove", TARGET_FD, CRITICAL);
    private static final MethodHandle CANCEL =
            NativeLibrary.downcall("vtloop_uring_prep_cancel", TARGET_FD, CRITICAL);
    private static final MethodHandle CANCEL_FD = NativeLibrary.downcall("vtloop_uring_prep_cancel_fd",
            FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_INT, JAVA_LONG), CRITICAL);
    /** (handle, fd, addr, len, msg_flags, user_data) for recv/send. */
    private static final FunctionDescriptor MSG_IO_FD =
            FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_LONG);
    /** (handle, fd, addr, len, offset, user_data) for read/write. */
    private static final FunctionDescriptor FILE_IO_FD =
            FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG);
    private static final MethodHandle RECV = NativeLibrary.downcall("vtloop_uring_prep_recv", MSG_IO_FD, CRITICAL);
    private static final MethodHandle SEND = NativeLibrary.downcall("vtloop_uring_prep_send", MSG_IO_FD, CRITICAL);
    private static final MethodHandle READ = NativeLibrary.downcall("vtloop_uring_prep_read", FILE_IO_FD, CRITICAL);
    private static final MethodHandle WRITE = NativeLibrary.downcall("vtloop_uring_prep_write", FILE_IO_FD, CRITICAL);
    private static final MethodHandle SUBMIT = NativeLibrary.downcall(
            "vtloop_uring_submit", FunctionDescriptor.of(JAVA_INT, JAVA_LONG), CRITICAL);
    private static final FunctionDescriptor WAIT_FD =
            FunctionDescriptor.of(JAVA_INT, JAVA_LONG, ADDRESS, JAVA_INT, JAVA_LONG);
    private static final MethodHandle WAIT = NativeLibrary.downcall("vtloop_uring_wait", WAIT_FD);
    private static final MethodHandle WAIT_NOW = NativeLibrary.downcall("vtloop_uring_wait", WAIT_FD, CRITICAL);
    private static final MethodHandle WAIT_OTHER = NativeLibrary.downcall(
            "vtloop_uring_wait_other", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, ADDRESS, JAVA_INT), CRITICAL);
    private static final MethodHandle PEEK = NativeLibrary.downcall(
            "vtloop_uring_peek", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, ADDRESS, JAVA_INT), CRITICAL);
    private static final MethodHandle IN_FLIGHT = NativeLibrary.downcall(
            "vtloop_uring_in_flight", FunctionDescriptor.of(JAVA_LONG, JAVA_LONG), CRITICAL);
    private static final MethodHandle WAKEUP = NativeLibrary.downcall(
            "vtloop_uring_wakeup", FunctionDescriptor.of(JAVA_INT, JAVA_LONG), CRITICAL);
    private static final MethodHandle KICK = NativeLibrary.downcall(
            "vtloop_uring_kick", FunctionDescriptor.of(JAVA_INT, JAVA_LONG), CRITICAL);
    private static final MethodHandle CLOSE = NativeLibrary.downcall(
            "vtloop_uring_close", FunctionDescriptor.of(JAVA_INT, JAVA_LONG));
    private static final MethodHandle TEST_DENY_SETUP = NativeLibrary.downcall(
            "vtloop_uring_test_deny_setup", FunctionDescriptor.of(JAVA_INT, JAVA_INT));

    private UringNative() {}

    static int probe() {
        try {
            return (int) PROBE.invokeExact();
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    static long create(int sqEntries, int cqEntries) {
        try {
            return (long) CREATE.invokeExact(sqEntries, cqEntries);
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    static long create2(int sqEntries, int cqEntries, boolean shared) {
        try {
            return (long) CREATE2.invokeExact(sqEntries, cqEntries, shared ? 1 : 0);
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    static int setupFlags(long handle) {
        try {
            return (int) SETUP_FLAGS.invokeExact(handle);
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    static int features(long handle) {
        try {
            return (int) FEATURES.invokeExact(handle);
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    static long sizes(long handle) {
        try {
            return (long) SIZES.invokeExact(handle);
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    static int pollAdd(long handle, int fd, int mask, boolean multishot, long userData) {
        try {
            return (int) POLL_ADD.invokeExact(handle, fd, mask, multishot ? 1 : 0, userData);
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    static int pollRemove(long handle, long target, long userData) {
        try {
            return (int) POLL_REMOVE.invokeExact(handle, target, userData);
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    static int cancel(long handle, long target, long userData) {
        try {
            return (int) CANCEL.invokeExact(handle, target, userData);
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    static int cancelFd(long handle, int fd, long userData) {
        try {
            return (int) CANCEL_FD.invokeExact(handle, fd, userData);
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    static int recv(long handle, int fd, long address, int length, int msgFlags, long userData) {
        try {
            return (int) RECV.invokeExact(handle, fd, address, length, msgFlags, userData);
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    static int send(long handle, int fd, long address, int length, int msgFlags, long userData) {
        try {
            return (int) SEND.invokeExact(handle, fd, address, length, msgFlags, userData);
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    static int read(long handle, int fd, long address, int length, long offset, long userData) {
        try {
            return (int) READ.invokeExact(handle, fd, address, length, offset, userData);
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    static int write(long handle, int fd, long address, int length, long offset, long userData) {
        try {
            return (int) WRITE.invokeExact(handle, fd, address, length, offset, userData);
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    static int submit(long handle) {
        try {
            return (int) SUBMIT.invokeExact(handle);
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    static int waitOther(long handle, MemorySegment out, int capacity) {
        try {
            return (int) WAIT_OTHER.invokeExact(handle, out, capacity);
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    static int wait(long handle, MemorySegment out, int capacity, long timeoutNanos) {
        try {
            return timeoutNanos == 0
                    ? (int) WAIT_NOW.invokeExact(handle, out, capacity, 0L)
                    : (int) WAIT.invokeExact(handle, out, capacity, timeoutNanos);
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    static int peek(long handle, MemorySegment out, int capacity) {
        try {
            return (int) PEEK.invokeExact(handle, out, capacity);
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    static long inFlight(long handle) {
        try {
            return (long) IN_FLIGHT.invokeExact(handle);
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    static int wakeup(long handle) {
        try {
            return (int) WAKEUP.invokeExact(handle);
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    static int kick(long handle) {
        try {
            return (int) KICK.invokeExact(handle);
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    static int close(long handle) {
        try {
            return (int) CLOSE.invokeExact(handle);
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    static int testDenySetup(int errno) {
        try {
            return (int) TEST_DENY_SETUP.invokeExact(errno);
        } catch (Throwable e) {
            throw rethrow(e);
        }
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
