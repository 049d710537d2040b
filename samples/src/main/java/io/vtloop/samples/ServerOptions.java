package io.vtloop.samples;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Command-line options of a sample server: {@code --name value} or {@code --name=value}.
 *
 * <p>Every sample accepts {@code --host} (bind address, default 127.0.0.1), {@code --port}
 * (0 picks an ephemeral port), {@code --backlog} (default 4096) and
 * {@code --threads=virtual|platform} (default virtual); each sample names the extra options it
 * accepts and reads them with {@link #string}, {@link #integer} or {@link #hostPort}. Bad input
 * throws {@link IllegalArgumentException} with a message naming the offending option.
 */
final class ServerOptions {

    private static final Set<String> COMMON = Set.of("host", "port", "backlog", "threads");

    /** The {@code --buffer} option of the relaying samples: bytes per read (and per write). */
    static final String BUFFER = "buffer";
    /** The {@code --exact} option of the echo sample: the length of every message, read whole before it is echoed. */
    static final String EXACT = "exact";
    /** The read size without {@code --buffer}. */
    static final int DEFAULT_BUFFER = 16 * 1024;
    /** The largest {@code --buffer}: one array of this size per connection (per direction for the proxy). */
    static final int MAX_BUFFER = 16 << 20;

    private final Map<String, String> values;
    final String host;
    final int port;
    final int backlog;
    final ConnectionThreads threads;

    private ServerOptions(Map<String, String> values, int defaultPort) {
        this.values = values;
        this.host = string("host", "127.0.0.1");
        this.port = integer("port", defaultPort, 0, 65535);
        this.backlog = integer("backlog", 4096, 1, 1 << 20);
        this.threads = ConnectionThreads.parse(string("threads", "virtual"));
    }

    /**
     * Parses {@code args}, accepting the common options and {@code extra}.
     *
     * @throws IllegalArgumentException on an unknown, repeated or valueless option or a bad common value
     */
    static ServerOptions parse(String[] args, int defaultPort, Set<String> extra) {
        Map<String, String> values = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--") || arg.length() == 2) {
                throw new IllegalArgumentException("unexpected argument '" + arg + "'; options look like --name value");
            }
            int eq = arg.indexOf('=');
            String name = eq < 0 ? arg.substring(2) : arg.substring(2, eq);
            if (!COMMON.contains(name) && !extra.contains(name)) {
                Set<String> all = new TreeSet<>(COMMON);
                all.addAll(extra);
                throw new IllegalArgumentException("unknown option --" + name + "; accepted: --" + String.join(" --", all));
            }
            String value;
            if (eq >= 0) {
                value = arg.substring(eq + 1);
            } else if (i + 1 < args.length) {
                value = args[++i];
            } else {
                throw new IllegalArgumentException("option --" + name + " needs a value");
            }
            if (values.put(name, value) != null) {
                throw new IllegalArgumentException("option --" + name + " given twice");
            }
        }
        return new ServerOptions(values, defaultPort);
    }

    /**
     * Runs {@code parse}; on {@link IllegalArgumentException} prints {@code program: message} to stderr
     * and exits with status 2.
     */
    static <T> T orExit(String program, Function<String[], T> parse, String[] args) {
        try {
            return parse.apply(args);
        } catch (IllegalArgumentException e) {
            System.err.println(program + ": " + e.getMessage());
            System.exit(2);
            throw e; // unreachable
        }
    }

    /** The raw value of {@code --name}, or {@code fallback} when absent. */
    String string(String name, String fallback) {
        return values.getOrDefault(name, fallback);
    }

    /**
     * The value of {@code --name} as an int in {@code [min, max]}, or {@code fallback} when absent.
     *
     * @throws IllegalArgumentException if the value is not a decimal integer in range
     */
    int integer(String name, int fallback, int min, int max) {
        String raw = values.get(name);
        if (raw == null) {
            return fallback;
        }
        int v;
        try {
            v = Integer.parseInt(raw);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("option --" + name + " must be an integer, got '" + raw + "'");
        }
        if (v < min || v > max) {
            throw new IllegalArgumentException("option --" + name + " must be in [" + min + ", " + max + "], got " + v);
        }
        return v;
    }

    /**
     * The value of {@code --buffer}: bytes each read asks for, in [1, {@link #MAX_BUFFER}], or
     * {@link #DEFAULT_BUFFER} when absent. Only samples that name {@link #BUFFER} among their
     * extra options accept it.
     *
     * @throws IllegalArgumentException if the value is not a decimal integer in range
     */
    int buffer() {
        return integer(BUFFER, DEFAULT_BUFFER, 1, MAX_BUFFER);
    }

    /**
     * The value of {@code --exact}: the message length in [1, {@link #MAX_BUFFER}], or 0 when absent.
     * Only samples that name {@link #EXACT} among their extra options accept it; it excludes
     * {@code --buffer} (an exact-length read asks for what is left of the message, not a buffer size).
     *
     * @throws IllegalArgumentException if the value is not a decimal integer in range, or {@code --buffer} is given too
     */
    int exact() {
        if (!values.containsKey(EXACT)) {
            return 0;
        }
        if (values.containsKey(BUFFER)) {
            throw new IllegalArgumentException("options --exact and --buffer exclude each other");
        }
        return integer(EXACT, 0, 1, MAX_BUFFER);
    }

    /**
     * The value of the required option {@code --name} as {@code host:port}.
     *
     * @return the host and the port, port in [1, 65535]
     * @throws IllegalArgumentException if absent or malformed
     */
    HostPort hostPort(String name) {
        String raw = values.get(name);
        if (raw == null) {
            throw new IllegalArgumentException("option --" + name + " host:port is required");
        }
        int colon = raw.lastIndexOf(':');
        if (colon <= 0 || colon == raw.length() - 1) {
            throw new IllegalArgumentException("option --" + name + " must be host:port, got '" + raw + "'");
        }
        int port;
        try {
            port = Integer.parseInt(raw.substring(colon + 1));
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("option --" + name + " needs a port in [1, 65535], got '" + raw + "'");
        }
        return new HostPort(raw.substring(0, colon), port);
    }

    /** A {@code host:port} pair. */
    record HostPort(String host, int port) {}
}
