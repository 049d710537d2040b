package io.vtloop.bench.runtime;

import io.vtloop.Vtloop;
import io.vtloop.VtloopScheduler;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What the non-I/O runtime suite ({@code bench/runtime-suite.sh}) shares.
 *
 * <p>Every benchmark of the suite has two methods, {@code jdk} (the JDK's default scheduler)
 * and {@code vtloop} (the same code in a fork started with {@link #AGENT}). The agent path is
 * relative: run JMH from the repository root (the script does). Each fork checks, before it
 * measures, that it runs on the scheduler its method names ({@link #check}): a vtloop fork in
 * which the agent did not install itself fails instead of measuring the JDK.
 *
 * <p>Cores: the script pins the whole JMH process with {@code taskset} and passes
 * {@code -Djdk.virtualThreadScheduler.parallelism=N -Dvtloop.carriers=N -Dvtloop.bench.cores=N};
 * with {@code vtloop.bench.cores} set, {@link #check} also requires that the fork sees N
 * processors and that its scheduler has N workers. Without it the schedulers use their
 * defaults (one worker per available processor).
 */
final class Suite {
    private Suite() { }

    /** The fork argument of the {@code vtloop} methods (from the repository root). */
    static final String AGENT = "-javaagent:agent/target/vtloop-agent.jar";

    /** The longest a benchmark waits for its virtual threads: a hang fails the run. */
    static final Duration TIMEOUT = Duration.ofSeconds(60);

    /**
     * Fails unless this JVM runs virtual threads on {@code expected} ("jdk" or "vtloop", the
     * last part of the benchmark's name) with the cores the script asked for.
     */
    static void check(String benchmark) throws InterruptedException {
        String expected = benchmark.substring(benchmark.lastIndexOf('.') + 1);
        String[] carrier = new String[1];
        Thread probe = Thread.ofVirtual().start(() -> {
            String me = Thread.currentThread().toString();   // VirtualThread[#n]/runnable@<carrier>
            carrier[0] = me.substring(me.indexOf('@') + 1);
        });
        if (!probe.join(TIMEOUT)) throw new IllegalStateException("a virtual thread did not run within " + TIMEOUT);
        VtloopScheduler installed = Vtloop.installed();
        int processors = Runtime.getRuntime().availableProcessors();
        int workers;
        switch (expected) {
            case "jdk" -> {
                if (installed != null || !carrier[0].startsWith("ForkJoinPool"))
                    throw new IllegalStateException(benchmark + ": expected the JDK's scheduler, the carrier is "
                            + carrier[0] + (installed != null ? " and vtloop is installed" : ""));
                workers = Integer.getInteger("jdk.virtualThreadScheduler.parallelism", processors);
            }
            case "vtloop" -> {
                if (installed == null || !carrier[0].startsWith("vtloop-carrier-"))
                    throw new IllegalStateException(benchmark + ": expected vtloop, the carrier is " + carrier[0]
                            + " (is " + AGENT.substring("-javaagent:".length())
                            + " built, and is JMH run from the repository root? see the fork's stderr)");
                workers = installed.carriers();
            }
            default -> throw new IllegalStateException(benchmark + ": the method must be named jdk or vtloop");
        }
        String cores = System.getProperty("vtloop.bench.cores");
        if (cores != null) {
            int want = Integer.parseInt(cores);
            if (processors != want || workers != want)
                throw new IllegalStateException(benchmark + ": -Dvtloop.bench.cores=" + want + " but the fork sees "
                        + processors + " processors and its scheduler has " + workers + " workers");
        }
    }

    /** A virtual thread's work; its result is summed by {@link #runAll}. */
    interface Body {
        long run(int index) throws Exception;
    }

    /**
     * Starts {@code n} virtual threads running {@code body(0..n-1)} (all created first, then
     * started in order by a virtual thread, as a program on virtual threads would: not
     * submitted from outside the scheduler), joins them and returns the sum of their results.
     * A thread that throws, or one still running after {@link #TIMEOUT}, fails the call.
     */
    static long runAll(int n, Body body) throws InterruptedException {
        Thread[] threads = new Thread[n];
        long[] results = new long[n];
        AtomicReference<Throwable> failure = new AtomicReference<>();
        for (int i = 0; i < n; i++) {
            int index = i;
            threads[i] = Thread.ofVirtual().unstarted(() -> {
                try {
                    results[index] = body.run(index);
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            });
        }
        Thread starter = Thread.ofVirtual().start(() -> {
            for (Thread t : threads) t.start();
        });
        joinAll(new Thread[] {starter});
        joinAll(threads);
        if (failure.get() != null) throw new IllegalStateException("a virtual thread failed", failure.get());
        long sum = 0;
        for (long r : results) sum += r;
        return sum;
    }

    /** Joins {@code threads}, failing if they are not all done within {@link #TIMEOUT}. */
    static void joinAll(Thread[] threads) throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        for (Thread t : threads) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || !t.join(Duration.ofNanos(left)))
                throw new IllegalStateException("virtual threads still running after " + TIMEOUT + " (a lost wake-up?)");
        }
    }

    /** Throws unless {@code actual == expected}. */
    static long expect(String what, long expected, long actual) {
        if (actual != expected) throw new IllegalStateException(what + ": expected " + expected + ", got " + actual);
        return actual;
    }
}
