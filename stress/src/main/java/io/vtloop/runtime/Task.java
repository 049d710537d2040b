package io.vtloop.runtime;

/** A numbered task for the RunQueue tests; tasks are told apart by their bit. */
final class Task implements Runnable {
    final int bit;

    Task(int n) { this.bit = 1 << n; }

    @Override
    public void run() { }

    /** The task's bit, or 0 for null (an empty poll). */
    static int bit(Runnable r) {
        return r == null ? 0 : ((Task) r).bit;
    }

    /** Polls {@code q} until empty; returns the OR of the tasks' bits, or -1 if a task came twice. */
    static int drain(RunQueue q) {
        int bits = 0;
        for (Runnable r; (r = q.poll()) != null; ) {
            int b = bit(r);
            if ((bits & b) != 0) return -1;
            bits |= b;
        }
        return bits;
    }

    /**
     * 0 when three disjoint sets of task bits (each -1 if a task came twice in it) together
     * hold every one of {@code tasks} tasks exactly once; else 1 (a task lost or seen twice).
     */
    static int exactlyOnce(int tasks, int a, int b, int c) {
        boolean ok = a >= 0 && b >= 0 && c >= 0 && (a & b) == 0 && (a & c) == 0 && (b & c) == 0
                && (a | b | c) == (1 << tasks) - 1;
        return ok ? 0 : 1;
    }
}
