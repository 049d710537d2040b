package io.vtloop.agent;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * Child-process main: virtual threads keep a loopback connection open (a server thread parked
 * in a read), main returns, and a shutdown hook then runs an echo round trip over that
 * connection and a sleep on virtual threads while the JVM exits. Prints {@code hookEcho=N}
 * and {@code hookSlept=true} from the hook; with an argument, the hook then also starts a vtloop
 * scheduler of its own (the JVM is exiting already) and runs a virtual thread on it.
 */
public final class ShutdownHookIoMain {
    public static void main(String[] args) throws Exception {
        ServerSocket server = new ServerSocket(0);
        Socket client = new Socket("127.0.0.1", server.getLocalPort());
        Thread.ofVirtual().start(() -> {                     // echoes bytes until the peer closes
            try (Socket s = server.accept(); InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
                for (int b; (b = in.read()) >= 0; ) out.write(b);
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                Thread talk = Thread.ofVirtual().start(() -> {
                    try {
                        client.getOutputStream().write(42);
                        System.out.println("hookEcho=" + client.getInputStream().read());
                        Thread.sleep(20);
                        System.out.println("hookSlept=true");
                    } catch (Exception e) {
                        throw new RuntimeException(e);
                    }
                });
                talk.join();
                client.close();
                if (args.length > 0) {                       // with the agent: a scheduler started while exiting
                    try (var scheduler = io.vtloop.Vtloop.newScheduler(1)) {
                        io.vtloop.Vtloop.ofVirtual(scheduler).start(() -> System.out.println("hookScheduler=ran")).join();
                    }
                }
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        }));
        client.getOutputStream().write(7);                  // the connection works before the exit
        System.out.println("mainEcho=" + client.getInputStream().read());
    }
}
