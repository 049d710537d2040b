package io.vtloop.agent;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.lang.foreign.Arena;
import java.lang.foreign.SymbolLookup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.ToLongFunction;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@link RawLibrary} against the FFM API's {@code SymbolLookup.libraryLookup}, on real shared
 * libraries: the same addresses for the same names, 0 where the FFM lookup finds nothing, and the
 * same refusal of a file that is not a library. These run under the agent, on the boot loader's
 * copy of the class (the JDK lends raw loading to trusted loaders only); without the agent the
 * class is the application loader's, and gets null. The binding's use of it: every poller call of
 * the agent's behaviour suites goes to an address it found.
 */
class RawLibraryTest {

    @SuppressWarnings("unchecked")
    private static ToLongFunction<String> open(Path file) throws Throwable {
        var open = Class.forName("io.vtloop.agent.RawLibrary", true, null).getDeclaredMethod("open", Path.class);
        open.setAccessible(true);   // the boot loader's unnamed module is open
        try {
            return (ToLongFunction<String>) open.invoke(null, file);
        } catch (java.lang.reflect.InvocationTargetException e) {
            throw e.getCause();
        }
    }

    @Test
    @DisabledIfSystemProperty(named = "vtloop.test.agent", matches = "true")
    void outsideTheBootLoaderItLeavesTheLibraryToTheFfmApi() {
        assertNull(RawLibrary.open(libraries().get(0)), "this test's own copy is in the application loader");
    }

    /** Two of the JDK's own libraries. */
    private static List<Path> libraries() {
        Path libzip = Path.of(System.getProperty("java.home"), "lib", "libzip.so");
        Path libjava = Path.of(System.getProperty("java.home"), "lib", "libjava.so");
        assertTrue(Files.isRegularFile(libzip) && Files.isRegularFile(libjava), "JDK libraries missing");
        return List.of(libzip, libjava);
    }

    @Test
    @EnabledIfSystemProperty(named = "vtloop.test.agent", matches = "true")
    void findsWhatTheFfmLookupFinds() throws Throwable {
        List<String> names = List.of("ZIP_Open", "ZIP_Close", "JNU_ThrowIOException", "JNU_NewStringPlatform",
                "Java_java_lang_Runtime_availableProcessors", "no_such_symbol_vtloop", "");
        for (Path library : libraries()) {
            ToLongFunction<String> raw = open(library);
            assertNotNull(raw, "RawNativeLibraries not usable on this JDK");
            SymbolLookup ffm = SymbolLookup.libraryLookup(library, Arena.global());
            int found = 0;
            for (String name : names) {
                long expected = ffm.find(name).map(s -> s.address()).orElse(0L);
                assertEquals(expected, raw.applyAsLong(name), library + ": " + name);
                if (expected != 0) found++;
            }
            assertTrue(found >= 2, library + ": the names exist in it");
        }
    }

    @Test
    @EnabledIfSystemProperty(named = "vtloop.test.agent", matches = "true")
    void refusesWhatTheFfmLookupRefuses() throws Exception {
        // an executable, not a shared library (a text file would do, but HotSpot warns about its
        // stack guard when asked to load anything without a non-executable-stack ELF header)
        Path notALibrary = Path.of(System.getProperty("java.home"), "bin", "java");
        Path missing = Files.createTempDirectory("vtloop-raw").resolve("missing.so");
        for (Path file : List.of(notALibrary, missing)) {
            IllegalArgumentException ffm = assertThrows(IllegalArgumentException.class,
                    () -> SymbolLookup.libraryLookup(file, Arena.global()));
            IllegalArgumentException raw = assertThrows(IllegalArgumentException.class, () -> open(file));
            assertTrue(raw.getMessage().contains(file.toString()), raw.getMessage());
            assertTrue(ffm.getMessage().startsWith("Cannot open library"), ffm.getMessage());
        }
        Files.delete(missing.getParent());
    }
}
