package io.vtloop.bench.poller;

import io.vtloop.binding.EpollPoller;
import io.vtloop.binding.EventBuffer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.Selector;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Wake-up round trip between two threads, each blocked in a poll until the other wakes it.
 * The benchmark thread publishes request {@code n} and wakes the echo thread's poller; the
 * echo thread, blocked in {@code poll(-1)}, sees {@code n}, publishes reply {@code n} and
 * wakes the benchmark thread's poller, in whose {@code poll(-1)} the benchmark thread waits
 * for the reply. {@code impl=jdk} runs the same exchange with two {@code Selector}s
 * ({@code select()}/{@code wakeup()}) as a reference. Pin to two cores.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
@State(Scope.Thread)
public class WakeupRoundTripBenchmark {

    /** One side of the exchange: block until woken, wake the other side. */
    private interface Side extends AutoCloseable {
        void await() throws IOException;
        void wakeup();
        @Override void close() throws IOException;
    }

    @Param({"vtloop", "jdk"})
    public String impl;

    private Side mine;   // the benchmark thread blocks here
    private Side echo;   // the echo thread blocks here
    private Thread echoThread;
    private volatile long request;
    private volatile long reply;
    private volatile boolean stop;

    @Setup(Level.Trial)
    public void setup() throws IOException {
        mine = open(impl);
        echo = open(impl);
        echoThread = Thread.ofPlatform().name("echo").daemon().start(this::echoLoop);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException, InterruptedException {
        stop = true;
        echo.wakeup();
        echoThread.join(10_000);
        mine.close();
        echo.close();
    }

    @Benchmark
    public long roundTrip() throws IOException {
        long n = request + 1;
        request = n;
        echo.wakeup();
        while (reply != n) {
            mine.await();
        }
        return n;
    }

    private void echoLoop() {
        long seen = 0;
        try {
            while (!stop) {
                echo.await();
                long n = request;
                if (n != seen) {
                    seen = n;
                    reply = n;
                    mine.wakeup();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Side open(String impl) throws IOException {
        return switch (impl) {
            case "vtloop" -> new Side() {
                final EpollPoller poller = EpollPoller.open();
                final EventBuffer events = new EventBuffer(16);
                public void await() throws IOException { poller.poll(events, -1); }
                public void wakeup() { poller.wakeup(); }
                public void close() throws IOException {
                    try (events) {
                        poller.close();
                    }
                }
            };
            case "jdk" -> new Side() {
                final Selector selector = Selector.open();
                public void await() throws IOException { selector.select(); }
                public void wakeup() { selector.wakeup(); }
                public void close() throws IOException { selector.close(); }
            };
            default -> throw new IllegalArgumentException("impl " + impl + " is neither vtloop nor jdk");
        };
    }
}
