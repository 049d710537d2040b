package io.vtloop.samples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link HttpServer} in its own JVM, driven by raw sockets and the JDK's {@link HttpClient}. */
class HttpServerTest {

    private static final String IMF_FIXDATE = "[A-Z][a-z]{2}, \\d{2} [A-Z][a-z]{2} \\d{4} \\d{2}:\\d{2}:\\d{2} GMT";

    private static SampleProcess server;
    private static HttpClient client;

    @BeforeAll
    static void start() {
        server = SampleProcess.start(HttpServer.class, "--port", "0");
        client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    }

    @AfterAll
    static void stop() {
        if (client != null) client.close();
        if (server != null) {
            server.close();
            server.assertNoErrors();
        }
    }

    private static URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }

    private static RawHttp raw() throws IOException {
        return new RawHttp(server.port());
    }

    static String get(String path) {
        return "GET " + path + " HTTP/1.1\r\nHost: t\r\n\r\n";
    }

    /** Byte k of a /bytes/N body is (byte) k. */
    static void assertPattern(byte[] body, int n) {
        assertEquals(n, body.length);
        for (int k = 0; k < n; k++) {
            if (body[k] != (byte) k) throw new AssertionError("byte " + k + " is " + body[k]);
        }
    }

    @Test
    void plaintextHasExactlyTheTechEmpowerHeaders() throws IOException {
        try (RawHttp c = raw()) {
            RawHttp.Response r = c.send(get("/plaintext")).read();
            assertEquals("HTTP/1.1 200 OK", r.statusLine());
            assertEquals(List.of("Server", "Date", "Content-Type", "Content-Length"), r.names());
            assertEquals(HttpStatus.SERVER, r.field("Server"));
            assertEquals("text/plain", r.field("Content-Type"));
            assertEquals("13", r.field("Content-Length"));
            assertTrue(r.field("Date").matches(IMF_FIXDATE), r.field("Date"));
            Instant date = ZonedDateTime.parse(r.field("Date"), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            assertTrue(Duration.between(date, Instant.now()).abs().toSeconds() < 5, "Date " + date);
            assertEquals("Hello, World!", r.bodyText());
        }
    }

    @Test
    void httpClientGetsPlaintext() throws Exception {
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(uri("/plaintext")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode());
        assertEquals("Hello, World!", r.body());
        assertEquals("text/plain", r.headers().firstValue("content-type").orElseThrow());
        assertEquals(13, r.headers().firstValueAsLong("content-length").orElseThrow());
        assertEquals(HttpStatus.SERVER, r.headers().firstValue("server").orElseThrow());
        DateTimeFormatter.RFC_1123_DATE_TIME.parse(r.headers().firstValue("date").orElseThrow());
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 13, 16 * 1024, 65536, 65537, 1 << 20, 64 << 20})
    void bytesReturnsExactlyN(int n) throws Exception {
        HttpResponse<byte[]> r = client.send(HttpRequest.newBuilder(uri("/bytes/" + n)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, r.statusCode());
        assertEquals("application/octet-stream", r.headers().firstValue("content-type").orElseThrow());
        assertPattern(r.body(), n);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/bytes/67108865", "/bytes/99999999999999999999", "/bytes/-1", "/bytes/1x", "/bytes/"})
    void bytesOutOfRangeIsBadRequestAndClose(String path) throws IOException {
        try (RawHttp c = raw()) {
            RawHttp.Response r = c.send(get(path)).read();
            assertEquals(path.equals("/bytes/") ? 404 : 400, r.status(), path);
            if (r.status() == 400) {
                assertEquals("close", r.field("Connection"));
                c.assertClosedByServer();
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 1000, 100_000, 4 << 20})
    void echoReturnsTheBody(int n) throws Exception {
        byte[] body = new byte[n];
        new Random(n).nextBytes(body);
        HttpResponse<byte[]> r = client.send(HttpRequest.newBuilder(uri("/echo"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, r.statusCode());
        assertArrayEquals(body, r.body());
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrder() throws IOException {
        try (RawHttp c = raw()) {
            c.send(get("/plaintext")
                    + "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nhello"
                    + get("/bytes/3"));
            assertEquals("Hello, World!", c.read().bodyText());
            assertEquals("hello", c.read().bodyText());
            assertPattern(c.read().body(), 3);
            // The connection stays usable.
            assertEquals("Hello, World!", c.send(get("/plaintext")).read().bodyText());
        }
    }

    @Test
    void manyPipelinedRequestsAreAllAnswered() throws IOException {
        int n = 200; // more responses than one output buffer holds
        try (RawHttp c = raw()) {
            c.send(get("/plaintext").repeat(n));
            for (int i = 0; i < n; i++) {
                assertEquals("Hello, World!", c.read().bodyText(), "response " + i);
            }
        }
    }

    @Test
    void requestTrickledByteByByteIsParsed() throws Exception {
        byte[] req = ("\r\nPOST /echo HTTP/1.1\r\nHost: t\r\nX-Long: " + "v".repeat(300)
                + "\r\nContent-Length: 3\r\n\r\nabc").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        try (RawHttp c = raw()) {
            c.socket.setTcpNoDelay(true);
            for (byte b : req) {
                c.send(new byte[] {b});
            }
            assertEquals("abc", c.read().bodyText());
        }
    }

    @Test
    void bareLfLineEndsAreAccepted() throws IOException {
        try (RawHttp c = raw()) {
            assertEquals(200, c.send("GET /plaintext HTTP/1.1\nHost: t\n\n").read().status());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "GARBAGE\r\n\r\n",
        "GET /plaintext\r\nHost: t\r\n\r\n",
        "GET  /plaintext HTTP/1.1\r\nHost: t\r\n\r\n",
        "GET /plaintext HTTP/1.1 \r\nHost: t\r\n\r\n",
        "GET plaintext HTTP/1.1\r\nHost: t\r\n\r\n",
        "GET /plain\u0001text HTTP/1.1\r\nHost: t\r\n\r\n",
        "G(T /plaintext HTTP/1.1\r\nHost: t\r\n\r\n",
        "GET /plaintext HTTP/1.x\r\nHost: t\r\n\r\n",
        "GET /plaintext HTTP/1.1\r\nHost t\r\n\r\n",
        "GET /plaintext HTTP/1.1\r\nHost : t\r\n\r\n",
        "GET /plaintext HTTP/1.1\r\n: t\r\nHost: t\r\n\r\n",
        "GET /plaintext HTTP/1.1\r\nHost: t\r\nX-A: 1\r\n folded\r\n\r\n",
        "GET /plaintext HTTP/1.1\r\nHost: t\r\nX-A: a\u0000b\r\n\r\n",
        "GET /plaintext HTTP/1.1\r\nHost: t\r\nX-A: a\rb\r\n\r\n",
        "GET /plaintext HTTP/1.1\r\n\r\n",
        "GET /plaintext HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
        "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: abc\r\n\r\n",
        "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: -1\r\n\r\n",
        "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd",
        "GET http://t/plaintext HTTP/1.1\r\nHost: t\r\n\r\n",
    })
    void malformedRequestIsBadRequestAndClose(String request) throws IOException {
        try (RawHttp c = raw()) {
            RawHttp.Response r = c.send(request).read();
            assertEquals(400, r.status(), request);
            assertEquals("close", r.field("Connection"));
            c.assertClosedByServer();
        }
    }

    @Test
    void badRequestAfterGoodOnesStillAnswersTheGoodOnes() throws IOException {
        try (RawHttp c = raw()) {
            c.send(get("/plaintext") + "BAD\r\n\r\n");
            assertEquals(200, c.read().status());
            assertEquals(400, c.read().status());
            c.assertClosedByServer();
        }
    }

    @Test
    void oversizedHeadIs431AndClose() throws IOException {
        try (RawHttp c = raw()) {
            RawHttp.Response r = c.send("GET /plaintext HTTP/1.1\r\nHost: t\r\nX-Big: " + "x".repeat(10_000) + "\r\n\r\n").read();
            assertEquals(431, r.status());
            assertEquals("close", r.field("Connection"));
            c.assertClosedByServer();
        }
    }

    @Test
    void oversizedRequestLineIs431() throws IOException {
        try (RawHttp c = raw()) {
            assertEquals(431, c.send("GET /" + "x".repeat(9000) + " HTTP/1.1\r\nHost: t\r\n\r\n").read().status());
            c.assertClosedByServer();
        }
    }

    @Test
    void headJustUnderTheLimitIsServed() throws IOException {
        String prefix = "GET /plaintext HTTP/1.1\r\nHost: t\r\nX-Big: ";
        String request = prefix + "x".repeat(HttpConnection.HEAD_LIMIT - prefix.length() - 4) + "\r\n\r\n";
        assertEquals(HttpConnection.HEAD_LIMIT, request.length());
        try (RawHttp c = raw()) {
            assertEquals(200, c.send(request).read().status());
        }
    }

    @Test
    void transferEncodingIsNotImplementedAndClose() throws IOException {
        try (RawHttp c = raw()) {
            RawHttp.Response r = c.send("POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "3\r\nabc\r\n0\r\n\r\n").read();
            assertEquals(501, r.status());
            c.assertClosedByServer();
        }
    }

    @Test
    void unsupportedVersionIs505() throws IOException {
        try (RawHttp c = raw()) {
            assertEquals(505, c.send("GET /plaintext HTTP/2.0\r\nHost: t\r\n\r\n").read().status());
            c.assertClosedByServer();
        }
    }

    @Test
    void bodyOverTheLimitIs413() throws IOException {
        try (RawHttp c = raw()) {
            assertEquals(413, c.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 67108865\r\n\r\n").read().status());
            c.assertClosedByServer();
        }
    }

    @Test
    void unknownExpectationIs417() throws IOException {
        try (RawHttp c = raw()) {
            assertEquals(417, c.send("POST /echo HTTP/1.1\r\nHost: t\r\nExpect: magic\r\nContent-Length: 1\r\n\r\nx").read().status());
            c.assertClosedByServer();
        }
    }

    @Test
    void expectContinueGets100BeforeTheBody() throws IOException {
        try (RawHttp c = raw()) {
            c.send("POST /echo HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n");
            RawHttp.Response interim = c.read(true);
            assertEquals(100, interim.status());
            assertEquals("ping", c.send("ping").read().bodyText());
        }
    }

    @Test
    void unknownPathIs404AndKeepsTheConnection() throws IOException {
        try (RawHttp c = raw()) {
            RawHttp.Response r = c.send(get("/nope")).read();
            assertEquals(404, r.status());
            assertNull(r.field("Connection"));
            assertEquals(200, c.send(get("/plaintext")).read().status());
        }
    }

    @Test
    void wrongMethodIs405WithAllowAndSkipsTheBody() throws IOException {
        try (RawHttp c = raw()) {
            RawHttp.Response r = c.send(get("/echo")).read();
            assertEquals(405, r.status());
            assertEquals("POST", r.field("Allow"));
            r = c.send("POST /plaintext HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\n\r\nabc").read();
            assertEquals(405, r.status());
            assertEquals("GET, HEAD", r.field("Allow"));
            assertEquals(200, c.send(get("/plaintext")).read().status());
        }
    }

    @Test
    void headHasHeadersButNoBody() throws IOException {
        try (RawHttp c = raw()) {
            RawHttp.Response r = c.send("HEAD /plaintext HTTP/1.1\r\nHost: t\r\n\r\n").read(true);
            assertEquals(200, r.status());
            assertEquals("13", r.field("Content-Length"));
            r = c.send("HEAD /bytes/1000 HTTP/1.1\r\nHost: t\r\n\r\n").read(true);
            assertEquals("1000", r.field("Content-Length"));
            // A body sent after HEAD would be read as this response's status line.
            assertEquals("Hello, World!", c.send(get("/plaintext")).read().bodyText());
        }
    }

    @Test
    void connectionCloseIsHonoured() throws IOException {
        try (RawHttp c = raw()) {
            RawHttp.Response r = c.send("GET /plaintext HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n").read();
            assertEquals("Hello, World!", r.bodyText());
            assertEquals("close", r.field("Connection"));
            c.assertClosedByServer();
        }
    }

    @Test
    void http10WithoutKeepAliveCloses() throws IOException {
        try (RawHttp c = raw()) {
            RawHttp.Response r = c.send("GET /plaintext HTTP/1.0\r\n\r\n").read();
            assertEquals("Hello, World!", r.bodyText());
            assertEquals("close", r.field("Connection"));
            c.assertClosedByServer();
        }
    }

    @Test
    void http10WithKeepAliveStaysOpen() throws IOException {
        try (RawHttp c = raw()) {
            String req = "GET /plaintext HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n";
            RawHttp.Response r = c.send(req).read();
            assertEquals("keep-alive", r.field("Connection"));
            assertEquals("Hello, World!", c.send(req).read().bodyText());
        }
    }
}
