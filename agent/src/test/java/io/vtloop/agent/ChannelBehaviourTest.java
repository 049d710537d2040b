package io.vtloop.agent;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.Pipe;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.*;

/**
 * java.nio blocking channels and Selector in virtual threads; run without and with the
 * agent with the same assertions (see {@link SocketBehaviourTest}).
 */
class ChannelBehaviourTest {
    static final InetSocketAddress ANY_LOOPBACK = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

    @Test
    void socketChannelEcho() throws Exception {
        try (ServerSocketChannel ssc = ServerSocketChannel.open().bind(ANY_LOOPBACK)) {
            Future<Void> server = Virtual.start(() -> {
                try (SocketChannel sc = ssc.accept()) {
                    ByteBuffer buf = ByteBuffer.allocate(4);
                    while (buf.hasRemaining()) sc.read(buf);
                    sc.write(buf.flip());
                }
                return null;
            });
            Virtual.run(() -> {
                try (SocketChannel c = SocketChannel.open(ssc.getLocalAddress())) {
                    c.write(ByteBuffer.wrap("ping".getBytes()));
                    ByteBuffer buf = ByteBuffer.allocate(4);
                    while (buf.hasRemaining()) assertTrue(c.read(buf) >= 0);
                    assertEquals("ping", new String(buf.array()));
                    assertEquals(-1, c.read(ByteBuffer.allocate(1)));
                }
            });
            Virtual.join(server, java.time.Duration.ofSeconds(10));
        }
    }

    @Test
    void interruptBlockedChannelAccept() throws Exception {
        try (ServerSocketChannel ssc = ServerSocketChannel.open().bind(ANY_LOOPBACK)) {
            Throwable failure = Virtual.failureAfter(() -> ssc.accept(), Thread::interrupt);
            assertInstanceOf(ClosedByInterruptException.class, failure);
            assertFalse(ssc.isOpen());
        }
    }

    @Test
    void asyncCloseWakesChannelRead() throws Exception {
        try (ServerSocketChannel ssc = ServerSocketChannel.open().bind(ANY_LOOPBACK);
             SocketChannel c = SocketChannel.open(ssc.getLocalAddress());
             SocketChannel s = ssc.accept()) {
            Throwable failure = Virtual.failureAfter(() -> c.read(ByteBuffer.allocate(1)), t -> c.close());
            assertInstanceOf(AsynchronousCloseException.class, failure);
        }
    }

    @Test
    void datagramReceive() throws Exception {
        try (DatagramChannel rx = DatagramChannel.open().bind(ANY_LOOPBACK);
             DatagramChannel tx = DatagramChannel.open()) {
            Future<String> received = Virtual.start(() -> {
                ByteBuffer buf = ByteBuffer.allocate(100);
                rx.receive(buf);
                return new String(buf.array(), 0, buf.position());
            });
            Thread.sleep(50);
            tx.send(ByteBuffer.wrap("datagram".getBytes()), rx.getLocalAddress());
            assertEquals("datagram", Virtual.join(received, java.time.Duration.ofSeconds(10)));
        }
    }

    @Test
    void asyncCloseWakesDatagramReceive() throws Exception {
        DatagramChannel rx = DatagramChannel.open().bind(ANY_LOOPBACK);
        Throwable failure = Virtual.failureAfter(() -> rx.receive(ByteBuffer.allocate(10)), t -> rx.close());
        assertInstanceOf(AsynchronousCloseException.class, failure);
    }

    @Test
    void pipe() throws Exception {
        Pipe p = Pipe.open();
        try (Pipe.SourceChannel source = p.source(); Pipe.SinkChannel sink = p.sink()) {
            Future<Integer> reader = Virtual.start(() -> {
                ByteBuffer buf = ByteBuffer.allocate(3);
                while (buf.hasRemaining()) source.read(buf);
                return (int) buf.get(0) + buf.get(1) + buf.get(2);
            });
            Thread.sleep(50);
            Virtual.run(() -> sink.write(ByteBuffer.wrap(new byte[] {1, 2, 3})));
            assertEquals(6, Virtual.join(reader, java.time.Duration.ofSeconds(10)));
        }
    }

    @Test
    void selectorSelectInVirtualThread() throws Exception {
        try (Selector sel = Selector.open();
             ServerSocketChannel ssc = ServerSocketChannel.open().bind(ANY_LOOPBACK)) {
            ssc.configureBlocking(false);
            ssc.register(sel, SelectionKey.OP_ACCEPT);
            Future<Integer> selected = Virtual.start(() -> sel.select(10_000));
            Thread.sleep(50);
            try (SocketChannel c = SocketChannel.open(ssc.getLocalAddress())) {
                assertEquals(1, Virtual.join(selected, java.time.Duration.ofSeconds(10)));
                assertTrue(sel.selectedKeys().iterator().next().isAcceptable());
            }
            // wakeup() from another thread ends a blocked select
            sel.selectedKeys().clear();
            ssc.accept().close();
            Future<Integer> woken = Virtual.start(() -> sel.select());
            Thread.sleep(50);
            sel.wakeup();
            assertEquals(0, Virtual.join(woken, java.time.Duration.ofSeconds(10)));
            // select with a timeout returns after it
            long t0 = System.nanoTime();
            assertEquals(0, Virtual.call(() -> sel.select(100)));
            assertTrue((System.nanoTime() - t0) / 1_000_000 >= 95);
        }
    }
}
