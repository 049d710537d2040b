package io.vtloop.agent;

import jdk.internal.access.JavaIOFileDescriptorAccess;
import jdk.internal.access.SharedSecrets;

import java.io.FileDescriptor;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * The per-registration check of the skip rule ({@code io.vtloop.runtime.FdState}): a socket
 * whose SO_RCVLOWAT is above 1 reports readable only above the low mark while a read returns
 * less, so a short read there does not mean "drained". No JDK API sets SO_RCVLOWAT, but native
 * code may, and an accepted socket inherits it from its listener. One {@code getsockopt} per
 * registration, through the JDK's own {@code sun.nio.ch.Net.getIntOption0}.
 */
final class SocketOptions {
    private SocketOptions() { }

    private static final int SOL_SOCKET = 1, SO_RCVLOWAT = 18;   // Linux, <asm-generic/socket.h>
    private static final JavaIOFileDescriptorAccess FDA = SharedSecrets.getJavaIOFileDescriptorAccess();
    private static final MethodHandle GET_INT_OPTION;
    static {
        try {
            GET_INT_OPTION = MethodHandles.privateLookupIn(Class.forName("sun.nio.ch.Net"), MethodHandles.lookup())
                    .findStatic(Class.forName("sun.nio.ch.Net"), "getIntOption0", MethodType.methodType(
                            int.class, FileDescriptor.class, boolean.class, int.class, int.class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** {@link #allowsSkipping} for the runtime (a class, not a method reference: a bootstrap costs start-up time). */
    static final class SkipRule implements java.util.function.IntPredicate {
        @Override
        public boolean test(int fd) {
            return allowsSkipping(fd);
        }
    }

    /** False when {@code fd} is a socket with SO_RCVLOWAT above 1; true otherwise (pipes, other fds). */
    static boolean allowsSkipping(int fd) {
        FileDescriptor d = new FileDescriptor();
        FDA.set(d, fd);
        try {
            return (int) GET_INT_OPTION.invokeExact(d, false, SOL_SOCKET, SO_RCVLOWAT) <= 1;
        } catch (java.io.IOException notASocket) {   // ENOTSOCK: a pipe, an eventfd, an epoll fd
            return true;
        } catch (Throwable e) {
            return false;                              // unknown: do not skip
        }
    }
}
