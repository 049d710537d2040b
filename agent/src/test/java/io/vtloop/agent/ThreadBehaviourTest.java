package io.vtloop.agent;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.*;

/** Virtual thread basics: sleep, nesting, the executors; same assertions without and with the agent. */
class ThreadBehaviourTest {

    /**
     * The JDK's own scheduler MXBean reads the configuration of the JDK's pool, which vtloop leaves
     * in place (unused) and builds without its CDS-archived lambdas: the same parallelism either way.
     */
    @Test
    void theJdkSchedulerMXBeanKeepsItsConfiguration() throws Exception {
        Virtual.run(() -> { });   // VirtualThread initialised: the JDK's pool exists
        var bean = java.lang.management.ManagementFactory.getPlatformMXBean(jdk.management.VirtualThreadSchedulerMXBean.class);
        assertEquals(Integer.getInteger("jdk.virtualThreadScheduler.parallelism", Runtime.getRuntime().availableProcessors()),
                bean.getParallelism());
    }

    @Test
    void sleepAccuracy() throws Exception {
        long[] ms = Virtual.call(() -> {
            long[] r = new long[20];
            for (int i = 0; i < r.length; i++) {
                long t0 = System.nanoTime();
                Thread.sleep(20);
                r[i] = (System.nanoTime() - t0) / 1_000;
            }
            return r;
        });
        Arrays.sort(ms);
        assertTrue(ms[0] >= 20_000, "a sleep(20) returned after " + ms[0] + " µs");
        assertTrue(ms[ms.length / 2] < 40_000, "median sleep(20) took " + ms[ms.length / 2] + " µs");
    }

    @Test
    void nestedVirtualThreads() throws Exception {
        AtomicInteger done = new AtomicInteger();
        Virtual.run(() -> {
            List<Thread> children = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                children.add(Thread.ofVirtual().start(() -> {
                    List<Thread> grandchildren = new ArrayList<>();
                    for (int j = 0; j < 10; j++)
                        grandchildren.add(Thread.startVirtualThread(done::incrementAndGet));
                    for (Thread g : grandchildren) {
                        try { g.join(); } catch (InterruptedException e) { throw new RuntimeException(e); }
                    }
                }));
            }
            for (Thread c : children) c.join();
        });
        assertEquals(1000, done.get());
    }

    @Test
    void perTaskExecutorRunsManyParkingTasks() throws Exception {
        CountDownLatch latch = new CountDownLatch(10_000);
        try (var exec = Virtual.perTask()) {
            for (int i = 0; i < 10_000; i++) {
                exec.submit(() -> {
                    Thread.sleep(1);
                    latch.countDown();
                    return null;
                });
            }
            assertTrue(latch.await(30, TimeUnit.SECONDS));
        }
    }

    @Test
    void parkUnparkPingPong() throws Exception {
        var q1 = new java.util.concurrent.SynchronousQueue<Integer>();
        var q2 = new java.util.concurrent.SynchronousQueue<Integer>();
        Thread pong = Thread.ofVirtual().start(() -> {
            try {
                for (int i = 0; i < 10_000; i++) q2.put(q1.take() + 1);
            } catch (InterruptedException e) {
                throw new RuntimeException(e);
            }
        });
        int sum = Virtual.call(() -> {
            int s = 0;
            for (int i = 0; i < 10_000; i++) { q1.put(i); s += q2.take() - i; }
            return s;
        });
        pong.join();
        assertEquals(10_000, sum);
    }

    /** Names of the carriers that ran a few hundred virtual threads. */
    static java.util.Set<String> carrierNames() throws Exception {
        var names = ConcurrentHashMap.<String>newKeySet();
        try (var exec = Virtual.perTask()) {
            for (int i = 0; i < 200; i++) {
                exec.submit(() -> {
                    String s = Thread.currentThread().toString();   // VirtualThread[#id,name]/state@carrier
                    names.add(s.substring(s.indexOf('@') + 1));
                    Thread.sleep(1);
                    return null;
                });
            }
        }
        return names;
    }

    /**
     * A virtual thread that ended is garbage once nothing references it, whatever it did: a park
     * or sleep that timed out (vtloop's carrier fired the timer and queued the thread on its run
     * queue, whose ring kept the taken slot's reference: OpenJDK's TrackAllThreads test found it
     * retained), a long timed park ended early by an unpark (a timer cancelled from another
     * thread), an untimed park. Differential: the same on the JDK's scheduler.
     */
    @Test
    void anEndedVirtualThreadIsCollected() throws Exception {
        List<java.lang.ref.WeakReference<Thread>> ended = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            ended.add(endedThread(() -> java.util.concurrent.locks.LockSupport.parkNanos(1_000_000)));
            ended.add(endedThread(() -> {
                try {
                    Thread.sleep(2);
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
            }));
            ended.add(unparkedEarly());
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        for (;;) {
            long reachable = ended.stream().filter(r -> r.get() != null).count();
            if (reachable == 0) break;
            assertTrue(System.nanoTime() < deadline, reachable + " of " + ended.size() + " ended virtual threads still reachable");
            System.gc();
            Thread.sleep(20);
        }
    }

    /** Starts {@code body} in a virtual thread, waits for its end, and returns it weakly held. */
    private static java.lang.ref.WeakReference<Thread> endedThread(Runnable body) throws InterruptedException {
        Thread t = Thread.ofVirtual().start(body);
        t.join();
        return new java.lang.ref.WeakReference<>(t);
    }

    /** A virtual thread in a 60 s timed park, unparked by this thread; returned weakly held once ended. */
    private static java.lang.ref.WeakReference<Thread> unparkedEarly() throws InterruptedException {
        Thread t = Thread.ofVirtual().start(() -> java.util.concurrent.locks.LockSupport.parkNanos(60_000_000_000L));
        while (t.getState() != Thread.State.TIMED_WAITING) Thread.sleep(1);
        java.util.concurrent.locks.LockSupport.unpark(t);
        t.join();
        return new java.lang.ref.WeakReference<>(t);
    }

}
