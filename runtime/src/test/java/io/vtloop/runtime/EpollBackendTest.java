package io.vtloop.runtime;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;

import java.io.IOException;
import java.nio.channels.Pipe;

import static org.junit.jupiter.api.Assertions.*;

/**
 * An epoll carrier's poller exists from its first registration to its close: before, polls find
 * nothing and a wake-up has nothing to end; after the close no registration opens a new one.
 */
// Package-private access: with the agent these classes live in the boot loader, another runtime package.
@DisabledIfSystemProperty(named = "vtloop.test.agent", matches = "true")
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class EpollBackendTest {
    @Test
    void thePollerExistsFromTheFirstRegistrationToTheClose() throws Throwable {
        CarrierScheduler scheduler = StartedScheduler.start("epoll", 2);
        Carrier c = scheduler.carriers[0], never = scheduler.carriers[1];
        Pipe pipe = Pipe.open();
        try (var source = pipe.source(); var sink = pipe.sink()) {
            assertEquals(0, c.backend.pollFromMonitor(), "no poller yet: nothing to report");
            c.backend.wakeup();                            // nothing to end: no effect, no failure
            c.backend.register(new FdState(StartedScheduler.fd(source), 1));
            sink.write(java.nio.ByteBuffer.wrap(new byte[] {1}));
            assertTrue(c.backend.pollFromMonitor() >= 1, "the registered pipe's event");
            scheduler.close();
            var late = new FdState(StartedScheduler.fd(sink), 2);
            assertThrows(IllegalStateException.class, () -> c.backend.register(late), "its poller is closed");
            IOException e = assertThrows(IOException.class, () -> never.backend.register(late),
                    "a carrier that never had a poller opens none after the close");
            assertTrue(e.getMessage().contains("closed"), e.getMessage());
        } finally {
            scheduler.close();
        }
    }
}
