package io.vtloop.binding;

import static io.vtloop.binding.TestFds.drain;
import static io.vtloop.binding.TestFds.fd;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Many descriptors, fd number reuse and errors from bad descriptors, on pipes. */
class EpollPollerDescriptorTest {

    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

    private final List<Pipe> pipes = new ArrayList<>();
    private EpollPoller poller;
    private EventBuffer buf;

    @BeforeEach
    void open() throws IOException {
        poller = EpollPoller.open();
        buf = new EventBuffer(1024);
    }

    @AfterEach
    void close() throws IOException {
        EpollPoller p = poller;
        EventBuffer b = buf;
        try (p; b) {
            for (Pipe pipe : pipes) {
                pipe.source().close();
                pipe.sink().close();
            }
        }
    }

    private Pipe pipe() throws IOException {
        Pipe p = Pipe.open();
        pipes.add(p);
        p.source().configureBlocking(false);
        p.sink().configureBlocking(false);
        return p;
    }

    @Test
    void reportsTenThousandDescriptorsOnceEach() throws IOException {
        int count = 5_000; // 10,000 fds, within the 20,000 fd limit
        Map<Long, Integer> expected = new HashMap<>();
        for (int i = 0; i < count; i++) {
            Pipe p = pipe();
            p.sink().write(ByteBuffer.wrap(new byte[] {1}));
            poller.register(fd(p.source()), 2L * i);
            poller.register(fd(p.sink()), 2L * i + 1);
            expected.put(2L * i, Events.IN);
            expected.put(2L * i + 1, Events.OUT);
        }
        Map<Long, Integer> seen = new HashMap<>();
        long deadline = System.nanoTime() + 10_000 * MS;
        while (seen.size() < expected.size() && System.nanoTime() < deadline) {
            int n = poller.poll(buf, 100 * MS);
            assertTrue(n <= buf.capacity());
            for (int i = 0; i < n; i++) {
                Integer old = seen.put(buf.token(i), buf.events(i));
                assertEquals(null, old, "token " + buf.token(i) + " reported twice");
            }
        }
        assertEquals(expected, seen);
        assertEquals(0, poller.poll(buf, 0), "nothing changed after all were reported");
    }

    @Test
    void reusedFdNumberReportsOnlyItsNewToken() throws IOException {
        Pipe old = Pipe.open();
        int number = fd(old.source());
        poller.register(number, 111);
        old.sink().write(ByteBuffer.wrap(new byte[] {1})); // an event is pending for token 111
        old.source().close(); // the kernel drops the registration with the last reference
        old.sink().close();

        Pipe reused = null;
        for (int i = 0; i < 16 && reused == null; i++) {
            Pipe p = pipe();
            if (fd(p.source()) == number) {
                reused = p;
            }
        }
        assertTrue(reused != null, "fd " + number + " was not reused by 16 new pipes");
        poller.register(number, 222);
        Map<Long, Integer> seen = drain(poller, buf, 20 * MS);
        assertFalse(seen.containsKey(111L), "old token reported: " + seen);
        assertFalse(seen.containsKey(222L), "empty pipe reported readable: " + seen);

        reused.sink().write(ByteBuffer.wrap(new byte[] {2}));
        seen = drain(poller, buf, 20 * MS);
        assertEquals(Map.of(222L, Events.IN), seen);
    }

    @Test
    void badDescriptorsGiveClearErrors() throws IOException {
        IOException e = assertThrows(IOException.class, () -> poller.register(-1, 1));
        assertEquals("epoll_ctl(ADD, fd=-1): EBADF", e.getMessage());

        Pipe closed = Pipe.open();
        int number = fd(closed.sink());
        closed.sink().close();
        closed.source().close();
        e = assertThrows(IOException.class, () -> poller.register(number, 1));
        assertTrue(e.getMessage().contains("EBADF"), e.getMessage());

        Pipe p = pipe();
        poller.register(fd(p.source()), 1);
        e = assertThrows(IOException.class, () -> poller.register(fd(p.source()), 2));
        assertEquals("epoll_ctl(ADD, fd=" + fd(p.source()) + "): EEXIST", e.getMessage());

        e = assertThrows(IOException.class, () -> poller.deregister(fd(p.sink())));
        assertEquals("epoll_ctl(DEL, fd=" + fd(p.sink()) + "): ENOENT", e.getMessage());
        poller.deregister(fd(p.source()));
    }

    @Test
    void reservedTokenIsRejected() throws IOException {
        Pipe p = pipe();
        assertThrows(IllegalArgumentException.class, () -> poller.register(fd(p.source()), -1L));
    }
}
