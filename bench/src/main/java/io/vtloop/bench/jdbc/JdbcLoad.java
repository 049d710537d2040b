package io.vtloop.bench.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.vtloop.Vtloop;
import io.vtloop.VtloopScheduler;

import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A JDBC load client on virtual threads: {@code --threads} virtual threads (200) share one
 * HikariCP pool of {@code --pool} connections (20) to a PostgreSQL server, and each loops
 * <em>borrow a connection, run one short query, return the connection</em> for {@code --warmup}
 * seconds, then for a measured window of {@code --duration} seconds. It is the "sharing the
 * cores" case of issue 11 made repeatable; {@code bench/jdbc.sh} starts a throwaway server and
 * runs this on the JDK's scheduler and with the agent.
 *
 * <pre>java -cp bench/target/benchmarks.jar io.vtloop.bench.jdbc.JdbcLoad
 *     [--url jdbc:postgresql://127.0.0.1:5432/postgres] [--user postgres] [--password P]
 *     [--threads 200] [--pool 20] [--warmup 5] [--duration 10] [--query mix|select1|point] [--rows 10000]</pre>
 *
 * <p>Queries: {@code select1} is {@code SELECT 1}; {@code point} is
 * {@code SELECT v FROM vtloop_jdbc_load WHERE id = ?} with a random id (a primary-key index
 * lookup on a table of {@code --rows} rows that this program creates and fills if it is not
 * there with that many rows); {@code mix} (the default) alternates the two in every thread. Every
 * result is checked (a wrong value counts as an error).
 *
 * <p>Output: one JSON line on stdout, e.g.
 * <pre>{"scheduler":"vtloop","carrier":"vtloop-carrier-0","backend":"epoll","workers":2,"processors":2,
 *  "threads":200,"pool":20,"query":"mix","warmup_s":5.0,"duration_s":10.001,"queries":123456,"qps":12345.1,
 *  "p50_us":812.3,"p99_us":4100.0,"p999_us":9000.2,"max_us":20000.0,"errors":0,"warmup_errors":0,
 *  "first_error":null,"cpu_s":9.8,"cpu_us_per_query":79.4}</pre>
 * {@code scheduler} is {@code vtloop} when the virtual threads run on vtloop's carriers
 * ({@code carrier} is a {@code vtloop-carrier-N} thread, {@code backend} vtloop's), else
 * {@code jdk} (a {@code ForkJoinPool-N-worker-M} carrier, {@code backend} null); {@code workers}
 * is the scheduler's carrier count. A query counts when it completes inside the measured
 * window; its latency runs from asking the pool for a connection to handing it back (so pool
 * waits are in it). {@code cpu_s} is this JVM's CPU time (all threads) over the window. Exit
 * status 0 when the run finished (errors are in the JSON), 2 on bad arguments or a failed
 * set-up, 3 when virtual threads were still running 60 s after the window closed (a hang).
 */
public final class JdbcLoad {

    private JdbcLoad() {
    }

    private static final String TABLE = "vtloop_jdbc_load";
    private static final String SELECT1 = "SELECT 1";
    private static final String POINT = "SELECT v FROM " + TABLE + " WHERE id = ?";

    private static final int WARMUP = 0, MEASURE = 1, DONE = 2;
    private static volatile int phase = WARMUP;

    /** Command-line options, with their defaults. */
    static final class Options {
        String url = "jdbc:postgresql://127.0.0.1:5432/postgres";
        String user = "postgres";
        String password = null;
        int threads = 200;
        int pool = 20;
        double warmup = 5;
        double duration = 10;
        String query = "mix";
        int rows = 10_000;

        static Options parse(String[] args) {
            Options o = new Options();
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                if (a.equals("-h") || a.equals("--help")) throw new IllegalArgumentException("");
                if (i + 1 >= args.length) throw new IllegalArgumentException(a + " needs a value");
                String v = args[++i];
                switch (a) {
                    case "--url" -> o.url = v;
                    case "--user" -> o.user = v;
                    case "--password" -> o.password = v;
                    case "--threads" -> o.threads = positive(a, v);
                    case "--pool" -> o.pool = positive(a, v);
                    case "--warmup" -> o.warmup = seconds(a, v, true);
                    case "--duration" -> o.duration = seconds(a, v, false);
                    case "--query" -> {
                        if (!v.equals("mix") && !v.equals("select1") && !v.equals("point"))
                            throw new IllegalArgumentException("--query takes mix, select1 or point, not " + v);
                        o.query = v;
                    }
                    case "--rows" -> o.rows = positive(a, v);
                    default -> throw new IllegalArgumentException("unknown option " + a);
                }
            }
            return o;
        }

        private static int positive(String name, String v) {
            int n;
            try {
                n = Integer.parseInt(v);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(name + " takes a whole number, not " + v);
            }
            if (n < 1) throw new IllegalArgumentException(name + " must be at least 1, not " + v);
            return n;
        }

        private static double seconds(String name, String v, boolean zeroOk) {
            double s;
            try {
                s = Double.parseDouble(v);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(name + " takes seconds, not " + v);
            }
            if (!(s > 0 || (zeroOk && s == 0)) || s > 3600)
                throw new IllegalArgumentException(name + " must be " + (zeroOk ? "0" : "above 0") + " to 3600 seconds, not " + v);
            return s;
        }
    }

    /** A growable array of latencies in nanoseconds, one per virtual thread (no sharing while measuring). */
    static final class Samples {
        long[] nanos = new long[1024];
        int size;

        void add(long n) {
            if (size == nanos.length) nanos = Arrays.copyOf(nanos, size * 2);
            nanos[size++] = n;
        }
    }

    public static void main(String[] args) throws Exception {
        Options o;
        try {
            o = Options.parse(args);
        } catch (IllegalArgumentException e) {
            if (!e.getMessage().isEmpty()) System.err.println("JdbcLoad: " + e.getMessage());
            System.err.println("usage: JdbcLoad [--url JDBC_URL] [--user U] [--password P] [--threads 200] [--pool 20]"
                    + " [--warmup 5] [--duration 10] [--query mix|select1|point] [--rows 10000]");
            System.exit(e.getMessage().isEmpty() ? 0 : 2);
            return;
        }
        String[] sched = scheduler();
        try {
            prepareTable(o);
        } catch (SQLException e) {
            System.err.println("JdbcLoad: cannot set up " + TABLE + " at " + o.url + ": " + e);
            System.exit(2);
        }

        HikariConfig cfg = new HikariConfig();
        cfg.setJdbcUrl(o.url);
        cfg.setUsername(o.user);
        if (o.password != null) cfg.setPassword(o.password);
        cfg.setMaximumPoolSize(o.pool);
        cfg.setMinimumIdle(o.pool);
        cfg.setConnectionTimeout(30_000);
        cfg.setPoolName("jdbc-load");
        int exit = 0;
        try (HikariDataSource ds = new HikariDataSource(cfg)) {
            awaitFull(ds, o.pool);
            exit = run(o, ds, sched);
        }
        System.exit(exit);
    }

    /** {scheduler, carrier, backend, workers}: where a virtual thread of this JVM runs. */
    private static String[] scheduler() throws InterruptedException {
        String[] carrier = new String[1];
        Thread probe = Thread.ofVirtual().start(() -> {
            String me = Thread.currentThread().toString();   // VirtualThread[#n]/runnable@<carrier>
            carrier[0] = me.substring(me.indexOf('@') + 1);
        });
        if (!probe.join(Duration.ofSeconds(60))) throw new IllegalStateException("a virtual thread did not run within 60 s");
        VtloopScheduler installed = null;
        try {
            installed = Vtloop.installed();
        } catch (Throwable ignored) {
            // no vtloop classes usable here: the JDK's scheduler, judged by the carrier's name below
        }
        int processors = Runtime.getRuntime().availableProcessors();
        if (carrier[0].startsWith("vtloop-carrier-")) {
            return new String[] {"vtloop", carrier[0], installed == null ? null : installed.backend(),
                    installed == null ? "null" : Integer.toString(installed.carriers())};
        }
        String kind = carrier[0].startsWith("ForkJoinPool") ? "jdk" : "unknown";
        return new String[] {kind, carrier[0], null,
                Integer.toString(Integer.getInteger("jdk.virtualThreadScheduler.parallelism", processors))};
    }

    /** Creates and fills the table unless it is there with {@code rows} rows. */
    private static void prepareTable(Options o) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", o.user);
        if (o.password != null) p.setProperty("password", o.password);
        try (Connection c = DriverManager.getConnection(o.url, p); Statement s = c.createStatement()) {
            long have = -1;
            try (ResultSet r = s.executeQuery("SELECT count(*), coalesce(min(id), 0), coalesce(max(id), 0) FROM " + TABLE)) {
                r.next();
                if (r.getLong(2) == 1 && r.getLong(3) == o.rows) have = r.getLong(1);
            } catch (SQLException missing) {
                // not there yet
            }
            if (have == o.rows) return;
            s.execute("DROP TABLE IF EXISTS " + TABLE);
            s.execute("CREATE TABLE " + TABLE + " (id integer PRIMARY KEY, v text NOT NULL)");
            s.execute("INSERT INTO " + TABLE + " SELECT i, 'row-' || i FROM generate_series(1, " + o.rows + ") AS i");
            s.execute("ANALYZE " + TABLE);
        }
    }

    private static void awaitFull(HikariDataSource ds, int pool) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (ds.getHikariPoolMXBean().getTotalConnections() < pool) {
            if (System.nanoTime() > deadline) {
                System.err.println("JdbcLoad: the pool has " + ds.getHikariPoolMXBean().getTotalConnections()
                        + " of " + pool + " connections after 30 s; measuring anyway");
                return;
            }
            Thread.sleep(10);
        }
    }

    private static int run(Options o, HikariDataSource ds, String[] sched) throws InterruptedException {
        Samples[] samples = new Samples[o.threads];
        AtomicLong errors = new AtomicLong(), warmupErrors = new AtomicLong();
        AtomicReference<String> firstError = new AtomicReference<>();
        Thread[] threads = new Thread[o.threads];
        for (int t = 0; t < o.threads; t++) {
            Samples mine = samples[t] = new Samples();
            int start = t;
            threads[t] = Thread.ofVirtual().name("jdbc-load-" + t).unstarted(() -> {
                ThreadLocalRandom rnd = ThreadLocalRandom.current();
                for (long i = start; phase != DONE; i++) {
                    boolean point = o.query.equals("point") || (o.query.equals("mix") && (i & 1) == 1);
                    long t0 = System.nanoTime();
                    String wrong = null;
                    try {
                        wrong = point ? point(ds, 1 + rnd.nextInt(o.rows)) : select1(ds);
                    } catch (SQLException | RuntimeException e) {
                        wrong = e.toString();
                    }
                    long t1 = System.nanoTime();
                    int p = phase;
                    if (wrong != null) {
                        (p == WARMUP ? warmupErrors : errors).incrementAndGet();
                        firstError.compareAndSet(null, wrong);
                    } else if (p == MEASURE) {
                        mine.add(t1 - t0);
                    }
                }
            });
        }
        for (Thread t : threads) t.start();
        Thread.sleep(Math.round(o.warmup * 1000));

        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long cpu0 = os.getProcessCpuTime();
        long m0 = System.nanoTime();
        phase = MEASURE;
        Thread.sleep(Math.round(o.duration * 1000));
        phase = DONE;
        long m1 = System.nanoTime();
        long cpu1 = os.getProcessCpuTime();

        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        int stuck = 0;
        for (Thread t : threads) {
            long left = Math.max(1, deadline - System.nanoTime());
            if (!t.join(Duration.ofNanos(left))) stuck++;
        }
        if (stuck > 0) {
            System.err.println("JdbcLoad: " + stuck + " virtual threads still running 60 s after the window closed");
            return 3;
        }

        int n = 0;
        for (Samples s : samples) n += s.size;
        long[] all = new long[n];
        int k = 0;
        for (Samples s : samples) {
            System.arraycopy(s.nanos, 0, all, k, s.size);
            k += s.size;
        }
        Arrays.sort(all);
        double window = (m1 - m0) / 1e9;
        double cpu = cpu0 < 0 || cpu1 < 0 ? Double.NaN : (cpu1 - cpu0) / 1e9;

        StringBuilder j = new StringBuilder(400).append('{');
        field(j, "scheduler", sched[0]);
        field(j, "carrier", sched[1]);
        field(j, "backend", sched[2]);
        raw(j, "workers", sched[3]);
        raw(j, "processors", Integer.toString(Runtime.getRuntime().availableProcessors()));
        raw(j, "threads", Integer.toString(o.threads));
        raw(j, "pool", Integer.toString(o.pool));
        field(j, "query", o.query);
        raw(j, "warmup_s", num(o.warmup));
        raw(j, "duration_s", num(window));
        raw(j, "queries", Integer.toString(n));
        raw(j, "qps", num(n / window));
        raw(j, "p50_us", num(percentile(all, 0.50) / 1e3));
        raw(j, "p99_us", num(percentile(all, 0.99) / 1e3));
        raw(j, "p999_us", num(percentile(all, 0.999) / 1e3));
        raw(j, "max_us", num(n == 0 ? Double.NaN : all[n - 1] / 1e3));
        raw(j, "errors", Long.toString(errors.get()));
        raw(j, "warmup_errors", Long.toString(warmupErrors.get()));
        field(j, "first_error", firstError.get());
        raw(j, "cpu_s", num(cpu));
        raw(j, "cpu_us_per_query", num(n == 0 ? Double.NaN : cpu * 1e6 / n));
        j.setLength(j.length() - 1);
        System.out.println(j.append('}'));
        return 0;
    }

    /** {@code SELECT 1}; null when the answer is 1, else what was wrong. */
    private static String select1(HikariDataSource ds) throws SQLException {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(SELECT1);
             ResultSet r = ps.executeQuery()) {
            if (!r.next()) return "SELECT 1 returned no row";
            int v = r.getInt(1);
            return v == 1 ? null : "SELECT 1 returned " + v;
        }
    }

    /** The indexed lookup of row {@code id}; null when its value is {@code row-<id>}, else what was wrong. */
    private static String point(HikariDataSource ds, int id) throws SQLException {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(POINT)) {
            ps.setInt(1, id);
            try (ResultSet r = ps.executeQuery()) {
                if (!r.next()) return "no row " + id;
                String v = r.getString(1);
                return v.equals("row-" + id) ? null : "row " + id + " has v=" + v;
            }
        }
    }

    /** The nearest-rank percentile of sorted {@code a}, NaN when empty. */
    private static double percentile(long[] a, double q) {
        if (a.length == 0) return Double.NaN;
        int i = (int) Math.ceil(q * a.length) - 1;
        return a[Math.max(0, Math.min(a.length - 1, i))];
    }

    private static String num(double d) {
        return Double.isFinite(d) ? String.format(Locale.ROOT, "%.3f", d) : "null";
    }

    private static void raw(StringBuilder j, String k, String v) {
        j.append('"').append(k).append("\":").append(v).append(',');
    }

    private static void field(StringBuilder j, String k, String v) {
        j.append('"').append(k).append("\":");
        if (v == null) {
            j.append("null,");
            return;
        }
        j.append('"');
        for (char ch : v.toCharArray()) {
            switch (ch) {
                case '"' -> j.append("\\\"");
                case '\\' -> j.append("\\\\");
                case '\n' -> j.append("\\n");
                case '\r' -> j.append("\\r");
                case '\t' -> j.append("\\t");
                default -> {
                    if (ch < 0x20) j.append(String.format(Locale.ROOT, "\\u%04x", (int) ch));
                    else j.append(ch);
                }
            }
        }
        j.append("\",");
    }
}
