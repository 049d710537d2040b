package io.vtloop.agent;

import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The cases where a short transfer does not mean "drained" (issue 12), each on a socket that a
 * virtual thread parked on first, so that vtloop tracks it; run on the plain JDK and under the
 * agent with the same assertions. {@link SocketScriptDifferentialTest} mixes them at random.
 */
class SkipRuleTest {
    static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    /** Parks a virtual thread reading {@code in} until {@code peer} writes one byte: vtloop registers the fd. */
    static void parkOnce(InputStream in, Socket peer) throws Exception {
        var reader = Virtual.start(in::read);
        Thread.sleep(20);
        peer.getOutputStream().write(1);
        assertEquals(1, Virtual.join(reader, java.time.Duration.ofSeconds(10)));
    }

    @Test
    void urgentDataDoesNotHideTheBytesBehindIt() throws Exception {
        try (var ss = new java.net.ServerSocket(0, 5, LOOPBACK)) {
            Virtual.run(() -> {
                try (Socket c = new Socket(LOOPBACK, ss.getLocalPort()); Socket s = ss.accept()) {
                    parkOnce(s.getInputStream(), c);
                    c.getOutputStream().write("ab".getBytes());
                    c.sendUrgentData('X');                      // SO_OOBINLINE off: not in the stream
                    c.getOutputStream().write("cd".getBytes());
                    Thread.sleep(50);                           // all of it queued before the reads
                    s.setSoTimeout(5000);
                    assertEquals("abcd", new String(s.getInputStream().readNBytes(4)));
                }
            });
        }
    }

    @Test
    void selectorLoopOnAChannelFirstUsedInBlockingModeReadsWhatItIsTold() throws Exception {
        try (ServerSocketChannel ss = ServerSocketChannel.open().bind(new InetSocketAddress(LOOPBACK, 0))) {
            Virtual.run(() -> {
                try (SocketChannel c = SocketChannel.open(ss.getLocalAddress()); SocketChannel s = ss.accept();
                     Selector sel = Selector.open()) {
                    parkOnce(s.socket().getInputStream(), c.socket());
                    c.write(ByteBuffer.wrap(new byte[10]));
                    ByteBuffer buf = ByteBuffer.allocate(100);
                    assertEquals(10, s.read(buf));              // short: vtloop may note "drained"
                    s.configureBlocking(false);
                    s.register(sel, SelectionKey.OP_READ);
                    c.write(ByteBuffer.wrap(new byte[30]));
                    buf.clear();
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                    int emptyReadsWhenReady = 0;
                    while (buf.position() < 30 && System.nanoTime() < deadline) {   // never parks on s
                        boolean ready = sel.selectNow() > 0;
                        sel.selectedKeys().clear();
                        int n = s.read(buf);
                        if (ready && n == 0) emptyReadsWhenReady++;
                    }
                    assertEquals(30, buf.position(), "the selector loop did not get its bytes");
                    assertEquals(0, emptyReadsWhenReady, "read returned 0 although the selector reported the channel readable");
                }
            });
        }
    }
}
