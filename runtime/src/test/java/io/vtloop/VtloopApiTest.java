package io.vtloop;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;

import static org.junit.jupiter.api.Assertions.*;

/** The explicit API: virtual threads on vtloop carriers, with or without the agent. */
class VtloopApiTest {
    @Test
    void runExecutesOnVtloopCarrierAndDoesSocketIo() throws Exception {
        String result = Vtloop.run(() -> {
            try (ServerSocket ss = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
                 Socket c = new Socket(ss.getInetAddress(), ss.getLocalPort());
                 Socket s = ss.accept()) {
                Thread child = Thread.ofVirtual().start(() -> { });   // inherits the scheduler
                child.join();
                c.getOutputStream().write(9);
                return s.getInputStream().read() + " " + Thread.currentThread();
            }
        });
        assertTrue(result.startsWith("9 "), result);
        assertTrue(result.contains("@vtloop-carrier-"), result);
    }

    /** Open file descriptors of this process. */
    static long openFds() throws java.io.IOException {
        try (var s = java.nio.file.Files.list(java.nio.file.Path.of("/proc/self/fd"))) {
            return s.count();
        }
    }

    static long vtloopThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith("vtloop-")).count();
    }

    @Test
    void closeReleasesThreadsPollersAndRejectsNewWork() throws Exception {
        long fds = openFds(), threads = vtloopThreads();
        VtloopScheduler s = Vtloop.newScheduler(2);
        assertTrue(openFds() >= fds + 4, "two carriers: an epoll fd and an eventfd each");
        try (var exec = Vtloop.newVirtualThreadPerTaskExecutor(s)) {
            assertEquals("ok", exec.submit(() -> {
                Thread.sleep(5);
                return "ok";
            }).get());
        }
        s.close();
        assertEquals(threads, vtloopThreads(), "carrier, spare and monitor threads exit");
        assertEquals(fds, openFds(), "every epoll fd and eventfd is closed");
        assertThrows(java.util.concurrent.RejectedExecutionException.class, () -> Vtloop.ofVirtual(s).start(() -> { }));
        s.close();   // idempotent
    }

    @Test
    void ownSchedulerWithOneCarrier() throws Exception {
        try (VtloopScheduler s = Vtloop.newScheduler(1);
             var exec = Vtloop.newVirtualThreadPerTaskExecutor(s)) {
            var names = exec.submit(() -> Thread.currentThread().toString()).get();
            assertTrue(names.contains("@vtloop-carrier-"), names);
        }
    }
}
