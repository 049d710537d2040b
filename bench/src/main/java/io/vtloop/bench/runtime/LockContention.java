package io.vtloop.bench.runtime;

import org.openjdk.jmh.annotations.*;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * ReentrantLock contention: {@value #THREADS} virtual threads each increment one shared counter
 * {@value #PER_THREAD} times under one (non-fair) ReentrantLock. On 2 cores waiters park and are
 * unparked by the holder's unlock; on 1 core a virtual thread is not preempted, so the lock is
 * contended only across the threads' starts: that row mostly measures the uncontended path.
 * One op = one lock/increment/unlock. Checks: the counter.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class LockContention extends SuiteBenchmark {
    static final int THREADS = 100, PER_THREAD = 1_000;

    long run() throws Exception {
        ReentrantLock lock = new ReentrantLock();
        long[] counter = new long[1];
        Suite.runAll(THREADS, i -> {
            for (int k = 0; k < PER_THREAD; k++) {
                lock.lock();
                try {
                    counter[0]++;
                } finally {
                    lock.unlock();
                }
            }
            return 0;
        });
        return Suite.expect("increments", (long) THREADS * PER_THREAD, counter[0]);   // runAll's joins publish it
    }

    @Benchmark
    @OperationsPerInvocation(THREADS * PER_THREAD)
    @Fork(2)
    public long jdk() throws Exception { return run(); }

    @Benchmark
    @OperationsPerInvocation(THREADS * PER_THREAD)
    @Fork(value = 2, jvmArgsAppend = Suite.AGENT)
    public long vtloop() throws Exception { return run(); }
}
