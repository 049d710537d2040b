package io.vtloop.binding;

import static io.vtloop.binding.TestFds.drain;
import static io.vtloop.binding.TestFds.fd;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.vtloop.binding.TestFds.Pair;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Read/write readiness, edge-triggered semantics and RDHUP on loopback TCP sockets. */
class EpollPollerReadinessTest {

    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
    private static final long TOKEN = 0x1234_5678_9abc_def0L;

    private EpollPoller poller;
    private EventBuffer buf;
    private Pair pair;

    @BeforeEach
    void open() throws IOException {
        poller = EpollPoller.open();
        buf = new EventBuffer(16);
        pair = Pair.open();
    }

    @AfterEach
    void close() throws IOException {
        EpollPoller p = poller;
        EventBuffer b = buf;
        try (p; b) {
            pair.close();
        }
    }

    /** Registers the accepted socket and consumes its initial (writable) event. */
    private void registerServer() throws IOException {
        poller.register(fd(pair.server()), TOKEN);
        assertEquals(1, poller.poll(buf, SECOND));
        assertEquals(TOKEN, buf.token(0));
        assertEquals(Events.OUT, buf.events(0), Events.toString(buf.events(0)));
        assertEquals(0, poller.poll(buf, 0), "one event per edge");
    }

    @Test
    void reportsWritableOnceOnRegister() throws IOException {
        registerServer();
        assertEquals(0, poller.poll(buf, TimeUnit.MILLISECONDS.toNanos(20)), "nothing changed");
    }

    @Test
    void reportsEachNewArrivalAsOneEdge() throws IOException {
        registerServer();
        TestFds.write(pair.client(), 1);
        assertEquals(1, poller.poll(buf, SECOND));
        assertEquals(TOKEN, buf.token(0));
        assertTrue(Events.readable(buf.events(0)), Events.toString(buf.events(0)));
        assertEquals(0, buf.events(0) & (Events.RDHUP | Events.HUP | Events.ERR));

        // Unread data is not reported again while nothing changes.
        assertEquals(0, poller.poll(buf, 0));
        assertEquals(0, poller.poll(buf, TimeUnit.MILLISECONDS.toNanos(20)));

        // New data is a new edge, even though the first byte is still unread.
        TestFds.write(pair.client(), 1);
        assertEquals(1, poller.poll(buf, SECOND));
        assertTrue(Events.readable(buf.events(0)));

        assertEquals(2, pair.server().read(ByteBuffer.allocate(16)));
        assertEquals(0, poller.poll(buf, 0), "reading produces no event");
    }

    @Test
    void reportsWritableAgainWhenTheSendBufferDrains() throws IOException {
        registerServer();
        ByteBuffer chunk = ByteBuffer.allocate(64 * 1024);
        long written = 0;
        boolean full = false;
        for (int i = 0; i < 10_000 && !full; i++) {
            chunk.clear();
            int n = pair.server().write(chunk);
            full = n == 0;
            written += n;
        }
        assertTrue(full, "send buffer not full after " + written + " bytes");
        drain(poller, buf, 0); // space freed while filling may have produced edges

        ByteBuffer sink = ByteBuffer.allocate(256 * 1024);
        long read = 0;
        long deadline = System.nanoTime() + 10 * SECOND;
        boolean writable = false;
        while (!writable && System.nanoTime() < deadline) {
            sink.clear();
            read += pair.client().read(sink);
            for (int i = 0, n = poller.poll(buf, TimeUnit.MILLISECONDS.toNanos(1)); i < n; i++) {
                writable |= buf.token(i) == TOKEN && (buf.events(i) & Events.OUT) != 0;
            }
        }
        assertTrue(writable, "no OUT edge after the peer read " + read + " of " + written + " bytes");
    }

    @Test
    void reportsRdhupWhenThePeerCloses() throws IOException {
        registerServer();
        pair.client().close();
        assertEquals(1, poller.poll(buf, SECOND));
        int ev = buf.events(0);
        assertTrue((ev & Events.RDHUP) != 0 && (ev & Events.IN) != 0, Events.toString(ev));
        assertTrue(Events.readable(ev));
        assertEquals(0, poller.poll(buf, 0));
    }

    @Test
    void reportsRdhupWithoutHupWhenThePeerShutsDownOutput() throws IOException {
        registerServer();
        pair.client().shutdownOutput();
        Map<Long, Integer> seen = drain(poller, buf, TimeUnit.MILLISECONDS.toNanos(50));
        Integer ev = seen.get(TOKEN);
        if (ev == null) {
            fail("no event after shutdownOutput: " + seen);
        }
        assertEquals(Events.RDHUP, ev & (Events.RDHUP | Events.HUP), Events.toString(ev));
        assertEquals(-1, pair.server().read(ByteBuffer.allocate(1)));
    }

    @Test
    void deregisteredSocketReportsNothing() throws IOException {
        poller.register(fd(pair.server()), TOKEN);
        poller.deregister(fd(pair.server()));
        TestFds.write(pair.client(), 1);
        assertEquals(0, poller.poll(buf, TimeUnit.MILLISECONDS.toNanos(20)), "pending and new events dropped");
    }
}
