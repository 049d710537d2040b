package io.vtloop.samples;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A sample server running as a separate JVM, started with the java running the tests, under
 * {@code -javaagent:<jar>} when the system property {@code vtloop.agent.jar} names one.
 *
 * <p>{@link #start} waits for the {@code listening on <port>} line; stdout and stderr are collected
 * for diagnostics. Extra JVM arguments come from {@code vtloop.samples.jvmArgs} (space separated).
 */
final class SampleProcess implements AutoCloseable {

    private static final Pattern LISTENING = Pattern.compile("listening on (\\d+)");
    private static final long START_TIMEOUT_S = 30;

    private final Process process;
    private final StringBuffer output = new StringBuffer();
    private final CompletableFuture<Integer> port = new CompletableFuture<>();
    private final Thread reader;

    private SampleProcess(List<String> command) throws IOException {
        process = new ProcessBuilder(command).redirectErrorStream(true).start();
        reader = Thread.ofPlatform().daemon().name("sample-output").start(this::collect);
    }

    /**
     * Starts {@code main} with {@code args} and waits until it listens.
     *
     * @throws IllegalStateException if {@code vtloop.agent.jar} names a missing file
     * @throws AssertionError if the sample exits or stays silent instead of listening
     */
    static SampleProcess start(Class<?> main, String... args) {
        SampleProcess p = launch(main, args);
        try {
            p.port.get(START_TIMEOUT_S, TimeUnit.SECONDS);
            return p;
        } catch (InterruptedException | ExecutionException | TimeoutException e) {
            p.close();
            throw new AssertionError(main.getSimpleName() + " " + String.join(" ", args)
                    + " did not print 'listening on <port>': " + e + "\noutput:\n" + p.output(), e);
        }
    }

    /** Starts {@code main} with {@code args} without waiting for anything. */
    static SampleProcess launch(Class<?> main, String... args) {
        try {
            return new SampleProcess(command(System.getProperty("vtloop.agent.jar", ""), main, args));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + main.getName(), e);
        }
    }

    /**
     * The command line that runs {@code main}: the current java, {@code -javaagent:agentJar} unless
     * {@code agentJar} is blank, the extra JVM arguments, the classes of {@code main}, {@code args}.
     *
     * @throws IllegalStateException if {@code agentJar} is not blank and not an existing file
     */
    static List<String> command(String agentJar, Class<?> main, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command()
                .orElseThrow(() -> new IllegalStateException("cannot tell which java runs the tests")));
        if (agentJar != null && !agentJar.isBlank()) {
            Path jar = Path.of(agentJar.trim()).toAbsolutePath().normalize();
            if (!Files.isRegularFile(jar)) {
                throw new IllegalStateException("vtloop.agent.jar names " + jar
                        + ", which does not exist: build the scheduler module first,"
                        + " or skip the with-agent run with -Dvtloop.samples.agent.skip=true");
            }
            cmd.add("-javaagent:" + jar);
        }
        cmd.add("-Xmx512m"); // before the extra arguments, so they can override it
        String extra = System.getProperty("vtloop.samples.jvmArgs", "").trim();
        if (!extra.isEmpty()) {
            cmd.addAll(Arrays.asList(extra.split("\\s+")));
        }
        cmd.add("-cp");
        cmd.add(classesOf(main));
        cmd.add(main.getName());
        cmd.addAll(List.of(args));
        return cmd;
    }

    private static String classesOf(Class<?> c) {
        try {
            return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private void collect() {
        try (BufferedReader r = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                output.append(line).append('\n');
                Matcher m = LISTENING.matcher(line);
                if (!port.isDone() && m.matches()) {
                    port.complete(Integer.parseInt(m.group(1)));
                }
            }
        } catch (IOException e) {
            output.append("[reading output failed: ").append(e).append("]\n");
        }
        port.completeExceptionally(new IllegalStateException("process ended"));
    }

    /** The port the sample announced. */
    int port() {
        return port.join();
    }

    /** The arguments the sample's JVM was started with, as the OS reports them. */
    List<String> arguments() {
        return List.of(process.info().arguments().orElseThrow(
                () -> new IllegalStateException("the OS does not report process arguments")));
    }

    /** Everything the sample printed so far. */
    String output() {
        return output.toString();
    }

    /** Waits for the sample to exit by itself and returns its status. */
    int waitForExit() throws InterruptedException {
        if (!process.waitFor(START_TIMEOUT_S, TimeUnit.SECONDS)) {
            throw new AssertionError("sample did not exit; output:\n" + output());
        }
        reader.join(5_000);
        return process.exitValue();
    }

    /**
     * Fails if the sample reported a failure: an exception or a "... failed" line. JVM warnings
     * (such as those an agent may cause) are allowed.
     */
    void assertNoErrors() {
        for (String line : output().split("\n")) {
            if (line.contains("Exception") || line.contains("Error") || line.contains("failed")) {
                throw new AssertionError("sample reported an error:\n" + output());
            }
        }
    }

    /** Terminates the sample. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
