package io.vtloop;

import io.vtloop.binding.DeniedIoUringMain;
import io.vtloop.binding.IoUring;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** {@code vtloop.backend}: what each value gives, here and where the kernel refuses io_uring. */
class BackendTest {

    record Result(int exit, String out, String err) { }

    private static Result child(String backend) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElseThrow(),
                "--add-exports", "java.base/jdk.internal.access=ALL-UNNAMED",
                "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED",
                "--add-opens", "java.base/java.lang=ALL-UNNAMED", "--enable-native-access=ALL-UNNAMED"));
        if (backend != null) cmd.add("-Dvtloop.backend=" + backend);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), DeniedIoUringMain.class.getName()));
        Path out = Files.createTempFile("vtloop-out", ".txt"), err = Files.createTempFile("vtloop-err", ".txt");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "child JVM hung");
        Result r = new Result(p.exitValue(), Files.readString(out), Files.readString(err));
        Files.delete(out);
        Files.delete(err);
        return r;
    }

    @Test
    void anExplicitIoUringThatTheKernelRefusesWarnsOnceAndRunsOnEpoll() throws Exception {
        Result r = child("io_uring");
        assertEquals(0, r.exit(), r.err());
        assertEquals("backend=epoll\n", r.out());
        assertEquals("vtloop: -Dvtloop.backend=io_uring: io_uring_setup: EPERM (kernel.io_uring_disabled or a seccomp"
                + " filter); using epoll\n", r.err());
    }

    @Test
    void autoFallsBackSilently() throws Exception {
        Result r = child("auto");
        assertEquals(0, r.exit(), r.err());
        assertEquals("backend=epoll\n", r.out());
        assertEquals("", r.err());
    }

    @Test
    void eachValueGivesItsBackend() {
        assumeTrue(IoUring.isSupported(), () -> "io_uring unavailable here: " + IoUring.unsupportedReason());
        for (String[] c : new String[][] {{"epoll", "epoll"}, {"io_uring", "io_uring"}, {"auto", "epoll"}}) {
            String old = System.setProperty("vtloop.backend", c[0]);
            try (var s = Vtloop.newScheduler(1)) {
                assertEquals(c[1], s.backend(), "vtloop.backend=" + c[0]);
            } finally {
                if (old == null) System.clearProperty("vtloop.backend"); else System.setProperty("vtloop.backend", old);
            }
        }
    }

    @Test
    void aBadValueNamesThePropertyAndTheAcceptedValues() {
        System.setProperty("vtloop.backend", "kqueue");
        try {
            var e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> Vtloop.newScheduler(1));
            assertEquals("-Dvtloop.backend=kqueue: expected epoll, io_uring or auto", e.getMessage());
        } finally {
            System.clearProperty("vtloop.backend");
        }
    }
}
