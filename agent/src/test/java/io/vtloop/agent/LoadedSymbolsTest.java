package io.vtloop.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * {@link LoadedSymbols} on the libjvm.so of this very JVM: its answers are checked
 * against {@code dlsym} (for an exported object) and against the memory they point at.
 */
class LoadedSymbolsTest {

    /** This JVM's table, or the test is skipped where libjvm.so is stripped (the lookup must then say ENODATA). */
    private static long[][] lookup(String... names) throws IOException {
        try {
            return LoadedSymbols.findObjects("/libjvm.so", names);
        } catch (IOException e) {
            assertTrue(e.getMessage().endsWith("ENODATA"), e.getMessage());
            Assumptions.abort("this JVM's libjvm.so has no .symtab: " + e.getMessage());
            throw e;
        }
    }

    private static Path libjvm() throws IOException {
        return Files.readAllLines(Path.of("/proc/self/maps")).stream().filter(l -> l.endsWith("/libjvm.so"))
                .map(l -> Path.of(l.substring(l.indexOf('/')))).findFirst().orElseThrow();
    }

    @Test
    void agreesWithDlsymOnAnExportedObject() throws IOException {
        long[][] r = lookup("gHotSpotVMStructs");
        long dl = SymbolLookup.libraryLookup(libjvm(), Arena.global()).find("gHotSpotVMStructs").orElseThrow().address();
        assertEquals(dl, r[0][0]);
        assertEquals(8, r[1][0]);
    }

    @Test
    void findsNonExportedObjectsAndTheirValues() throws IOException {
        long[][] r = lookup("_ZN9VMStructs21localHotSpotVMStructsE", "gHotSpotVMStructs", "DoJVMTIVirtualThreadTransitions");
        assertNotEquals(0, r[0][0], "VMStructs::localHotSpotVMStructs is not exported, and is in .symtab");
        MemorySegment pointer = MemorySegment.ofAddress(r[0][1]).reinterpret(8);
        assertEquals(r[0][0], pointer.get(ValueLayout.JAVA_LONG, 0), "gHotSpotVMStructs points at the array");
        assertEquals(1, r[1][2], "a bool flag is one byte");
        assertEquals(1, MemorySegment.ofAddress(r[0][2]).reinterpret(1).get(ValueLayout.JAVA_BYTE, 0),
                "DoJVMTIVirtualThreadTransitions is on by default");
    }

    @Test
    void absentNamesAndFunctionsGiveZero() throws IOException {
        long[][] r = lookup("vtloop_no_such_symbol", "JNI_CreateJavaVM", "gHotSpotVMStructs");
        assertEquals(0, r[0][0]);
        assertEquals(0, r[1][0]);
        assertEquals(0, r[0][1], "a function is not a data object");
        assertNotEquals(0, r[0][2], "found names do not depend on absent ones before them");
    }

    @Test
    void aLibraryThatIsNotLoadedIsNamed() {
        IOException e = assertThrows(IOException.class, () -> LoadedSymbols.findObjects("/libvtloop-not-loaded.so", "x"));
        assertTrue(e.getMessage().contains("/libvtloop-not-loaded.so") && e.getMessage().endsWith("ESRCH"), e.getMessage());
    }

    @Test
    void noNamesIsAnEmptyAnswer() throws IOException {
        long[][] r = LoadedSymbols.findObjects("/libjvm.so");
        assertEquals(0, r[0].length);
    }
}
