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

    @Test
    void ownSchedulerWithOneCarrier() throws Exception {
        try (VtloopScheduler s = Vtloop.newScheduler(1);
             var exec = Vtloop.newVirtualThreadPerTaskExecutor(s)) {
            var names = exec.submit(() -> Thread.currentThread().toString()).get();
            assertTrue(names.contains("@vtloop-carrier-"), names);
        }
    }
}
