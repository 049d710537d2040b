package io.vtloop.runtime;

import io.vtloop.SchedulerMXBean;
import io.vtloop.VtloopScheduler;

import java.lang.management.ManagementFactory;
import java.util.Map;
import javax.management.ObjectName;

/** The {@link SchedulerMXBean} of one scheduler (the agent registers the installed one's). */
public final class SchedulerStats implements SchedulerMXBean {
    /** The name the agent registers it under. */
    public static final String OBJECT_NAME = "io.vtloop:type=Scheduler";

    private final VtloopScheduler scheduler;

    public SchedulerStats(VtloopScheduler scheduler) { this.scheduler = scheduler; }

    /** Registers a SchedulerStats for {@code scheduler} with the platform MBean server. */
    public static void register(VtloopScheduler scheduler) throws Exception {
        ManagementFactory.getPlatformMBeanServer()
                .registerMBean(new SchedulerStats(scheduler), new ObjectName(OBJECT_NAME));
    }

    private long get(String name) { return scheduler.counters().getOrDefault(name, 0L); }

    @Override public int getCarriers() { return scheduler.carriers(); }
    @Override public String getBackend() { return scheduler.backend(); }
    @Override public long getTasks() { return get("tasks"); }
    @Override public long getSteals() { return get("steals"); }
    @Override public long getPolls() { return get("polls"); }
    @Override public long getEvents() { return get("events"); }
    @Override public long getSleeps() { return get("sleeps"); }
    @Override public long getWakeups() { return get("wakeups"); }
    @Override public long getSkippedSyscalls() { return get("skippedSyscalls"); }
    @Override public long getTimersFired() { return get("timersFired"); }
    @Override public long getTimersCancelled() { return get("timersCancelled"); }
    @Override public long getCompensations() { return get("compensations"); }
    @Override public Map<String, Long> getCounters() { return scheduler.counters(); }
}
