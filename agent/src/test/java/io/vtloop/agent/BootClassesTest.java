package io.vtloop.agent;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassModel;
import java.lang.classfile.constantpool.ClassEntry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The packaged jar's {@link Launcher#BOOT_CLASSES}, written by the build
 * ({@code agent/src/build/BootClasses.java}): it holds every class of vtloop in the jar but the
 * two the application class loader keeps, each once, its bytes those of the jar's own entry,
 * supertypes before subtypes; a jar without it installs nothing and says why.
 */
@EnabledIfSystemProperty(named = "vtloop.test.agent", matches = "true")
class BootClassesTest {
    @Test
    void holdsEveryClassOfVtloopOnceSupertypesFirst() throws Exception {
        Set<String> inJar = new TreeSet<>(), inBlob = new TreeSet<>();
        List<String> order = new ArrayList<>();
        try (ZipFile jar = new ZipFile(AgentLaunchTest.agentJar().toFile())) {
            for (ZipEntry e : Collections.list(jar.entries())) {
                String n = e.getName();
                if (n.startsWith("io/vtloop/") && n.endsWith(".class")) inJar.add(n.substring(0, n.length() - 6));
            }
            ZipEntry blob = jar.getEntry(Launcher.BOOT_CLASSES);
            assertNotNull(blob, "no " + Launcher.BOOT_CLASSES);
            assertEquals(ZipEntry.STORED, blob.getMethod(), "read without inflating");
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(jar.getInputStream(blob).readAllBytes()));
            assertEquals("vtloop-boot-1", in.readUTF());
            Set<String> defined = new HashSet<>();
            for (int i = in.readInt(); i > 0; i--) {
                String name = in.readUTF();
                byte[] b = new byte[in.readInt()];
                in.readFully(b);
                assertArrayEquals(jar.getInputStream(jar.getEntry(name + ".class")).readAllBytes(), b, name);
                ClassModel m = ClassFile.of().parse(b);
                List<String> supers = new ArrayList<>();
                m.superclass().ifPresent(s -> supers.add(s.asInternalName()));
                for (ClassEntry c : m.interfaces()) supers.add(c.asInternalName());
                for (String s : supers)
                    if (s.startsWith("io/vtloop/")) assertTrue(defined.contains(s), name + " before its supertype " + s);
                assertTrue(defined.add(name), "twice: " + name);
                inBlob.add(name);
            }
            assertEquals(0, in.available());
        }
        inJar.removeAll(Set.of("io/vtloop/agent/Premain", "io/vtloop/agent/Launcher"));
        assertEquals(inJar, inBlob);
    }

    @Test
    void aJarWithoutItInstallsNothingAndSaysWhy() throws Exception {
        Path copy = Files.createTempFile("vtloop-agent-", ".jar"), app = Files.createTempFile("vtloop-app-", ".jar");
        try {
            try (ZipFile jar = new ZipFile(AgentLaunchTest.agentJar().toFile());
                 var out = new java.util.zip.ZipOutputStream(Files.newOutputStream(copy))) {
                for (ZipEntry e : Collections.list(jar.entries())) {
                    if (e.getName().equals(Launcher.BOOT_CLASSES)) continue;
                    out.putNextEntry(new ZipEntry(e.getName()));
                    jar.getInputStream(e).transferTo(out);
                }
            }
            AgentLaunchTest.Result r = AgentLaunchTest.run(AgentLaunchTest.javaBin(), AgentLaunchTest.concat(
                    List.of("-javaagent:" + copy), AgentLaunchTest.printCarrierAlone(app)), java.util.Map.of());
            assertEquals(0, r.exit(), r.err());
            assertTrue(r.out().contains("carrier=ForkJoinPool"), r.out());
            assertEquals(AgentLaunchTest.NOT_INSTALLED + "java.lang.IllegalStateException: " + copy
                    + " is not a complete vtloop-agent.jar: no " + Launcher.BOOT_CLASSES + "\n", r.err());
        } finally {
            Files.delete(copy);
            Files.delete(app);
        }
    }
}
