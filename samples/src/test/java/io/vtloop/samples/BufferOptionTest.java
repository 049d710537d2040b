package io.vtloop.samples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code --buffer}: parsed and range-checked, and the size every read of the relay loops asks for;
 * the echo sample's {@code --exact}: parsed, exclusive with {@code --buffer}, and each message read
 * whole before it is written back whole.
 */
class BufferOptionTest {

    private static ServerOptions parse(String... args) {
        return ServerOptions.parse(args, 9000, Set.of(ServerOptions.BUFFER));
    }

    @Test
    void defaultIsSixteenKiB() {
        assertEquals(16 * 1024, parse().buffer());
        assertEquals(ServerOptions.DEFAULT_BUFFER, parse("--port", "0").buffer());
    }

    @ParameterizedTest
    @CsvSource({"--buffer=1, 1", "--buffer=65536, 65536", "--buffer=102400, 102400", "--buffer=16777216, 16777216"})
    void acceptsTheRange(String arg, int expected) {
        assertEquals(expected, parse(arg).buffer());
    }

    @ParameterizedTest
    @CsvSource({"--buffer=0", "--buffer=16777217", "--buffer=-4", "--buffer=1e3", "--buffer="})
    void rejectsNamingOptionAndRange(String arg) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> parse(arg).buffer());
        assertTrue(e.getMessage().startsWith("option --buffer must be"), e.getMessage());
    }

    @Test
    void onlySamplesThatNameItAcceptIt() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ServerOptions.parse(new String[] {"--buffer", "4096"}, 8080, Set.of("idle-timeout-ms")));
        assertTrue(e.getMessage().startsWith("unknown option --buffer"), e.getMessage());
    }

    @ParameterizedTest
    @CsvSource({"1, 10", "7, 1000", "16384, 100000", "65536, 100000", "102400, 300000"})
    void echoReadsAskForExactlyTheBuffer(int buffer, int payload) throws IOException {
        byte[] data = Payloads.random(payload);
        RecordingSocket s = new RecordingSocket(data);
        EchoServer.serve(s, buffer);
        assertArrayEquals(data, s.written.toByteArray());
        assertFalse(s.readLengths.isEmpty());
        for (int len : s.readLengths) {
            assertEquals(buffer, len, "read lengths " + s.readLengths);
        }
    }

    @ParameterizedTest
    @CsvSource({"3, 5000", "65536, 200000"})
    void proxyReadsFromTheClientAskForExactlyTheBuffer(int buffer, int payload) throws Exception {
        byte[] data = Payloads.random(payload);
        try (ServerSocket backend = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread echo = Thread.ofPlatform().daemon().start(() -> {
                try (Socket b = backend.accept()) {
                    b.getInputStream().transferTo(b.getOutputStream());
                } catch (IOException ignored) {
                    // the assertions below report a broken exchange
                }
            });
            RecordingSocket client = new RecordingSocket(data);
            ProxyServer.serve(client, "127.0.0.1", backend.getLocalPort(), ConnectionThreads.VIRTUAL, buffer);
            echo.join(10_000);
            assertArrayEquals(data, client.written.toByteArray());
            for (int len : client.readLengths) {
                assertEquals(buffer, len, "read lengths " + client.readLengths);
            }
        }
    }

    @Test
    void echoServerProcessIsByteExactWithTinyAndLargeBuffers() throws Exception {
        try (SampleProcess tiny = SampleProcess.start(EchoServer.class, "--port", "0", "--buffer", "1");
             SampleProcess large = SampleProcess.start(EchoServer.class, "--port", "0", "--buffer=100000")) {
            try (Socket s = new Socket("127.0.0.1", tiny.port())) {
                Payloads.assertEchoed(s, Payloads.random(20_000));
            }
            try (Socket s = new Socket("127.0.0.1", large.port())) {
                Payloads.assertEchoed(s, Payloads.random(1 << 20));
            }
            tiny.close();
            large.close();
            tiny.assertNoErrors();
            large.assertNoErrors();
        }
    }

    private static ServerOptions parseEcho(String... args) {
        return ServerOptions.parse(args, 9000, Set.of(ServerOptions.BUFFER, ServerOptions.EXACT));
    }

    @Test
    void exactIsOffByDefault() {
        assertEquals(0, parseEcho().exact());
        assertEquals(0, parseEcho("--buffer", "4096").exact());
    }

    @ParameterizedTest
    @CsvSource({"--exact=1, 1", "--exact=1024, 1024", "--exact=16777216, 16777216"})
    void exactAcceptsTheRange(String arg, int expected) {
        assertEquals(expected, parseEcho(arg).exact());
    }

    @ParameterizedTest
    @CsvSource({"--exact=0", "--exact=16777217", "--exact=-1", "--exact=1k", "--exact="})
    void exactRejectsNamingOptionAndRange(String arg) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> parseEcho(arg).exact());
        assertTrue(e.getMessage().startsWith("option --exact must be"), e.getMessage());
    }

    @Test
    void exactExcludesBuffer() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> parseEcho("--exact", "1024", "--buffer", "65536").exact());
        assertEquals("options --exact and --buffer exclude each other", e.getMessage());
    }

    @Test
    void onlyTheEchoSampleAcceptsExact() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> parse("--exact", "1024"));
        assertTrue(e.getMessage().startsWith("unknown option --exact"), e.getMessage());
    }

    @ParameterizedTest
    @CsvSource({"1, 10", "7, 1000", "1024, 102400", "1024, 100000", "65536, 200000"})
    void exactReadsEachMessageWholeThenWritesItWhole(int length, int payload) throws IOException {
        byte[] data = Payloads.random(payload);
        RecordingSocket s = new RecordingSocket(data);
        EchoServer.serveExact(s, length);
        assertArrayEquals(data, s.written.toByteArray());
        // every write is one whole message, but a last one cut short by EOF
        for (int i = 0; i < s.writeLengths.size(); i++) {
            int expected = Math.min(length, payload - i * length);
            assertEquals(expected, s.writeLengths.get(i), "write lengths " + s.writeLengths);
        }
        assertEquals((payload + length - 1) / length, s.writeLengths.size(), "write lengths " + s.writeLengths);
        // each read asks for what is left of the current message, never more
        int left = length;
        for (int i = 0; i < s.readLengths.size(); i++) {
            assertEquals(left, s.readLengths.get(i), "read lengths " + s.readLengths);
            int got = s.readResults.get(i);
            if (got < 0) {
                assertEquals(s.readLengths.size() - 1, i, "a read after EOF");
                break;
            }
            left = left == got ? length : left - got;
        }
    }

    @Test
    void exactEchoServerProcessIsByteExact() throws Exception {
        try (SampleProcess exact = SampleProcess.start(EchoServer.class, "--port", "0", "--exact", "1024")) {
            for (int size : new int[] {1, 1023, 1024, 1025, 100 * 1024, 1 << 20}) {
                try (Socket s = new Socket("127.0.0.1", exact.port())) {
                    Payloads.assertEchoed(s, Payloads.random(size));
                }
            }
            try (Socket s = new Socket("127.0.0.1", exact.port())) { // message by message, as the harness does
                s.setSoTimeout(10_000);
                for (int i = 0; i < 50; i++) {
                    byte[] msg = Payloads.random(1024 + i);
                    s.getOutputStream().write(msg, 0, 1024);
                    assertArrayEquals(java.util.Arrays.copyOf(msg, 1024), s.getInputStream().readNBytes(1024));
                }
            }
            exact.close();
            exact.assertNoErrors();
        }
    }

    /** An unconnected socket whose streams are a fixed input and a recording output. */
    private static final class RecordingSocket extends Socket {
        final List<Integer> readLengths = new CopyOnWriteArrayList<>();
        final List<Integer> readResults = new CopyOnWriteArrayList<>();
        final List<Integer> writeLengths = new CopyOnWriteArrayList<>();
        final ByteArrayOutputStream written = new ByteArrayOutputStream();
        private final InputStream in;
        private final OutputStream out;

        RecordingSocket(byte[] input) {
            ByteArrayInputStream source = new ByteArrayInputStream(input);
            in = new InputStream() {
                @Override
                public int read() {
                    throw new AssertionError("single-byte read");
                }

                @Override
                public int read(byte[] b, int off, int len) {
                    readLengths.add(len);
                    // hand out at most half of what is asked (and at least 1), as a socket may
                    int n = source.read(b, off, Math.max(1, len / 2));
                    readResults.add(n);
                    return n;
                }
            };
            out = new OutputStream() {
                @Override
                public void write(int b) {
                    synchronized (written) {
                        written.write(b);
                    }
                }

                @Override
                public void write(byte[] b, int off, int len) {
                    writeLengths.add(len);
                    synchronized (written) {
                        written.write(b, off, len);
                    }
                }
            };
        }

        @Override
        public InputStream getInputStream() {
            return in;
        }

        @Override
        public OutputStream getOutputStream() {
            return out;
        }

        @Override
        public void setTcpNoDelay(boolean on) {
            // no real socket underneath
        }

        @Override
        public void shutdownOutput() {
            // the proxy half-closes the client after the backend's EOF: nothing to do here
        }
    }
}
