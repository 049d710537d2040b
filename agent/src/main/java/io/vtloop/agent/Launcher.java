package io.vtloop.agent;

import java.io.InputStream;
import java.lang.instrument.Instrumentation;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.zip.Adler32;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * The JDK-25 half of the agent's start, called reflectively by {@link Premain} once it has
 * checked the JDK version ({@link #launch} carries {@code ACC_VARARGS}, set by the build, so that
 * the call spins no method handles: see {@code agent/src/build/VarargsEntryPoints.java}).
 *
 * <p>Loaded by the application class loader. It defines vtloop's other classes with the
 * boot loader (in its unnamed module), where patched {@code java.base} code can call them,
 * and hands over to {@link Installer}. It defines them one by one with
 * {@code jdk.internal.misc.Unsafe.defineClass} rather than appending the jar to the boot
 * class path, which would turn off CDS for every non-boot class (and print a VM warning).
 * This class must not mention vtloop's other classes, or the verifier would load them here,
 * in the wrong loader.
 *
 * <p>Outcomes: installed (silent); {@code -Dvtloop.enabled=false} (silent, nothing patched);
 * a JVM that records a CDS or AOT archive ({@link #RECORDING_ARCHIVE}: one warning line, nothing
 * patched, no class defined);
 * a bad {@code -Dvtloop.*} value (one error line, exit status 1); vtloop cannot install
 * itself (one warning line, nothing patched, the application runs on the JDK's default
 * scheduler); vtloop's classes already in the boot loader (a second copy of the agent):
 * silent, nothing done.
 */
public final class Launcher {
    private Launcher() { }

    /**
     * The classes to define with the boot loader, in define order: written by the build
     * ({@code agent/src/build/BootClasses.java}, which says which and in what format).
     */
    static final String BOOT_CLASSES = "META-INF/vtloop/boot-classes.bin";
    private static final String MAGIC = "vtloop-boot-1";
    /** {@code io.vtloop.binding.NativeLibrary.RESOURCE} (not named here: another loader's class). */
    private static final String NATIVE_LIBRARY = "META-INF/native/linux-x86_64/libvtloop-poller.so";

    /** {@code Premain.NOT_INSTALLED}: the prefix of the one fallback line. */
    private static final String NOT_INSTALLED = "vtloop: not installed, running on the JDK's default scheduler: ";

    /**
     * Why a JVM that records a CDS or AOT archive runs on the JDK's scheduler. JDK 25's AOT cache
     * assembly ({@code -XX:AOTMode=create}, the second half of {@code -XX:AOTCacheOutput}) crashes
     * in {@code vmClasses::resolve_shared_class} on a configuration recorded while
     * {@code java.lang.VirtualThread} was redefined (by any agent). A cache recorded on the JDK's
     * scheduler serves the runs that use it, and those install vtloop.
     */
    static final String RECORDING_ARCHIVE = "this JVM records a CDS or AOT archive (-XX:AOTMode=record,"
            + " -XX:AOTCacheOutput, -XX:ArchiveClassesAtExit), which cannot keep a redefined java.lang.VirtualThread;"
            + " the runs that use the archive install vtloop";

    /**
     * Installs vtloop and reports the outcome (see the class comment).
     *
     * @param args the agent's options, passed on to {@link Installer}
     * @param inst the JVM's instrumentation
     */
    public static void launch(String args, Instrumentation inst) {
        if ("false".equalsIgnoreCase(String.valueOf(System.getProperty("vtloop.enabled")).trim())) return;
        if (definedInBootLoader("io.vtloop.agent.Installer")) return;   // another copy of the agent came first
        Object outcome;
        try {
            // the one Instrumentation call for module edges (its first use bootstraps ~5 lambdas of
            // the JDK's, ~10 ms of a one-core start): the rest go through JavaLangAccess
            Module base = Object.class.getModule();
            Set<Module> me = Set.of(Launcher.class.getModule());
            inst.redefineModule(base, Set.of(), Map.of("jdk.internal.misc", me, "jdk.internal.access", me),
                    Map.of(), Set.of(), Map.of());
            if (jdk.internal.misc.CDS.isDumpingArchive()) {
                warn(NOT_INSTALLED + RECORDING_ARCHIVE);
                return;
            }
            Object[] jar = defineInBootLoader();
            Class<?> installerClass = Class.forName("io.vtloop.agent.Installer", false, null);
            // the boot loader's unnamed module, vtloop's: the Installer adds the other edges it needs
            jdk.internal.access.SharedSecrets.getJavaLangAccess().addExports(base, "jdk.internal.access", installerClass.getModule());
            // an instance without a constructor call, used through an interface of java.base: a
            // reflective call would spin a method accessor for the signature (~10 ms at start-up)
            @SuppressWarnings("unchecked")
            var installer = (Function<Object[], Object>) jdk.internal.misc.Unsafe.getUnsafe().allocateInstance(installerClass);
            outcome = installer.apply(new Object[] {inst, args, jar[0], jar[1]});
        } catch (Throwable e) {
            outcome = e;
        }
        if (outcome instanceof IllegalArgumentException bad) {   // a bad -Dvtloop.* value
            System.err.println("vtloop: " + bad.getMessage());
            System.err.flush();
            Runtime.getRuntime().halt(1);
        } else if (outcome instanceof Throwable t) {
            warn(NOT_INSTALLED + t);
        } else if (outcome instanceof String reason) {
            warn(NOT_INSTALLED + reason);
        }
    }

    private static boolean definedInBootLoader(String name) {
        try {
            Class.forName(name, false, null);
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    private static void warn(String line) {
        System.err.println(line.replace('\n', ' '));
    }

    /**
     * Defines the classes of this jar's {@value #BOOT_CLASSES} with the boot loader, in its order
     * (supertypes first). Returns the build's identity, a 64-bit checksum of that entry (the key
     * of the agent's {@code PatchCache} includes it), and the bytes of the jar's native library
     * (or null), which the installer hands to the binding's {@code NativeLibrary} while the jar
     * is open here anyway.
     */
    private static Object[] defineInBootLoader() throws Exception {
        Path jarPath = Path.of(Launcher.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        byte[] b, library = null;
        try (ZipFile jar = new ZipFile(jarPath.toFile())) {
            ZipEntry e = jar.getEntry(BOOT_CLASSES);
            if (e == null) throw new IllegalStateException(jarPath + " is not a complete vtloop-agent.jar: no " + BOOT_CLASSES);
            try (InputStream in = jar.getInputStream(e)) {
                b = in.readAllBytes();
            }
            ZipEntry so = jar.getEntry(NATIVE_LIBRARY);
            if (so != null) {
                try (InputStream in = jar.getInputStream(so)) {
                    library = in.readAllBytes();
                }
            }
        }
        jdk.internal.misc.Unsafe unsafe = jdk.internal.misc.Unsafe.getUnsafe();
        int p = utf(b, 0);
        if (!MAGIC.equals(new String(b, 2, p - 2, StandardCharsets.ISO_8859_1)))
            throw new IllegalStateException(jarPath + ": " + BOOT_CLASSES + " is not " + MAGIC);
        int n = i32(b, p);
        p += 4;
        for (int i = 0; i < n; i++) {
            int nameEnd = utf(b, p), length = i32(b, nameEnd);
            String name = new String(b, p + 2, nameEnd - p - 2, StandardCharsets.ISO_8859_1).replace('/', '.');
            unsafe.defineClass(name, b, nameEnd + 4, length, null, null);
            p = nameEnd + 4 + length;
        }
        if (p != b.length) throw new IllegalStateException(jarPath + ": " + BOOT_CLASSES + " has " + (b.length - p) + " bytes more");
        CRC32 crc = new CRC32();
        crc.update(b);
        Adler32 adler = new Adler32();
        adler.update(b);
        return new Object[] {crc.getValue() << 32 | adler.getValue(), library};
    }

    /** Where the string that {@code DataOutputStream.writeUTF} wrote at {@code p} ends. */
    private static int utf(byte[] b, int p) {
        return p + 2 + ((b[p] & 0xff) << 8 | b[p + 1] & 0xff);
    }

    /** The big-endian int at {@code p}. */
    private static int i32(byte[] b, int p) {
        return (b[p] & 0xff) << 24 | (b[p + 1] & 0xff) << 16 | (b[p + 2] & 0xff) << 8 | b[p + 3] & 0xff;
    }
}
