package io.vtloop.runtime;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;

import java.nio.ByteBuffer;
import java.nio.channels.Pipe;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Once the JVM begins to exit ({@link CarrierScheduler#prepareForExit}, a shutdown hook) no thread
 * of a started scheduler waits in native code, where HotSpot's exit would wait up to 300 ms for
 * it: the carrier with an fd registered, asleep in {@code epoll_wait}, and the monitor, in its
 * timer's {@code read}, both sleep parked from then on (a thread's state tells: RUNNABLE in a
 * native wait, WAITING or TIMED_WAITING parked). The registered fd's events are still dispatched.
 */
// Package-private access: with the agent these classes live in the boot loader, another runtime package.
@DisabledIfSystemProperty(named = "vtloop.test.agent", matches = "true")
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ExitModeTest {
    private CarrierScheduler scheduler;

    @AfterEach
    void close() {
        if (scheduler != null) scheduler.close();
    }

    /** Of 200 looks 1 ms apart, how many found each thread parked (WAITING or TIMED_WAITING). */
    private static int[] parkedLooks(Thread... threads) throws InterruptedException {
        int[] parked = new int[threads.length];
        for (int look = 0; look < 200; look++) {
            for (int i = 0; i < threads.length; i++) {
                Thread.State s = threads[i].getState();
                if (s == Thread.State.WAITING || s == Thread.State.TIMED_WAITING) parked[i]++;
            }
            Thread.sleep(1);
        }
        return parked;
    }

    @Test
    void afterPrepareForExitNoThreadWaitsInNativeCodeAndEventsStillArrive() throws Throwable {
        scheduler = StartedScheduler.start("epoll", 2);
        Carrier c = scheduler.carriers[0];
        Monitor monitor = scheduler.monitor;
        assertNotNull(monitor, "the default configuration has a monitor");
        StartedScheduler.driveMonitorToItsTimer(scheduler);
        Pipe pipe = Pipe.open();
        try (var source = pipe.source(); var sink = pipe.sink()) {
            c.backend.register(new FdState(StartedScheduler.fd(source), 1));
            long polls = c.stats.polls;
            c.fdRegistered();                             // from this thread: wakes the carrier
            StartedScheduler.await("a poll after the registration", () -> c.stats.polls, polls + 1);

            int[] before = parkedLooks(c.primary, monitor);
            assertTrue(before[0] < 20, "before the exit the carrier sleeps in epoll_wait (RUNNABLE): parked in "
                    + before[0] + " of 200 looks");
            assertTrue(before[1] < 20, "before the exit the idle monitor waits in its timer's read (RUNNABLE): parked in "
                    + before[1] + " of 200 looks");

            scheduler.prepareForExit();
            int[] after = parkedLooks(c.primary, scheduler.carriers[1].primary, monitor);
            assertTrue(after[0] > 150, "exiting, the carrier with an fd sleeps parked between polls: parked in "
                    + after[0] + " of 200 looks");
            assertTrue(after[1] > 150, "exiting, the carrier without fds sleeps parked: " + after[1] + " of 200");
            assertTrue(after[2] > 150, "exiting, the monitor waits parked: " + after[2] + " of 200");

            long events = c.stats.events;
            sink.write(ByteBuffer.wrap(new byte[] {1}));  // nothing else wakes the carrier
            StartedScheduler.await("the byte's event dispatched while exiting", () -> c.stats.events, events + 1);
            c.fdForgotten();
        }
        assertEquals(0, c.stats.loopFailures);
    }
}
