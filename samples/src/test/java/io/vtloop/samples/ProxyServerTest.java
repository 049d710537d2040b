package io.vtloop.samples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link ProxyServer} in its own JVM, in front of {@link EchoServer} (another JVM) and in front of
 * servers this test plays itself to check half-close in each direction.
 */
class ProxyServerTest {

    private static SampleProcess echo;
    private static SampleProcess virtualProxy;
    private static SampleProcess platformProxy;

    @BeforeAll
    static void start() {
        echo = SampleProcess.start(EchoServer.class, "--port", "0");
        String target = "127.0.0.1:" + echo.port();
        virtualProxy = SampleProcess.start(ProxyServer.class, "--port", "0", "--target", target);
        platformProxy = SampleProcess.start(ProxyServer.class, "--port", "0", "--target", target, "--threads=platform");
    }

    @AfterAll
    static void stop() {
        for (SampleProcess p : new SampleProcess[] {virtualProxy, platformProxy, echo}) {
            if (p != null) {
                p.close();
                p.assertNoErrors();
            }
        }
    }

    @ParameterizedTest
    @CsvSource({
        "virtual, 1", "virtual, 1024", "virtual, 65536", "virtual, 1048576",
        "platform, 1", "platform, 1024", "platform, 65536", "platform, 1048576",
    })
    void forwardsExactly(String threads, int size) throws Exception {
        SampleProcess proxy = threads.equals("virtual") ? virtualProxy : platformProxy;
        try (Socket s = new Socket("127.0.0.1", proxy.port())) {
            Payloads.assertEchoed(s, Payloads.random(size));
        }
    }

    /** Client EOF reaches the target, whose reply still comes back through the half-open proxy. */
    @Test
    void clientHalfCloseReachesTheTarget() throws Exception {
        try (ServerSocket backend = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
             SampleProcess proxy = SampleProcess.start(ProxyServer.class, "--port", "0",
                     "--target", "127.0.0.1:" + backend.getLocalPort())) {
            CompletableFuture<Void> server = CompletableFuture.runAsync(() -> {
                try (Socket t = backend.accept()) {
                    t.setSoTimeout(10_000);
                    byte[] got = t.getInputStream().readAllBytes(); // returns only on EOF
                    t.getOutputStream().write(("got " + got.length).getBytes(StandardCharsets.US_ASCII));
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            try (Socket c = new Socket("127.0.0.1", proxy.port())) {
                c.setSoTimeout(10_000);
                c.getOutputStream().write(new byte[70_000]);
                c.shutdownOutput();
                assertEquals("got 70000", new String(c.getInputStream().readAllBytes(), StandardCharsets.US_ASCII));
            }
            server.get(10, TimeUnit.SECONDS);
            proxy.assertNoErrors();
        }
    }

    /** Target EOF reaches the client, which can still send to the target afterwards. */
    @Test
    void targetHalfCloseReachesTheClient() throws Exception {
        try (ServerSocket backend = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
             SampleProcess proxy = SampleProcess.start(ProxyServer.class, "--port", "0",
                     "--target", "127.0.0.1:" + backend.getLocalPort())) {
            CompletableFuture<String> server = CompletableFuture.supplyAsync(() -> {
                try (Socket t = backend.accept()) {
                    t.setSoTimeout(10_000);
                    t.getOutputStream().write("bye".getBytes(StandardCharsets.US_ASCII));
                    t.shutdownOutput();
                    return new String(t.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            try (Socket c = new Socket("127.0.0.1", proxy.port())) {
                c.setSoTimeout(10_000);
                InputStream in = c.getInputStream();
                assertArrayEquals("bye".getBytes(StandardCharsets.US_ASCII), in.readAllBytes());
                c.getOutputStream().write("still here".getBytes(StandardCharsets.US_ASCII));
                c.shutdownOutput();
                assertEquals("still here", server.get(10, TimeUnit.SECONDS));
                assertEquals(-1, in.read());
            }
            proxy.assertNoErrors();
        }
    }

    /** With nothing listening at the target, the client is disconnected rather than left hanging. */
    @Test
    void unreachableTargetDisconnectsTheClient() throws Exception {
        int deadPort;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            deadPort = s.getLocalPort();
        }
        try (SampleProcess proxy = SampleProcess.start(ProxyServer.class, "--port", "0",
                "--target", "127.0.0.1:" + deadPort);
             Socket c = new Socket("127.0.0.1", proxy.port())) {
            c.setSoTimeout(10_000);
            try {
                assertEquals(-1, c.getInputStream().read());
            } catch (SocketException reset) {
                // also a disconnect
            }
        }
    }
}
