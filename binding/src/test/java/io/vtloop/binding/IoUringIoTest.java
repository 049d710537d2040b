package io.vtloop.binding;

import static io.vtloop.binding.TestFds.fd;
import static io.vtloop.binding.UringTestSupport.MS;
import static io.vtloop.binding.UringTestSupport.await;
import static io.vtloop.binding.UringTestSupport.only;
import static io.vtloop.binding.UringTestSupport.waitOnce;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vtloop.binding.TestFds.Pair;
import io.vtloop.binding.UringTestSupport.Cqe;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Completion-based I/O on real descriptors (the JDK's non-blocking loopback sockets, pipes):
 * recv into and send from native memory, EOF, RST and EPIPE results, cancellation.
 */
class IoUringIoTest {

    private IoUring ring;
    private CompletionBuffer buf;
    private Pair pair;
    private Arena arena;

    @BeforeEach
    void open() throws IOException {
        assumeTrue(IoUring.isSupported(), () -> "io_uring unavailable here: " + IoUring.unsupportedReason());
        ring = IoUring.open(64);
        buf = new CompletionBuffer(16);
        pair = Pair.open();
        arena = Arena.ofShared(); // opened here, used on the test thread
    }

    @AfterEach
    void close() throws IOException {
        if (ring != null) {
            IoUring r = ring;
            CompletionBuffer b = buf;
            Arena a = arena;
            try (r; b; a) {
                pair.close();
            }
        }
    }

    private static String string(MemorySegment seg, int n) {
        return new String(seg.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8);
    }

    @Test
    void recvWaitsForDataOnANonBlockingSocketAndFillsTheBuffer() throws IOException {
        MemorySegment mem = arena.allocate(64);
        ring.prepRecv(fd(pair.server()), mem, 0, 1);
        assertEquals(List.of(), waitOnce(ring, buf, 50 * MS), "no data yet: the recv must wait, not fail EAGAIN");
        assertEquals(1, ring.inFlight());
        pair.client().write(ByteBuffer.wrap("hello".getBytes(StandardCharsets.UTF_8)));
        Cqe c = only(await(ring, buf, 1), 1);
        assertEquals(5, c.res(), c.toString());
        assertFalse(c.more());
        assertEquals("hello", string(mem, 5));
        assertEquals(0, ring.inFlight());
    }

    @Test
    void recvOfDataAlreadyThereCompletesInTheSameEnter() throws IOException {
        pair.client().write(ByteBuffer.wrap("ready".getBytes(StandardCharsets.UTF_8)));
        MemorySegment mem = arena.allocate(64);
        // Data in flight on loopback arrives synchronously with the write: the recv completes inline.
        ring.prepRecv(fd(pair.server()), mem.address(), (int) mem.byteSize(), 0, 2);
        assertEquals(5, only(await(ring, buf, 1), 2).res());
        assertEquals("ready", string(mem, 5));
    }

    @Test
    void aBusyOwnerReapsThroughNonBlockingWaits() throws IOException {
        MemorySegment mem = arena.allocate(16);
        ring.prepRecv(fd(pair.server()), mem, 0, 20);
        ring.submit();
        pair.client().write(ByteBuffer.wrap(new byte[] {7, 7, 7}));
        // Never blocking: submitAndWait(0) must enter the kernel when the ring flags the
        // completion work (IORING_SQ_TASKRUN under DEFER_TASKRUN), or the recv never completes.
        long deadline = System.nanoTime() + 5 * UringTestSupport.SECOND;
        List<Cqe> got = List.of();
        while (got.isEmpty() && System.nanoTime() < deadline) {
            got = waitOnce(ring, buf, 0);
        }
        assertEquals(3, only(got, 20).res(), got.toString());
    }

    @Test
    void recvReportsEofAndReset() throws IOException {
        MemorySegment mem = arena.allocate(16);
        ring.prepRecv(fd(pair.server()), mem, 0, 3);
        ring.submit();
        pair.client().shutdownOutput();
        assertEquals(0, only(await(ring, buf, 1), 3).res(), "EOF is a 0-byte completion");

        try (Pair other = Pair.open()) {
            ring.prepRecv(fd(other.server()), mem, 0, 4);
            assertEquals(List.of(), waitOnce(ring, buf, 20 * MS));
            other.client().setOption(StandardSocketOptions.SO_LINGER, 0);
            other.client().close(); // RST
            assertEquals(-IoUring.ECONNRESET, only(await(ring, buf, 1), 4).res());
        }
    }

    @Test
    void sendFromNativeMemory() throws IOException {
        MemorySegment mem = arena.allocateFrom("payload", StandardCharsets.UTF_8); // 7 bytes + NUL
        ring.prepSend(fd(pair.client()), mem.address(), 7, IoUring.MSG_NOSIGNAL, 5);
        assertEquals(7, only(await(ring, buf, 1), 5).res());
        ByteBuffer in = ByteBuffer.allocate(16);
        long deadline = System.nanoTime() + 5 * UringTestSupport.SECOND;
        while (in.position() < 7 && System.nanoTime() < deadline) {
            pair.server().read(in);
        }
        assertEquals("payload", new String(in.array(), 0, in.position(), StandardCharsets.UTF_8));
    }

    @Test
    void sendCompletesWithWhatFitsAndWaitsWhenNothingFits() throws IOException {
        int size = 16 << 20;
        MemorySegment mem = arena.allocate(size);
        // Like a non-blocking write, a stream send completes short with what fit ...
        ring.prepSend(fd(pair.client()), mem, IoUring.MSG_NOSIGNAL, 6);
        Cqe first = only(await(ring, buf, 1), 6);
        assertTrue(first.res() > 0 && first.res() < size, first.toString());
        // ... but when nothing fits it waits in the kernel until the peer reads.
        ring.prepSend(fd(pair.client()), mem, IoUring.MSG_NOSIGNAL, 7);
        assertEquals(List.of(), waitOnce(ring, buf, 50 * MS), "the socket buffer is full: the send must wait");
        ByteBuffer sink = ByteBuffer.allocateDirect(1 << 20);
        long read = 0;
        Cqe done = null;
        long deadline = System.nanoTime() + 10 * UringTestSupport.SECOND;
        while (done == null && System.nanoTime() < deadline) {
            sink.clear();
            read += Math.max(0, pair.server().read(sink));
            List<Cqe> got = waitOnce(ring, buf, 0);
            done = got.isEmpty() ? null : only(got, 7);
        }
        assertTrue(done != null, "send never completed; peer read " + read);
        assertTrue(done.res() > 0 && done.res() <= size, done.toString());
    }

    @Test
    void sendAfterShutdownFailsWithEpipe() throws IOException {
        pair.client().shutdownOutput();
        MemorySegment mem = arena.allocate(8);
        ring.prepSend(fd(pair.client()), mem, IoUring.MSG_NOSIGNAL, 8);
        assertEquals(-IoUring.EPIPE, only(await(ring, buf, 1), 8).res());
    }

    @Test
    void cancelOfAPendingRecvCompletesItWithEcanceled() throws IOException {
        MemorySegment mem = arena.allocate(16);
        ring.prepRecv(fd(pair.server()), mem, 0, 40);
        assertEquals(List.of(), waitOnce(ring, buf, 20 * MS));
        ring.prepCancel(40, 41);
        List<Cqe> cqes = await(ring, buf, 2);
        assertEquals(0, only(cqes, 41).res(), cqes.toString());
        assertEquals(-IoUring.ECANCELED, only(cqes, 40).res(), cqes.toString());
        assertEquals(0, ring.inFlight(), "the kernel holds no buffer any more");
        // The data sent afterwards is still there for the next reader.
        pair.client().write(ByteBuffer.wrap(new byte[] {42}));
        ring.prepRecv(fd(pair.server()), mem, 0, 42);
        assertEquals(1, only(await(ring, buf, 1), 42).res());
        assertEquals(42, mem.get(ValueLayout.JAVA_BYTE, 0));
    }

    @Test
    void cancelOfACompletedRequestFindsNothing() throws IOException {
        pair.client().write(ByteBuffer.wrap(new byte[] {1}));
        MemorySegment mem = arena.allocate(16);
        ring.prepRecv(fd(pair.server()), mem, 0, 50);
        assertEquals(1, only(await(ring, buf, 1), 50).res());
        ring.prepCancel(50, 51);
        assertEquals(-IoUring.ENOENT, only(await(ring, buf, 1), 51).res());
    }

    @Test
    void cancelFdCancelsEveryRequestOnTheDescriptor() throws IOException {
        MemorySegment mem = arena.allocate(16);
        int server = fd(pair.server());
        ring.prepRecv(server, mem, 0, 60);
        ring.prepPollAdd(server, Events.IN, true, 61);
        ring.prepPollAdd(fd(pair.client()), Events.IN, true, 62); // another fd: untouched
        assertEquals(List.of(), waitOnce(ring, buf, 20 * MS));
        ring.prepCancelFd(server, 63);
        List<Cqe> cqes = await(ring, buf, 3);
        assertEquals(2, only(cqes, 63).res(), cqes.toString());
        assertEquals(-IoUring.ECANCELED, only(cqes, 60).res());
        assertEquals(-IoUring.ECANCELED, only(cqes, 61).res());
        assertEquals(1, ring.inFlight(), "the client's poll is still armed");
    }

    /** Reads the client until EOF (-1) or the deadline; returns whether EOF came. */
    private boolean clientSeesEof(long nanos) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(16);
        long deadline = System.nanoTime() + nanos;
        do {
            b.clear();
            if (pair.client().read(b) < 0) {
                return true;
            }
            Thread.onSpinWait();
        } while (System.nanoTime() < deadline);
        return false;
    }

    @Test
    void aRequestInFlightKeepsAClosedSocketOpenUntilCancelled() throws IOException {
        MemorySegment mem = arena.allocate(16);
        ring.prepRecv(fd(pair.server()), mem, 0, 80);
        assertEquals(List.of(), waitOnce(ring, buf, 20 * MS));
        pair.server().close(); // frees the fd number, but the pending recv holds the socket
        assertFalse(clientSeesEof(100 * MS), "the socket closed while a recv was in flight");
        ring.prepCancel(80, 81);
        List<Cqe> cqes = await(ring, buf, 2);
        assertEquals(-IoUring.ECANCELED, only(cqes, 80).res(), cqes.toString());
        assertTrue(clientSeesEof(5 * UringTestSupport.SECOND), "the socket stayed open after the cancel");
    }

    @Test
    void cancelFdBeforeCloseReleasesTheSocket() throws IOException {
        MemorySegment mem = arena.allocate(16);
        int server = fd(pair.server());
        ring.prepRecv(server, mem, 0, 90);
        ring.prepPollAdd(server, Events.IN | Events.RDHUP, true, 91);
        assertEquals(List.of(), waitOnce(ring, buf, 20 * MS));
        ring.prepCancelFd(server, 92); // matched by open file, so before the close
        List<Cqe> cqes = await(ring, buf, 3);
        assertEquals(2, only(cqes, 92).res(), cqes.toString());
        assertEquals(0, ring.inFlight());
        pair.server().close();
        assertTrue(clientSeesEof(5 * UringTestSupport.SECOND));
    }

    @Test
    void closeOnTheOwnerReleasesWhatIsInFlightBeforeReturning() throws IOException {
        MemorySegment mem = arena.allocate(16);
        ring.prepRecv(fd(pair.server()), mem, 0, 100);
        ring.prepPollAdd(fd(pair.server()), Events.IN, true, 101);
        assertEquals(List.of(), waitOnce(ring, buf, 20 * MS)); // this thread owns the ring
        pair.server().close(); // held open by the two requests
        assertFalse(clientSeesEof(20 * MS));
        ring.close();
        // Cancelled and reaped inside close: the requests' hold on the socket is gone now.
        assertTrue(clientSeesEof(0), "the socket was still open when close returned");
    }

    @Test
    void pipeReadAndWrite() throws IOException {
        Pipe pipe = Pipe.open();
        try (Pipe.SourceChannel source = pipe.source(); Pipe.SinkChannel sink = pipe.sink()) {
            MemorySegment out = arena.allocateFrom("pipe!", StandardCharsets.UTF_8);
            MemorySegment in = arena.allocate(16);
            // Blocking pipe ends: the read waits in the kernel until the write lands.
            ring.prepRead(fd(source), in.address(), 16, IoUring.CURRENT_POSITION, 70);
            assertEquals(List.of(), waitOnce(ring, buf, 20 * MS));
            ring.prepWrite(fd(sink), out.address(), 5, IoUring.CURRENT_POSITION, 71);
            List<Cqe> cqes = await(ring, buf, 2);
            assertEquals(5, only(cqes, 71).res());
            assertEquals(5, only(cqes, 70).res());
            assertEquals("pipe!", string(in, 5));

            // O_NONBLOCK (as the JDK sets for virtual threads): the read still waits in the kernel.
            source.configureBlocking(false);
            ring.prepRead(fd(source), in.address(), 16, IoUring.CURRENT_POSITION, 72);
            assertEquals(List.of(), waitOnce(ring, buf, 20 * MS), "no -EAGAIN: pipes support nowait reads");
            sink.write(ByteBuffer.wrap(new byte[] {9, 8}));
            assertEquals(2, only(await(ring, buf, 1), 72).res());
        }
    }

    @Test
    void rejectsBadArguments() {
        assertThrows(IllegalArgumentException.class, () -> ring.prepRecv(0, 0L, 8, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> ring.prepRecv(0, 16L, -1, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> ring.prepSend(0, 16L, 1, 0, IoUring.WAKE_USER_DATA));
        assertThrows(IllegalArgumentException.class, () -> ring.prepCancel(1, -1));
        assertThrows(IllegalArgumentException.class,
                () -> ring.prepRecv(0, MemorySegment.ofArray(new byte[8]), 0, 1));
        assertThrows(IllegalArgumentException.class, () -> ring.submitAndWait(buf, -2));
        assertEquals(0, ring.inFlight(), "rejected requests are not counted");
    }
}
