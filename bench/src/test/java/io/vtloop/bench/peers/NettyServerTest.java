package io.vtloop.bench.peers;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The netty-epoll peer, started as its own JVM like the harness does, over real loopback sockets
 * ({@link NettyIoUringServerTest} runs the same tests on the netty-io_uring peer).
 */
class NettyServerTest {

    private Process server;

    /** The peer's main class; its program name is the simple name. */
    Class<?> peer() {
        return NettyServer.class;
    }

    @AfterEach
    void stop() throws InterruptedException {
        if (server != null) {
            server.destroy();
            server.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private ProcessBuilder jvm(String... args) {
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElseThrow(),
                "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow",
                "-cp", System.getProperty("java.class.path"), peer().getName()));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd);
    }

    private int start(String mode, String... more) throws IOException {
        List<String> args = new ArrayList<>(List.of(mode, "0", "2"));
        args.addAll(List.of(more));
        server = jvm(args.toArray(String[]::new)).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine();
        assertTrue(line != null && line.startsWith("listening on "), "first line: " + line);
        return Integer.parseInt(line.substring("listening on ".length()));
    }

    @Test
    void echoesBytesExactly() throws Exception {
        assertEchoes(start("echo"), 256 * 1024);
    }

    @Test
    void echoesBytesExactlyThroughAFixedSmallReadBuffer() throws Exception {
        assertEchoes(start("echo", "7"), 20_000); // BUFFER 7: many 7-byte reads per write
    }

    @Test
    void rejectsABadBuffer() throws Exception {
        Process p = jvm("echo", "0", "1", "0").redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(2, p.exitValue());
        assertTrue(output.contains(peer().getSimpleName() + ": BUFFER must be an integer in 1..16777216, got '0'"), output);
    }

    private static void assertEchoes(int port, int size) throws Exception {
        byte[] payload = new byte[size];
        new Random(7).nextBytes(payload);
        try (Socket s = new Socket("127.0.0.1", port)) {
            Thread writer = Thread.ofVirtual().start(() -> {
                try {
                    s.getOutputStream().write(payload);
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            byte[] back = s.getInputStream().readNBytes(payload.length);
            writer.join();
            assertArrayEquals(payload, back);
        }
    }

    @Test
    void servesPlaintextKeepAliveAndPipelined() throws Exception {
        int port = start("http");
        try (Socket s = new Socket("127.0.0.1", port)) {
            OutputStream out = s.getOutputStream();
            String get = "GET /plaintext HTTP/1.1\r\nHost: x\r\n\r\n";
            out.write((get + get + "GET /nope HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            for (int i = 0; i < 2; i++) {
                String head = readHead(in);
                assertTrue(head.startsWith("HTTP/1.1 200 OK\r\n"), head);
                assertTrue(head.contains("\r\ncontent-type: text/plain\r\n"), head);
                assertTrue(head.contains("\r\ndate: "), head);
                assertEquals("Hello, World!", new String(in.readNBytes(13), StandardCharsets.US_ASCII));
            }
            assertTrue(readHead(in).startsWith("HTTP/1.1 404 "));
        }
    }

    @Test
    void rejectsBadArguments() throws Exception {
        Process p = jvm("echo", "notaport").redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(2, p.exitValue());
        assertTrue(output.contains(peer().getSimpleName() + ": PORT must be an integer"), output);
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("EOF inside response head: " + head);
            }
            head.write(b);
            matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        return head.toString(StandardCharsets.US_ASCII);
    }
}
