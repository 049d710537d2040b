package io.vtloop.bench.poller;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * A bare epoll fd driven by direct critical downcalls to libc {@code epoll_wait}: the
 * floor that {@code EpollPoller.poll(events, 0)} is compared against.
 */
final class RawEpoll implements AutoCloseable {

    private static final int EPOLL_CLOEXEC = 02000000;
    private static final MethodHandle CREATE = NativePipe.libc("epoll_create1",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    private static final MethodHandle WAIT = NativePipe.libc("epoll_wait",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS,
                    ValueLayout.JAVA_INT, ValueLayout.JAVA_INT),
            Linker.Option.critical(false));
    private static final MethodHandle CLOSE = NativePipe.libc("close",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));

    private final Arena arena = Arena.ofConfined();
    private final MemorySegment events = arena.allocate(12 * 64, 8);
    private final int epfd;

    RawEpoll() throws IOException {
        try {
            epfd = (int) CREATE.invokeExact(EPOLL_CLOEXEC);
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
        if (epfd < 0) {
            arena.close();
            throw new IOException("epoll_create1 failed");
        }
    }

    /** {@code epoll_wait(epfd, events, 64, 0)}. */
    int waitNow() {
        try {
            return (int) WAIT.invokeExact(epfd, events, 64, 0);
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        try (arena) {
            int rc = (int) CLOSE.invokeExact(epfd);
            if (rc != 0) {
                throw new IllegalStateException("close(" + epfd + ") failed");
            }
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }
}
