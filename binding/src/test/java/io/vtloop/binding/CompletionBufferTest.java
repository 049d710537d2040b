package io.vtloop.binding;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import org.junit.jupiter.api.Test;

class CompletionBufferTest {

    @Test
    void rejectsBadCapacities() {
        assertThrows(IllegalArgumentException.class, () -> new CompletionBuffer(0));
        assertThrows(IllegalArgumentException.class, () -> new CompletionBuffer(-1));
        assertThrows(IllegalArgumentException.class, () -> new CompletionBuffer(CompletionBuffer.MAX_CAPACITY + 1));
    }

    @Test
    void checksIndexes() {
        try (CompletionBuffer buf = new CompletionBuffer(4)) {
            assertEquals(4, buf.capacity());
            buf.userData(3);
            assertThrows(IndexOutOfBoundsException.class, () -> buf.userData(4));
            assertThrows(IndexOutOfBoundsException.class, () -> buf.result(-1));
            assertThrows(IndexOutOfBoundsException.class, () -> buf.flags(4));
        }
    }

    @Test
    void closeIsIdempotentAndUseAfterCloseFails() throws IOException {
        CompletionBuffer buf = new CompletionBuffer(4);
        buf.close();
        buf.close();
        assertThrows(IllegalStateException.class, () -> buf.userData(0));
        assumeTrue(IoUring.isSupported(), () -> "io_uring unavailable here: " + IoUring.unsupportedReason());
        try (IoUring ring = IoUring.open(4)) {
            assertThrows(IllegalStateException.class, () -> ring.submitAndWait(buf, 0));
            assertThrows(IllegalStateException.class, () -> ring.peek(buf));
        }
    }

    @Test
    void namesSetupFlags() {
        assertEquals("SINGLE_ISSUER|DEFER_TASKRUN", IoUring.setupFlagsToString(
                IoUring.SETUP_SINGLE_ISSUER | IoUring.SETUP_DEFER_TASKRUN));
        assertEquals("0", IoUring.setupFlagsToString(0));
        assertEquals("COOP_TASKRUN|0x1", IoUring.setupFlagsToString(IoUring.SETUP_COOP_TASKRUN | 1));
        assertEquals("IN|PRI|RDHUP", Events.toString(Events.IN | Events.PRI | Events.RDHUP));
    }
}
