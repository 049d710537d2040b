package io.vtloop.agent;

import java.io.InputStream;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassModel;
import java.lang.classfile.constantpool.ClassEntry;
import java.lang.instrument.Instrumentation;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * The JDK-25 half of the agent's start, called reflectively by {@link Premain} once it has
 * checked the JDK version.
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
     * The packages (not their subpackages) whose classes go to the boot loader: the agent, the
     * scheduler and the poller binding. A jar that shades vtloop with other code (benchmarks,
     * an application) keeps that code where the class path puts it.
     */
    private static final Set<String> RUNTIME_PACKAGES = Set.of("io/vtloop/", "io/vtloop/agent/", "io/vtloop/runtime/", "io/vtloop/binding/");

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
            Module base = Object.class.getModule();
            inst.redefineModule(base, Set.of(), Map.of("jdk.internal.misc", Set.of(Launcher.class.getModule())),
                    Map.of(), Set.of(), Map.of());
            if (jdk.internal.misc.CDS.isDumpingArchive()) {
                warn(NOT_INSTALLED + RECORDING_ARCHIVE);
                return;
            }
            long agentId = defineInBootLoader();
            // an instance without a constructor call, used through an interface of java.base: a
            // reflective call would spin a method accessor for the signature (~10 ms at start-up)
            @SuppressWarnings("unchecked")
            var installer = (Function<Object[], Object>) jdk.internal.misc.Unsafe.getUnsafe()
                    .allocateInstance(Class.forName("io.vtloop.agent.Installer", true, null));
            outcome = installer.apply(new Object[] {inst, args, agentId});
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
     * Defines the classes of {@link #RUNTIME_PACKAGES} in this jar, but this one, with the boot
     * loader, supertypes first. Returns the build's identity: a 64-bit checksum of their names
     * and bytes (the key of the agent's {@code PatchCache} includes it).
     */
    private static long defineInBootLoader() throws Exception {
        Path jarPath = Path.of(Launcher.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Map<String, byte[]> classes = new HashMap<>();
        try (JarFile jar = new JarFile(jarPath.toFile())) {
            for (Enumeration<JarEntry> all = jar.entries(); all.hasMoreElements(); ) {   // no stream, no lambda:
                JarEntry e = all.nextElement();                                          // bootstraps cost start-up time
                String n = e.getName();
                if (n.endsWith(".class") && RUNTIME_PACKAGES.contains(n.substring(0, n.lastIndexOf('/') + 1))
                        && !n.equals("io/vtloop/agent/Premain.class") && !n.equals("io/vtloop/agent/Launcher.class")) {
                    try (InputStream in = jar.getInputStream(e)) {
                        classes.put(n.substring(0, n.length() - 6), in.readAllBytes());
                    }
                }
            }
        }
        if (!classes.containsKey("io/vtloop/agent/Installer") || !classes.containsKey("io/vtloop/binding/NativeLibrary"))
            throw new IllegalStateException(jarPath + " is not a complete vtloop-agent.jar");
        jdk.internal.misc.Unsafe unsafe = jdk.internal.misc.Unsafe.getUnsafe();
        Set<String> defined = new HashSet<>();
        for (String name : classes.keySet()) define(name, classes, defined, unsafe);
        java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream(1 << 18);
        for (String name : new java.util.TreeSet<>(classes.keySet())) {
            all.write(name.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            all.write(classes.get(name));
        }
        byte[] b = all.toByteArray();
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(b);
        java.util.zip.Adler32 adler = new java.util.zip.Adler32();
        adler.update(b);
        return crc.getValue() << 32 | adler.getValue();
    }

    private static void define(String name, Map<String, byte[]> classes, Set<String> defined,
                               jdk.internal.misc.Unsafe unsafe) {
        byte[] bytes = classes.get(name);
        if (bytes == null || !defined.add(name)) return;
        ClassModel model = ClassFile.of().parse(bytes);
        Optional<ClassEntry> superclass = model.superclass();
        if (superclass.isPresent()) define(superclass.get().asInternalName(), classes, defined, unsafe);
        for (ClassEntry i : model.interfaces()) define(i.asInternalName(), classes, defined, unsafe);
        unsafe.defineClass(name.replace('/', '.'), bytes, 0, bytes.length, null, null);
    }
}
