package io.vtloop.binding;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodType;

import static java.lang.invoke.MethodType.methodType;

/**
 * The downcalls into {@code vtloop_uring.c}, bound once. Everything that never blocks uses a
 * critical handle (no thread-state transition): the prep calls (memory only, or one
 * non-waiting {@code io_uring_enter} when the submission queue is full), submit, peek, the
 * non-waiting wait, wakeup and the queries. Only a wait with a timeout, probe, create and close
 * use normal handles. Results are returned raw: {@code >= 0} or {@code -errno}. Initializing
 * this class fails unless {@link NativeLibrary#isAvailable()}.
 *
 * <p>Each function has its address ({@code X_AT}, a {@link NativeLibrary#symbol}) and a handle
 * that takes it first ({@link NativeLibrary#downcall}); pointers are passed as {@code long}s, and
 * the caller keeps their memory alive for the call.
 */
final class UringNative {

    private static final long PROBE_AT = NativeLibrary.symbol("vtloop_uring_probe");
    private static final MethodHandle PROBE = NativeLibrary.downcall(methodType(int.class), false);
    private static final long CREATE_AT = NativeLibrary.symbol("vtloop_uring_create");
    private static final MethodHandle CREATE = NativeLibrary.downcall(
            methodType(long.class, int.class, int.class), false);
    private static final long CREATE2_AT = NativeLibrary.symbol("vtloop_uring_create2");
    private static final MethodHandle CREATE2 = NativeLibrary.downcall(
            methodType(long.class, int.class, int.class, int.class), false);
    private static final long SETUP_FLAGS_AT = NativeLibrary.symbol("vtloop_uring_setup_flags");
    private static final MethodHandle SETUP_FLAGS = NativeLibrary.downcall(
            methodType(int.class, long.class), true);
    private static final long FEATURES_AT = NativeLibrary.symbol("vtloop_uring_features");
    private static final MethodHandle FEATURES = NativeLibrary.downcall(
            methodType(int.class, long.class), true);
    private static final long SIZES_AT = NativeLibrary.symbol("vtloop_uring_sizes");
    private static final MethodHandle SIZES = NativeLibrary.downcall(methodType(long.class, long.class), true);
    private static final long POLL_ADD_AT = NativeLibrary.symbol("vtloop_uring_prep_poll_add");
    private static final MethodHandle POLL_ADD = NativeLibrary.downcall(
            methodType(int.class, long.class, int.class, int.class, int.class, long.class), true);
    private static final MethodType TARGET_SIGNATURE =
            methodType(int.class, long.class, long.class, long.class);
    private static final long POLL_REMOVE_AT = NativeLibrary.symbol("vtloop_uring_prep_poll_remove");
    private static final MethodHandle POLL_REMOVE = NativeLibrary.downcall(TARGET_SIGNATURE, true);
    private static final long CANCEL_AT = NativeLibrary.symbol("vtloop_uring_prep_cancel");
    private static final MethodHandle CANCEL = NativeLibrary.downcall(TARGET_SIGNATURE, true);
    private static final long CANCEL_FD_AT = NativeLibrary.symbol("vtloop_uring_prep_cancel_fd");
    private static final MethodHandle CANCEL_FD = NativeLibrary.downcall(
            methodType(int.class, long.class, int.class, long.class), true);
    /** (handle, fd, addr, len, msg_flags, user_data) for recv/send. */
    private static final MethodType MSG_IO_SIGNATURE =
            methodType(int.class, long.class, int.class, long.class, int.class, int.class, long.class);
    /** (handle, fd, addr, len, offset, user_data) for read/write. */
    private static final MethodType FILE_IO_SIGNATURE =
            methodType(int.class, long.class, int.class, long.class, int.class, long.class, long.class);
    private static final long RECV_AT = NativeLibrary.symbol("vtloop_uring_prep_recv");
    private static final MethodHandle RECV = NativeLibrary.downcall(MSG_IO_SIGNATURE, true);
    private static final long SEND_AT = NativeLibrary.symbol("vtloop_uring_prep_send");
    private static final MethodHandle SEND = NativeLibrary.downcall(MSG_IO_SIGNATURE, true);
    private static final long READ_AT = NativeLibrary.symbol("vtloop_uring_prep_read");
    private static final MethodHandle READ = NativeLibrary.downcall(FILE_IO_SIGNATURE, true);
    private static final long WRITE_AT = NativeLibrary.symbol("vtloop_uring_prep_write");
    private static final MethodHandle WRITE = NativeLibrary.downcall(FILE_IO_SIGNATURE, true);
    private static final long SUBMIT_AT = NativeLibrary.symbol("vtloop_uring_submit");
    private static final MethodHandle SUBMIT = NativeLibrary.downcall(methodType(int.class, long.class), true);
    private static final MethodType WAIT_SIGNATURE =
            methodType(int.class, long.class, long.class, int.class, long.class);
    private static final long WAIT_AT = NativeLibrary.symbol("vtloop_uring_wait");
    private static final MethodHandle WAIT = NativeLibrary.downcall(WAIT_SIGNATURE, false);
    private static final MethodHandle WAIT_NOW = NativeLibrary.downcall(WAIT_SIGNATURE, true);
    private static final long WAIT_OTHER_AT = NativeLibrary.symbol("vtloop_uring_wait_other");
    private static final MethodHandle WAIT_OTHER = NativeLibrary.downcall(
            methodType(int.class, long.class, long.class, int.class), true);
    private static final long PEEK_AT = NativeLibrary.symbol("vtloop_uring_peek");
    private static final MethodHandle PEEK = NativeLibrary.downcall(
            methodType(int.class, long.class, long.class, int.class), true);
    private static final long IN_FLIGHT_AT = NativeLibrary.symbol("vtloop_uring_in_flight");
    private static final MethodHandle IN_FLIGHT = NativeLibrary.downcall(
            methodType(long.class, long.class), true);
    private static final long WAKEUP_AT = NativeLibrary.symbol("vtloop_uring_wakeup");
    private static final MethodHandle WAKEUP = NativeLibrary.downcall(methodType(int.class, long.class), true);
    private static final long KICK_AT = NativeLibrary.symbol("vtloop_uring_kick");
    private static final MethodHandle KICK = NativeLibrary.downcall(methodType(int.class, long.class), true);
    private static final long CLOSE_AT = NativeLibrary.symbol("vtloop_uring_close");
    private static final MethodHandle CLOSE = NativeLibrary.downcall(methodType(int.class, long.class), false);
    private static final long TEST_DENY_SETUP_AT = NativeLibrary.symbol("vtloop_uring_test_deny_setup");
    private static final MethodHandle TEST_DENY_SETUP = NativeLibrary.downcall(
            methodType(int.class, int.class), false);

    private UringNative() {}

    static int probe() {
        try {
            return (int) PROBE.invokeExact(PROBE_AT);
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    static long create(int sqEntries, int cqEntries) {
        try {
            return (long) CREATE.invokeExact(CREATE_AT, sqEntries, cqEntries);
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    static long create2(int sqEntries, int cqEntries, boolean shared) {
        try {
            return (long) CREATE2.invokeExact(CREATE2_AT, sqEntries, cqEntries, shared ? 1 : 0);
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    static int setupFlags(long handle) {
        try {
            return (int) SETUP_FLAGS.invokeExact(SETUP_FLAGS_AT, handle);
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    static int features(long handle) {
        try {
            return (int) FEATURES.invokeExact(FEATURES_AT, handle);
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    static long sizes(long handle) {
        try {
            return (long) SIZES.invokeExact(SIZES_AT, handle);
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    static int pollAdd(long handle, int fd, int mask, boolean multishot, long userData) {
        try {
            return (int) POLL_ADD.invokeExact(POLL_ADD_AT, handle, fd, mask, multishot ? 1 : 0, userData);
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    static int pollRemove(long handle, long target, long userData) {
        try {
            return (int) POLL_REMOVE.invokeExact(POLL_REMOVE_AT, handle, target, userData);
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    static int cancel(long handle, long target, long userData) {
        try {
            return (int) CANCEL.invokeExact(CANCEL_AT, handle, target, userData);
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    static int cancelFd(long handle, int fd, long userData) {
        try {
            return (int) CANCEL_FD.invokeExact(CANCEL_FD_AT, handle, fd, userData);
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    static int recv(long handle, int fd, long address, int length, int msgFlags, long userData) {
        try {
            return (int) RECV.invokeExact(RECV_AT, handle, fd, address, length, msgFlags, userData);
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    static int send(long handle, int fd, long address, int length, int msgFlags, long userData) {
        try {
            return (int) SEND.invokeExact(SEND_AT, handle, fd, address, length, msgFlags, userData);
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    static int read(long handle, int fd, long address, int length, long offset, long userData) {
        try {
            return (int) READ.invokeExact(READ_AT, handle, fd, address, length, offset, userData);
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    static int write(long handle, int fd, long address, int length, long offset, long userData) {
        try {
            return (int) WRITE.invokeExact(WRITE_AT, handle, fd, address, length, offset, userData);
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    static int submit(long handle) {
        try {
            return (int) SUBMIT.invokeExact(SUBMIT_AT, handle);
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    static int waitOther(long handle, long out, int capacity) {
        try {
            return (int) WAIT_OTHER.invokeExact(WAIT_OTHER_AT, handle, out, capacity);
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    static int wait(long handle, long out, int capacity, long timeoutNanos) {
        try {
            return timeoutNanos == 0
                    ? (int) WAIT_NOW.invokeExact(WAIT_AT, handle, out, capacity, 0L)
                    : (int) WAIT.invokeExact(WAIT_AT, handle, out, capacity, timeoutNanos);
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    static int peek(long handle, long out, int capacity) {
        try {
            return (int) PEEK.invokeExact(PEEK_AT, handle, out, capacity);
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    static long inFlight(long handle) {
        try {
            return (long) IN_FLIGHT.invokeExact(IN_FLIGHT_AT, handle);
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    static int wakeup(long handle) {
        try {
            return (int) WAKEUP.invokeExact(WAKEUP_AT, handle);
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    static int kick(long handle) {
        try {
            return (int) KICK.invokeExact(KICK_AT, handle);
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    static int close(long handle) {
        try {
            return (int) CLOSE.invokeExact(CLOSE_AT, handle);
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    static int testDenySetup(int errno) {
        try {
            return (int) TEST_DENY_SETUP.invokeExact(TEST_DENY_SETUP_AT, errno);
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
