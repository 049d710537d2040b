package io.vtloop.samples;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.Set;

/**
 * TCP proxy: forwards each accepted connection to {@code --target host:port}.
 *
 * <p>Two threads per connection, one per direction. EOF read from one side is propagated as
 * {@link Socket#shutdownOutput()} on the other, so half-closed exchanges work end to end. Both
 * sockets are closed once both directions have finished, or as soon as either direction fails
 * (which also unblocks the other). If the target cannot be reached the client is disconnected.
 *
 * <pre>java -cp samples/target/vtloop-samples.jar io.vtloop.samples.ProxyServer --port 9100 --target 127.0.0.1:9000</pre>
 */
public final class ProxyServer {

    private static final int BUFFER_SIZE = 16 * 1024;

    private ProxyServer() {}

    /** Options: {@code --target host:port} (required), {@code --port} (default 9100), and the common ones. */
    public static void main(String[] args) throws InterruptedException {
        record Config(ServerOptions options, ServerOptions.HostPort target) {}
        Config c = ServerOptions.orExit("ProxyServer", a -> {
            ServerOptions o = ServerOptions.parse(a, 9100, Set.of("target"));
            return new Config(o, o.hostPort("target"));
        }, args);
        String host = c.target().host();
        int port = c.target().port();
        ConnectionThreads threads = c.options().threads;
        BlockingServer.run("ProxyServer", c.options(), client -> serve(client, host, port, threads));
    }

    static void serve(Socket client, String host, int port, ConnectionThreads threads) throws IOException {
        try (Socket target = new Socket(host, port)) {
            client.setTcpNoDelay(true);
            target.setTcpNoDelay(true);
            Thread down = threads.start(() -> relay(target, client));
            relay(client, target);
            try {
                down.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Copies {@code from} to {@code to} until EOF, then half-closes {@code to}; on error closes both. */
    private static void relay(Socket from, Socket to) {
        byte[] buf = new byte[BUFFER_SIZE];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            int n;
            while ((n = in.read(buf)) > 0) {
                out.write(buf, 0, n);
            }
            to.shutdownOutput();
        } catch (IOException e) {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closing is best effort; the relay is already failing
        }
    }
}
