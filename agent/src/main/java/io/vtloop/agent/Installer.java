package io.vtloop.agent;

import io.vtloop.binding.NativeLibrary;
import io.vtloop.binding.RestrictedMethods;
import io.vtloop.runtime.AgentAccess;
import io.vtloop.runtime.CarrierScheduler;
import io.vtloop.runtime.Config;
import jdk.internal.access.JavaLangAccess;
import jdk.internal.access.SharedSecrets;

import java.lang.instrument.ClassDefinition;
import java.lang.instrument.Instrumentation;
import java.util.Map;
import java.util.concurrent.FutureTask;
import java.util.function.Function;

/**
 * Installs vtloop into the running JDK; called by {@link Premain} once it has defined the
 * agent's, the runtime's and the binding's classes with the boot loader (so this class and
 * everything it uses lives in the boot loader's unnamed module).
 *
 * <p>Order: validate {@code vtloop.*} (a bad value: {@link IllegalArgumentException}; unknown
 * {@code vtloop.*} names: one warning line); check the platform; give vtloop's module access
 * to the JDK internals it uses; read the {@link PatchCache}, where an earlier start on this JDK
 * kept its patches and where {@code libjvm.so}'s objects lie; unless kept there, read
 * {@code libjvm.so}'s symbol table ({@link JvmtiTransitions#locate}) on a thread of its own
 * ({@code vtloop-symbols}) while this one loads the native poller (through
 * {@link NativeAccessGate}; {@link DirectDowncalls} will bind its downcalls) and, unless kept,
 * checks the {@link JdkContract}
 * ({@code -Dvtloop.jdkCheck}) and builds and checks every patch ({@link JdkPatches}); start the carriers; apply all patches
 * in one redefinition; then, before any virtual thread exists, {@link JvmtiTransitions#turnOff}
 * (which cannot fail the install). Any failure before the redefinition returns the reason and
 * leaves the JDK's scheduling untouched (the module edges and the loaded library stay, unused);
 * a failing redefinition stops the carriers again before the failure is reported.
 */
public final class Installer implements Function<Object[], Object> {
    private Installer() { }

    /**
     * {@link #install} for the {@link Launcher}, which cannot name this class (another loader)
     * and calls it through {@code java.base}'s {@code Function} on an instance it allocates:
     * {@code {Instrumentation, String agentArgs, Long agentId, byte[] nativeLibrary}} (the library
     * as the launcher read it from the jar, or null) to install's result, or to what it threw.
     */
    @Override
    public Object apply(Object[] a) {
        try {
            if (a[3] != null) NativeLibrary.Offered.offer((byte[]) a[3]);
            return install((Instrumentation) a[0], (String) a[1], (Long) a[2], (byte[]) a[3]);
        } catch (Throwable e) {
            return e;
        }
    }

    /**
     * Installs vtloop. Returns null when installed (or already installed), or the reason it was not.
     *
     * @param agentId the agent build's identity ({@link Launcher}): part of the {@link PatchCache} key
     * @param library the native library's bytes as the launcher read them from the jar, or null
     *                (then the binding finds them itself)
     * @throws IllegalArgumentException for a bad {@code -Dvtloop.*} value
     */
    public static String install(Instrumentation inst, String agentArgs, long agentId, byte[] library) throws Exception {
        Config config = Config.fromSystemProperties();
        boolean strict = Config.strictJdkCheck();
        boolean jvmtiAuto = Config.jvmtiTransitionsAuto();
        if (!config.enabled()) return null;
        if (AgentAccess.installed() != null) return null;   // the agent given twice
        String unknown = Config.unknownPropertiesWarning();
        if (unknown != null) System.err.println(unknown);

        String os = System.getProperty("os.name", ""), arch = System.getProperty("os.arch", "");
        if (!os.startsWith("Linux") || !(arch.equals("amd64") || arch.equals("x86_64")))
            return "vtloop supports Linux x86_64, this is " + os + " " + arch;
        if (Runtime.version().feature() < 25)
            return "vtloop needs JDK 25 or later, this is " + Runtime.version();
        if (!inst.isRedefineClassesSupported() || !inst.isModifiableModule(Object.class.getModule()))
            return "this JVM cannot redefine java.base classes";
        openJavaBase();
        String cacheDir = Config.patchCache();
        String jdk = cacheDir == null ? null : PatchCache.runningJdk();
        PatchCache cache = jdk == null ? null : PatchCache.of(cacheDir, agentId, jdk, strict);
        PatchCache.Entry cached = cache == null ? null : cache.load();
        if (cache != null && library != null) {   // opened in place from the cache, not copied to a temporary file
            java.nio.file.Path copy = cache.library(library);
            if (copy != null) NativeLibrary.Offered.offerFile(copy);
        }
        // libjvm.so's objects: kept in the cache by an earlier start of the same binary, else its
        // symbol table (~15 ms) is read on another thread while this one loads the native library
        // and checks and builds the patches (or reads them)
        FutureTask<Void> symbols = null;
        if (jvmtiAuto && (cached == null || !JvmtiTransitions.locate(cached.symbols()))) {
            symbols = new FutureTask<>(new Locate(), null);
            Thread.ofPlatform().daemon().name("vtloop-symbols").start(symbols);
        }

        byte[] gateClass = cached != null ? cached.gate() : NativeAccessGate.classBytes();
        RestrictedMethods.route(new DirectDowncalls(
                NativeAccessGate.define(Class.forName("sun.nio.ch.Net", false, null), gateClass)));
        // the native library (~7 ms: extract, open): here when the patches come from the cache
        // (little else to do meanwhile), else on a thread of its own while they are built
        FutureTask<Void> loading = null;
        if (cached != null) {
            NativeLibrary.prepare();
        } else {
            loading = new FutureTask<>(new LoadLibrary(), null);
            Thread.ofPlatform().daemon().name("vtloop-load").start(loading);
        }

        Map<String, byte[]> built = null;
        ClassDefinition[] patches;
        try {
            if (cached == null) {   // check the contract and build the patches
                JdkContract contract = JdkContract.ofRunningJdk();
                String mismatch = contract.verify(strict);
                if (mismatch != null) return mismatch;
                built = new JdkPatches().patchedClassFiles(contract);
            }
            patches = JdkPatches.definitions(cached != null ? cached.classes() : built);
        } catch (JdkPatches.ShapeException e) {
            return e.getMessage();
        }

        if (loading != null) loading.get();   // prepare() does not throw
        if (!NativeLibrary.isAvailable()) return NativeLibrary.loadError().getMessage();
        if (symbols != null) symbols.get();   // locate() does not throw

        CarrierScheduler scheduler = CarrierScheduler.start(config);
        AgentAccess.install(scheduler, new SocketOptions.SkipRule());
        if (scheduler.backend().equals("io_uring")) PollerHooks.completeSocketReadsOnTheRing();
        try {
            inst.redefineClasses(patches);
        } catch (Throwable e) {   // nothing patched: stop the carriers again
            AgentAccess.install(null, null);
            scheduler.close();
            throw e;
        }
        String jvmti = JvmtiTransitions.turnOff(jvmtiAuto);   // before any virtual thread exists
        String patchesFrom = cacheDir == null ? "built (cache off)"
                : cache == null ? "built (cache off: java.base is patched, or the JDK has no lib/modules)"
                : cached == null ? store(cache, new PatchCache.Entry(gateClass, built, JvmtiTransitions.found()))
                : symbols == null ? "from " + cache : "from " + cache + keepSymbols(cache, cached);
        registerMXBeanIfServerMayExist();
        if (config.stats())
            Runtime.getRuntime().addShutdownHook(new Thread(() -> System.err.println(AgentAccess.summary()),
                    "vtloop-stats"));
        if (config.verbose())
            System.err.println("vtloop: installed, " + scheduler.carriers() + " carriers, backend " + scheduler.backend()
                    + ", JVMTI transitions " + jvmti + ", patches " + patchesFrom);
        return null;
    }

    /** What {@code vtloop-symbols} does (a class, not a lambda: a lambda's bootstrap costs ~1 ms of a cold start). */
    private record Locate() implements Runnable {
        @Override
        public void run() {
            JvmtiTransitions.locate();
        }
    }

    /** What {@code vtloop-load} does. */
    private record LoadLibrary() implements Runnable {
        @Override
        public void run() {
            NativeLibrary.prepare();
        }
    }

    /**
     * Keeps patches that were just checked, built and applied for the next start; returns what
     * {@code -Dvtloop.verbose} says about them.
     */
    private static String store(PatchCache cache, PatchCache.Entry built) {
        String failed = cache.store(built);
        return failed == null ? "built, cached in " + cache : "built (not cached: " + failed + ")";
    }

    /**
     * A start from the cache that had to read {@code libjvm.so}'s symbol table (its entry kept
     * none: written by a start with {@code -Dvtloop.jvmtiTransitions=keep} or another agent
     * loaded, or for another {@code libjvm.so} file) writes what it found into the entry, so
     * that the next start reads no table; returns what {@code -Dvtloop.verbose} adds.
     */
    private static String keepSymbols(PatchCache cache, PatchCache.Entry cached) {
        PatchCache.Symbols found = JvmtiTransitions.found();
        if (found == PatchCache.Symbols.NONE) return "";
        String failed = cache.store(new PatchCache.Entry(cached.gate(), cached.classes(), found));
        return failed == null ? " (libjvm.so's objects added)" : " (libjvm.so's objects not added: " + failed + ")";
    }

    /**
     * The MXBean is registered by the patched {@code ManagementFactory.getPlatformMBeanServer()}
     * ({@link ManagementHooks}) when the server is first asked for. Only when
     * {@code ManagementFactory} was initialised before the patch (a JMX agent started with the JVM)
     * may the server exist already: then it is asked for once more, on a daemon thread
     * ({@code vtloop-mxbean}), off the start-up path.
     */
    private static void registerMXBeanIfServerMayExist() {
        Class<?> factory;
        try {
            factory = Class.forName("java.lang.management.ManagementFactory", false, null);
        } catch (ClassNotFoundException e) {
            return;   // a run-time image without java.management: no MBean server at all
        }
        if (jdk.internal.misc.Unsafe.getUnsafe().shouldBeInitialized(factory)) return;
        Thread.ofPlatform().daemon().name("vtloop-mxbean").start(java.lang.management.ManagementFactory::getPlatformMBeanServer);
    }

    /**
     * Lets java.base (and java.management, where present) call vtloop (reads) and vtloop use the
     * internals it needs (exports, opens). Through {@code JavaLangAccess}, the calls
     * {@code Instrumentation.redefineModule} ends in: the {@link Launcher} made the one
     * {@code redefineModule} call (its lambdas cost every start ~10 ms) and exported
     * {@code jdk.internal.access} to vtloop's module; each further call would bootstrap another.
     */
    private static void openJavaBase() {
        JavaLangAccess jla = SharedSecrets.getJavaLangAccess();
        Module base = Object.class.getModule();
        Module vtloop = Installer.class.getModule();   // the boot loader's unnamed module
        jla.addReads(base, vtloop);
        for (String pkg : new String[] {"jdk.internal.misc", "jdk.internal.loader", "sun.nio.ch", "sun.net"})
            jla.addExports(base, pkg, vtloop);
        // DirectDowncalls' packages only where they are (else it binds nothing, and the linker does)
        if (base.getPackages().contains("jdk.internal.foreign.abi.x64")) {
            jla.addExports(base, "jdk.internal.foreign.abi", vtloop);
            jla.addExports(base, "jdk.internal.foreign.abi.x64", vtloop);
        }
        jla.addOpens(base, "sun.nio.ch", vtloop);
        jla.addOpens(base, "java.lang", vtloop);
        Module management = ModuleLayer.boot().findModule("java.management").orElse(null);
        if (management != null) jla.addReads(management, vtloop);
    }
}
