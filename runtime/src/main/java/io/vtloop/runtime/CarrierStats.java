package io.vtloop.runtime;

import java.util.Map;

/**
 * Per-carrier counters. Each is written only by its carrier (plain fields, no fences on the
 * hot path) except {@code wakeupsSent} and remote {@code timersCancelled}, written by other
 * threads; readers (the MXBean, the exit summary) see racy but eventually accurate values.
 */
final class CarrierStats {
    long tasks;            // continuations run
    long steals;           // successful steals from other carriers
    long polls;            // poller waits, blocking or not
    long events;           // fd events dispatched
    long staleEvents;      // events of a forgotten registration, dropped
    long sleeps;           // sleeps, in the poller or parked
    long parkedSleeps;     // sleeps parked instead of in the poller: it watched no fd (Carrier.sleepParked)
    long spins;            // times it spun looking for work before sleeping (Spinners)
    long spinsEmpty;       // spins that found nothing in their full length (each halves the next; Carrier.spin)
    long wakeupsSent;      // wake-ups of this carrier's sleep by other threads (WakeupGate claims)
    long unparksSent;      // of those, the ones that unparked a parked sleeper instead of writing the eventfd
    long runnextWakes;     // wakes of a sleeping carrier for a runnext filled while none spun (Carrier.offerRunnext)
    long skippedSyscalls;  // reads/writes not issued: fd known not ready
    long timersFired;      // park timeouts fired from this carrier
    long timersCancelled;  // park timeouts cancelled before firing
    long compensations;    // times this carrier was lent to a spare thread (blocking calls)
    long monitorServes;    // times the Monitor served this carrier while its task ran too long
    long monitorEvents;    // events the Monitor dispatched for it meanwhile
    long loopFailures;     // exceptions out of the carrier loop itself (a vtloop bug or a poller error)
    long ringReads;        // io_uring: socket reads completed by a recv on the ring (no read syscall)
    long ringCancels;      // io_uring: requests cancelled because their park ended first (timeout, interrupt, close)

    void addTo(Map<String, Long> m) {
        m.merge("tasks", tasks, Long::sum);
        m.merge("steals", steals, Long::sum);
        m.merge("polls", polls, Long::sum);
        m.merge("events", events, Long::sum);
        m.merge("staleEvents", staleEvents, Long::sum);
        m.merge("sleeps", sleeps, Long::sum);
        m.merge("parkedSleeps", parkedSleeps, Long::sum);
        m.merge("spins", spins, Long::sum);
        m.merge("spinsEmpty", spinsEmpty, Long::sum);
        m.merge("wakeups", wakeupsSent, Long::sum);
        m.merge("wakeupsUnparked", unparksSent, Long::sum);
        m.merge("runnextWakes", runnextWakes, Long::sum);
        m.merge("skippedSyscalls", skippedSyscalls, Long::sum);
        m.merge("timersFired", timersFired, Long::sum);
        m.merge("timersCancelled", timersCancelled, Long::sum);
        m.merge("compensations", compensations, Long::sum);
        m.merge("monitorServes", monitorServes, Long::sum);
        m.merge("monitorEvents", monitorEvents, Long::sum);
        m.merge("loopFailures", loopFailures, Long::sum);
        m.merge("ringReads", ringReads, Long::sum);
        m.merge("ringCancels", ringCancels, Long::sum);
    }
}
