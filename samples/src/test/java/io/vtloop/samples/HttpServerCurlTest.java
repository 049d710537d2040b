package io.vtloop.samples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link HttpServer} in its own JVM, driven by the curl command-line client. */
class HttpServerCurlTest {

    private static SampleProcess server;

    @BeforeAll
    static void start() {
        Curl.assertInstalled();
        server = SampleProcess.start(HttpServer.class, "--port=0");
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
            server.assertNoErrors();
        }
    }

    private static String url(String path) {
        return "http://127.0.0.1:" + server.port() + path;
    }

    @Test
    void plaintextResponse() throws Exception {
        String out = Curl.run("-i", url("/plaintext"));
        assertTrue(out.startsWith("HTTP/1.1 200 OK\r\n"), out);
        assertTrue(out.contains("\r\nServer: " + HttpStatus.SERVER + "\r\n"), out);
        assertTrue(out.contains("\r\nContent-Type: text/plain\r\n"), out);
        assertTrue(out.contains("\r\nContent-Length: 13\r\n"), out);
        assertTrue(out.matches("(?s).*\r\nDate: [A-Z][a-z]{2}, \\d{2} [A-Z][a-z]{2} \\d{4} [0-9:]{8} GMT\r\n.*"), out);
        assertTrue(out.endsWith("\r\n\r\nHello, World!"), out);
    }

    @Test
    void curlReusesTheConnection() throws Exception {
        String out = Curl.run("-o", "/dev/null", "-o", "/dev/null", "-o", "/dev/null",
                "-w", "%{http_code} %{num_connects}\\n", url("/plaintext"), url("/bytes/100"), url("/nope"));
        assertEquals("200 1\n200 0\n404 0\n", out);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 65536, 10_000_000})
    void bytesSize(int n) throws Exception {
        assertEquals("200 " + n, Curl.run("-o", "/dev/null", "-w", "%{http_code} %{size_download}", url("/bytes/" + n)));
    }

    @Test
    void bytesOverTheLimitIs400() throws Exception {
        assertEquals("400", Curl.run("-o", "/dev/null", "-w", "%{http_code}", url("/bytes/" + (64 << 20 | 1))));
    }

    /** curl sends {@code Expect: 100-continue} for bodies this large, so this covers the 100 response. */
    @Test
    void echoPostedFile(@TempDir Path dir) throws Exception {
        byte[] body = new byte[300_000];
        new Random(7).nextBytes(body);
        Path in = Files.write(dir.resolve("in"), body);
        Path out = dir.resolve("out");
        String status = Curl.run("--data-binary", "@" + in, "-H", "Content-Type: application/octet-stream",
                "-o", out.toString(), "-w", "%{http_code}", url("/echo"));
        assertEquals("200", status);
        assertArrayEquals(body, Files.readAllBytes(out));
    }

    @Test
    void oversizedHeaderIs431() throws Exception {
        assertEquals("431", Curl.run("-o", "/dev/null", "-w", "%{http_code}",
                "-H", "X-Big: " + "x".repeat(10_000), url("/plaintext")));
    }
}
