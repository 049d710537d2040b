package io.vtloop.bench.runtime;

import org.openjdk.jmh.annotations.*;

import java.util.concurrent.TimeUnit;

/**
 * Many sleepers: {@value #THREADS} virtual threads each call {@code Thread.sleep(1)}
 * {@value #SLEEPS} times in a loop (timer arm, expiry, wake-up). The ideal is
 * {@value #SLEEPS} ms; anything above is timer and wake-up cost, or {@value #THREADS} wake-ups a
 * millisecond being more than the cores can run. One op = the whole run, thread starts included.
 * Checks: every sleep happened and none returned before 1 ms.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class SleepLoop extends SuiteBenchmark {
    static final int THREADS = 10_000, SLEEPS = 10;
    static final long MILLI = TimeUnit.MILLISECONDS.toNanos(1);

    long run() throws Exception {
        long sleeps = Suite.runAll(THREADS, i -> {
            for (int k = 0; k < SLEEPS; k++) {
                long t0 = System.nanoTime();
                Thread.sleep(1);
                long slept = System.nanoTime() - t0;
                if (slept < MILLI) throw new IllegalStateException("Thread.sleep(1) returned after " + slept + " ns");
            }
            return SLEEPS;
        });
        return Suite.expect("sleeps", (long) THREADS * SLEEPS, sleeps);
    }

    @Benchmark
    @Fork(2)
    public long jdk() throws Exception { return run(); }

    @Benchmark
    @Fork(value = 2, jvmArgsAppend = Suite.AGENT)
    public long vtloop() throws Exception { return run(); }
}
