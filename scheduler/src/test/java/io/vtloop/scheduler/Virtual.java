package io.vtloop.scheduler;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Test helpers: run code in virtual threads and get its result or exception back. */
final class Virtual {
    private Virtual() { }

    interface Body { void run() throws Exception; }

    /** Runs {@code body} in a new virtual thread and waits (30 s at most); rethrows its exception. */
    static void run(Body body) throws Exception {
        call(() -> { body.run(); return null; });
    }

    static <T> T call(Callable<T> body) throws Exception {
        return join(start(body), Duration.ofSeconds(30));
    }

    static <T> Future<T> start(Callable<T> body) {
        var f = new java.util.concurrent.FutureTask<>(body);
        Thread.ofVirtual().name("test-vthread").start(f);
        return f;
    }

    static <T> T join(Future<T> f, Duration timeout) throws Exception {
        try {
            return f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception ex) throw ex;
            if (e.getCause() instanceof Error err) throw err;
            throw e;
        } catch (TimeoutException e) {
            f.cancel(true);
            throw new AssertionError("virtual thread did not finish within " + timeout, e);
        }
    }

    /** Waits until {@code t} is parked/blocked/waiting (it reached its blocking call). */
    static void awaitBlocked(Thread t) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            Thread.State s = t.getState();
            if (s == Thread.State.WAITING || s == Thread.State.TIMED_WAITING || s == Thread.State.BLOCKED) return;
            if (System.nanoTime() > deadline) throw new AssertionError(t + " never blocked: " + s);
            Thread.sleep(5);
        }
    }

    static java.util.concurrent.ExecutorService perTask() {
        return Executors.newVirtualThreadPerTaskExecutor();
    }
}
