package io.vtloop.scheduler;

import org.openjdk.jmh.annotations.*;

import java.util.concurrent.TimeUnit;

/**
 * Carrier timer arm + cancel, the common case of a park timeout (data arrives first): one
 * {@link TimerHeap#add} and one {@link TimerHeap#remove} with {@code pending} other timers in
 * the heap. Lives in io.vtloop.scheduler for package access.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class TimerHeapBenchmark {
    @Param({"0", "1000", "100000"})
    int pending;

    TimerHeap heap;
    long deadline;

    @Setup
    public void setup() {
        heap = new TimerHeap();
        java.util.Random rnd = new java.util.Random(1);
        for (int i = 0; i < pending; i++) heap.add(new CarrierTimer(rnd.nextLong(1_000_000_000L), () -> { }, null));
    }

    @Benchmark
    public CarrierTimer armThenCancel() {
        CarrierTimer t = new CarrierTimer(deadline++ % 1_000_000_000L, () -> { }, null);
        heap.add(t);
        heap.remove(t);
        return t;
    }
}
