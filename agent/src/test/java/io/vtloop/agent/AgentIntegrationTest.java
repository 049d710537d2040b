package io.vtloop.agent;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

/** Checks that only hold with the agent: where virtual threads run, and that the JDK's pollers never start. */
@EnabledIfSystemProperty(named = "vtloop.test.agent", matches = "true")
class AgentIntegrationTest {

    @Test
    void virtualThreadsRunOnVtloopCarriers() throws Exception {
        Set<String> carriers = ThreadBehaviourTest.carrierNames();
        assertFalse(carriers.isEmpty());
        for (String c : carriers) assertTrue(c.startsWith("vtloop-carrier-"), "ran on " + c);
        // created from a virtual thread, too
        String nested = Virtual.call(() -> {
            String[] r = new String[1];
            Thread t = Thread.startVirtualThread(() -> r[0] = Thread.currentThread().toString());
            t.join();
            return r[0];
        });
        assertTrue(nested.contains("@vtloop-carrier-"), nested);
    }

    @Test
    void parkTimeoutsFireFromCarriersNotJdkTimerThreads() throws Exception {
        var scheduler = io.vtloop.Vtloop.installed();
        long fired = scheduler.counters().get("timersFired");
        Virtual.run(() -> { for (int i = 0; i < 5; i++) Thread.sleep(2); });
        assertTrue(scheduler.counters().get("timersFired") >= fired + 5);
        for (Thread t : Thread.getAllStackTraces().keySet())
            assertFalse(t.getName().startsWith("VirtualThread-unparker"), "JDK timer thread " + t);
    }

    @Test
    void readOfAnFdKnownNotReadyIsSkipped() throws Exception {
        var scheduler = io.vtloop.Vtloop.installed();
        long skipped = scheduler.counters().get("skippedSyscalls");
        try (ServerSocket ss = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            Virtual.run(() -> {
                try (Socket c = new Socket(ss.getInetAddress(), ss.getLocalPort()); Socket s = ss.accept()) {
                    var reader = Virtual.start(() -> {
                        byte[] buf = new byte[100];
                        int total = 0;
                        while (total < 20) total += s.getInputStream().read(buf);   // short reads (writes may coalesce)
                        return total;
                    });
                    for (int i = 0; i < 20; i++) {
                        c.getOutputStream().write(i);
                        Thread.sleep(1);
                    }
                    assertEquals(20, Virtual.join(reader, java.time.Duration.ofSeconds(10)));
                }
            });
        }
        assertTrue(scheduler.counters().get("skippedSyscalls") > skipped, "no read was skipped");
    }

    /**
     * A request-response client whose answers are already in its socket when it reads (a server
     * that answers during the client's write): each read after the first short one is allowed to
     * be skipped by the rule (DRAINED: no edge was dispatched since), but the skip guess learns
     * that reads there find bytes and tries them, so none parks on bytes already there.
     */
    @Test
    void readsThatFindTheAnswerAlreadyThereAreNotSkipped() throws Exception {
        var scheduler = io.vtloop.Vtloop.installed();
        try (ServerSocket ss = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            long[] skipped = new long[1];
            Virtual.run(() -> {
                try (Socket c = new Socket(ss.getInetAddress(), ss.getLocalPort()); Socket s = ss.accept()) {
                    var in = c.getInputStream();
                    var late = Virtual.start(() -> { Thread.sleep(50); s.getOutputStream().write(42); return 0; });
                    assertEquals(42, in.read(), "a first read that parks: the fd is registered and tracked");
                    Virtual.join(late, java.time.Duration.ofSeconds(10));
                    byte[] buf = new byte[100];
                    for (int i = 0; i < 200; i++) {
                        if (i == 10) skipped[0] = scheduler.counters().get("skippedSyscalls");
                        c.getOutputStream().write(i);
                        s.getOutputStream().write(new byte[] { (byte) i, (byte) (i + 1) });   // the answer
                        while (in.available() < 2) Thread.onSpinWait();   // in the socket before the read
                        assertEquals(2, in.read(buf), "round " + i);     // short: DRAINED again
                        assertEquals((byte) i, buf[0]);
                        assertEquals(i, s.getInputStream().read());
                    }
                }
            });
            // only this thread did socket I/O meanwhile; the server's one-byte reads are never short
            assertEquals(skipped[0], scheduler.counters().get("skippedSyscalls"), "reads of answers already there were skipped");
        }
    }

    /**
     * On io_uring a java.net.Socket read that waits completes on the ring (ringReads counts it)
     * and a timed-out one cancels its recv (ringCancels) without losing what arrives after; on
     * epoll neither counter moves.
     */
    @Test
    void socketReadsThatWaitCompleteOnTheRingOnIoUringOnly() throws Exception {
        var scheduler = io.vtloop.Vtloop.installed();
        long reads = scheduler.counters().get("ringReads"), cancels = scheduler.counters().get("ringCancels");
        try (ServerSocket ss = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            Virtual.run(() -> {
                try (Socket c = new Socket(ss.getInetAddress(), ss.getLocalPort()); Socket s = ss.accept()) {
                    c.getOutputStream().write(41);                        // a first exchange registers the fd
                    assertEquals(41, s.getInputStream().read());
                    var reader = Virtual.start(() -> s.getInputStream().read());
                    Thread.sleep(50);                                     // the reader waits
                    c.getOutputStream().write(42);
                    assertEquals(42, Virtual.join(reader, java.time.Duration.ofSeconds(10)));
                    s.setSoTimeout(50);
                    assertThrows(java.net.SocketTimeoutException.class, () -> s.getInputStream().read());
                    s.setSoTimeout(0);
                    var after = Virtual.start(() -> s.getInputStream().read());   // tracked now: a recv on the ring
                    Thread.sleep(50);
                    c.getOutputStream().write(43);
                    assertEquals(43, Virtual.join(after, java.time.Duration.ofSeconds(10)), "the byte after a timed-out read");
                }
            });
        }
        boolean ring = scheduler.backend().equals("io_uring");
        assertEquals(ring, scheduler.counters().get("ringReads") > reads, "ringReads on " + scheduler.backend());
        assertEquals(ring, scheduler.counters().get("ringCancels") > cancels, "ringCancels on " + scheduler.backend());
    }

    @Test
    void schedulerMXBeanIsRegistered() throws Exception {
        var server = ManagementFactory.getPlatformMBeanServer();
        var name = new javax.management.ObjectName("io.vtloop:type=Scheduler");
        for (int i = 0; i < 100 && !server.isRegistered(name); i++) Thread.sleep(20);
        Virtual.run(() -> Thread.sleep(1));
        assertTrue((Long) server.getAttribute(name, "Tasks") > 0);
        assertEquals(Integer.getInteger("vtloop.carriers", Runtime.getRuntime().availableProcessors()),
                server.getAttribute(name, "Carriers"));
    }

    @Test
    void carrierThreadsAreNamedAndDaemon() {
        long carriers = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("vtloop-carrier-"))
                .peek(t -> assertTrue(t.isDaemon()))
                .count();
        assertEquals((long) Integer.getInteger("vtloop.carriers", Runtime.getRuntime().availableProcessors()), carriers);
    }

    @Test
    void jdkPollersNeverStart() throws Exception {
        // socket I/O in virtual threads, which on the JDK default starts its poller threads
        try (ServerSocket ss = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            Virtual.run(() -> {
                try (Socket c = new Socket(ss.getInetAddress(), ss.getLocalPort()); Socket s = ss.accept()) {
                    c.getOutputStream().write(1);
                    assertEquals(1, s.getInputStream().read());
                }
            });
        }
        for (Thread t : Thread.getAllStackTraces().keySet())
            assertFalse(t.getName().contains("Poller"), "JDK poller thread " + t);
        // virtual sub-pollers would show in a full thread dump
        Path dump = Files.createTempFile("vtloop-threads", ".json");
        Files.delete(dump);
        var bean = ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class);
        bean.dumpThreads(dump.toString(), com.sun.management.HotSpotDiagnosticMXBean.ThreadDumpFormat.JSON);
        String json = Files.readString(dump);
        Files.delete(dump);
        for (String jdkPoller : new String[] {"MasterPoller", "SubPoller-", "Read-Poller", "Write-Poller"})
            assertFalse(json.contains(jdkPoller), "thread dump shows the JDK's " + jdkPoller);
        assertTrue(json.contains("vtloop-carrier-"));
    }

    /** What {@code jcmd PID Thread.vthread_scheduler} and {@code Thread.vthread_pollers} print, through the same DiagnosticCommand MBean. */
    @Test
    void jcmdVirtualThreadCommandsShowVtloop() throws Exception {
        var server = ManagementFactory.getPlatformMBeanServer();
        var dcmd = new javax.management.ObjectName("com.sun.management:type=DiagnosticCommand");
        String scheduler = (String) server.invoke(dcmd, "threadVthreadScheduler", new Object[] {null},
                new String[] {String[].class.getName()});
        int carriers = io.vtloop.Vtloop.installed().carriers();
        assertTrue(scheduler.startsWith("vtloop scheduler[carriers=" + carriers + "] (vtloop-agent: every virtual thread"
                + " without an explicit scheduler runs on it; MXBean io.vtloop:type=Scheduler)"), scheduler);
        assertTrue(scheduler.matches("(?s).*\\n  tasks=\\d+\\n.*\\n  spares=\\d+\\n  sparesAlive=\\d+\\n"), scheduler);
        assertFalse(scheduler.contains("ForkJoinPool"), scheduler);
        String pollers = (String) server.invoke(dcmd, "threadVthreadPollers", new Object[] {null},
                new String[] {String[].class.getName()});
        assertTrue(pollers.startsWith("vtloop: no I/O poller threads; each of the " + carriers + " carriers"), pollers);
        assertTrue(pollers.contains("\n  events="), pollers);
    }

    /**
     * With the agent the binding's downcalls are bound by {@code DirectDowncalls}: each handle the
     * poller has bound after socket traffic is the JDK's own native method handle, not a linker's
     * adapted one (a silent fall-back to the linker would cost a fresh JVM ~100 ms at its first
     * socket wait again).
     */
    @Test
    void pollerDowncallsAreBoundDirectly() throws Exception {
        try (ServerSocket ss = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            Virtual.run(() -> {
                try (Socket c = new Socket(ss.getInetAddress(), ss.getLocalPort()); Socket s = ss.accept()) {
                    var late = Virtual.start(() -> { Thread.sleep(20); s.getOutputStream().write(7); return 0; });
                    assertEquals(7, c.getInputStream().read(), "a read that waits for its fd");
                    Virtual.join(late, java.time.Duration.ofSeconds(10));
                }
            });
        }
        int checked = 0;
        for (String holder : new String[] {"PollerNative$Register", "PollerNative$Wait", "PollerNative$WaitNow",
                "PollerNative$Wakeup", "UringNative", "WakeTimer"}) {
            Class<?> c = Class.forName("io.vtloop.binding." + holder, false, null);   // the agent's, in the boot loader
            if (jdk.internal.misc.Unsafe.getUnsafe().shouldBeInitialized(c)) continue;   // not used on this backend
            for (var f : c.getDeclaredFields()) {
                if (f.getType() != java.lang.invoke.MethodHandle.class) continue;
                f.setAccessible(true);
                assertEquals("java.lang.invoke.NativeMethodHandle", f.get(null).getClass().getName(), holder + "." + f.getName());
                checked++;
            }
        }
        assertTrue(checked >= 2, "no bound handle found: " + checked);
    }

    /** The JDK's pool (unused under vtloop) is built with vtloop's classes for its lambdas, not with bootstraps. */
    @Test
    void theJdkPoolIsBuiltWithoutLambdaBootstraps() throws Exception {
        Virtual.run(() -> { });
        var pool = (java.util.concurrent.ForkJoinPool) jdk.internal.access.SharedSecrets.getJavaLangAccess().virtualThreadDefaultScheduler();
        assertEquals("io.vtloop.agent.VirtualThreadHooks$JdkCarrierThreads", pool.getFactory().getClass().getName());
        assertEquals("io.vtloop.agent.VirtualThreadHooks$IgnoreUncaught", pool.getUncaughtExceptionHandler().getClass().getName());
        assertEquals(0, pool.getPoolSize(), "vtloop never feeds it");
    }
}
