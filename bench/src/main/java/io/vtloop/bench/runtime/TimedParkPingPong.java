package io.vtloop.bench.runtime;

import org.openjdk.jmh.annotations.*;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A timed park whose wake-up comes first (the common case of a timeout): two virtual threads pass
 * a turn back and forth; the waiting one parks with {@code LockSupport.parkNanos(1 s)} and the
 * other unparks it, so each hand-over arms a park timeout and cancels it, through the real path
 * (the JDK's timer, or vtloop's carrier timer with the agent). Replaces the former
 * {@code TimerHeapBenchmark}, which timed vtloop's timer heap alone. One op = one round trip
 * (two timed parks and two unparks); {@value #ROUNDS} per invocation.
 * Checks: each thread took its turn {@value #ROUNDS} times, and no park ran into its timeout.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class TimedParkPingPong extends SuiteBenchmark {
    static final int ROUNDS = 10_000;
    static final long TIMEOUT = TimeUnit.SECONDS.toNanos(1);

    /** Whose turn: 0 or 1. */
    volatile int turn;
    final Thread[] threads = new Thread[2];

    long run() throws Exception {
        turn = 0;
        long[] done = new long[2];
        Throwable[] failure = new Throwable[2];
        for (int i = 0; i < 2; i++) {
            int me = i;
            threads[i] = Thread.ofVirtual().unstarted(() -> {
                try {
                    Thread other = threads[1 - me];
                    for (int r = 0; r < ROUNDS; r++) {
                        while (turn != me) {
                            long t0 = System.nanoTime();
                            LockSupport.parkNanos(this, TIMEOUT);
                            if (turn != me && System.nanoTime() - t0 >= TIMEOUT)
                                throw new IllegalStateException("parkNanos(1 s) timed out: an unpark was lost");
                        }
                        turn = 1 - me;
                        LockSupport.unpark(other);
                        done[me]++;
                    }
                } catch (Throwable e) {
                    failure[me] = e;
                }
            });
        }
        Thread starter = Thread.ofVirtual().start(() -> {   // started on the scheduler, as in Suite.runAll
            for (Thread t : threads) t.start();
        });
        Suite.joinAll(new Thread[] {starter});
        Suite.joinAll(threads);
        for (Throwable e : failure) if (e != null) throw new IllegalStateException("a virtual thread failed", e);
        return Suite.expect("turns", 2L * ROUNDS, done[0] + done[1]);
    }

    @Benchmark
    @OperationsPerInvocation(ROUNDS)
    @Fork(2)
    public long jdk() throws Exception { return run(); }

    @Benchmark
    @OperationsPerInvocation(ROUNDS)
    @Fork(value = 2, jvmArgsAppend = Suite.AGENT)
    public long vtloop() throws Exception { return run(); }
}
