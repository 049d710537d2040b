package io.vtloop.scheduler;

/**
 * Per-carrier counters. Each is written only by its carrier (plain fields, no fences on the
 * hot path) except {@code wakeupsSent}, written by whichever thread woke the carrier; readers
 * (the MXBean, the exit summary) see racy but eventually accurate values.
 */
final class CarrierStats {
    long tasks, steals, polls, events, staleEvents, sleeps, wakeupsSent;
}
