import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassModel;
import java.lang.classfile.constantpool.ClassEntry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * A build step, not part of the agent (agent/pom.xml runs it with the JDK 25 source launcher
 * right after the shade, in the package phase): adds {@value #ENTRY} to vtloop-agent.jar.
 *
 * <p>That entry holds every class the agent's {@code Launcher} defines with the boot loader (the
 * packages of {@link #BOOT_PACKAGES}, not their subpackages, less {@code Premain} and
 * {@code Launcher}, which stay in the application class loader), supertypes before subtypes,
 * in one uncompressed entry. The launcher reads it with one read and defines the classes in its
 * order: reading ~80 compressed entries and parsing each to find its supertypes took ~20 ms of a
 * one-core start.
 *
 * <p>Format: {@value #MAGIC} (UTF), the number of classes (int), then per class its internal
 * name (UTF, ASCII) and its length (int) followed by its bytes. Big-endian, as
 * {@link DataOutputStream} writes.
 *
 * <p>Usage: {@code java BootClasses.java path/to/vtloop-agent.jar} (rewrites the jar in place).
 */
public final class BootClasses {
    static final String ENTRY = "META-INF/vtloop/boot-classes.bin";
    static final String MAGIC = "vtloop-boot-1";
    /**
     * The packages whose classes go to the boot loader: the agent, the scheduler and the poller
     * binding. A jar that shades vtloop with other code keeps that code where the class path puts it.
     */
    static final Set<String> BOOT_PACKAGES = Set.of("io/vtloop/", "io/vtloop/agent/", "io/vtloop/runtime/", "io/vtloop/binding/");
    static final Set<String> APPLICATION_LOADER = Set.of("io/vtloop/agent/Premain", "io/vtloop/agent/Launcher");

    public static void main(String[] args) throws IOException {
        if (args.length != 1) throw new IllegalArgumentException("usage: java BootClasses.java vtloop-agent.jar");
        Path jar = Path.of(args[0]);
        Map<String, byte[]> classes = new TreeMap<>();   // sorted: the order is the same on every build
        List<ZipEntry> entries = new ArrayList<>();
        Map<String, byte[]> contents = new LinkedHashMap<>();
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            for (ZipEntry e : Collections.list(zip.entries())) {
                if (e.getName().equals(ENTRY)) continue;   // run twice: replaced
                byte[] b;
                try (InputStream in = zip.getInputStream(e)) {
                    b = in.readAllBytes();
                }
                entries.add(e);
                contents.put(e.getName(), b);
                String n = e.getName();
                if (n.endsWith(".class")) {
                    String name = n.substring(0, n.length() - ".class".length());
                    if (BOOT_PACKAGES.contains(name.substring(0, name.lastIndexOf('/') + 1)) && !APPLICATION_LOADER.contains(name))
                        classes.put(name, b);
                }
            }
        }
        for (String needed : List.of("io/vtloop/agent/Installer", "io/vtloop/binding/NativeLibrary"))
            if (!classes.containsKey(needed)) throw new IllegalStateException(jar + " lacks " + needed);

        List<String> order = new ArrayList<>();
        for (String name : classes.keySet()) visit(name, classes, order);
        ByteArrayOutputStream blob = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(blob)) {
            out.writeUTF(MAGIC);
            out.writeInt(order.size());
            for (String name : order) {
                byte[] b = classes.get(name);
                if (!StandardCharsets.US_ASCII.newEncoder().canEncode(name)) throw new IllegalStateException("not ASCII: " + name);
                out.writeUTF(name);
                out.writeInt(b.length);
                out.write(b);
            }
        }

        Path tmp = jar.resolveSibling(jar.getFileName() + ".tmp");
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(tmp))) {
            long time = 0;
            for (ZipEntry e : entries) {
                ZipEntry copy = new ZipEntry(e.getName());
                copy.setTime(e.getTime());
                time = Math.max(time, e.getTime());
                out.putNextEntry(copy);
                out.write(contents.get(e.getName()));
                out.closeEntry();
            }
            byte[] b = blob.toByteArray();
            ZipEntry e = new ZipEntry(ENTRY);
            e.setMethod(ZipEntry.STORED);   // read back without inflating
            e.setSize(b.length);
            CRC32 crc = new CRC32();
            crc.update(b);
            e.setCrc(crc.getValue());
            e.setTime(time);
            out.putNextEntry(e);
            out.write(b);
            out.closeEntry();
        }
        Files.move(tmp, jar, StandardCopyOption.REPLACE_EXISTING);
        System.out.println("BootClasses: " + order.size() + " classes, " + blob.size() + " bytes, in " + jar.getFileName() + "!/" + ENTRY);
    }

    /** Adds {@code name} to {@code order} after its superclass and interfaces (those in {@code classes}). */
    private static void visit(String name, Map<String, byte[]> classes, List<String> order) {
        byte[] b = classes.get(name);
        if (b == null || order.contains(name)) return;
        ClassModel model = ClassFile.of().parse(b);
        model.superclass().ifPresent(s -> visit(s.asInternalName(), classes, order));
        for (ClassEntry i : model.interfaces()) visit(i.asInternalName(), classes, order);
        order.add(name);
    }
}
