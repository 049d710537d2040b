package io.vtloop.agent;

import io.vtloop.binding.NativeLibrary;
import io.vtloop.binding.RestrictedMethods;
import io.vtloop.runtime.CarrierScheduler;
import io.vtloop.runtime.Config;

import java.lang.instrument.ClassDefinition;
import java.lang.instrument.Instrumentation;
import java.lang.invoke.MethodHandle;
import java.util.Map;
import java.util.Set;

/**
 * Installs vtloop into the running JDK; called by {@link Premain} once its jar is on the
 * bootstrap class path (so this class and everything it uses is defined by the boot loader,
 * in its unnamed module).
 *
 * <p>Order: validate {@code vtloop.*} (a bad value: {@link IllegalArgumentException});
 * check the platform; give vtloop's module access to the JDK internals it uses; bind the
 * native poller (through {@link NativeAccessGate}); build and check every patch
 * ({@link JdkPatches}); start the carriers; apply all patches in one redefinition. Any
 * failure before the last step returns the reason and leaves the JDK untouched.
 */
public final class Installer {
    private Installer() { }

    private static volatile CarrierScheduler installed;

    /** The scheduler the agent installed, or null. */
    public static CarrierScheduler scheduler() { return installed; }

    /**
     * Installs vtloop. Returns null when installed, or the reason it was not.
     *
     * @throws IllegalArgumentException for a bad {@code -Dvtloop.*} value
     */
    public static String install(Instrumentation inst, String agentArgs) throws Exception {
        Config config = Config.fromSystemProperties();
        if (!config.enabled()) return null;
        if (installed != null) return null;   // the agent given twice

        String os = System.getProperty("os.name", ""), arch = System.getProperty("os.arch", "");
        if (!os.startsWith("Linux") || !(arch.equals("amd64") || arch.equals("x86_64")))
            return "vtloop supports Linux x86_64, this is " + os + " " + arch;
        if (Runtime.version().feature() < 25)
            return "vtloop needs JDK 25 or later, this is " + Runtime.version();
        if (!inst.isRedefineClassesSupported() || !inst.isModifiableModule(Object.class.getModule()))
            return "this JVM cannot redefine java.base classes";

        openJavaBase(inst);

        Class<?> host = Class.forName("sun.nio.ch.Net", false, null);
        MethodHandle[] gate = NativeAccessGate.define(host);
        RestrictedMethods.route(gate[0], gate[1]);
        if (!NativeLibrary.isAvailable()) return NativeLibrary.loadError().getMessage();

        ClassDefinition[] patches;
        try {
            patches = new JdkPatches().build();
        } catch (JdkPatches.ShapeException e) {
            return e.getMessage();
        }

        CarrierScheduler scheduler = CarrierScheduler.start(config);
        VirtualThreadHooks.install(scheduler);
        PollerHooks.install(scheduler);
        inst.redefineClasses(patches);
        installed = scheduler;
        io.vtloop.Vtloop.setInstalled(scheduler);
        // the MXBean, off the start-up path: java.management costs tens of ms to initialise
        Thread.ofPlatform().daemon().name("vtloop-mxbean").start(() -> {
            try {
                io.vtloop.runtime.SchedulerStats.register(scheduler);
            } catch (Throwable e) {
                System.err.println("vtloop: cannot register the io.vtloop:type=Scheduler MXBean: " + e);
            }
        });
        if (config.stats())
            Runtime.getRuntime().addShutdownHook(new Thread(() -> System.err.println(scheduler.summary()),
                    "vtloop-stats"));
        if (config.verbose())
            System.err.println("vtloop: installed, " + scheduler.carrierCount() + " carriers");
        return null;
    }

    /** Lets java.base call vtloop (reads) and vtloop use the internals it needs (exports, opens). */
    private static void openJavaBase(Instrumentation inst) {
        Module base = Object.class.getModule();
        Module vtloop = Installer.class.getModule();   // the boot loader's unnamed module
        Set<Module> us = Set.of(vtloop);
        inst.redefineModule(base, us,
                Map.of("jdk.internal.access", us, "jdk.internal.misc", us, "sun.nio.ch", us),
                Map.of("sun.nio.ch", us, "java.lang", us),
                Set.of(), Map.of());
    }
}
