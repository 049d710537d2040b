package io.vtloop.samples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Sends a payload while reading it back concurrently, so large payloads cannot deadlock on full buffers. */
final class Payloads {

    private Payloads() {}

    static byte[] random(int n) {
        byte[] b = new byte[n];
        new Random(n).nextBytes(b);
        return b;
    }

    /**
     * Writes {@code payload} to {@code s} in uneven chunks from another thread, then half-closes;
     * asserts that exactly {@code payload} comes back followed by EOF.
     */
    static void assertEchoed(Socket s, byte[] payload) throws Exception {
        s.setSoTimeout(10_000);
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            try {
                OutputStream out = s.getOutputStream();
                for (int off = 0, chunk = 1; off < payload.length; off += chunk, chunk = chunk * 3 + 1) {
                    out.write(payload, off, Math.min(chunk, payload.length - off));
                }
                s.shutdownOutput();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, r -> Thread.ofVirtual().start(r));
        byte[] back = s.getInputStream().readAllBytes();
        writer.get(10, TimeUnit.SECONDS);
        assertArrayEquals(payload, back, "echoed " + back.length + " of " + payload.length + " bytes");
    }
}
