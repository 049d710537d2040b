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
}
