package io.vtloop.runtime;

import io.vtloop.binding.IoUring;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;

import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@link Carrier}'s busy polls back off while they find nothing ({@link Carrier#POLL_BACKOFF_MAX}),
 * on the real loop of a started one-carrier scheduler: its first task queues {@code n} tasks on
 * the carrier, each of which notes the carrier's {@code polls} counter, so the notes show after
 * which task each poll came. An event is a byte written, by one of those tasks, to a real pipe
 * registered with the carrier's epoll.
 */
// Package-private access: with the agent these classes live in the boot loader, another runtime package.
@DisabledIfSystemProperty(named = "vtloop.test.agent", matches = "true")
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class PollBackoffTest {
    private CarrierScheduler scheduler;

    private Carrier start(String backend) {
        scheduler = StartedScheduler.start(backend, 1);
        return scheduler.carriers[0];
    }

    @AfterEach
    void close() {
        if (scheduler != null) scheduler.close();
    }

    /**
     * Queues {@code n} tasks on the carrier at once (from a first task that runs there) and runs
     * them; {@code during.run()} runs in task {@code at}. Returns after which of the carrier's
     * tasks, counted from its first, each poll between two of them came.
     */
    private List<Integer> runTasks(Carrier c, int n, int at, Runnable during) throws InterruptedException {
        long[] polls = new long[n];
        long[] tasks = new long[n];
        CountDownLatch done = new CountDownLatch(1);
        AtomicReference<Throwable> failed = new AtomicReference<>();
        long before = c.stats.tasks;
        scheduler.execute(() -> {                          // on the carrier's thread: execute queues there
            for (int i = 0; i < n; i++) {
                int j = i;
                scheduler.execute(() -> {
                    polls[j] = c.stats.polls;
                    tasks[j] = c.stats.tasks;
                    try {
                        if (j == at) during.run();
                    } catch (Throwable e) {
                        failed.set(e);
                    }
                    if (j == n - 1) done.countDown();
                });
            }
        });
        assertTrue(done.await(30, TimeUnit.SECONDS));
        assertNull(failed.get());
        List<Integer> pollsAfter = new ArrayList<>();
        for (int j = 1; j < n; j++) {
            assertEquals(tasks[j - 1] + 1, tasks[j], "the tasks ran one after another on the carrier");
            if (polls[j] != polls[j - 1]) pollsAfter.add((int) (tasks[j - 1] - before));
        }
        assertEquals(0, c.stats.loopFailures);
        return pollsAfter;
    }

    private static int interval() { return Config.fromSystemProperties().pollInterval(); }

    /** Registers the pipe's source with {@code c}'s epoll and counts it, as {@code Readiness.register} does. */
    private static void register(Carrier c, Pipe pipe) throws Throwable {
        c.backend.register(new FdState(StartedScheduler.fd(pipe.source()), 1));   // edge-triggered: one event per write
        c.fdRegistered();
    }

    @Test
    void emptyBusyPollsDoubleTheIntervalsToTheNextUpToTheCap() throws Throwable {
        Carrier c = start("epoll");
        int k = interval(), cap = 1 << Carrier.POLL_BACKOFF_MAX;
        Pipe pipe = Pipe.open();
        try (var source = pipe.source(); var sink = pipe.sink()) {
            register(c, pipe);                             // an fd that stays quiet: the polls find nothing
            List<Integer> expect = new ArrayList<>();
            for (int at = 0, gap = 1, i = 0; i < 7; i++, gap = Math.min(gap * 2, cap)) expect.add(at += gap * k);
            assertEquals(expect, runTasks(c, expect.getLast() + k - 1, -1, null),
                    "polls after task 1x, 3x, 7x, 15x, then every 8x the interval, none in between");
        }
    }

    @Test
    void aCarrierWhoseEpollWatchesNoFdDoesNotPollWhileBusy() throws Exception {
        Carrier c = start("epoll");
        assertTrue(c.pollerIdle());
        assertEquals(List.of(), runTasks(c, 20 * interval(), -1, null), "no fd registered: nothing a poll could find");
    }

    @Test
    void aPollThatFindsAnEventRestoresEveryInterval() throws Throwable {
        Carrier c = start("epoll");
        int k = interval(), cap = 1 << Carrier.POLL_BACKOFF_MAX;
        Pipe pipe = Pipe.open();
        try (var source = pipe.source(); var sink = pipe.sink()) {
            register(c, pipe);
            int base = (1 + 2 + 4 + 8) * k;                // the polls after 1, 3, 7, 15 intervals found nothing
            List<Integer> polls = runTasks(c, base + (8 + 1 + 2) * k + 1, base + k, () -> {
                try {
                    sink.write(ByteBuffer.wrap(new byte[] {1}));
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            assertEquals(List.of(k, 3 * k, 7 * k, base, base + cap * k, base + (cap + 1) * k, base + (cap + 1 + 2) * k), polls,
                    "backed off to the cap; the capped poll found the byte, the next came one interval later, then the back-off began again");
            assertEquals(1, c.stats.events);
        }
    }

    @Test
    void onIoUringEveryIntervalPolls() throws Exception {
        assumeTrue(IoUring.isSupported(), "io_uring is not usable here");
        Carrier c = start("io_uring");
        int k = interval();
        List<Integer> expect = new ArrayList<>();
        for (int i = 1; i <= 10; i++) expect.add(i * k);
        assertEquals(expect, runTasks(c, 10 * k + 1, -1, null), "a poll reads the completion queue and submits parks' requests: never backed off");
    }
}
