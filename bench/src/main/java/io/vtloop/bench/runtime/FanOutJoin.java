package io.vtloop.bench.runtime;

import org.openjdk.jmh.annotations.*;

import java.util.concurrent.TimeUnit;

/**
 * Fan-out/join: one virtual thread starts {@value #TASKS} virtual threads, each computing a small
 * result, then joins them all in order and sums the results. One op = the whole fan-out and
 * join of {@value #TASKS} tasks. Checks: the sum of all results.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class FanOutJoin extends SuiteBenchmark {
    static final int TASKS = 100_000;

    long run() throws Exception {
        // runAll with one thread: the root, so that fan-out and joins happen on the scheduler
        return Suite.expect("sum over tasks", (long) TASKS * (TASKS - 1) / 2, Suite.runAll(1, ignored -> {
            long[] results = new long[TASKS];
            Thread[] tasks = new Thread[TASKS];
            for (int i = 0; i < TASKS; i++) {
                int index = i;
                tasks[i] = Thread.ofVirtual().start(() -> results[index] = index);
            }
            Suite.joinAll(tasks);
            long sum = 0;
            for (long r : results) sum += r;
            return sum;
        }));
    }

    @Benchmark
    @Fork(2)
    public long jdk() throws Exception { return run(); }

    @Benchmark
    @Fork(value = 2, jvmArgsAppend = Suite.AGENT)
    public long vtloop() throws Exception { return run(); }
}
