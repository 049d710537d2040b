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

    private static final int BUFFER_SIZE = 16 * 1024;

    private EchoServer() {}

    /** Options: {@code --port} (default 9000), {@code --host}, {@code --backlog}, {@code --threads}. */
    public static void main(String[] args) throws InterruptedException {
        ServerOptions options = ServerOptions.orExit("EchoServer", a -> ServerOptions.parse(a, 9000, Set.of()), args);
        BlockingServer.run("EchoServer", options, EchoServer::serve);
    }

    static void serve(Socket socket) throws IOException {
        socket.setTcpNoDelay(true);
        InputStream in = socket.getInputStream();
        OutputStream out = socket.getOutputStream();
        byte[] buf = new byte[BUFFER_SIZE];
        int n;
        while ((n = in.read(buf)) > 0) {
            out.write(buf, 0, n);
        }
    }
}
