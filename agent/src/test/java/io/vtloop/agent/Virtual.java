package io.vtloop.agent;

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

    interface Unblock { void run(Thread blocked) throws Exception; }

    /**
     * Runs {@code blocking} in a new virtual thread, waits until it blocks, calls {@code unblock}
     * (interrupt it, close its channel, ...), and returns what {@code blocking} threw (null if
     * nothing); fails if the thread is still alive 10 s later.
     */
    static Throwable failureAfter(Body blocking, Unblock unblock) throws Exception {
        var failure = new java.util.concurrent.atomic.AtomicReference<Throwable>();
        Thread t = Thread.ofVirtual().start(() -> {
            try {
                blocking.run();
            } catch (Throwable e) {
                failure.set(e);
            }
        });
        awaitBlocked(t);
        unblock.run(t);
        t.join(10_000);
        if (t.isAlive()) throw new AssertionError(t + " still blocked after " + unblock);
        return failure.get();
    }

    static java.util.concurrent.ExecutorService perTask() {
        return Executors.newVirtualThreadPerTaskExecutor();
    }
}
