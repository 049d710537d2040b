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

    @Test
    void namesEventBits() {
        assertEquals("IN|OUT|RDHUP", Events.toString(Events.IN | Events.OUT | Events.RDHUP));
        assertEquals("0", Events.toString(0));
        assertEquals("ERR|0x40", Events.toString(Events.ERR | 0x40));
    }
}
