package io.vtloop;

import java.util.Map;

/**
 * Counters of a {@link VtloopScheduler}, summed over its carriers; registered by the agent
 * as {@code io.vtloop:type=Scheduler} (see jconsole, {@code jcmd <pid> VM.print...}, or any
 * JMX client). Values are racy snapshots of per-carrier counters.
 */
public interface SchedulerMXBean {
    int getCarriers();
    /** {@code "epoll"} or {@code "io_uring"}. */
    String getBackend();
    long getTasks();
    long getSteals();
    long getPolls();
    long getEvents();
    long getSleeps();
    long getWakeups();
    long getSkippedSyscalls();
    long getTimersFired();
    long getTimersCancelled();
    long getCompensations();
    /** Every counter by name, including those without a getter. */
    Map<String, Long> getCounters();
}
