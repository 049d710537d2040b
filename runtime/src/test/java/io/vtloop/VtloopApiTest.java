package io.vtloop;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;

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
        assertEquals(fds, openFds(), "no carrier opens its epoll and eventfd before its first wait for an fd");
        try (var exec = Vtloop.newVirtualThreadPerTaskExecutor(s)) {
            assertEquals("ok", exec.submit(() -> {
                Thread.sleep(5);
                return "ok";
            }).get());
            // without the agent the JDK's poller waits for the pipe, and an unpark it sends after the close is rejected:
            // its thread dies of the exception, and later reads in this JVM hang
            if (Boolean.getBoolean("vtloop.test.agent")) {
                Pipe pipe = Pipe.open();
                try (var source = pipe.source(); var sink = pipe.sink()) {
                    var read = exec.submit(() -> source.read(ByteBuffer.allocate(1)));   // waits on vtloop's epoll
                    Thread.sleep(50);
                    sink.write(ByteBuffer.wrap(new byte[] {1}));
                    assertEquals(1, read.get());
                    assertTrue(openFds() >= fds + 4, "the pipe, and the waiting carrier's epoll fd and eventfd");
                }
            }
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
