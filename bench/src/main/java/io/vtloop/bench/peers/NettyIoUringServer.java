package io.vtloop.bench.peers;

/**
 * The netty-io_uring peer of the benchmark harness: {@link NettyServer}'s echo and HTTP plaintext
 * server (same handlers, same fixed BUFFER-byte receive allocator for echo, one event loop per
 * worker) on Netty's native io_uring transport ({@code netty-transport-native-io_uring}).
 * Refuses to start, naming Netty's reason, where io_uring is unavailable (old kernel, seccomp,
 * {@code kernel.io_uring_disabled}).
 *
 * <pre>java -cp bench/target/benchmarks.jar io.vtloop.bench.peers.NettyIoUringServer echo|http PORT [WORKERS [BUFFER]]</pre>
 *
 * Prints {@code listening on <port>} once bound.
 */
public final class NettyIoUringServer {

    private NettyIoUringServer() {
    }

    public static void main(String[] args) throws InterruptedException {
        NettyServer.serve("NettyIoUringServer", NettyServer.Transport.IO_URING, args);
    }
}
