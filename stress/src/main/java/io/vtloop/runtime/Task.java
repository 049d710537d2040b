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
}
