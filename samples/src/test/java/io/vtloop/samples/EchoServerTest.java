package io.vtloop.samples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@link EchoServer} in its own JVM, in both thread models. */
class EchoServerTest {

    private static final Map<ConnectionThreads, SampleProcess> SERVERS = new EnumMap<>(ConnectionThreads.class);

    @BeforeAll
    static void start() {
        for (ConnectionThreads t : ConnectionThreads.values()) {
            SERVERS.put(t, SampleProcess.start(EchoServer.class, "--port", "0", "--threads", t.name().toLowerCase()));
        }
    }

    @AfterAll
    static void stop() {
        for (SampleProcess p : SERVERS.values()) {
            p.close();
            p.assertNoErrors();
        }
    }

    @ParameterizedTest
    @CsvSource({
        "VIRTUAL, 1", "VIRTUAL, 1024", "VIRTUAL, 65536", "VIRTUAL, 1048576",
        "PLATFORM, 1", "PLATFORM, 1024", "PLATFORM, 65536", "PLATFORM, 1048576",
    })
    void echoesExactly(ConnectionThreads threads, int size) throws Exception {
        try (Socket s = new Socket("127.0.0.1", SERVERS.get(threads).port())) {
            Payloads.assertEchoed(s, Payloads.random(size));
        }
    }

    @Test
    void echoesEachWriteWithoutWaitingForMore() throws Exception {
        try (Socket s = new Socket("127.0.0.1", SERVERS.get(ConnectionThreads.VIRTUAL).port())) {
            s.setSoTimeout(10_000);
            s.setTcpNoDelay(true);
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            for (int i = 0; i < 100; i++) {
                byte[] msg = ("message " + i).getBytes();
                out.write(msg);
                assertArrayEquals(msg, in.readNBytes(msg.length));
            }
        }
    }

    @Test
    void serverNeverSendsUnasked() throws Exception {
        try (Socket s = new Socket("127.0.0.1", SERVERS.get(ConnectionThreads.VIRTUAL).port())) {
            s.setSoTimeout(10_000);
            s.shutdownOutput();
            assertEquals(-1, s.getInputStream().read());
        }
    }

    @Test
    void manyConcurrentClients() throws Exception {
        int clients = 200;
        try (var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            var futures = new java.util.ArrayList<java.util.concurrent.Future<?>>();
            for (int i = 0; i < clients; i++) {
                int size = 1 + i * 997;
                futures.add(pool.submit(() -> {
                    try (Socket s = new Socket("127.0.0.1", SERVERS.get(ConnectionThreads.VIRTUAL).port())) {
                        Payloads.assertEchoed(s, Payloads.random(size));
                    }
                    return null;
                }));
            }
            for (var f : futures) {
                f.get();
            }
        }
    }
}
