package io.vtloop.samples;

import java.io.IOException;
import java.net.Socket;
import java.util.Set;

/**
 * HTTP/1.1 server with keep-alive and pipelining, written as plain blocking socket code.
 *
 * <ul>
 *   <li>{@code GET /plaintext}: {@code Hello, World!} as {@code text/plain} (TechEmpower plaintext).
 *   <li>{@code GET /bytes/N}: N bytes, byte k being {@code (byte) k}, for N in [0, 64 MiB]; else 400.
 *   <li>{@code POST /echo}: the request body ({@code Content-Length}, at most 64 MiB) back.
 *   <li>anything else: 404; a known path with the wrong method: 405.
 * </ul>
 * Malformed requests get 400, heads over 8 KiB 431, bodies over 64 MiB 413, any
 * {@code Transfer-Encoding} 501, versions other than HTTP/1.0 and 1.1 505, each followed by close.
 * A client idle for {@code --idle-timeout-ms} (default 30000; 0 disables) is disconnected.
 *
 * <pre>java -cp samples/target/vtloop-samples.jar io.vtloop.samples.HttpServer --port 8080</pre>
 */
public final class HttpServer {

    private HttpServer() {}

    /** Options: {@code --port} (default 8080), {@code --idle-timeout-ms}, and the common ones. */
    public static void main(String[] args) throws InterruptedException {
        record Config(ServerOptions options, int idleTimeoutMs) {}
        Config c = ServerOptions.orExit("HttpServer", a -> {
            ServerOptions o = ServerOptions.parse(a, 8080, Set.of("idle-timeout-ms"));
            return new Config(o, o.integer("idle-timeout-ms", 30_000, 0, Integer.MAX_VALUE));
        }, args);
        int idle = c.idleTimeoutMs();
        BlockingServer.run("HttpServer", c.options(), s -> serve(s, idle));
    }

    static void serve(Socket socket, int idleTimeoutMs) throws IOException {
        socket.setTcpNoDelay(true);
        socket.setSoTimeout(idleTimeoutMs);
        new HttpConnection(socket).serve();
    }
}
