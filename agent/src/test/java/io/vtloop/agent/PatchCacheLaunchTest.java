package io.vtloop.agent;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The agent's {@link PatchCache} as a user meets it, in child JVMs: the first start builds the
 * patches and keeps them, the next start reads them, and both run the same program the same way;
 * a damaged file is rebuilt; {@code off} writes nothing; a bad value is refused.
 */
@EnabledIfSystemProperty(named = "vtloop.test.agent", matches = "true")
class PatchCacheLaunchTest {
    @TempDir
    Path tmp;

    private AgentLaunchTest.Result start(String cache) throws Exception {
        return AgentLaunchTest.java(List.of("-javaagent:" + AgentLaunchTest.agentJar(), "-Dvtloop.verbose=true",
                "-Dvtloop.patchCache=" + cache), Map.of());
    }

    /** The patch files in {@code dir}. */
    private static List<Path> files(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(f -> f.getFileName().toString().startsWith("patches-")).toList();
        }
    }

    /** The library copies in {@code dir}. */
    private static List<Path> libraries(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(f -> f.getFileName().toString().startsWith(PatchCache.LIBRARY_PREFIX)).toList();
        }
    }

    /**
     * The library is opened from the cache's copy: a start with an extraction directory that
     * cannot be written ({@code vtloop.native.dir}) installs while the copy is good, and also
     * after it was damaged (the copy is written again from the jar); without the cache it cannot.
     */
    @Test
    void theLibraryIsOpenedFromTheCachesCopy() throws Exception {
        Path dir = tmp.resolve("cache"), nowhere = tmp.resolve("no-such-dir");
        assertEquals(0, start(dir.toString()).exit());
        assertEquals(1, libraries(dir).size(), "one copy: " + libraries(dir));
        Path copy = libraries(dir).getFirst();
        List<String> noExtraction = List.of("-javaagent:" + AgentLaunchTest.agentJar(), "-Dvtloop.verbose=true",
                "-Dvtloop.patchCache=" + dir, "-Dvtloop.native.dir=" + nowhere);
        AgentLaunchTest.Result kept = AgentLaunchTest.java(noExtraction, Map.of());
        assertEquals(0, kept.exit(), kept.err());
        assertTrue(kept.err().contains("vtloop: installed"), kept.err());
        assertTrue(kept.out().contains("read=7"), kept.out());

        byte[] b = Files.readAllBytes(copy);
        b[b.length / 2] ^= 1;
        Files.write(copy, b);
        AgentLaunchTest.Result repaired = AgentLaunchTest.java(noExtraction, Map.of());
        assertTrue(repaired.err().contains("vtloop: installed"), repaired.err());
        assertTrue(repaired.out().contains("read=7"), repaired.out());
        assertFalse(java.util.Arrays.equals(b, Files.readAllBytes(copy)), "written again");

        AgentLaunchTest.Result off = AgentLaunchTest.java(List.of("-javaagent:" + AgentLaunchTest.agentJar(),
                "-Dvtloop.patchCache=off", "-Dvtloop.native.dir=" + nowhere), Map.of());
        assertTrue(off.err().contains("vtloop: not installed"), off.err());
        assertTrue(off.out().contains("read=7"), "the JDK's scheduler runs it: " + off.out());
    }

    @Test
    void theFirstStartBuildsAndKeepsTheNextReadsWithTheSameOutcome() throws Exception {
        Path dir = tmp.resolve("cache");
        AgentLaunchTest.Result first = start(dir.toString()), second = start(dir.toString());
        assertEquals(0, first.exit(), first.err());
        assertTrue(first.err().contains(", patches built, cached in " + dir.resolve("patches-")), first.err());
        assertEquals(1, files(dir).size(), "one file: " + files(dir));
        assertEquals(0, second.exit(), second.err());
        assertTrue(second.err().contains(", patches from " + files(dir).getFirst()), second.err());
        for (AgentLaunchTest.Result r : List.of(first, second)) {
            assertTrue(r.out().contains("carrier=vtloop-carrier-"), r.out());
            assertTrue(r.out().contains("read=7"), r.out());
            if (JvmtiTransitionsTest.hasSymbolTable())   // the second from the kept symbols
                assertTrue(r.err().contains(", JVMTI transitions off, "), r.err());
        }
    }

    @Test
    void aStartThatHadToReadTheSymbolTableKeepsWhatItFound() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(JvmtiTransitionsTest.hasSymbolTable(), "libjvm.so is stripped here");
        Path dir = tmp.resolve("cache");
        AgentLaunchTest.Result keep = AgentLaunchTest.java(List.of("-javaagent:" + AgentLaunchTest.agentJar(),
                "-Dvtloop.verbose=true", "-Dvtloop.patchCache=" + dir, "-Dvtloop.jvmtiTransitions=keep"), Map.of());
        assertTrue(keep.err().contains(", patches built, cached in "), keep.err());   // no symbols looked up
        AgentLaunchTest.Result second = start(dir.toString()), third = start(dir.toString());
        assertTrue(second.err().contains(", JVMTI transitions off, patches from " + files(dir).getFirst()
                + " (libjvm.so's objects added)"), second.err());
        assertTrue(third.err().contains(", JVMTI transitions off, patches from " + files(dir).getFirst() + "\n"), third.err());
        for (AgentLaunchTest.Result r : List.of(keep, second, third)) {
            assertEquals(0, r.exit(), r.err());
            assertTrue(r.out().contains("carrier=vtloop-carrier-"), r.out());
        }
    }

    @Test
    void aDamagedFileIsBuiltAgain() throws Exception {
        Path dir = tmp.resolve("cache");
        assertEquals(0, start(dir.toString()).exit());
        Path file = files(dir).getFirst();
        byte[] b = Files.readAllBytes(file);
        b[b.length / 2] ^= 1;
        Files.write(file, b);
        AgentLaunchTest.Result r = start(dir.toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.err().contains(", patches built, cached in " + file), r.err());
        assertTrue(r.out().contains("carrier=vtloop-carrier-"), r.out());
        assertTrue(start(dir.toString()).err().contains(", patches from " + file), "repaired");
    }

    @Test
    void aPatchedJavaBaseIsNeitherReadFromTheCacheNorKept() throws Exception {
        Path dir = tmp.resolve("cache"), patch = Files.createDirectories(tmp.resolve("patch"));
        assertEquals(0, start(dir.toString()).exit());
        AgentLaunchTest.Result r = AgentLaunchTest.java(List.of("--patch-module", "java.base=" + patch,
                "-javaagent:" + AgentLaunchTest.agentJar(), "-Dvtloop.verbose=true", "-Dvtloop.patchCache=" + dir), Map.of());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.err().contains(", patches built (cache off: java.base is patched, or the JDK has no lib/modules)"), r.err());
        assertTrue(r.out().contains("carrier=vtloop-carrier-"), r.out());
        assertEquals(1, files(dir).size(), "nothing kept: " + files(dir));
    }

    @Test
    void offWritesNothingAndABlankValueIsRefused() throws Exception {
        AgentLaunchTest.Result off = start("off");
        assertEquals(0, off.exit(), off.err());
        assertTrue(off.err().contains(", patches built (cache off)"), off.err());
        AgentLaunchTest.Result blank = start(" ");
        assertEquals(1, blank.exit());
        assertTrue(blank.err().contains("-Dvtloop.patchCache= : expected a directory, or off"), blank.err());
    }
}
