package io.vtloop.bench.runtime;

import org.openjdk.jmh.annotations.*;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * How soon a virtual thread runs when a platform thread (JMH's) readies it while every worker
 * sleeps: the latency of leaving full idle, which a request to a quiet server pays. Before each
 * op the benchmark thread sleeps {@value #IDLE_MICROS} µs (outside the measurement), long
 * enough for the scheduler's workers to stop spinning and block ({@code vtloop.spin} is 10 µs).
 * {@code wake=start}: the op starts a virtual thread and joins it. {@code wake=unpark}: a virtual
 * thread parked before the idle spell; the op sets its flag, unparks it and joins it. Both include
 * the join's wake-up of the benchmark thread, the same code on both schedulers.
 * Sample time: the score is the mean; JMH's log has the percentiles.
 * Checks: every op's virtual thread ran.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class WakeFromIdle extends SuiteBenchmark {
    static final long IDLE_MICROS = 500;

    @Param({"start", "unpark"})
    public String wake;

    volatile boolean go;
    Thread parked;
    long ran, ops;

    @Setup(Level.Invocation)
    public void idle() throws InterruptedException {
        if (wake.equals("unpark")) {
            go = false;
            parked = Thread.ofVirtual().start(() -> {
                while (!go) LockSupport.park();
                ran++;
            });
        }
        Thread.sleep(0, (int) (IDLE_MICROS * 1000));
    }

    long op() throws InterruptedException {
        ops++;
        Thread t;
        if (wake.equals("start")) {
            t = Thread.ofVirtual().start(() -> ran++);
        } else {
            go = true;
            LockSupport.unpark(t = parked);
        }
        if (!t.join(Suite.TIMEOUT)) throw new IllegalStateException("the virtual thread did not run within " + Suite.TIMEOUT);
        return ran;
    }

    @TearDown(Level.Iteration)
    public void checkRan() {
        Suite.expect("virtual threads that ran", ops, ran);
    }

    @Benchmark
    @Fork(2)
    public long jdk() throws Exception { return op(); }

    @Benchmark
    @Fork(value = 2, jvmArgsAppend = Suite.AGENT)
    public long vtloop() throws Exception { return op(); }
}
