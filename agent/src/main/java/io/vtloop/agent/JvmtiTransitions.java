package io.vtloop.agent;

import jdk.internal.misc.Unsafe;

import java.io.IOException;
import java.util.List;
import java.util.jar.JarFile;

/**
 * Gives back what loading a {@code -javaagent} costs every virtual-thread mount and unmount.
 *
 * <p>HotSpot notifies JVMTI of each mount and unmount (a call into the VM from
 * {@code VirtualThread.notifyJvmtiMount}/{@code Unmount} that allocates JNI handles and walks the
 * {@code JvmtiVTMSTransitionDisabler} protocol) while the static
 * {@code JvmtiVTMSTransitionDisabler::_VTMS_notify_jvmti_events} is true. Any agent loaded at
 * start-up sets it ({@code JvmtiExport::get_jvmti_interface}, ONLOAD phase), vtloop's own
 * included, although {@code java.lang.instrument} never asks for virtual-thread events
 * ({@code can_support_virtual_threads}). A JVM without agents runs with it false, and sets it
 * when the first agent attaches later: {@code get_jvmti_interface} in the live phase calls
 * {@code JvmtiEnvBase::enable_virtual_threads_notify_jvmti()}, which repairs the per-thread JVMTI
 * state that was not kept while it was false. So a debugger or profiler attached later (jcmd
 * {@code JVMTI.agent_load}, {@code VirtualMachine.loadAgent}, JFR's own agent) turns it back on,
 * exactly as on a JVM started without {@code -javaagent}.
 *
 * <p>{@link #turnOff} stores false there once, at start-up, so that a vtloop JVM runs like the
 * JDK without agents. Turning it off is safe only while no virtual thread has ever mounted (the
 * JDK's own {@code disable_virtual_threads_notify_jvmti}, WhiteBox-only, says it is unsafe once
 * virtual threads run), and only when nothing else needs the events. It is done only when all of
 * these hold, else the notifications stay on and {@link #state} says why:
 * <ol>
 * <li>{@code -Dvtloop.jvmtiTransitions} is {@code auto} (the default), not {@code keep};
 * <li>vtloop's is the only agent on the command line or in {@code JAVA_TOOL_OPTIONS}: no other
 *     {@code -javaagent}, no {@code -agentlib}, {@code -agentpath} or {@code -Xrun}
 *     (a debugger's or profiler's JVMTI environment created at start-up keeps its events);
 * <li>{@code java.lang.VirtualThread} is not yet initialised, so no virtual thread exists;
 * <li>the {@code libjvm.so} loaded in this process has a full symbol table ({@code .symtab})
 *     naming the variable and HotSpot's {@code DoJVMTIVirtualThreadTransitions} flag, both
 *     one-byte objects (Temurin's builds have it; a stripped build, e.g. a distribution's
 *     package without its debug symbols, does not, and keeps the notifications on);
 * <li>both lie in writable segments of that library ({@link LoadedSymbols}: the load base from
 *     {@code /proc/self/maps} plus the link-time value; or, from the {@link PatchCache}, the
 *     mapping plus the offsets an earlier start found in the same file); the exported pointer
 *     {@code gHotSpotVMStructs} (the serviceability agent's entry point), read at the address
 *     computed the same way, holds the address computed for {@code VMStructs::localHotSpotVMStructs},
 *     which proves the arithmetic; and both bytes read 1 (the flag on, the notifications on).
 * </ol>
 */
public final class JvmtiTransitions {
    private JvmtiTransitions() { }

    static final String NOTIFY = "_ZN27JvmtiVTMSTransitionDisabler25_VTMS_notify_jvmti_eventsE";
    static final String FLAG = "DoJVMTIVirtualThreadTransitions";
    /** An exported pointer (for the serviceability agent) and the array it points at: a check of the load base. */
    static final String ANCHOR = "gHotSpotVMStructs", ANCHORED = "_ZN9VMStructs21localHotSpotVMStructsE";
    static final String[] NAMES = {NOTIFY, FLAG, ANCHOR, ANCHORED};
    private static final String LIBJVM = "/libjvm.so";

    private static final Unsafe U = Unsafe.getUnsafe();

    private static volatile long notifyAddress;       // 0 until located
    private static volatile String state = "on (vtloop not installed)";
    /** What {@link #locate} found: {addresses, sizes}; or why it found nothing ({@code "on (<why>)"}). */
    private static long[][] located;
    /** The library {@link #located} is in; null until located. */
    private static LoadedSymbols.Mapping locatedIn;
    private static String notLocated = "on (not looked up)";
    /** Set by {@link #locate} when another agent is loaded (it then looks nothing up). */
    private static boolean otherAgent;

    /**
     * What {@link #turnOff} did: {@code "off"}, or {@code "on (<why>)"}.
     */
    public static String state() {
        return state;
    }

    /**
     * The variable's current value, read from the JVM: true while HotSpot notifies JVMTI of
     * mounts and unmounts; null when {@link #turnOff} did not locate it.
     */
    public static Boolean notifying() {
        long a = notifyAddress;
        return a == 0 ? null : U.getByteVolatile(null, a) != 0;
    }

    /**
     * Conditions 2 and 4 of the class comment: reads {@code libjvm.so}'s symbol table (~15 ms,
     * so the installer calls this on a thread of its own, {@code vtloop-symbols}, while the main
     * one loads the native library and checks the contract) unless another agent is loaded. {@link #turnOff}, called after this returned
     * (and with a happens-before edge: the thread's join), uses the result. Never throws.
     */
    static void locate() {
        try {
            String other = otherAgentLoaded();
            if (other != null) {
                otherAgent = true;
                notLocated = "on (" + other + ")";
                return;
            }
            LoadedSymbols.Mapping jvm = LoadedSymbols.mapping(LIBJVM);
            located = LoadedSymbols.findObjects(jvm, NAMES);
            locatedIn = jvm;
            notLocated = null;
        } catch (IOException e) {
            notLocated = "on (" + (e.getMessage().endsWith("ENODATA") ? "libjvm.so has no symbol table" : e.getMessage()) + ")";
        } catch (Throwable e) {
            notLocated = "on (" + e + ")";
        }
    }

    /**
     * {@link #locate} from what an earlier start of the same {@code libjvm.so} found
     * ({@link PatchCache.Symbols}): the addresses are the library's mapping plus the kept offsets,
     * with the same checks in {@link #turnOff} as a scan's. Returns false, having set nothing,
     * when {@code kept} is for another library file (by {@link PatchCache#fileIdentity}) or holds
     * nothing; the caller then calls {@link #locate}. Never throws.
     */
    static boolean locate(PatchCache.Symbols kept) {
        try {
            if (kept.offsets().length != NAMES.length) return false;
            String other = otherAgentLoaded();
            if (other != null) {
                otherAgent = true;
                notLocated = "on (" + other + ")";
                return true;
            }
            LoadedSymbols.Mapping jvm = LoadedSymbols.mapping(LIBJVM);
            if (!kept.library().equals(PatchCache.fileIdentity(java.nio.file.Path.of(jvm.path())))) return false;
            long[] at = new long[NAMES.length];
            for (int i = 0; i < at.length; i++) at[i] = kept.offsets()[i] == 0 ? 0 : jvm.start() + kept.offsets()[i];
            located = new long[][] {at, kept.sizes().clone()};
            locatedIn = jvm;
            notLocated = null;
            return true;
        } catch (Throwable e) {
            return false;
        }
    }

    /** What {@link #locate} found: {addresses, sizes} in {@code NAMES}' order; null when nothing. */
    static long[][] located() {
        return located;
    }

    /**
     * What {@link #locate} found, to keep for the next start ({@link #locate(PatchCache.Symbols)});
     * {@link PatchCache.Symbols#NONE} when it found nothing. Call after {@link #locate}, with a
     * happens-before edge.
     */
    static PatchCache.Symbols found() {
        long[][] found = located;
        LoadedSymbols.Mapping in = locatedIn;
        String library = in == null ? null : PatchCache.fileIdentity(java.nio.file.Path.of(in.path()));
        if (found == null || library == null) return PatchCache.Symbols.NONE;
        long[] offsets = new long[NAMES.length];
        for (int i = 0; i < offsets.length; i++) offsets[i] = found[0][i] == 0 ? 0 : found[0][i] - in.start();
        return new PatchCache.Symbols(library, offsets, found[1].clone());
    }

    /**
     * Turns the notifications off if every condition of the class comment holds; returns
     * {@link #state}. Call once, after {@link #locate}, before any virtual thread starts. Never
     * throws: any failure leaves them on.
     *
     * @param auto {@code -Dvtloop.jvmtiTransitions=auto}
     */
    static String turnOff(boolean auto) {
        String s;
        try {
            s = !auto ? "on (-Dvtloop.jvmtiTransitions=keep)" : tryTurnOff();
        } catch (Throwable e) {
            s = "on (" + e + ")";
        }
        state = s;
        return s;
    }

    private static String otherAgentLoaded() {
        String other = otherAgent(List.of(jdk.internal.misc.VM.getRuntimeArguments()));
        return other == null ? null : other + " is loaded too";
    }

    private static String tryTurnOff() throws ClassNotFoundException {
        long[][] found = located;
        if (otherAgent) return notLocated;   // condition 2 before 3, as the class comment lists them
        if (!U.shouldBeInitialized(Class.forName("java.lang.VirtualThread", false, null)))
            return "on (virtual threads ran before vtloop was installed)";
        if (found == null) return notLocated;
        long[] at = found[0], size = found[1];
        for (int i = 0; i < 2; i++)
            if (at[i] == 0 || size[i] != 1) return "on (libjvm.so has no writable one-byte " + (i == 0 ? NOTIFY : FLAG) + ")";
        if (at[2] == 0 || size[2] != 8 || at[3] == 0) return "on (libjvm.so has no " + ANCHOR + ")";
        if (U.getLongVolatile(null, at[2]) != at[3])   // the exported pointer holds the address computed for its target
            return "on (" + ANCHOR + " does not point at " + ANCHORED + ")";

        notifyAddress = at[0];
        if (U.getByteVolatile(null, at[1]) != 1) return "on (-XX:-" + FLAG + ")";
        if (U.getByteVolatile(null, at[0]) != 1) return "on (not turned on by the JVM)";
        U.putByteVolatile(null, at[0], (byte) 0);
        return "off";
    }

    /**
     * The first JVM option that loads an agent other than vtloop ({@code -agentlib:jdwp=...},
     * {@code -javaagent:other.jar}), or null. A {@code -javaagent} is vtloop's when its jar's
     * {@code Premain-Class} is vtloop's (the agent given twice is still only vtloop).
     */
    public static String otherAgent(List<String> vmArgs) {
        for (String a : vmArgs) {
            if (a.startsWith("-agentlib:") || a.startsWith("-agentpath:") || a.startsWith("-Xrun"))
                return a.contains("=") ? a.substring(0, a.indexOf('=')) : a;
            if (a.startsWith("-javaagent:")) {
                String jar = a.substring("-javaagent:".length());
                int eq = jar.indexOf('=');
                if (eq >= 0) jar = jar.substring(0, eq);
                if (!isVtloop(jar)) return "-javaagent:" + jar;
            }
        }
        return null;
    }

    private static boolean isVtloop(String jar) {
        try (JarFile f = new JarFile(jar)) {
            var m = f.getManifest();
            return m != null && "io.vtloop.agent.Premain".equals(m.getMainAttributes().getValue("Premain-Class"));
        } catch (IOException e) {
            return false;
        }
    }
}
