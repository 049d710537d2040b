package io.vtloop.samples;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.Set;

/**
 * TCP echo server: writes back every byte it reads, as it arrives (no framing), and closes the
 * connection after the client's EOF once everything read has been written back. TCP_NODELAY is set.
 *
 * <pre>java -cp samples/target/vtloop-samples.jar io.vtloop.samples.EchoServer --port 9000</pre>
 */
public final class EchoServer {

    private EchoServer() {}

    /**
     * Options: {@code --port} (default 9000), {@code --buffer} (bytes per read, 1 to 16 MiB, default
     * 16 KiB), {@code --host}, {@code --backlog}, {@code --threads}.
     */
    public static void main(String[] args) throws InterruptedException {
        record Config(ServerOptions options, int buffer) {}
        Config c = ServerOptions.orExit("EchoServer", a -> {
            ServerOptions o = ServerOptions.parse(a, 9000, Set.of(ServerOptions.BUFFER));
            return new Config(o, o.buffer());
        }, args);
        int buffer = c.buffer();
        BlockingServer.run("EchoServer", c.options(), s -> serve(s, buffer));
    }

    /** Echoes {@code socket} until EOF, reading at most {@code bufferSize} bytes at a time. */
    static void serve(Socket socket, int bufferSize) throws IOException {
        socket.setTcpNoDelay(true);
        InputStream in = socket.getInputStream();
        OutputStream out = socket.getOutputStream();
        byte[] buf = new byte[bufferSize];
        int n;
        while ((n = in.read(buf)) > 0) {
            out.write(buf, 0, n);
        }
    }
}
