package io.vtloop.binding;

import static io.vtloop.binding.TestFds.fd;
import static io.vtloop.binding.UringTestSupport.MS;
import static io.vtloop.binding.UringTestSupport.await;
import static io.vtloop.binding.UringTestSupport.drain;
import static io.vtloop.binding.UringTestSupport.only;
import static io.vtloop.binding.UringTestSupport.waitOnce;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vtloop.binding.TestFds.Pair;
import io.vtloop.binding.UringTestSupport.Cqe;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Readiness through the ring: multishot POLL_ADD on loopback sockets and pipes, POLL_REMOVE. */
class IoUringReadinessTest {

    private static final int WATCH = Events.IN | Events.PRI | Events.OUT | Events.RDHUP;

    private IoUring ring;
    private CompletionBuffer buf;
    private Pair pair;

    @BeforeEach
    void open() throws IOException {
        assumeTrue(IoUring.isSupported(), () -> "io_uring unavailable here: " + IoUring.unsupportedReason());
        ring = IoUring.open(64);
        buf = new CompletionBuffer(16);
        pair = Pair.open();
    }

    @AfterEach
    void close() throws IOException {
        if (ring != null) {
            IoUring r = ring;
            CompletionBuffer b = buf;
            try (r; b) {
                pair.close();
            }
        }
    }

    /** Arms a multishot poll on the accepted socket and consumes its first (writable) report. */
    private void pollServer(long userData) throws IOException {
        ring.prepPollAdd(fd(pair.server()), WATCH, true, userData);
        Cqe first = only(await(ring, buf, 1), userData);
        assertEquals(Events.OUT, first.res(), Events.toString(first.res()));
        assertTrue(first.more(), "a multishot poll stays armed");
        assertEquals(List.of(), waitOnce(ring, buf, 20 * MS), "one report per edge");
    }

    @Test
    void multishotPollReportsEachArrivalAsOneEdge() throws IOException {
        pollServer(7);
        TestFds.write(pair.client(), 1);
        Cqe c = only(await(ring, buf, 1), 7);
        assertTrue(c.more());
        assertTrue(Events.readable(c.res()), Events.toString(c.res()));
        assertEquals(0, c.res() & (Events.RDHUP | Events.HUP | Events.ERR), Events.toString(c.res()));

        // Unread data is not reported again while nothing changes ...
        assertEquals(List.of(), waitOnce(ring, buf, 0));
        assertEquals(List.of(), waitOnce(ring, buf, 20 * MS));
        // ... and new data is a new edge although the first byte is still unread.
        TestFds.write(pair.client(), 1);
        assertTrue(Events.readable(only(await(ring, buf, 1), 7).res()));
        assertEquals(2, pair.server().read(ByteBuffer.allocate(16)));
        assertEquals(List.of(), waitOnce(ring, buf, 20 * MS), "reading produces no report");
        assertEquals(1, ring.inFlight(), "the multishot poll is still armed");
    }

    @Test
    void shutdownOutputReportsRdhup() throws IOException {
        pollServer(8);
        pair.client().shutdownOutput();
        Cqe c = only(await(ring, buf, 1), 8);
        assertTrue((c.res() & Events.RDHUP) != 0 && (c.res() & Events.IN) != 0, Events.toString(c.res()));
        assertEquals(0, c.res() & Events.HUP, "only one direction is shut down");
        assertTrue(c.more());
    }

    @Test
    void peerCloseReportsRdhupAndBothShutDownReportsHup() throws IOException {
        pollServer(9);
        pair.client().close();
        int seen = drain(ring, buf, 50 * MS).stream().mapToInt(Cqe::res).reduce(0, (a, b) -> a | b);
        assertTrue((seen & Events.RDHUP) != 0, Events.toString(seen));
        pair.server().shutdownOutput();
        int after = drain(ring, buf, 50 * MS).stream().mapToInt(Cqe::res).reduce(0, (a, b) -> a | b);
        assertTrue((after & Events.HUP) != 0, Events.toString(after));
    }

    @Test
    void writableAfterTheSendBufferDrains() throws IOException {
        pollServer(10);
        // Fill the server's send buffer until a write would block.
        ByteBuffer chunk = ByteBuffer.allocateDirect(64 * 1024);
        long written = 0;
        while (true) {
            chunk.clear();
            int n = pair.server().write(chunk);
            if (n == 0) {
                break;
            }
            written += n;
        }
        drain(ring, buf, 20 * MS);
        ByteBuffer sink = ByteBuffer.allocateDirect(256 * 1024);
        boolean writable = false;
        for (long read = 0; read < written && !writable; ) {
            sink.clear();
            int n = pair.client().read(sink);
            read += Math.max(n, 0);
            for (Cqe c : waitOnce(ring, buf, n > 0 ? 0 : 10 * MS)) {
                writable |= c.userData() == 10 && Events.writable(c.res());
            }
        }
        assertTrue(writable, "no OUT report after the peer drained " + written + " bytes");
    }

    @Test
    void oneShotPollEndsAfterItsReport() throws IOException {
        ring.prepPollAdd(fd(pair.server()), Events.IN, false, 11);
        assertEquals(List.of(), waitOnce(ring, buf, 20 * MS), "not readable yet");
        assertEquals(1, ring.inFlight());
        TestFds.write(pair.client(), 1);
        Cqe c = only(await(ring, buf, 1), 11);
        assertEquals(Events.IN, c.res(), Events.toString(c.res()));
        assertFalse(c.more(), "one-shot");
        assertEquals(0, ring.inFlight());
    }

    @Test
    void pollRemoveEndsAMultishotPoll() throws IOException {
        pollServer(12);
        ring.prepPollRemove(12, 13);
        List<Cqe> cqes = await(ring, buf, 2);
        assertEquals(0, only(cqes, 13).res(), cqes.toString());
        Cqe last = only(cqes, 12);
        assertEquals(-IoUring.ECANCELED, last.res(), cqes.toString());
        assertFalse(last.more());
        assertEquals(0, ring.inFlight());
        TestFds.write(pair.client(), 1);
        assertEquals(List.of(), waitOnce(ring, buf, 20 * MS), "removed: no more reports");
        ring.prepPollRemove(12, 14);
        assertEquals(-IoUring.ENOENT, only(await(ring, buf, 1), 14).res());
    }

    @Test
    void pipeReadinessAndHangup() throws IOException {
        Pipe pipe = Pipe.open();
        Pipe.SinkChannel sink = pipe.sink();
        try (Pipe.SourceChannel source = pipe.source()) {
            ring.prepPollAdd(fd(source), Events.IN | Events.RDHUP, true, 20);
            assertEquals(List.of(), waitOnce(ring, buf, 20 * MS));
            sink.write(ByteBuffer.wrap(new byte[] {1, 2, 3}));
            Cqe c = only(await(ring, buf, 1), 20);
            assertEquals(Events.IN, c.res(), Events.toString(c.res()));
            sink.close();
            Cqe hup = only(await(ring, buf, 1), 20);
            assertTrue((hup.res() & Events.HUP) != 0, Events.toString(hup.res()));
        } finally {
            sink.close();
        }
    }

    @Test
    void badDescriptorFailsInItsOwnCompletion() throws IOException {
        ring.prepPollAdd(-1, Events.IN, true, 30);
        ring.prepPollAdd(fd(pair.server()), Events.OUT, false, 31);
        List<Cqe> cqes = await(ring, buf, 2);
        assertEquals(-IoUring.EBADF, only(cqes, 30).res(), cqes.toString());
        assertEquals(Events.OUT, only(cqes, 31).res(), "the next request still ran: " + cqes);
    }
}
