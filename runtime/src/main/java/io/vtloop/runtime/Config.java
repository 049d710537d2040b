package io.vtloop.runtime;

import java.util.List;
import java.util.TreeSet;

/**
 * The {@code vtloop.*} system properties, read and validated once.
 *
 * <p>A bad value throws {@link IllegalArgumentException} whose message names the
 * property, the value and the accepted values, e.g.
 * {@code -Dvtloop.carriers=abc: expected an integer from 1 to 1024}.
 *
 * <table>
 * <tr><th>property</th><th>accepted</th><th>default</th></tr>
 * <tr><td>vtloop.enabled</td><td>true, false</td><td>true</td></tr>
 * <tr><td>vtloop.carriers</td><td>1..1024</td><td>{@code jdk.virtualThreadScheduler.parallelism}, else available processors</td></tr>
 * <tr><td>vtloop.pollInterval</td><td>1..65536 (tasks run between event polls of a busy carrier while they find events; on epoll up to 8 times as many while they find none, see {@code Carrier.POLL_BACKOFF_MAX})</td><td>32</td></tr>
 * <tr><td>vtloop.spin</td><td>0..1000000 (the most µs an idle carrier spins looking for work before sleeping; a
 *     carrier whose spins find nothing spins shorter, see {@code Carrier.spin}; at most half of the carriers
 *     spin, none with one carrier; 0: never, see {@code Spinners})</td><td>10</td></tr>
 * <tr><td>vtloop.stallMillis</td><td>0..60000 (a task running longer has its carrier served by the monitor; 0: no monitor)</td><td>10</td></tr>
 * <tr><td>vtloop.spareKeepAliveMillis</td><td>1..3600000 (an idle spare thread retires after this)</td><td>30000</td></tr>
 * <tr><td>vtloop.backend</td><td>epoll, io_uring, auto (io_uring where the kernel allows it and it is the measured
 *     winner: see {@link #AUTO_PICKS_IO_URING})</td><td>auto</td></tr>
 * <tr><td>vtloop.stats</td><td>true, false</td><td>false</td></tr>
 * <tr><td>vtloop.verbose</td><td>true, false</td><td>false</td></tr>
 * <tr><td>vtloop.native.dir</td><td>a directory (not empty)</td><td>java.io.tmpdir</td></tr>
 * <tr><td>vtloop.jdkCheck</td><td>strict, shape</td><td>strict</td></tr>
 * <tr><td>vtloop.patchCache</td><td>a directory, or off (where the agent keeps the patched JDK class files of a start
 *     for the next ones on the same JDK; see the agent's {@code PatchCache})</td><td>$XDG_CACHE_HOME/vtloop, else
 *     ~/.cache/vtloop</td></tr>
 * <tr><td>vtloop.jvmtiTransitions</td><td>auto, keep (auto: the agent turns off HotSpot's JVMTI notifications of
 *     virtual-thread mounts at start-up when it is the only agent; see the agent's {@code JvmtiTransitions})</td><td>auto</td></tr>
 * </table>
 * The JDK's own settings apply as they do to its scheduler: {@code jdk.virtualThreadScheduler.parallelism}
 * (1..1024 here), capped by {@code jdk.virtualThreadScheduler.maxPoolSize} where that is given, is the
 * default of {@code vtloop.carriers}; {@code maxPoolSize} (default: max(carriers, 256), at least the
 * carriers) caps carriers plus spare threads.
 *
 * <p>{@code vtloop.native.dir} is read by the binding's {@code NativeLibrary}; it is validated
 * here so that an empty value fails like any other bad value. {@code vtloop.jdkCheck} is the
 * agent's (its {@code JdkContract}): {@code strict} installs only on a JDK build whose patched
 * methods have bytecode vtloop was tested on; {@code shape} also accepts unknown bytecode
 * when every class, member, flag and constant of the contract is as expected.
 */
public record Config(boolean enabled, int carriers, int pollInterval, int spinMicros,
                     int maxPoolSize, int stallMillis, int spareKeepAliveMillis,
                     boolean stats, boolean verbose, String backend) {

    /**
     * What {@code vtloop.backend=auto} picks where the kernel allows io_uring: false, epoll. The
     * io_uring backend is not the measured winner on every workload of the harness (see
     * docs/BENCHMARKS.md), and {@code auto} picks a backend only where it is.
     */
    static final boolean AUTO_PICKS_IO_URING = false;

    /** Every {@code vtloop.*} property vtloop reads, in the order of the table above. */
    public static final List<String> KNOWN = List.of("vtloop.enabled", "vtloop.carriers", "vtloop.pollInterval",
            "vtloop.spin", "vtloop.stallMillis", "vtloop.spareKeepAliveMillis", "vtloop.backend", "vtloop.stats", "vtloop.verbose",
            "vtloop.native.dir", "vtloop.jdkCheck", "vtloop.patchCache", "vtloop.jvmtiTransitions");

    /** Reads the properties of this JVM. */
    public static Config fromSystemProperties() {
        nativeDir();
        patchCache();
        int parallelism = integer("jdk.virtualThreadScheduler.parallelism", Runtime.getRuntime().availableProcessors(), 1, 1024);
        // as the JDK's VirtualThread.createDefaultScheduler: a maxPoolSize given caps the parallelism
        int maxPoolSize = integer("jdk.virtualThreadScheduler.maxPoolSize", 0, 1, 32767);
        if (maxPoolSize > 0) parallelism = Math.min(parallelism, maxPoolSize);
        int carriers = integer("vtloop.carriers", parallelism, 1, 1024);
        return new Config(
                bool("vtloop.enabled", true),
                carriers,
                integer("vtloop.pollInterval", 32, 1, 65536),
                integer("vtloop.spin", 10, 0, 1_000_000),
                Math.max(carriers, maxPoolSize > 0 ? maxPoolSize : 256),
                integer("vtloop.stallMillis", 10, 0, 60_000),
                integer("vtloop.spareKeepAliveMillis", 30_000, 1, 3_600_000),
                bool("vtloop.stats", false),
                bool("vtloop.verbose", false),
                requestedBackend());
    }

    /**
     * Resolves {@code backend} against this kernel: {@code "io_uring"} or {@code "epoll"}. An
     * explicit {@code io_uring} that the kernel refuses yields epoll and {@code warn} gets the
     * one-line fallback warning; {@code auto} falls back silently. Needs the native library.
     */
    public String resolveBackend(java.io.PrintStream warn) {
        if (backend.equals("epoll") || backend.equals("auto") && !AUTO_PICKS_IO_URING) return "epoll";
        if (io.vtloop.binding.IoUring.isSupported()) return "io_uring";
        if (backend.equals("io_uring"))
            warn.println("vtloop: -Dvtloop.backend=io_uring: " + io.vtloop.binding.IoUring.unsupportedReason()
                    + "; using epoll");
        return "epoll";
    }

    /**
     * {@code vtloop.backend} as given: {@code epoll}, {@code io_uring} or {@code auto} (the default).
     *
     * @throws IllegalArgumentException for any other value
     */
    static String requestedBackend() {
        String v = System.getProperty("vtloop.backend");
        if (v == null) return "auto";
        return switch (v.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "epoll" -> "epoll";
            case "io_uring", "iouring", "io-uring" -> "io_uring";
            case "auto" -> "auto";
            default -> throw bad("vtloop.backend", v, "epoll, io_uring or auto");
        };
    }

    /** A configuration with {@code carriers} carriers and defaults otherwise (the explicit API, tests). */
    public static Config withCarriers(int carriers) {
        Config d = fromSystemProperties();
        if (carriers < 1 || carriers > 1024)
            throw new IllegalArgumentException("carriers=" + carriers + ": expected an integer from 1 to 1024");
        return new Config(true, carriers, d.pollInterval, d.spinMicros, Math.max(carriers, d.maxPoolSize),
                d.stallMillis, d.spareKeepAliveMillis, d.stats, d.verbose, d.backend);
    }

    /**
     * {@code vtloop.native.dir}: null when not set.
     *
     * @throws IllegalArgumentException when set to an empty (or blank) value
     */
    public static String nativeDir() {
        String v = System.getProperty("vtloop.native.dir");
        if (v != null && v.isBlank()) throw bad("vtloop.native.dir", v, "a directory (an empty value would extract"
                + " into the working directory)");
        return v;
    }

    /**
     * {@code vtloop.patchCache}: the agent's cache directory, null for {@code off} (or when
     * neither {@code XDG_CACHE_HOME} nor {@code user.home} is an absolute path).
     *
     * @throws IllegalArgumentException when set to an empty (or blank) value
     */
    public static String patchCache() {
        String v = System.getProperty("vtloop.patchCache");
        if (v != null) {
            if (v.isBlank()) throw bad("vtloop.patchCache", v, "a directory, or off");
            if (v.trim().equalsIgnoreCase("off")) return null;
            try {
                java.nio.file.Path.of(v.trim());
            } catch (java.nio.file.InvalidPathException e) {
                throw bad("vtloop.patchCache", v, "a directory, or off (" + e.getReason() + ")");
            }
            return v.trim();
        }
        String xdg = System.getenv("XDG_CACHE_HOME");
        if (xdg != null && xdg.startsWith("/")) return xdg + "/vtloop";
        String home = System.getProperty("user.home");
        return home != null && home.startsWith("/") ? home + "/.cache/vtloop" : null;
    }

    /**
     * {@code vtloop.jdkCheck}: true for {@code strict} (the default), false for {@code shape}.
     *
     * @throws IllegalArgumentException for any other value
     */
    public static boolean strictJdkCheck() {
        String v = System.getProperty("vtloop.jdkCheck");
        if (v == null) return true;
        return switch (v.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "strict" -> true;
            case "shape" -> false;
            default -> throw bad("vtloop.jdkCheck", v, "strict or shape");
        };
    }

    /**
     * {@code vtloop.jvmtiTransitions}: true for {@code auto} (the default), false for {@code keep}.
     *
     * @throws IllegalArgumentException for any other value
     */
    public static boolean jvmtiTransitionsAuto() {
        String v = System.getProperty("vtloop.jvmtiTransitions");
        if (v == null) return true;
        return switch (v.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "auto" -> true;
            case "keep" -> false;
            default -> throw bad("vtloop.jvmtiTransitions", v, "auto or keep");
        };
    }

    /**
     * The one warning line about set {@code vtloop.*} properties that vtloop does not know
     * (a misspelling is otherwise silently ignored), listing the known ones; null when there
     * are none.
     */
    public static String unknownPropertiesWarning() {
        var unknown = new TreeSet<String>();
        for (String name : System.getProperties().stringPropertyNames())
            if (name.startsWith("vtloop.") && !KNOWN.contains(name)) unknown.add("-D" + name);
        if (unknown.isEmpty()) return null;
        return "vtloop: ignoring unknown propert" + (unknown.size() == 1 ? "y " : "ies ") + String.join(", ", unknown)
                + "; known: " + String.join(", ", KNOWN);
    }

    private static boolean bool(String name, boolean dflt) {
        String v = System.getProperty(name);
        if (v == null) return dflt;
        return switch (v.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw bad(name, v, "true or false");
        };
    }

    private static int integer(String name, int dflt, int min, int max) {
        String v = System.getProperty(name);
        if (v == null) return dflt;
        int n;
        try {
            n = Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw bad(name, v, "an integer from " + min + " to " + max);
        }
        if (n < min || n > max) throw bad(name, v, "an integer from " + min + " to " + max);
        return n;
    }

    private static IllegalArgumentException bad(String name, String value, String accepted) {
        return new IllegalArgumentException("-D" + name + "=" + value + ": expected " + accepted);
    }
}
