package io.vtloop.bench.runtime;

import org.openjdk.jmh.annotations.*;

import java.util.concurrent.TimeUnit;

/**
 * Yield ping-pong: two virtual threads pass a turn back and forth through a volatile field; the
 * one waiting for its turn calls {@code Thread.yield()} until it comes. On 1 core every hand-over
 * is a yield that must run the other thread; on 2 cores the threads may spin-yield on their own
 * carriers. One op = one round trip (two hand-overs); {@value #ROUNDS} per invocation.
 * Checks: each thread took its turn {@value #ROUNDS} times, strictly alternating.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class YieldPingPong extends SuiteBenchmark {
    static final int ROUNDS = 10_000;

    /** Whose turn: 0 or 1. */
    volatile int turn;

    long run() throws Exception {
        turn = 0;
        long turns = Suite.runAll(2, me -> {
            for (int r = 0; r < ROUNDS; r++) {
                while (turn != me) Thread.yield();
                turn = 1 - me;   // only the thread whose turn it is writes
            }
            return ROUNDS;
        });
        Suite.expect("turn after the last round", 0, turn);
        return Suite.expect("turns", 2L * ROUNDS, turns);
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
