package io.vtloop.runtime;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;

import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A carrier whose epoll watches no fd sleeps parked, not in {@code epoll_wait}
 * ({@link Carrier#pollerIdle}), on the real loop of a started epoll scheduler: wake-ups from a
 * platform thread, its timers, and the switch back to the poller once an fd is registered (from
 * a thread that does not serve the carrier: the registration must wake the parked carrier, or the
 * fd's events would wait for its next timer, here forever).
 */
// Package-private access: with the agent these classes live in the boot loader, another runtime package.
@DisabledIfSystemProperty(named = "vtloop.test.agent", matches = "true")
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ParkedSleepTest {
    private CarrierScheduler scheduler;

    private Carrier start(int carriers) {
        scheduler = StartedScheduler.start("epoll", carriers);
        return scheduler.carriers[0];
    }

    @AfterEach
    void close() {
        if (scheduler != null) scheduler.close();
    }

    @Test
    void anIdleCarrierWithNoFdSleepsParkedAndEverySubmissionWakesIt() throws Exception {
        Carrier c = start(1);
        assertTrue(c.pollerIdle());
        long seen = 0;
        for (int i = 0; i < 200; i++) {
            long last = seen;
            StartedScheduler.await("a parked sleep before submission " + i, () -> c.stats.parkedSleeps, last + 1);
            seen = c.stats.parkedSleeps;                  // asleep, parked: the next sleep counts one more
            CountDownLatch ran = new CountDownLatch(1);
            scheduler.execute(ran::countDown);            // from a platform thread: a claim of the parked sleep
            assertTrue(ran.await(10, TimeUnit.SECONDS), "submission " + i + " ran");
        }
        assertEquals(c.stats.sleeps, c.stats.parkedSleeps, "every sleep was parked");
        assertEquals(0, c.stats.polls, "the carrier never polled its epoll");
        assertTrue(c.stats.unparksSent > 0);
        assertEquals(0, c.stats.loopFailures);
    }

    @Test
    void aParkedCarrierFiresItsTimers() throws Exception {
        Carrier c = start(2);
        CountDownLatch fired = new CountDownLatch(3);
        long[] late = new long[3];
        scheduler.execute(() -> {                         // on a carrier: arms its timers
            Carrier self = scheduler.currentCarrier();
            for (int i = 0; i < 3; i++) {
                int j = i;
                long due = System.nanoTime() + (i + 1) * 20_000_000L;
                self.timers.arm(() -> { late[j] = System.nanoTime() - due; fired.countDown(); }, due - System.nanoTime());
            }
        });
        assertTrue(fired.await(10, TimeUnit.SECONDS), "three timers of 20, 40 and 60 ms fired");
        for (long l : late) assertTrue(l >= 0 && l < TimeUnit.SECONDS.toNanos(5), "fired " + l + " ns after its deadline");
        long parked = 0, sleeps = 0;
        for (Carrier k : scheduler.carriers) { parked += k.stats.parkedSleeps; sleeps += k.stats.sleeps; }
        assertEquals(sleeps, parked, "no fd registered: every sleep, timed ones too, was parked");
    }

    @Test
    void aRegistrationWakesTheParkedCarrierWhichThenSleepsInItsPollerUntilForgotten() throws Throwable {
        Carrier c = start(1);
        StartedScheduler.await("a parked sleep", () -> c.stats.parkedSleeps, 1);   // asleep, parked, no timer
        Pipe pipe = Pipe.open();
        try (var source = pipe.source(); var sink = pipe.sink()) {
            c.backend.register(new FdState(StartedScheduler.fd(source), 1));
            long polls = c.stats.polls;
            c.fdRegistered();                             // from this thread: wakes the carrier
            assertFalse(c.pollerIdle());
            StartedScheduler.await("a poll after the registration", () -> c.stats.polls, polls + 1);
            sink.write(ByteBuffer.wrap(new byte[] {1}));  // nothing else wakes the carrier
            StartedScheduler.await("the byte's event dispatched by the sleeping carrier", () -> c.stats.events, 1);
            c.fdForgotten();
        }
        assertTrue(c.pollerIdle());
        long parked = c.stats.parkedSleeps;               // the carrier sleeps in its poller
        CountDownLatch ran = new CountDownLatch(1);
        scheduler.execute(ran::countDown);                // its sleep ends: the next one looks again
        assertTrue(ran.await(10, TimeUnit.SECONDS));
        StartedScheduler.await("a parked sleep once the fd is forgotten", () -> c.stats.parkedSleeps, parked + 1);
        assertEquals(0, c.stats.loopFailures);
    }
}
