package io.vtloop.agent;

import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.*;

/**
 * java.net Socket/ServerSocket behaviour in virtual threads. The build runs this suite
 * twice, on the JDK's default scheduler and with {@code -javaagent:vtloop-agent.jar}; the
 * assertions are the same, so vtloop must behave exactly as the JDK does.
 */
class SocketBehaviourTest {
    static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    static ServerSocket listen() throws Exception {
        return new ServerSocket(0, 50, LOOPBACK);
    }

    @Test
    void acceptConnectReadWriteClose() throws Exception {
        try (ServerSocket ss = listen()) {
            Future<Void> server = Virtual.start(() -> {
                try (Socket s = ss.accept()) {
                    byte[] buf = s.getInputStream().readNBytes(5);
                    s.getOutputStream().write(buf);
                }
                return null;
            });
            Virtual.run(() -> {
                try (Socket c = new Socket(LOOPBACK, ss.getLocalPort())) {
                    c.getOutputStream().write("hello".getBytes());
                    assertEquals("hello", new String(c.getInputStream().readNBytes(5)));
                    assertEquals(-1, c.getInputStream().read(), "EOF after the server closed");
                }
            });
            Virtual.join(server, java.time.Duration.ofSeconds(10));
        }
    }

    @Test
    void soTimeoutThrowsAndSocketStaysUsable() throws Exception {
        try (ServerSocket ss = listen()) {
            Virtual.run(() -> {
                try (Socket c = new Socket(LOOPBACK, ss.getLocalPort()); Socket s = ss.accept()) {
                    c.setSoTimeout(200);
                    long t0 = System.nanoTime();
                    assertThrows(SocketTimeoutException.class, () -> c.getInputStream().read());
                    long ms = (System.nanoTime() - t0) / 1_000_000;
                    assertTrue(ms >= 190, "timed out after " + ms + " ms");
                    s.getOutputStream().write(42);
                    assertEquals(42, c.getInputStream().read());
                }
            });
        }
    }

    @Test
    void acceptTimeout() throws Exception {
        try (ServerSocket ss = listen()) {
            ss.setSoTimeout(100);
            Virtual.run(() -> assertThrows(SocketTimeoutException.class, ss::accept));
        }
    }

    @Test
    void connectTimeout() throws Exception {
        // a listener with a full accept queue drops SYNs: connect can only time out
        try (ServerSocket ss = new ServerSocket(0, 1, LOOPBACK)) {
            List<SocketChannel> fillers = new ArrayList<>();
            try {
                for (int i = 0; i < 8; i++) {
                    SocketChannel f = SocketChannel.open();
                    f.configureBlocking(false);
                    f.connect(ss.getLocalSocketAddress());
                    fillers.add(f);
                }
                Virtual.run(() -> {
                    try (Socket c = new Socket()) {
                        long t0 = System.nanoTime();
                        assertThrows(SocketTimeoutException.class,
                                () -> c.connect(new InetSocketAddress(LOOPBACK, ss.getLocalPort()), 300));
                        long ms = (System.nanoTime() - t0) / 1_000_000;
                        assertTrue(ms >= 290, "connect timed out after " + ms + " ms");
                    }
                });
            } finally {
                for (SocketChannel f : fillers) f.close();
            }
        }
    }

    @Test
    void interruptBlockedReadClosesSocket() throws Exception {
        try (ServerSocket ss = listen(); Socket c = new Socket(LOOPBACK, ss.getLocalPort()); Socket s = ss.accept()) {
            Throwable failure = Virtual.failureAfter(() -> c.getInputStream().read(), Thread::interrupt);
            assertInstanceOf(SocketException.class, failure);
            assertTrue(c.isClosed(), "an interrupted read closes the socket");
        }
    }

    @Test
    void interruptBlockedAcceptClosesServerSocket() throws Exception {
        try (ServerSocket ss = listen()) {
            Throwable failure = Virtual.failureAfter(() -> ss.accept().close(), Thread::interrupt);
            assertInstanceOf(SocketException.class, failure);
            assertTrue(ss.isClosed());
        }
    }

    @Test
    void asyncCloseWakesBlockedReader() throws Exception {
        try (ServerSocket ss = listen(); Socket c = new Socket(LOOPBACK, ss.getLocalPort()); Socket s = ss.accept()) {
            Throwable failure = Virtual.failureAfter(() -> c.getInputStream().read(), t -> c.close());
            assertInstanceOf(SocketException.class, failure);
            assertEquals("Socket closed", failure.getMessage());
        }
    }

    @Test
    void asyncCloseWakesBlockedWriter() throws Exception {
        try (ServerSocket ss = listen(); Socket c = new Socket(LOOPBACK, ss.getLocalPort()); Socket s = ss.accept()) {
            Throwable failure = Virtual.failureAfter(() -> {
                OutputStream out = c.getOutputStream();
                byte[] chunk = new byte[64 * 1024];
                for (int i = 0; i < 10_000; i++) out.write(chunk);   // the peer never reads: blocks
            }, t -> c.close());
            assertInstanceOf(SocketException.class, failure);
        }
    }

    @Test
    void shutdownInputAndOutput() throws Exception {
        try (ServerSocket ss = listen()) {
            Virtual.run(() -> {
                try (Socket c = new Socket(LOOPBACK, ss.getLocalPort()); Socket s = ss.accept()) {
                    c.getOutputStream().write(1);
                    c.shutdownOutput();                          // half-close
                    InputStream sin = s.getInputStream();
                    assertEquals(1, sin.read());
                    assertEquals(-1, sin.read(), "EOF on half-close");
                    s.getOutputStream().write(2);                // the other direction still works
                    InputStream cin = c.getInputStream();
                    assertEquals(2, cin.read());
                    c.shutdownInput();
                    assertEquals(-1, cin.read(), "read after shutdownInput");
                    assertThrows(SocketException.class, c::getInputStream);
                }
            });
        }
    }

    @Test
    void resetByPeer() throws Exception {
        try (ServerSocket ss = listen()) {
            Virtual.run(() -> {
                try (Socket c = new Socket(LOOPBACK, ss.getLocalPort())) {
                    Socket s = ss.accept();
                    Future<Throwable> reader = Virtual.start(() -> {
                        try {
                            c.getInputStream().read();
                            return null;
                        } catch (Throwable e) {
                            return e;
                        }
                    });
                    Thread.sleep(50);
                    s.setSoLinger(true, 0);
                    s.close();                                  // RST
                    Throwable t = Virtual.join(reader, java.time.Duration.ofSeconds(10));
                    assertInstanceOf(SocketException.class, t);
                    assertTrue(t.getMessage().contains("reset"), t.getMessage());
                }
            });
        }
    }

    @Test
    void bulkTransferBothWays() throws Exception {
        byte[] data = new byte[4 << 20];
        new Random(7).nextBytes(data);
        try (ServerSocket ss = listen()) {
            Future<Void> echo = Virtual.start(() -> {
                try (Socket s = ss.accept()) {
                    s.getInputStream().transferTo(s.getOutputStream());
                }
                return null;
            });
            Virtual.run(() -> {
                try (Socket c = new Socket(LOOPBACK, ss.getLocalPort())) {
                    Future<Void> writer = Virtual.start(() -> {
                        c.getOutputStream().write(data);
                        c.shutdownOutput();
                        return null;
                    });
                    byte[] back = c.getInputStream().readAllBytes();
                    Virtual.join(writer, java.time.Duration.ofSeconds(30));
                    assertTrue(Arrays.equals(data, back), "echoed bytes differ");
                }
            });
            Virtual.join(echo, java.time.Duration.ofSeconds(30));
        }
    }
}
