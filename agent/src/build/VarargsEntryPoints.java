import java.io.IOException;
import java.lang.classfile.AccessFlags;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassModel;
import java.lang.classfile.MethodModel;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A build step, not part of the agent (agent/pom.xml runs it with the JDK 25 source launcher
 * right after the shade, in the package phase, on vtloop-agent.jar): sets
 * {@code ACC_VARARGS} on the agent's two entry points that core reflection calls,
 * {@code Premain.premain(String, Instrumentation)} (called by {@code java.lang.instrument}) and
 * {@code Launcher.launch(String, Instrumentation)} (called by {@code Premain}, which is compiled
 * for Java 8 and cannot name it).
 *
 * <p>Why: JDK 25's {@code Method.invoke} spins method handles for the signature of a method it
 * calls for the first time (seven {@code LambdaForm} classes for a static
 * {@code (Object, Object)void}, ~10-15 ms of a one-core start, and the JIT compiles what spun them),
 * unless {@code jdk.internal.reflect.MethodHandleAccessorFactory.useNativeAccessor} holds. One of
 * its documented conditions is a method with {@code ACC_VARARGS} whose last parameter is not an
 * array (a method handle could not call it with fixed arity); then the VM's own reflection calls
 * it, with no method handle. javac sets the flag only on {@code T...} parameters, and the
 * signatures are fixed (the JVM looks the premain up by its exact parameter types), so the build
 * sets it. The flag changes nothing else: the JVM does not check it, and the methods behave and
 * throw as before. {@code AgentLaunchTest} checks that the jar's two carry it and that no class
 * is spun between the two calls.
 *
 * <p>Only the jar's copies get the flag: javac refuses to compile against a class file with such
 * a method ("malformed variable arity method"), and the tests compile against target/classes.
 *
 * <p>Usage: {@code java VarargsEntryPoints.java path/to/vtloop-agent.jar} (rewrites both class
 * files in the jar in place; running it twice changes nothing).
 */
public final class VarargsEntryPoints {
    /** Class (internal name) and method of each entry point; both take (String, Instrumentation). */
    static final String[][] ENTRY_POINTS = {
            {"io/vtloop/agent/Premain", "premain"},
            {"io/vtloop/agent/Launcher", "launch"},
    };
    static final String DESCRIPTOR = "(Ljava/lang/String;Ljava/lang/instrument/Instrumentation;)V";

    public static void main(String[] args) throws IOException {
        if (args.length != 1) throw new IllegalArgumentException("usage: java VarargsEntryPoints.java vtloop-agent.jar");
        try (FileSystem jar = FileSystems.newFileSystem(Path.of(args[0]))) {
            for (String[] entry : ENTRY_POINTS) flag(jar.getPath(entry[0] + ".class"), entry[1]);
        }
        System.out.println("VarargsEntryPoints: ACC_VARARGS on " + ENTRY_POINTS.length + " entry points in " + Path.of(args[0]).getFileName());
    }

    private static void flag(Path file, String method) throws IOException {
        ClassFile cf = ClassFile.of();
        ClassModel model = cf.parse(Files.readAllBytes(file));
        int found = 0;
        for (MethodModel m : model.methods())
            if (isEntry(m, method)) found++;
        if (found != 1) throw new IllegalStateException(file + ": " + found + " methods " + method + DESCRIPTOR);
        byte[] out = cf.transformClass(model, (cb, ce) -> {
            if (ce instanceof MethodModel m && isEntry(m, method)) {
                cb.transformMethod(m, (mb, me) -> {
                    if (me instanceof AccessFlags flags) mb.withFlags(flags.flagsMask() | ClassFile.ACC_VARARGS);
                    else mb.with(me);
                });
            } else {
                cb.with(ce);
            }
        });
        Files.write(file, out);
    }

    private static boolean isEntry(MethodModel m, String name) {
        return m.methodName().equalsString(name) && m.methodType().equalsString(DESCRIPTOR)
                && (m.flags().flagsMask() & ClassFile.ACC_STATIC) != 0;
    }
}
