package io.vtloop.bench.runtime;

import io.vtloop.Vtloop;
import org.openjdk.jmh.annotations.*;

import java.util.concurrent.Executor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.TimeUnit;

/**
 * Scheduler hand-off: a virtual thread hands a token to another and waits for it back
 * (park/unpark through the scheduler, twice per op), on the JDK's ForkJoinPool or on a
 * vtloop scheduler with one carrier (explicit API, no agent).
 * Run: {@code java -jar bench/target/benchmarks.jar HandoffBenchmark}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = {"--add-opens=java.base/java.lang=ALL-UNNAMED",
        "--add-exports=java.base/jdk.internal.access=ALL-UNNAMED", "--enable-native-access=ALL-UNNAMED",
        "-Djdk.virtualThreadScheduler.parallelism=1"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class HandoffBenchmark {
    @Param({"jdk", "vtloop"})
    String scheduler;

    static final int ROUNDS = 1000;
    Thread.Builder.OfVirtual builder;
    Executor vtloop;

    @Setup
    public void setup() {
        builder = scheduler.equals("vtloop") ? Vtloop.ofVirtual(vtloop = Vtloop.newScheduler(1)) : Thread.ofVirtual();
    }

    /** {@value #ROUNDS} round trips between two virtual threads; time per op / ROUNDS = one round trip. */
    @Benchmark
    @OperationsPerInvocation(ROUNDS)
    public void roundTrips() throws Exception {
        var ping = new SynchronousQueue<Integer>();
        var pong = new SynchronousQueue<Integer>();
        Thread echo = builder.start(() -> {
            try {
                for (int i = 0; i < ROUNDS; i++) pong.put(ping.take());
            } catch (InterruptedException e) {
                throw new RuntimeException(e);
            }
        });
        Thread driver = builder.start(() -> {
            try {
                for (int i = 0; i < ROUNDS; i++) {
                    ping.put(i);
                    pong.take();
                }
            } catch (InterruptedException e) {
                throw new RuntimeException(e);
            }
        });
        driver.join();
        echo.join();
    }
}
