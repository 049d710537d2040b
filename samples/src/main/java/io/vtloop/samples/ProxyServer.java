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

    private ProxyServer() {}

    /**
     * Options: {@code --target host:port} (required), {@code --port} (default 9100), {@code --buffer}
     * (bytes per read and direction, 1 to 16 MiB, default 16 KiB), and the common ones.
     */
    public static void main(String[] args) throws InterruptedException {
        record Config(ServerOptions options, ServerOptions.HostPort target, int buffer) {}
        Config c = ServerOptions.orExit("ProxyServer", a -> {
            ServerOptions o = ServerOptions.parse(a, 9100, Set.of("target", ServerOptions.BUFFER));
            return new Config(o, o.hostPort("target"), o.buffer());
        }, args);
        String host = c.target().host();
        int port = c.target().port();
        int buffer = c.buffer();
        ConnectionThreads threads = c.options().threads;
        BlockingServer.run("ProxyServer", c.options(), client -> serve(client, host, port, threads, buffer));
    }

    static void serve(Socket client, String host, int port, ConnectionThreads threads, int bufferSize)
            throws IOException {
        try (Socket target = new Socket(host, port)) {
            client.setTcpNoDelay(true);
            target.setTcpNoDelay(true);
            Thread down = threads.start(() -> relay(target, client, bufferSize));
            relay(client, target, bufferSize);
            try {
                down.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Copies {@code from} to {@code to} until EOF, then half-closes {@code to}; on error closes both. */
    private static void relay(Socket from, Socket to, int bufferSize) {
        byte[] buf = new byte[bufferSize];
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
