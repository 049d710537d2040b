package io.vtloop.bench.peers;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.handler.codec.http.HttpServerCodec;

import java.net.InetSocketAddress;

/**
 * The netty-epoll peer of the benchmark harness: an event-loop echo or HTTP plaintext server
 * on Netty's native epoll transport, one event loop per worker (the first also accepts); the
 * netty-io_uring peer ({@link NettyIoUringServer}) is the same server on Netty's io_uring transport.
 * Echo reads into buffers of exactly BUFFER bytes (a {@link FixedRecvByteBufAllocator}, default
 * 65536, so every harness contestant reads the same size); HTTP keeps Netty's adaptive allocator.
 *
 * <pre>java -cp bench/target/benchmarks.jar io.vtloop.bench.peers.NettyServer echo|http PORT [WORKERS [BUFFER]]</pre>
 *
 * Prints {@code listening on <port>} once bound.
 */
public final class NettyServer {

    private NettyServer() {
    }

    /** The Netty native transport a peer runs on. */
    enum Transport {
        EPOLL("epoll"), IO_URING("io_uring");

        final String label;

        Transport(String label) {
            this.label = label;
        }

        /** Throws, naming the cause, when the transport's native part cannot run here. */
        void ensureAvailable() {
            Throwable cause = this == EPOLL
                    ? (Epoll.isAvailable() ? null : Epoll.unavailabilityCause())
                    : (IoUring.isAvailable() ? null : IoUring.unavailabilityCause());
            if (cause != null) {
                throw new IllegalStateException("Netty native " + label + " is unavailable", cause);
            }
        }

        IoHandlerFactory handlers() {
            return this == EPOLL ? EpollIoHandler.newFactory() : IoUringIoHandler.newFactory();
        }

        Class<? extends ServerChannel> serverChannel() {
            return this == EPOLL ? EpollServerSocketChannel.class : IoUringServerSocketChannel.class;
        }
    }

    public static void main(String[] args) throws InterruptedException {
        serve("NettyServer", Transport.EPOLL, args);
    }

    /** Parses {@code echo|http PORT [WORKERS [BUFFER]]} and serves on {@code transport} until killed. */
    static void serve(String program, Transport transport, String[] args) throws InterruptedException {
        if (args.length < 2 || args.length > 4 || !(args[0].equals("echo") || args[0].equals("http"))) {
            usage(program, "expected echo|http PORT [WORKERS [BUFFER]]");
        }
        boolean http = args[0].equals("http");
        int port = parse(program, args[1], "PORT", 0, 65535);
        int workers = args.length >= 3 ? parse(program, args[2], "WORKERS", 1, 256) : 1;
        int buffer = args.length == 4 ? parse(program, args[3], "BUFFER", 1, 16 << 20) : 65536;
        transport.ensureAvailable();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(workers, transport.handlers());
        try {
            ServerBootstrap bootstrap = new ServerBootstrap();
            if (!http) {
                bootstrap.childOption(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(buffer));
            }
            Channel server = bootstrap
                    .group(group)
                    .channel(transport.serverChannel())
                    .option(ChannelOption.SO_BACKLOG, 4096)
                    .option(ChannelOption.SO_REUSEADDR, true)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            if (http) {
                                ch.pipeline().addLast(new HttpServerCodec(), new PlaintextHandler());
                            } else {
                                ch.pipeline().addLast(EchoHandler.INSTANCE);
                            }
                        }
                    })
                    .bind("127.0.0.1", port).sync().channel();
            System.out.println("listening on " + ((InetSocketAddress) server.localAddress()).getPort());
            server.closeFuture().sync();
        } finally {
            group.shutdownGracefully();
        }
    }

    private static int parse(String program, String value, String name, int min, int max) {
        try {
            int v = Integer.parseInt(value);
            if (v >= min && v <= max) {
                return v;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        usage(program, name + " must be an integer in " + min + ".." + max + ", got '" + value + "'");
        return -1;
    }

    private static void usage(String program, String problem) {
        System.err.println(program + ": " + problem);
        System.err.println("usage: " + program + " echo|http PORT [WORKERS [BUFFER]]");
        System.exit(2);
    }
}
