package io.vtloop.bench.runtime;

import org.openjdk.jmh.annotations.*;

import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.util.concurrent.TimeUnit;

/**
 * Park/unpark through the poller: two virtual threads bounce one byte over two pipes, so each
 * round trip is two blocking reads that park on an empty pipe and are woken by the poller.
 * {@code jdk}: the JDK's poller threads; {@code vtloop}: the same code in a JVM started with
 * {@code -javaagent:agent/target/vtloop-agent.jar} (run from the repository root), one carrier.
 * Run: {@code java -jar bench/target/benchmarks.jar PipePingPongBenchmark}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Benchmark)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class PipePingPongBenchmark {
    static final int ROUNDS = 1000;

    Pipe there, back;

    @Setup
    public void setup() throws Exception {
        there = Pipe.open();
        back = Pipe.open();
    }

    @TearDown
    public void tearDown() throws Exception {
        for (Pipe p : new Pipe[] {there, back}) { p.source().close(); p.sink().close(); }
    }

    void roundTrips() throws Exception {
        Thread echo = Thread.ofVirtual().start(() -> bounce(there.source(), back.sink(), false));
        Thread driver = Thread.ofVirtual().start(() -> bounce(back.source(), there.sink(), true));
        driver.join();
        echo.join();
    }

    private static void bounce(Pipe.SourceChannel in, Pipe.SinkChannel out, boolean first) {
        ByteBuffer b = ByteBuffer.allocate(1);
        try {
            for (int i = 0; i < ROUNDS; i++) {
                if (first) { b.clear(); out.write(b); }
                b.clear();
                while (b.hasRemaining()) in.read(b);
                if (!first) { b.flip(); out.write(b); }
            }
        } catch (Exception e) {
            throw new RuntimeException(e);
        }
    }

    @Benchmark
    @OperationsPerInvocation(ROUNDS)
    @Fork(value = 1, jvmArgsAppend = "-Djdk.virtualThreadScheduler.parallelism=1")
    public void jdk() throws Exception {
        roundTrips();
    }

    @Benchmark
    @OperationsPerInvocation(ROUNDS)
    @Fork(value = 1, jvmArgsAppend = {"-javaagent:agent/target/vtloop-agent.jar", "-Dvtloop.carriers=1"})
    public void vtloop() throws Exception {
        roundTrips();
    }
}
