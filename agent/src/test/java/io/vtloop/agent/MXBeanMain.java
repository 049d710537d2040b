package io.vtloop.agent;

import java.lang.management.ManagementFactory;
import javax.management.ObjectName;

/**
 * Child-process main: runs a virtual thread, then asks for the platform MBean server once and
 * prints whether vtloop's MXBean is registered with it (waiting up to 5 s: with a JMX agent
 * started with the JVM the registration runs on a thread of its own) and its task count.
 */
public final class MXBeanMain {
    public static void main(String[] args) throws Exception {
        Thread.ofVirtual().start(() -> { }).join();
        var server = ManagementFactory.getPlatformMBeanServer();
        var name = new ObjectName("io.vtloop:type=Scheduler");
        for (int i = 0; i < 250 && !server.isRegistered(name); i++) Thread.sleep(20);
        System.out.println("registered=" + server.isRegistered(name));
        if (server.isRegistered(name)) System.out.println("tasksPositive=" + ((Long) server.getAttribute(name, "Tasks") > 0));
    }
}
