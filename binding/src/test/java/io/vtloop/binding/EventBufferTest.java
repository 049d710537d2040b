package io.vtloop.binding;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import org.junit.jupiter.api.Test;

class EventBufferTest {

    @Test
    void rejectsBadCapacities() {
        assertThrows(IllegalArgumentException.class, () -> new EventBuffer(0));
        assertThrows(IllegalArgumentException.class, () -> new EventBuffer(-1));
        assertThrows(IllegalArgumentException.class, () -> new EventBuffer(EventBuffer.MAX_CAPACITY + 1));
    }

    @Test
    void checksIndexes() {
        try (EventBuffer buf = new EventBuffer(4)) {
            assertEquals(4, buf.capacity());
            buf.token(3);
            assertThrows(IndexOutOfBoundsException.class, () -> buf.token(4));
            assertThrows(IndexOutOfBoundsException.class, () -> buf.events(-1));
        }
    }

    @Test
    void closeIsIdempotentAndUseAfterCloseFails() throws IOException {
        EventBuffer buf = new EventBuffer(4);
        buf.close();
        buf.close();
        assertThrows(IllegalStateException.class, () -> buf.token(0));
        try (EpollPoller poller = EpollPoller.open()) {
            assertThrows(IllegalStateException.class, () -> poller.poll(buf, 0));
        }
    }

    /**
     * A buffer closed while a poll waits to fill it: the poll still fills live memory (the buffer's
     * memory goes only once it is unreachable), returns its event, and the reads after it see the
     * close.
     */
    @Test
    void closeDuringAWaitingPollLeavesItsMemoryToThePoll() throws Exception {
        try (EpollPoller poller = EpollPoller.open(); TestFds.Pair pair = TestFds.Pair.open()) {
            EventBuffer buf = new EventBuffer(4);
            poller.register(TestFds.fd(pair.server()), 77);
            TestFds.drain(poller, buf, 0);   // the first edge (writable): the next poll waits
            var polled = new java.util.concurrent.CompletableFuture<Integer>();
            Thread waiter = Thread.ofPlatform().start(() -> {
                try {
                    polled.complete(poller.poll(buf, 10_000_000_000L));
                } catch (Throwable e) {
                    polled.completeExceptionally(e);
                }
            });
            while (poller.callsInFlight() == 0 && !polled.isDone()) Thread.onSpinWait();
            Thread.sleep(20);   // in epoll_wait, most likely
            buf.close();
            TestFds.write(pair.client(), 1);
            assertEquals(1, polled.get(10, java.util.concurrent.TimeUnit.SECONDS), "the poll's event");
            assertThrows(IllegalStateException.class, () -> buf.token(0));
            waiter.join();
        }
    }

    @Test
    void namesEventBits() {
        assertEquals("IN|OUT|RDHUP", Events.toString(Events.IN | Events.OUT | Events.RDHUP));
        assertEquals("0", Events.toString(0));
        assertEquals("ERR|0x40", Events.toString(Events.ERR | 0x40));
    }
}
