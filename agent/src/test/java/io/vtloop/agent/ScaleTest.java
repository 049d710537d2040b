package io.vtloop.agent;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.*;

/** Many connections at once, and many fd numbers reused; same assertions without and with the agent. */
class ScaleTest {

    @Test
    void tenThousandConcurrentConnections() throws Exception {
        int n = 10_000;
        AtomicInteger echoed = new AtomicInteger();
        try (ServerSocket ss = new ServerSocket(0, n, InetAddress.getLoopbackAddress());
             ExecutorService exec = Virtual.perTask()) {
            Future<Void> acceptor = exec.submit(() -> {
                for (int i = 0; i < n; i++) {
                    Socket s = ss.accept();
                    exec.submit(() -> {
                        try (s) {
                            int b = s.getInputStream().read();   // all n park here at once
                            s.getOutputStream().write(b);
                            echoed.incrementAndGet();
                            s.getInputStream().read();           // until the client closes
                        }
                        return null;
                    });
                }
                return null;
            });
            Process client = new ProcessBuilder(ProcessHandle.current().info().command().orElseThrow(),
                    "-cp", System.getProperty("java.class.path"), ManyConnectionsClient.class.getName(),
                    String.valueOf(ss.getLocalPort()), String.valueOf(n))
                    .redirectErrorStream(true).start();
            assertTrue(client.waitFor(120, TimeUnit.SECONDS), "client did not finish");
            String out = new String(client.getInputStream().readAllBytes());
            assertEquals("ok " + n, out.strip());
            acceptor.get(10, TimeUnit.SECONDS);
        }
        assertEquals(n, echoed.get());
    }

    @Test
    void hundredThousandPipeCyclesReuseFdNumbers() throws Exception {
        int cycles = 100_000;
        Virtual.run(() -> {
            ByteBuffer one = ByteBuffer.allocate(1);
            for (int i = 0; i < cycles; i++) {
                Pipe p = Pipe.open();
                try (Pipe.SourceChannel source = p.source(); Pipe.SinkChannel sink = p.sink()) {
                    byte expect = (byte) i;
                    Thread reader = Thread.startVirtualThread(() -> {
                        try {
                            ByteBuffer b = ByteBuffer.allocate(1);
                            source.read(b);    // usually parks: registers this fd number afresh
                            if (b.get(0) != expect) throw new AssertionError("cycle " + expect);
                        } catch (IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    });
                    Thread.yield();
                    one.clear().put(0, expect);
                    sink.write(one);
                    reader.join();
                }
            }
        });
    }

    @Test
    void thousandsOfSocketOpenCloseCycles() throws Exception {
        try (ServerSocket ss = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Virtual.run(() -> {
                for (int i = 0; i < 5_000; i++) {
                    try (Socket c = new Socket(ss.getInetAddress(), ss.getLocalPort()); Socket s = ss.accept()) {
                        c.setSoLinger(true, 0);                   // RST on close: no TIME_WAIT build-up
                        Future<Integer> r = Virtual.start(() -> s.getInputStream().read());
                        c.getOutputStream().write(i & 0x7f);
                        assertEquals(i & 0x7f, Virtual.join(r, java.time.Duration.ofSeconds(10)));
                    }
                }
            });
        }
    }
}
