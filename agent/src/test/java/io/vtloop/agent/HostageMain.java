package io.vtloop.agent;

import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Child-JVM cases of a carrier that stops serving: each prints the order in which things
 * finished. {@link HostageTest} runs them on the plain JDK and under the agent and expects the
 * same order; timing enters only as generous bounds ("stuck" after seconds), never as a
 * measurement. Usage: {@code HostageMain CASE}.
 */
public final class HostageMain {
    private HostageMain() { }

    static final ConcurrentLinkedQueue<String> ORDER = new ConcurrentLinkedQueue<>();
    static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "pinnedPark" -> pinnedParkAndTimedJoin();
            case "busy" -> busyCarrier();
            case "busyAfterRead" -> busyAfterRead();
            case "pinnedRead" -> pinnedRead();
            case "yield" -> yieldOrder();
            case "startedTogether" -> startedTogether();
            case "pinnedEnterAfterWake" -> pinnedEnterAfterWake();
            case "spares" -> sparesCappedAndRetired();
            default -> throw new IllegalArgumentException(args[0]);
        }
        System.out.println("order=" + String.join(",", ORDER));
        System.out.flush();
        System.exit(0);
    }

    /** A class whose initializer parks: a virtual thread that touches it parks pinned. */
    static final class PinnedPark {
        static {
            LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(2));
            ORDER.add("pinned-done");
        }
        static void touch() { }
    }

    /**
     * A virtual thread parks pinned for 2 s; others started on the same carrier before it (its
     * children, queued there) join a never-ending thread with a 100 ms timeout and sleep. On the
     * JDK they finish long before the pinned park ends.
     */
    static void pinnedParkAndTimedJoin() throws Exception {
        Thread forever = Thread.ofVirtual().unstarted(() -> LockSupport.park());
        Thread parent = Thread.ofVirtual().start(() -> {
            Thread joiner = Thread.ofVirtual().start(() -> {
                try {
                    boolean ended = forever.join(Duration.ofMillis(100));
                    ORDER.add("join-timed-out=" + !ended);
                    Thread.sleep(50);
                    ORDER.add("slept");
                } catch (InterruptedException e) {
                    ORDER.add("interrupted");
                }
            });
            PinnedPark.touch();
            try {
                joiner.join();
            } catch (InterruptedException ignore) { }
        });
        forever.start();
        parent.join();
    }

    /**
     * A virtual thread computes for 2.5 s without blocking. Before it starts, it starts (on its
     * own carrier) one thread that sleeps and echoes over a socket that was registered on that
     * carrier. On the JDK the other worker runs it meanwhile.
     */
    static void busyCarrier() throws Exception {
        try (ServerSocket ss = new ServerSocket(0, 5, LOOPBACK)) {
            Thread busy = Thread.ofVirtual().start(() -> {
                try (Socket c = new Socket(LOOPBACK, ss.getLocalPort()); Socket s = ss.accept()) {
                    InputStream in = s.getInputStream();
                    Thread reader = Thread.ofVirtual().start(() -> {
                        try {
                            in.read();                               // parks: registers s here
                            for (int i = 0; i < 3; i++) Thread.sleep(20);
                            ORDER.add("slept");
                            for (int i = 0; i < 5; i++) {            // echo with the writer below
                                s.getOutputStream().write(in.read());
                            }
                            ORDER.add("echoed");
                        } catch (Exception e) {
                            ORDER.add("reader failed " + e);
                        }
                    });
                    Thread.sleep(50);
                    c.getOutputStream().write(0);                    // wakes the reader on this carrier
                    Thread writer = Thread.ofVirtual().start(() -> {
                        try {
                            for (int i = 0; i < 5; i++) {
                                c.getOutputStream().write(i);
                                if (c.getInputStream().read() != i) ORDER.add("echo wrong");
                            }
                        } catch (Exception e) {
                            ORDER.add("writer failed " + e);
                        }
                    });
                    computeThenRecord(2500);
                    reader.join();
                    writer.join();
                } catch (Exception e) {
                    ORDER.add("busy failed " + e);
                }
            });
            busy.join();
        }
    }

    /**
     * A virtual thread parks in a socket read on its carrier (on io_uring: a recv that the
     * carrier's own thread submits), then the thread that started it computes for 2.5 s on that
     * carrier; the data comes 100 ms into it. On the JDK the poller wakes the reader and the
     * other worker runs it.
     */
    static void busyAfterRead() throws Exception {
        try (ServerSocket ss = new ServerSocket(0, 5, LOOPBACK);
             Socket c = new Socket(LOOPBACK, ss.getLocalPort()); Socket s = ss.accept()) {
            Thread busy = Thread.ofVirtual().start(() -> {
                Thread reader = Thread.ofVirtual().start(() -> {
                    try {
                        ORDER.add("read=" + s.getInputStream().read());
                    } catch (Exception e) {
                        ORDER.add("reader failed " + e);
                    }
                });
                try {
                    Thread.sleep(50);                                // the reader runs and parks meanwhile
                    Thread.ofPlatform().start(() -> {
                        try {
                            Thread.sleep(100);
                            c.getOutputStream().write(7);
                        } catch (Exception e) {
                            ORDER.add("writer failed " + e);
                        }
                    });
                    computeThenRecord(2500);
                    reader.join();
                } catch (InterruptedException e) {
                    ORDER.add("interrupted");
                }
            });
            busy.join();
        }
    }

    /** Computes for {@code millis} without blocking or yielding (the carrier stays busy), then records "busy-done". */
    static void computeThenRecord(long millis) {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        long x = 0;
        while (System.nanoTime() < end) x += x * 31 + 1;
        ORDER.add("busy-done" + (x == 42 ? "!" : ""));
    }

    /** A class whose initializer reads a socket: the read parks pinned until the data comes. */
    static final class PinnedRead {
        static final int value;
        static {
            int v;
            try {
                Socket socket = PINNED_READ_SOCKET;
                socket.setSoTimeout(5000);
                v = socket.getInputStream().read();
            } catch (Exception e) {
                v = -100;
            }
            value = v;
        }
    }

    static volatile Socket PINNED_READ_SOCKET;

    /** A pinned virtual thread reads a socket registered on its carrier; the data comes 100 ms later. */
    static void pinnedRead() throws Exception {
        try (ServerSocket ss = new ServerSocket(0, 5, LOOPBACK);
             Socket c = new Socket(LOOPBACK, ss.getLocalPort()); Socket s = ss.accept()) {
            Thread t = Thread.ofVirtual().start(() -> {
                try {
                    Thread reg = Thread.ofVirtual().start(() -> {    // registers s on this carrier
                        try { s.getInputStream().read(); } catch (Exception ignore) { }
                    });
                    Thread.sleep(50);
                    c.getOutputStream().write(1);
                    reg.join();
                    PINNED_READ_SOCKET = s;
                    Thread.ofVirtual().start(() -> {
                        try {
                            Thread.sleep(100);
                            c.getOutputStream().write(7);
                        } catch (Exception ignore) { }
                    });
                    ORDER.add("read=" + PinnedRead.value);
                } catch (Exception e) {
                    ORDER.add("failed " + e);
                }
            });
            t.join();
        }
    }

    static volatile boolean submitted;

    /**
     * With one carrier: a virtual thread yields after a platform thread submitted another; the
     * JDK runs the submitted one first when the yielder's queue is empty.
     */
    static void yieldOrder() throws Exception {
        Thread y = Thread.ofVirtual().start(() -> {
            ORDER.add("y1");
            while (!submitted) Thread.onSpinWait();        // keeps the only carrier, never parks
            Thread.yield();
            ORDER.add("y2");
        });
        while (ORDER.isEmpty()) Thread.onSpinWait();
        Thread t = Thread.ofVirtual().start(() -> ORDER.add("t"));
        submitted = true;
        y.join();
        t.join();
    }

    /**
     * Two virtual threads started one after the other by a platform thread, the first keeping its
     * carrier until both are started: on one carrier they run in start order and the second runs
     * only when the first yields ("a1,b,a2"); on two, the second runs beside the first.
     */
    static void startedTogether() throws Exception {
        Thread a = Thread.ofVirtual().unstarted(() -> {
            while (!submitted) Thread.onSpinWait();        // keeps its carrier, never parks
            ORDER.add("a1");
            Thread.yield();
            ORDER.add("a2");
        });
        Thread b = Thread.ofVirtual().unstarted(() -> ORDER.add("b"));
        a.start();
        b.start();
        submitted = true;
        a.join();
        b.join();
    }

    /**
     * 40 rounds of: a virtual thread holding a lock starts another and waits for it to start; the
     * other wakes it and enters the lock while pinned (a native frame, the C library's
     * {@code qsort} calling back), blocking its carrier inside the VM until the holder, woken
     * onto that same carrier, releases the lock. The JDK's idle worker takes the holder at once;
     * vtloop left it in the blocked carrier's {@code runnext} until the monitor's stall bound
     * ({@code vtloop.stallMillis}, 1-1.5 of it a round: OpenJDK's Starvation test), then until the
     * monitor's next look plus {@code Monitor.RUNNEXT_LOOK_NANOS} (half the stall bound and 1 ms),
     * and now a spinner woken by the carrier that readied it takes it. Records whether the rounds
     * took less than {@code -Dhostage.boundMillis} each on average (default 8).
     */
    static void pinnedEnterAfterWake() throws Exception {
        final int rounds = 40;
        Object lock = new Object();
        Thread warm = Thread.ofVirtual().start(() -> Pinned.run(() -> { }));   // the linker's first use, not timed
        warm.join();
        long start = System.nanoTime();
        for (int i = 0; i < rounds; i++) {
            Thread holder = Thread.ofVirtual().start(() -> {
                java.util.concurrent.CountDownLatch started = new java.util.concurrent.CountDownLatch(1);
                Thread[] enterer = new Thread[1];
                synchronized (lock) {
                    enterer[0] = Thread.ofVirtual().start(() -> {
                        started.countDown();
                        Pinned.run(() -> {
                            synchronized (lock) {
                                ORDER.size();
                            }
                        });
                    });
                    try {
                        started.await();
                    } catch (InterruptedException e) {
                        throw new AssertionError(e);
                    }
                }
                try {
                    enterer[0].join();
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
            });
            holder.join();
        }
        long perRound = (System.nanoTime() - start) / rounds;
        ORDER.add("rounds-within-bound=" + (perRound < Long.getLong("hostage.boundMillis", 8) * 1_000_000L));
        System.err.println("pinnedEnterAfterWake: " + perRound / 1000 + " us a round");
    }

    /** Runs a body with a native frame below it: the C library's {@code qsort} calls it back as its comparator. */
    static final class Pinned {
        private static final java.lang.foreign.Linker LINKER = java.lang.foreign.Linker.nativeLinker();
        private static final java.lang.invoke.MethodHandle QSORT = LINKER.downcallHandle(
                LINKER.defaultLookup().find("qsort").orElseThrow(),
                java.lang.foreign.FunctionDescriptor.ofVoid(java.lang.foreign.ValueLayout.ADDRESS,
                        java.lang.foreign.ValueLayout.JAVA_LONG, java.lang.foreign.ValueLayout.JAVA_LONG,
                        java.lang.foreign.ValueLayout.ADDRESS));
        private static final ThreadLocal<Runnable> BODY = new ThreadLocal<>();
        private static final java.lang.foreign.MemorySegment STUB, TWO;   // the comparator, and two ints to sort
        static {
            try {
                java.lang.invoke.MethodHandle compare = java.lang.invoke.MethodHandles.lookup().findStatic(Pinned.class,
                        "compare", java.lang.invoke.MethodType.methodType(int.class,
                                java.lang.foreign.MemorySegment.class, java.lang.foreign.MemorySegment.class));
                STUB = LINKER.upcallStub(compare, java.lang.foreign.FunctionDescriptor.of(java.lang.foreign.ValueLayout.JAVA_INT,
                        java.lang.foreign.ValueLayout.ADDRESS, java.lang.foreign.ValueLayout.ADDRESS), java.lang.foreign.Arena.global());
                TWO = java.lang.foreign.Arena.global().allocate(8, 4);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        static void run(Runnable body) {
            BODY.set(body);
            try {
                QSORT.invokeExact(TWO, 2L, 4L, STUB);
            } catch (Throwable e) {
                throw new AssertionError(e);
            } finally {
                BODY.remove();
            }
        }

        private static int compare(java.lang.foreign.MemorySegment a, java.lang.foreign.MemorySegment b) {
            Runnable body = BODY.get();
            BODY.remove();                            // once, whatever qsort asks
            if (body != null) body.run();
            return 0;
        }
    }

    /**
     * 12 virtual threads each block in a process-pipe read (a JDK Blocker call) at once; with
     * maxPoolSize capping the compensating threads, at most that many threads serve; once the
     * reads end, idle spares retire after the keep-alive.
     */
    static void sparesCappedAndRetired() throws Exception {
        List<Thread> readers = new java.util.ArrayList<>();
        for (int i = 0; i < 12; i++) {
            readers.add(Thread.ofVirtual().start(() -> {
                try {
                    Process p = new ProcessBuilder("sleep", "1").start();
                    p.getInputStream().read();
                    p.waitFor();
                } catch (Exception e) {
                    ORDER.add("failed " + e);
                }
            }));
        }
        Thread.sleep(600);
        int peak = workers();
        for (Thread r : readers) r.join();
        Thread.sleep(1500);
        ORDER.add("capped=" + (peak <= Integer.getInteger("jdk.virtualThreadScheduler.maxPoolSize")));
        ORDER.add("retired=" + (spares() == 0));
        System.out.println("peak=" + peak + " sparesAfter=" + spares());
    }

    static int workers() {
        return (int) Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("vtloop-carrier-") || t.getName().startsWith("vtloop-spare-")
                        || t.getName().startsWith("ForkJoinPool-1-worker-"))
                .count();
    }

    static int spares() {
        return (int) Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("vtloop-spare-")).count();
    }
}
