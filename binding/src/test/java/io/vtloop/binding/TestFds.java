package io.vtloop.binding;

import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.LinkedHashMap;
import java.util.Map;

/** Real descriptors for the tests: channel fds and connected loopback socket pairs. */
final class TestFds {

    /** {@code sun.nio.ch.SelChImpl#getFDVal}, readable with {@code --add-exports java.base/sun.nio.ch}. */
    private static final MethodHandle GET_FD_VAL;

    static {
        try {
            Class<?> selCh = Class.forName("sun.nio.ch.SelChImpl");
            GET_FD_VAL = MethodHandles.lookup()
                    .findVirtual(selCh, "getFDVal", MethodType.methodType(int.class))
                    .asType(MethodType.methodType(int.class, Channel.class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private TestFds() {}

    /** Returns the fd number of a socket or pipe channel. */
    static int fd(Channel ch) {
        try {
            return (int) GET_FD_VAL.invokeExact(ch);
        } catch (Throwable e) {
            throw new AssertionError("cannot read the fd of " + ch, e);
        }
    }

    /** A connected, non-blocking loopback TCP pair. */
    record Pair(SocketChannel client, SocketChannel server) implements AutoCloseable {
        static Pair open() throws IOException {
            try (ServerSocketChannel listener = ServerSocketChannel.open()) {
                listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                SocketChannel client = SocketChannel.open(listener.getLocalAddress());
                SocketChannel server = listener.accept();
                client.configureBlocking(false);
                server.configureBlocking(false);
                return new Pair(client, server);
            }
        }

        @Override
        public void close() throws IOException {
            try (client) {
                server.close();
            }
        }
    }

    /** Writes {@code n} bytes completely (the channel may be non-blocking; bounded). */
    static void write(SocketChannel ch, int n) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(n);
        for (int spins = 0; buf.hasRemaining(); spins++) {
            if (spins > 1_000_000) {
                throw new AssertionError("could not write " + n + " bytes");
            }
            ch.write(buf);
        }
    }

    /**
     * Polls until one poll of {@code timeoutNanos} (>= 0) returns nothing; returns token → OR
     * of its events.
     */
    static Map<Long, Integer> drain(EpollPoller poller, EventBuffer buf, long timeoutNanos) throws IOException {
        if (timeoutNanos < 0) {
            throw new IllegalArgumentException("drain needs a bounded timeout");
        }
        Map<Long, Integer> seen = new LinkedHashMap<>();
        for (int n, rounds = 0; (n = poller.poll(buf, timeoutNanos)) > 0; rounds++) {
            if (rounds > 100_000) {
                throw new AssertionError("events never stop: " + seen);
            }
            for (int i = 0; i < n; i++) {
                seen.merge(buf.token(i), buf.events(i), (a, b) -> a | b);
            }
        }
        return seen;
    }
}
