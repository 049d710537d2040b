package io.vtloop.binding;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Reaping helpers for the io_uring tests. (All binding tests run on fresh threads, see
 * {@code junit-platform.properties}: a closed ring's teardown interrupts a blocking
 * {@code epoll_wait} of the threads that created or used it.)
 */
final class UringTestSupport {

    static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
    static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    private UringTestSupport() {}

    /** One reaped completion. */
    record Cqe(long userData, int res, int flags) {
        boolean more() {
            return (flags & IoUring.CQE_F_MORE) != 0;
        }

        @Override
        public String toString() {
            return "Cqe[" + userData + ", res=" + (res < 0 ? "-" + IoUring.errnoName(-res) : res)
                    + (more() ? ", MORE" : "") + "]";
        }
    }

    /** Calls {@code submitAndWait(buf, timeoutNanos)} once and returns what it reaped. */
    static List<Cqe> waitOnce(IoUring ring, CompletionBuffer buf, long timeoutNanos) throws IOException {
        int n = ring.submitAndWait(buf, timeoutNanos);
        List<Cqe> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(new Cqe(buf.userData(i), buf.result(i), buf.flags(i)));
        }
        return out;
    }

    /** Waits until {@code count} completions have been reaped (within 5 s); returns them in order. */
    static List<Cqe> await(IoUring ring, CompletionBuffer buf, int count) throws IOException {
        List<Cqe> out = new ArrayList<>();
        long deadline = System.nanoTime() + 5 * SECOND;
        while (out.size() < count) {
            long left = deadline - System.nanoTime();
            assertTrue(left > 0, "expected " + count + " completions within 5 s, got " + out);
            out.addAll(waitOnce(ring, buf, left));
        }
        return out;
    }

    /** Reaps until a wait of {@code quietNanos} brings nothing; returns everything reaped. */
    static List<Cqe> drain(IoUring ring, CompletionBuffer buf, long quietNanos) throws IOException {
        List<Cqe> out = new ArrayList<>();
        for (List<Cqe> got; !(got = waitOnce(ring, buf, quietNanos)).isEmpty(); ) {
            out.addAll(got);
            assertTrue(out.size() < 100_000, "completions never stop");
        }
        return out;
    }

    /** The one completion of {@code userData} in {@code cqes}. */
    static Cqe only(List<Cqe> cqes, long userData) {
        List<Cqe> match = cqes.stream().filter(c -> c.userData() == userData).toList();
        assertTrue(match.size() == 1, "expected one completion of " + userData + " in " + cqes);
        return match.get(0);
    }
}
