package io.vtloop.agent;

import java.lang.instrument.Instrumentation;
import java.lang.reflect.InvocationTargetException;

/**
 * The {@code -javaagent:vtloop-agent.jar} entry point: the first class of vtloop the JVM loads.
 *
 * <p>Compiled for Java 8 (the build's {@code java8} compilation) and free of any newer API,
 * so that it loads on any JDK a user may still run: on a JDK older than 25 it prints the
 * one-line warning and returns, and the application runs on the JDK as if the flag were not
 * there. Only on JDK 25 or later does it touch the rest of vtloop, reflectively, through
 * {@link Launcher}. Both calls into vtloop, the JVM's of {@link #premain} and this class's of
 * {@code Launcher.launch}, are core reflection; the build sets {@code ACC_VARARGS} on both methods
 * ({@code agent/src/build/VarargsEntryPoints.java}), so that the VM calls them itself instead
 * of spinning method handles for their signature. The agent given twice (a flag plus {@code JAVA_TOOL_OPTIONS}) is installed
 * by the first and ignored, silently, by the second. Loaded into a running JVM
 * ({@code jcmd PID JVMTI.agent_load}, {@code VirtualMachine.loadAgent}) it prints one line
 * saying that vtloop must be present at start-up.
 */
public final class Premain {
    private Premain() { }

    /** The prefix of the one line vtloop prints when it leaves the JDK's scheduler in place. */
    static final String NOT_INSTALLED = "vtloop: not installed, running on the JDK's default scheduler: ";

    /** The first JDK feature release vtloop runs on. */
    static final int MIN_FEATURE = 25;

    private static boolean started;   // guarded by Premain.class

    /**
     * Installs vtloop into the starting JVM, or prints why not (see the class comment).
     *
     * @param args the agent's options (unused)
     * @param inst the JVM's instrumentation
     */
    public static void premain(String args, Instrumentation inst) {
        synchronized (Premain.class) {
            if (started) return;   // the agent given twice: the first one decided
            started = true;
        }
        if ("false".equalsIgnoreCase(String.valueOf(System.getProperty("vtloop.enabled")).trim())) return;
        String spec = System.getProperty("java.specification.version", "");
        if (feature(spec) < MIN_FEATURE) {
            warn(NOT_INSTALLED + "vtloop needs JDK " + MIN_FEATURE + " or later, this is Java "
                    + System.getProperty("java.version", spec));
            return;
        }
        try {
            Class.forName("io.vtloop.agent.Launcher")
                    .getMethod("launch", String.class, Instrumentation.class).invoke(null, args, inst);
        } catch (InvocationTargetException e) {
            warn(NOT_INSTALLED + e.getCause());
        } catch (Throwable e) {   // LinkageError, a broken jar
            warn(NOT_INSTALLED + e);
        }
    }

    /**
     * Refuses a late load with one line: vtloop replaces the scheduler of every virtual thread
     * and must be given at start-up.
     *
     * @param args the agent's options (unused)
     * @param inst the JVM's instrumentation (unused)
     */
    public static void agentmain(String args, Instrumentation inst) {
        warn(NOT_INSTALLED + "vtloop must be given at JVM start-up (-javaagent:vtloop-agent.jar on the"
                + " command line or in JAVA_TOOL_OPTIONS); it cannot be loaded into a running JVM");
    }

    /** The feature release of a {@code java.specification.version}: "1.8" is 8, "25" is 25; 0 when unknown. */
    static int feature(String spec) {
        String s = spec.startsWith("1.") ? spec.substring(2) : spec;
        int end = 0;
        while (end < s.length() && Character.isDigit(s.charAt(end))) end++;
        if (end == 0 || end > 4) return 0;
        return Integer.parseInt(s.substring(0, end));
    }

    private static void warn(String line) {
        System.err.println(line.replace('\n', ' '));
        System.err.flush();
    }
}
