package io.vtloop.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the {@code curl} command-line client, which the tests require on PATH. */
final class Curl {

    private Curl() {}

    /** Fails with a clear message unless an executable {@code curl} is on PATH. */
    static void assertInstalled() {
        boolean found = false;
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            found |= !dir.isEmpty() && Files.isExecutable(Path.of(dir, "curl"));
        }
        assertTrue(found, "these tests need curl on PATH (Debian: apt-get install curl)");
    }

    /** Runs {@code curl -sS --max-time 30 args...}, asserts exit status 0 and returns stdout. */
    static String run(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("curl", "-sS", "--max-time", "30"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.PIPE).start();
        byte[] out = p.getInputStream().readAllBytes();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "curl hung: " + cmd);
        assertEquals(0, p.exitValue(), () -> "curl failed: " + cmd + "\n" + err);
        return new String(out, StandardCharsets.ISO_8859_1);
    }
}
