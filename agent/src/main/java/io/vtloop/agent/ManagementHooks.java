package io.vtloop.agent;

import io.vtloop.runtime.AgentAccess;
import io.vtloop.runtime.SchedulerStats;

/**
 * Called by the patched {@code java.lang.management.ManagementFactory}. Public because the caller
 * lives in {@code java.management}; not an API.
 *
 * <p>vtloop's MXBean ({@code io.vtloop:type=Scheduler}) is registered when the platform MBean
 * server is first asked for (by the application, the JMX agent, jconsole's attach), not at
 * start-up: creating that server initialises {@code java.management} and the platform MXBeans of
 * every module, about 100 ms of CPU that a JVM nobody watches over JMX never paid before.
 */
public final class ManagementHooks {
    private ManagementHooks() { }

    /** Guarded by {@code ManagementFactory.class}: the patched method is static synchronized. */
    private static boolean registered;

    /**
     * First statement of {@code ManagementFactory.getPlatformMBeanServer()}, holding its class's
     * lock: the first call registers the installed scheduler's MXBean, through a nested call of
     * the same method (re-entrant; it finds {@code registered} set and creates the server).
     */
    public static void platformMBeanServer() {
        if (registered) return;
        var scheduler = AgentAccess.installed();
        if (scheduler == null) return;
        registered = true;
        try {
            SchedulerStats.register(scheduler);
        } catch (Throwable e) {
            System.err.println("vtloop: cannot register the " + SchedulerStats.OBJECT_NAME + " MXBean: " + e);
        }
    }
}
