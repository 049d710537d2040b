package io.vtloop.samples;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;

/**
 * The accept loop the samples share: binds a {@link ServerSocket}, prints {@code listening on <port>}
 * to stdout, then hands each accepted socket to a new thread of the configured kind.
 *
 * <p>The accept loop itself runs in a thread of that kind too, so in the virtual model every blocking
 * call of a sample happens in a virtual thread. The handler's socket is closed when it returns.
 */
final class BlockingServer {

    /** Serves one accepted connection in its own thread. */
    @FunctionalInterface
    interface Handler {
        void serve(Socket socket) throws IOException;
    }

    private BlockingServer() {}

    /**
     * Binds per {@code options}, announces the port and serves forever; exits with status 1 if the
     * socket cannot be bound.
     */
    static void run(String program, ServerOptions options, Handler handler) throws InterruptedException {
        ServerSocket listener;
        try {
            listener = new ServerSocket(options.port, options.backlog, InetAddress.getByName(options.host));
        } catch (IOException e) {
            System.err.println(program + ": cannot listen on " + options.host + ":" + options.port + ": " + e);
            System.exit(1);
            return;
        }
        System.out.println("listening on " + listener.getLocalPort());
        System.out.flush();
        ConnectionThreads threads = options.threads;
        threads.start(() -> acceptLoop(listener, threads, handler)).join();
    }

    private static void acceptLoop(ServerSocket listener, ConnectionThreads threads, Handler handler) {
        while (true) {
            Socket s;
            try {
                s = listener.accept();
            } catch (IOException e) {
                // e.g. EMFILE: report, back off briefly, keep serving.
                System.err.println("accept failed: " + e);
                try {
                    Thread.sleep(10);
                } catch (InterruptedException ie) {
                    return;
                }
                continue;
            }
            threads.start(() -> serve(s, handler));
        }
    }

    private static void serve(Socket s, Handler handler) {
        try (s) {
            handler.serve(s);
        } catch (SocketException e) {
            // Peer reset or closed mid-exchange: drop the connection.
        } catch (IOException e) {
            System.err.println("connection failed: " + e);
        }
    }
}
