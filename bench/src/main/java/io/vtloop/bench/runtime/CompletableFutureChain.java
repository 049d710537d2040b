package io.vtloop.bench.runtime;

import org.openjdk.jmh.annotations.*;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A chain of {@value #STAGES} {@code CompletableFuture.thenApplyAsync(x -> x + 1, executor)} on
 * a virtual-thread-per-task executor, built on an incomplete future that is then completed: each
 * stage starts a new virtual thread from the previous stage's thread. One op = one stage.
 * Checks: every stage runs on a virtual thread, and the result is {@value #STAGES}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class CompletableFutureChain extends SuiteBenchmark {
    static final int STAGES = 10_000;

    ExecutorService executor;

    @Setup(Level.Trial)
    public void startExecutor() {
        executor = Executors.newVirtualThreadPerTaskExecutor();
    }

    @TearDown(Level.Trial)
    public void closeExecutor() {
        executor.close();
    }

    long run() throws Exception {
        CompletableFuture<Long> root = new CompletableFuture<>();
        CompletableFuture<Long> last = root;
        for (int i = 0; i < STAGES; i++) {
            last = last.thenApplyAsync(x -> {
                if (!Thread.currentThread().isVirtual()) throw new IllegalStateException("a stage ran on " + Thread.currentThread());
                return x + 1;
            }, executor);
        }
        root.complete(0L);
        return Suite.expect("chain result", STAGES, last.get(Suite.TIMEOUT.toSeconds(), TimeUnit.SECONDS));
    }

    @Benchmark
    @OperationsPerInvocation(STAGES)
    @Fork(2)
    public long jdk() throws Exception { return run(); }

    @Benchmark
    @OperationsPerInvocation(STAGES)
    @Fork(value = 2, jvmArgsAppend = Suite.AGENT)
    public long vtloop() throws Exception { return run(); }
}
