package io.vtloop.agent;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@link PatchCache} alone: what its key covers, what a reader refuses (a damaged file, another
 * key's, a directory or file others may write), and a file written and read back. The agent's
 * starts from the cache: {@code PatchCacheLaunchTest}.
 */
@DisabledIfSystemProperty(named = "vtloop.test.agent", matches = "true")
class PatchCacheTest {
    @TempDir
    Path tmp;

    private static final String JDK = PatchCache.runningJdk();

    private PatchCache cache(long agentId, String jdk, boolean strict) {
        return PatchCache.of(tmp.resolve("c").toString(), agentId, jdk, strict);
    }

    private static PatchCache.Entry entry() {
        return new PatchCache.Entry(new byte[] {1, 2, 3}, Map.of("java.lang.VirtualThread", new byte[] {4, 5}),
                new PatchCache.Symbols("libjvm 1 2", new long[] {6, 0}, new long[] {1, 0}));
    }

    @Test
    void theKeyCoversTheAgentBuildTheCheckModeAndTheJdk() {
        Set<Path> files = new HashSet<>();
        assertTrue(files.add(cache(1, JDK, true).file()));
        assertFalse(files.add(cache(1, JDK, true).file()), "the same inputs: the same file");
        assertTrue(files.add(cache(2, JDK, true).file()), "another agent build");
        assertTrue(files.add(cache(1, JDK, false).file()), "-Dvtloop.jdkCheck=shape");
        assertTrue(files.add(cache(1, JDK + "x", true).file()), "another JDK image");
    }

    @Test
    void theRunningJdkIsItsRuntimeImageAndItsOptionalModule() {
        assertNotNull(JDK, "this JDK has lib/modules and no --patch-module");
        assertEquals(JDK, PatchCache.runningJdk(), "stable");
        assertTrue(JDK.startsWith(Path.of(System.getProperty("java.home"), "lib", "modules") + " "), JDK);
        assertTrue(JDK.endsWith(" java.management=true"), JDK);
    }

    @Test
    void aFileIdentityChangesWithTheFileNotWithItsReading() throws Exception {
        Path f = tmp.resolve("modules"), copy = tmp.resolve("copy");
        Files.write(f, new byte[] {1, 2, 3});
        String first = PatchCache.fileIdentity(f);
        assertNotNull(first);
        Files.readAllBytes(f);
        assertEquals(first, PatchCache.fileIdentity(f), "read, not changed");
        Files.setLastModifiedTime(f, java.nio.file.attribute.FileTime.fromMillis(1_000_000));
        String touched = PatchCache.fileIdentity(f);
        assertNotEquals(first, touched, "another modification time");
        Files.copy(f, copy, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
        Files.move(copy, f, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertNotEquals(touched, PatchCache.fileIdentity(f), "replaced by a copy with the same bytes and time: another inode");
        String replaced = PatchCache.fileIdentity(f);
        Files.write(f, new byte[] {1, 2, 3, 4});
        Files.setLastModifiedTime(f, java.nio.file.attribute.FileTime.fromMillis(1_000_000));
        assertNotEquals(replaced, PatchCache.fileIdentity(f), "written in place, its time set back: another size and change time");
        assertNull(PatchCache.fileIdentity(tmp.resolve("absent")));
    }

    @Test
    void aStoredEntryReadsBackAndIsPrivate() throws Exception {
        PatchCache c = cache(1, JDK, true);
        assertNull(c.load(), "nothing stored yet");
        assertNull(c.store(entry()));
        PatchCache.Entry e = c.load();
        assertNotNull(e);
        assertArrayEquals(new byte[] {1, 2, 3}, e.gate());
        assertArrayEquals(new byte[] {4, 5}, e.classes().get("java.lang.VirtualThread"));
        assertEquals("libjvm 1 2", e.symbols().library());
        assertArrayEquals(new long[] {6, 0}, e.symbols().offsets());
        assertArrayEquals(new long[] {1, 0}, e.symbols().sizes());
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(tmp.resolve("c"))));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(c.file())));
        assertNull(cache(2, JDK, true).load(), "another key does not read this file");
    }

    /**
     * libjvm.so's objects, kept: from the cache they give the addresses a scan of the symbol
     * table gives, and only for the same library file.
     */
    @Test
    void keptSymbolsGiveTheScannedAddressesForTheSameLibraryOnly() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(JvmtiTransitionsTest.hasSymbolTable(), "libjvm.so is stripped here");
        long[][] scanned = LoadedSymbols.findObjects("/libjvm.so", JvmtiTransitions.NAMES);
        JvmtiTransitions.locate();
        PatchCache.Symbols found = JvmtiTransitions.found();
        LoadedSymbols.Mapping jvm = LoadedSymbols.mapping("/libjvm.so");
        assertEquals(PatchCache.fileIdentity(Path.of(jvm.path())), found.library());
        for (long offset : found.offsets()) assertTrue(offset > 0, java.util.Arrays.toString(found.offsets()));

        long[] eights = {8, 8, 8, 8};
        assertTrue(JvmtiTransitions.locate(new PatchCache.Symbols(found.library(), eights, found.sizes())));
        for (long at : JvmtiTransitions.located()[0]) assertEquals(jvm.start() + 8, at, "from the kept offsets");
        assertTrue(JvmtiTransitions.locate(found));
        assertArrayEquals(scanned[0], JvmtiTransitions.located()[0]);
        assertArrayEquals(scanned[1], JvmtiTransitions.located()[1]);

        assertFalse(JvmtiTransitions.locate(new PatchCache.Symbols(found.library() + "0", eights, found.sizes())),
                "another libjvm.so");
        assertArrayEquals(scanned[0], JvmtiTransitions.located()[0], "left as it was");
        assertFalse(JvmtiTransitions.locate(PatchCache.Symbols.NONE), "nothing kept");
    }

    @Test
    void aStoreKeepsTheNewestFilesAndRemovesDeadTemporaries() throws Exception {
        PatchCache c = cache(1, JDK, true);
        assertNull(c.store(entry()));   // creates the directory
        Path dir = tmp.resolve("c");
        long now = System.currentTimeMillis();
        List<Path> older = new ArrayList<>();
        for (int i = 0; i < PatchCache.KEEP + 3; i++) {   // the first is the oldest
            Path f = dir.resolve("patches-" + "%016x".formatted(i) + ".bin");
            Files.write(f, new byte[] {1});
            Files.setLastModifiedTime(f, java.nio.file.attribute.FileTime.fromMillis(now - 86_400_000L * (100 - i)));
            older.add(f);
        }
        Path deadTmp = dir.resolve("patches-1.tmp"), liveTmp = dir.resolve("patches-2.tmp"), other = dir.resolve("notes.txt");
        for (Path f : List.of(deadTmp, liveTmp, other)) Files.write(f, new byte[] {1});
        Files.setLastModifiedTime(deadTmp, java.nio.file.attribute.FileTime.fromMillis(now - 7_200_000));
        Files.setLastModifiedTime(c.file(), java.nio.file.attribute.FileTime.fromMillis(0));   // this key's file, oldest of all

        assertNull(c.store(entry()));
        Set<Path> left = new HashSet<>();
        try (var s = Files.list(dir)) {
            s.forEach(left::add);
        }
        Set<Path> expected = new HashSet<>(older.subList(older.size() - (PatchCache.KEEP - 1), older.size()));
        expected.addAll(List.of(c.file(), liveTmp, other));
        assertEquals(expected, left);
        assertNotNull(c.load(), "this key's file stays readable");
    }

    @Test
    void everyDamagedByteIsNoticed() throws Exception {
        PatchCache c = cache(1, JDK, true);
        assertNull(c.store(entry()));
        byte[] good = Files.readAllBytes(c.file());
        for (int i = 0; i < good.length; i++) {
            byte[] bad = good.clone();
            bad[i] ^= 0x10;
            Files.write(c.file(), bad);
            assertNull(c.load(), "byte " + i + " flipped");
        }
        Files.write(c.file(), java.util.Arrays.copyOf(good, good.length - 1));
        assertNull(c.load(), "a short file");
        Files.write(c.file(), good);
        assertNotNull(c.load());
    }

    @Test
    void aCacheOthersMayWriteIsNeitherReadNorWritten() throws Exception {
        PatchCache c = cache(1, JDK, true);
        assertNull(c.store(entry()));
        Files.setPosixFilePermissions(c.file(), PosixFilePermissions.fromString("rw-rw-rw-"));
        assertNull(c.load(), "a file others may write");
        Files.setPosixFilePermissions(c.file(), PosixFilePermissions.fromString("rw-------"));
        assertNotNull(c.load());
        Files.setPosixFilePermissions(tmp.resolve("c"), PosixFilePermissions.fromString("rwxrwxrwx"));
        assertNull(c.load(), "a directory others may write");
        assertNotNull(c.store(entry()), "nor is it written");
        Files.setPosixFilePermissions(tmp.resolve("c"), PosixFilePermissions.fromString("rwx------"));
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxrwxrwx"));
        assertNull(c.load(), "a parent others may write (without the sticky bit)");
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwx------"));
        assertNotNull(c.load());
    }

    @Test
    void aLinkIsNotFollowed() throws Exception {
        PatchCache c = cache(1, JDK, true);
        assertNull(c.store(entry()));
        Path real = tmp.resolve("real.bin");
        Files.move(c.file(), real);
        Files.createSymbolicLink(c.file(), real);
        assertNull(c.load());
    }

    @Test
    void theLibraryCopyIsPrivateAndUsedOnlyWhileItHoldsTheBytes() throws Exception {
        PatchCache c = cache(1, JDK, true);
        byte[] library = new byte[4096];
        new java.util.Random(1).nextBytes(library);
        Path copy = c.library(library);
        assertNotNull(copy);
        assertEquals(tmp.resolve("c"), copy.getParent());
        assertTrue(copy.getFileName().toString().startsWith(PatchCache.LIBRARY_PREFIX));
        assertArrayEquals(library, Files.readAllBytes(copy));
        assertEquals(PosixFilePermissions.fromString("rw-------"), Files.getPosixFilePermissions(copy));
        assertEquals(PosixFilePermissions.fromString("rwx------"), Files.getPosixFilePermissions(copy.getParent()));
        Object inode = Files.getAttribute(copy, "unix:ino");
        assertEquals(copy, c.library(library));
        assertEquals(inode, Files.getAttribute(copy, "unix:ino"), "a good copy is used as it is");

        byte[] other = library.clone();
        other[17] ^= 1;
        assertNotEquals(copy, c.library(other), "other bytes, another name");
        Files.write(copy, other);   // a damaged copy under the right name
        assertEquals(copy, c.library(library));
        assertArrayEquals(library, Files.readAllBytes(copy), "written again");
        Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString("rw-rw-rw-"));
        assertEquals(copy, c.library(library));
        assertEquals(PosixFilePermissions.fromString("rw-------"), Files.getPosixFilePermissions(copy), "replaced");
        Path elsewhere = tmp.resolve("elsewhere.so");
        Files.write(elsewhere, library);
        Files.delete(copy);
        Files.createSymbolicLink(copy, elsewhere);
        assertEquals(copy, c.library(library));
        assertFalse(Files.isSymbolicLink(copy), "a link at the name is replaced, not followed");
        assertArrayEquals(library, Files.readAllBytes(elsewhere));

        Files.setPosixFilePermissions(tmp.resolve("c"), PosixFilePermissions.fromString("rwxrwxrwx"));
        assertNull(c.library(library), "a directory others may write");
    }

    @Test
    void libraryCopiesArePrunedToTheNewest() throws Exception {
        PatchCache c = cache(1, JDK, true);
        Path dir = tmp.resolve("c");
        Path first = c.library(new byte[] {1});
        Files.setLastModifiedTime(first, java.nio.file.attribute.FileTime.fromMillis(0));   // the oldest of all
        long now = System.currentTimeMillis();
        List<Path> older = new ArrayList<>();
        for (int i = 0; i < PatchCache.KEEP + 2; i++) {   // the first is the oldest
            Path f = dir.resolve(PatchCache.LIBRARY_PREFIX + "%016x".formatted(i) + ".so");
            Files.write(f, new byte[] {2});
            Files.setLastModifiedTime(f, java.nio.file.attribute.FileTime.fromMillis(now - 86_400_000L * (100 - i)));
            older.add(f);
        }
        Path patches = dir.resolve("patches-0000000000000001.bin");
        Files.write(patches, new byte[] {3});
        Path current = c.library(new byte[] {4});
        Set<Path> left = new HashSet<>();
        try (var s = Files.list(dir)) {
            s.forEach(left::add);
        }
        Set<Path> expected = new HashSet<>(older.subList(older.size() - (PatchCache.KEEP - 1), older.size()));
        expected.addAll(List.of(current, patches));
        assertEquals(expected, left);
    }

    @Test
    void aLengthBeyondTheFileIsRefusedEvenWithAGoodChecksum() throws Exception {
        PatchCache c = cache(1, JDK, true);
        assertNull(c.store(entry()));                     // creates the private directory
        var bytes = new java.io.ByteArrayOutputStream();
        var out = new java.io.DataOutputStream(bytes);
        out.writeUTF(PatchCache.MAGIC);
        out.writeLong(Long.parseUnsignedLong(c.file().getFileName().toString().substring(8, 24), 16));
        out.writeInt(Integer.MAX_VALUE);                  // the gate's length: more than the file holds
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(bytes.toByteArray());
        out.writeLong(crc.getValue());
        Files.write(c.file(), bytes.toByteArray());
        assertNull(c.load(), "refused before any allocation of that size");
    }

    @Test
    void aPathTheFileSystemCannotNameIsABadValue() {
        String before = System.setProperty("vtloop.patchCache", "cache\u0000dir");
        try {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, io.vtloop.runtime.Config::patchCache);
            assertTrue(e.getMessage().startsWith("-Dvtloop.patchCache=cache"), e.getMessage());
            assertTrue(e.getMessage().contains("expected a directory, or off"), e.getMessage());
        } finally {
            if (before == null) System.clearProperty("vtloop.patchCache");
            else System.setProperty("vtloop.patchCache", before);
        }
    }
}
