package io.vtloop.agent;

import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * Child-process main: one virtual thread blocks its carrier's OS thread for 5 s (reading a
 * child process's stdout, a JDK {@code Blocker} call) while 100 socket echo round trips run
 * on other virtual threads. Prints {@code echoMs=<ms> blockedMs=<ms> echoDoneWhileBlocked=<bool>}.
 * Run with one carrier, the echo can finish while the read is still blocked only if the
 * carrier was compensated.
 */
public final class BlockingCompensationMain {
    public static void main(String[] args) throws Exception {
        long start = System.nanoTime();
        Process sleeper = new ProcessBuilder("sleep", "5").start();
        Thread blocked = Thread.ofVirtual().start(() -> {
            try (InputStream in = sleeper.getInputStream()) {
                in.read();                                   // EOF when sleep exits
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        Thread.sleep(200);
        long t0 = System.nanoTime();
        try (ServerSocket ss = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            Thread server = Thread.ofVirtual().start(() -> {
                try (Socket s = ss.accept()) {
                    s.getInputStream().transferTo(s.getOutputStream());
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            Thread client = Thread.ofVirtual().start(() -> {
                try (Socket c = new Socket(ss.getInetAddress(), ss.getLocalPort())) {
                    for (int i = 0; i < 100; i++) {
                        c.getOutputStream().write(i & 0x7f);
                        if (c.getInputStream().read() != (i & 0x7f)) throw new AssertionError("echo " + i);
                    }
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            client.join();
            long echoMs = (System.nanoTime() - t0) / 1_000_000;
            boolean whileBlocked = blocked.isAlive();
            server.join();
            blocked.join();
            System.out.println("echoMs=" + echoMs + " blockedMs=" + (System.nanoTime() - start) / 1_000_000
                    + " echoDoneWhileBlocked=" + whileBlocked);
        }
    }
}
