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
 * <p>With {@code --exact LENGTH} it is an exact-length protocol loop instead, the shape of a
 * {@code readFully}/{@code readNBytes} decoder: it reads each message of exactly LENGTH bytes
 * ({@link InputStream#readNBytes(byte[], int, int)}: each read asks for what is left of the
 * message), then writes the message back whole; a last message cut short by EOF is written back
 * as far as it came. The bytes echoed are the same as without it.
 *
 * <pre>java -cp samples/target/vtloop-samples.jar io.vtloop.samples.EchoServer --port 9000
 *java -cp samples/target/vtloop-samples.jar io.vtloop.samples.EchoServer --port 9000 --exact 1024</pre>
 */
public final class EchoServer {

    private EchoServer() {}

    /**
     * Options: {@code --port} (default 9000), {@code --buffer} (bytes per read, 1 to 16 MiB, default
     * 16 KiB), {@code --exact} (message length, 1 to 16 MiB: read each message whole, then echo it;
     * excludes {@code --buffer}), {@code --host}, {@code --backlog}, {@code --threads}.
     */
    public static void main(String[] args) throws InterruptedException {
        record Config(ServerOptions options, int buffer, int exact) {}
        Config c = ServerOptions.orExit("EchoServer", a -> {
            ServerOptions o = ServerOptions.parse(a, 9000, Set.of(ServerOptions.BUFFER, ServerOptions.EXACT));
            int exact = o.exact();
            return new Config(o, exact > 0 ? 0 : o.buffer(), exact);
        }, args);
        int buffer = c.buffer();
        int exact = c.exact();
        BlockingServer.run("EchoServer", c.options(),
                exact > 0 ? s -> serveExact(s, exact) : s -> serve(s, buffer));
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

    /**
     * Echoes {@code socket} until EOF in messages of exactly {@code length} bytes: reads a whole
     * message, then writes it back with one write; at EOF, writes back the partial message read.
     */
    static void serveExact(Socket socket, int length) throws IOException {
        socket.setTcpNoDelay(true);
        InputStream in = socket.getInputStream();
        OutputStream out = socket.getOutputStream();
        byte[] message = new byte[length];
        int n;
        while ((n = in.readNBytes(message, 0, length)) > 0) {
            out.write(message, 0, n);
            if (n < length) {
                return; // EOF inside a message: readNBytes returns short only at EOF
            }
        }
    }
}
