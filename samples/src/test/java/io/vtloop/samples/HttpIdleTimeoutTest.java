package io.vtloop.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@link HttpServer} started with {@code --idle-timeout-ms=300} disconnects idle clients. */
class HttpIdleTimeoutTest {

    private static final long IDLE_MS = 300;

    private static SampleProcess server;

    @BeforeAll
    static void start() {
        server = SampleProcess.start(HttpServer.class, "--port", "0", "--idle-timeout-ms=" + IDLE_MS);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
            server.assertNoErrors();
        }
    }

    @Test
    void idleKeepAliveConnectionIsClosed() throws Exception {
        try (RawHttp c = new RawHttp(server.port())) {
            assertEquals(200, c.send(HttpServerTest.get("/plaintext")).read().status());
            long start = System.nanoTime();
            c.assertClosedByServer();
            long waitedMs = (System.nanoTime() - start) / 1_000_000;
            // The server cannot close before the timeout; the upper bound is RawHttp's 10 s read timeout.
            assertTrue(waitedMs >= IDLE_MS - 50, "closed after " + waitedMs + " ms");
        }
    }

    @Test
    void silentConnectionIsClosed() throws Exception {
        try (RawHttp c = new RawHttp(server.port())) {
            c.assertClosedByServer();
        }
    }

    @Test
    void activeConnectionOutlivesTheTimeout() throws Exception {
        try (RawHttp c = new RawHttp(server.port())) {
            for (int i = 0; i < 6; i++) {
                assertEquals(200, c.send(HttpServerTest.get("/plaintext")).read().status());
                Thread.sleep(IDLE_MS / 3);
            }
        }
    }
}
