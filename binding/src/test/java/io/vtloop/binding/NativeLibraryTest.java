package io.vtloop.binding;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Library loading; the failure path runs in a child JVM so that this JVM keeps its library. */
class NativeLibraryTest {

    @Test
    void loadsFromTheJarResourceAndLeavesNoFile(@TempDir Path dir) throws Exception {
        assertTrue(NativeLibrary.isAvailable());
        assertNull(NativeLibrary.loadError());
        String out = runChild(dir, dir.toString());
        assertEquals("available=true", out.strip());
        try (var files = Files.list(dir)) {
            assertEquals(List.of(), files.toList(), "the extracted library must be deleted");
        }
    }

    @Test
    void unusableDirectoryGivesAClearError(@TempDir Path dir) throws Exception {
        String missing = dir.resolve("missing").toString();
        String out = runChild(dir, missing);
        assertTrue(out.startsWith("available=false"), out);
        assertTrue(out.contains(missing) && out.contains("-Dvtloop.native.dir="), out);
        assertTrue(out.contains("open: IOException"), "EpollPoller.open must throw IOException: " + out);
    }

    private static String runChild(Path dir, String nativeDir) throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command().orElseThrow();
        Path log = dir.resolve("child.log");
        Process p = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED",
                "-Dvtloop.native.dir=" + nativeDir, "-cp", System.getProperty("java.class.path"),
                Child.class.getName())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "child JVM hung");
        String out = Files.readString(log, StandardCharsets.UTF_8);
        Files.delete(log);
        assertEquals(0, p.exitValue(), out);
        return out;
    }

    /** Child JVM: prints whether the library loaded and how opening a poller fails. */
    public static final class Child {
        public static void main(String[] args) {
            System.out.println("available=" + NativeLibrary.isAvailable());
            if (!NativeLibrary.isAvailable()) {
                System.out.println("error: " + NativeLibrary.loadError().getMessage());
                try (EpollPoller p = EpollPoller.open()) {
                    System.out.println("open: succeeded " + p);
                } catch (IOException e) {
                    System.out.println("open: IOException " + e.getMessage());
                }
            }
        }
    }
}
