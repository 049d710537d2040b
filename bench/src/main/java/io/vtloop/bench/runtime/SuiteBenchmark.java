package io.vtloop.bench.runtime;

import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * The base of the suite's benchmarks: before measuring, each fork checks that it runs on the
 * scheduler its method ({@code jdk} or {@code vtloop}) names, with the cores asked for
 * ({@link Suite#check}).
 */
@State(Scope.Benchmark)
public abstract class SuiteBenchmark {
    @Setup(Level.Trial)
    public void checkScheduler(BenchmarkParams params) throws InterruptedException {
        Suite.check(params.getBenchmark());
    }
}
