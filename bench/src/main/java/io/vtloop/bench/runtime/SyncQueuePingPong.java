package io.vtloop.bench.runtime;

import org.openjdk.jmh.annotations.*;

import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.TimeUnit;

/**
 * SynchronousQueue ping-pong: {@code pairs} independent pairs of virtual threads; in each, a
 * driver puts a number and takes the echo back, the echo takes and puts it back. One op = one
 * round trip (two hand-offs, each a park and an unpark when the peer is not there yet); with
 * 100 pairs the time is wall time / all round trips (the inverse of the throughput).
 * {@value #TOTAL} round trips per invocation, split over the pairs, thread starts included.
 * Checks: every echo is the number sent, and the round trips add up.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class SyncQueuePingPong extends SuiteBenchmark {
    static final int TOTAL = 20_000;

    @Param({"1", "100"})
    int pairs;

    long run() throws Exception {
        int rounds = TOTAL / pairs;
        @SuppressWarnings("unchecked")
        SynchronousQueue<Integer>[] ping = new SynchronousQueue[pairs], pong = new SynchronousQueue[pairs];
        for (int p = 0; p < pairs; p++) { ping[p] = new SynchronousQueue<>(); pong[p] = new SynchronousQueue<>(); }
        // threads 2p (echo) and 2p+1 (driver) form pair p; the driver returns its round trips
        long done = Suite.runAll(2 * pairs, i -> {
            SynchronousQueue<Integer> there = ping[i / 2], back = pong[i / 2];
            if (i % 2 == 0) {
                for (int r = 0; r < rounds; r++) back.put(there.take());
                return 0;
            }
            for (int r = 0; r < rounds; r++) {
                there.put(r);
                int echo = back.take();
                if (echo != r) throw new IllegalStateException("sent " + r + ", got back " + echo);
            }
            return rounds;
        });
        return Suite.expect("round trips", (long) rounds * pairs, done);
    }

    @Benchmark
    @OperationsPerInvocation(TOTAL)
    @Fork(2)
    public long jdk() throws Exception { return run(); }

    @Benchmark
    @OperationsPerInvocation(TOTAL)
    @Fork(value = 2, jvmArgsAppend = Suite.AGENT)
    public long vtloop() throws Exception { return run(); }
}
