package io.vtloop.bench.startup;

/**
 * The start-up probe of {@code bench/startup.sh}: starts one virtual thread, joins it, exits.
 * What it costs with {@code -javaagent:vtloop-agent.jar} over the JDK alone is what every JVM
 * started with the agent pays once (the agent's premain, its carriers, the first virtual thread).
 * With an argument N it also runs N SynchronousQueue round trips between two virtual threads
 * first, in a cold JVM (interpreted and C1 code: a short program's hand-offs). With a second
 * argument {@code socket} it then echoes one byte over a loopback connection between two
 * virtual threads (a program that used a socket: on the JDK its poller thread is then in
 * {@code epoll_wait} when the JVM exits).
 */
public final class HelloVirtual {
    private HelloVirtual() { }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 0;
        Thread t = Thread.ofVirtual().start(() -> { });
        t.join();
        if (rounds > 0) handOffs(rounds);
        if (args.length > 1 && args[1].equals("socket")) echoOnce();
    }

    private static void echoOnce() throws Exception {
        try (var server = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            Thread echo = Thread.ofVirtual().start(() -> {
                try (var s = server.accept()) {
                    s.getOutputStream().write(s.getInputStream().read());
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            Thread client = Thread.ofVirtual().start(() -> {
                try (var s = new java.net.Socket(server.getInetAddress(), server.getLocalPort())) {
                    s.getOutputStream().write(42);
                    if (s.getInputStream().read() != 42) throw new IllegalStateException("echo");
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            client.join();
            echo.join();
        }
    }

    private static void handOffs(int rounds) throws Exception {
        var ping = new java.util.concurrent.SynchronousQueue<Integer>();
        var pong = new java.util.concurrent.SynchronousQueue<Integer>();
        Thread echo = Thread.ofVirtual().start(() -> {
            try {
                for (int r = 0; r < rounds; r++) pong.put(ping.take());
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        Thread driver = Thread.ofVirtual().start(() -> {
            try {
                for (int r = 0; r < rounds; r++) {
                    ping.put(r);
                    if (pong.take() != r) throw new IllegalStateException("echo of " + r);
                }
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        driver.join();
        echo.join();
    }
}
