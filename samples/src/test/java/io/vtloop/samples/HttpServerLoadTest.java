package io.vtloop.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** 1,000 keep-alive connections open at once against {@link HttpServer}, each making a few requests. */
class HttpServerLoadTest {

    private static final int CONNECTIONS = 1000;

    @ParameterizedTest
    @ValueSource(strings = {"virtual", "platform"})
    @Timeout(90)
    void thousandConcurrentKeepAliveConnections(String threads) throws Exception {
        try (SampleProcess server = SampleProcess.start(HttpServer.class, "--port", "0", "--threads", threads);
             ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
            CountDownLatch allConnected = new CountDownLatch(CONNECTIONS);
            CountDownLatch allDone = new CountDownLatch(CONNECTIONS);
            List<Future<?>> results = new ArrayList<>();
            for (int i = 0; i < CONNECTIONS; i++) {
                int id = i;
                results.add(clients.submit(() -> {
                    try (RawHttp c = new RawHttp(server.port())) {
                        allConnected.countDown();
                        allConnected.await();
                        exchange(c, id);
                        // Hold the connection until every client is done: all 1,000 stay open at once.
                        allDone.countDown();
                        allDone.await();
                        exchange(c, id);
                    }
                    return null;
                }));
            }
            for (Future<?> f : results) {
                f.get(80, TimeUnit.SECONDS);
            }
            server.assertNoErrors();
        }
    }

    private static void exchange(RawHttp c, int id) throws IOException {
        String body = "client-" + id;
        c.send(HttpServerTest.get("/plaintext"));
        assertEquals("Hello, World!", c.read().bodyText());
        c.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: " + body.length() + "\r\n\r\n" + body);
        assertEquals(body, new String(c.read().body(), StandardCharsets.US_ASCII));
        c.send(HttpServerTest.get("/bytes/" + id));
        HttpServerTest.assertPattern(c.read().body(), id);
    }
}
