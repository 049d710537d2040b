#!/usr/bin/python3
"""Side-by-side server benchmark: vtloop vs the JDK default and peers, on loopback.

Every contestant serves the same workloads to the same client (bench/harness/loadgen.c, or wrk
for HTTP keep-alive), server pinned to core 0 and client to core 1 (the 2-worker variants put
the server on cores 0,1). Every echo server reads the same number of bytes at a time
(--buffer, default 64 KiB). Before any timing, a self-test checks that every contestant answers
every selected workload correctly (byte-exact echo, HTTP 200 with the expected body); a
contestant that fails it is skipped with the reason. Repetitions are interleaved (A B C A B C
...); each cell reports the median and the min-max spread. Per run: req/s, latency, server
CPU-us per request (/proc/<pid>/stat utime+stime over the measured window) with its ratio to
the JDK default and to the C epoll server (the practical limit), context switches per request
(sum over /proc/<pid>/task/*/status), and the client's CPU (a run whose client is above 90% CPU
is marked client-bound). Output: results.json, results.md, summary.md (vtloop against the JDK
default and the limit), readme.md (the README's performance table), chart.png under --out.

    bench/harness/run.py --quick                 # ~3 min: jdk-vthreads, vtloop (epoll and io_uring), netty-io_uring, c-epoll
    bench/harness/run.py --full                  # everything, -> bench/results/<date>-full (~50 min)
    bench/harness/run.py --selftest              # only the correctness checks (~2 min)
    bench/harness/run.py --contestants c-epoll,libuv --workloads echo-1k-c100,http --reps 3

Uses only the standard library (matplotlib, when installed, for the chart).
"""
import argparse
import glob
import json
import os
import re
import selectors
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time

HARNESS = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HARNESS))
BUILD = os.path.join(HARNESS, "build")
CLK_TCK = os.sysconf("SC_CLK_TCK")
REFERENCE = "jdk-vthreads"   # the JDK default: req/s and CPU ratios are against it
LIMIT = "c-epoll"            # the practical limit: CPU per request is also given against it
CLIENT_BOUND_PCT = 90.0
DEFAULT_BUFFER = 65536       # bytes per read of every echo server (the C peers' own size)
MAX_BUFFER = 16 << 20
BURN = os.path.join(BUILD, "burn")


def log(msg):
    print(msg, file=sys.stderr, flush=True)


# ---------------------------------------------------------------- environment

def find_java():
    """JDK 25+, from the project's one finder (scripts/find-jdk.sh: $JAVA_HOME, else /usr/lib/jvm)."""
    r = subprocess.run([os.path.join(ROOT, "scripts", "find-jdk.sh")], capture_output=True, text=True)
    if r.returncode != 0:
        return None
    java = os.path.join(r.stdout.strip(), "bin", "java")
    return java if os.access(java, os.X_OK) else None


def dpkg_installed(pkg):
    r = subprocess.run(["dpkg-query", "-W", "-f=${Status}", pkg], capture_output=True, text=True)
    return r.returncode == 0 and "install ok installed" in r.stdout


def ensure_packages(packages, allow_install):
    """Installs missing Debian packages (apt-get update once if needed); returns the missing ones."""
    missing = [p for p in packages if not dpkg_installed(p)]
    if not missing or not allow_install:
        return missing
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        log("harness: cannot install %s (needs root and apt-get)" % " ".join(missing))
        return missing
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    for attempt in ("install", "update+install"):
        if attempt == "update+install":
            log("harness: apt-get update")
            subprocess.run(["apt-get", "update", "-q"], env=env, stdout=subprocess.DEVNULL)
        for p in list(missing):
            log("harness: apt-get install -y %s" % p)
            r = subprocess.run(["apt-get", "install", "-y", "-q", "--no-install-recommends", p], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
            if r.returncode == 0:
                missing.remove(p)
        if not missing:
            break
    for p in missing:
        log("harness: could not install %s" % p)
    return missing


def needed_packages(args):
    """The Debian packages this selection uses (the chart's matplotlib always)."""
    pkgs = []
    if any(w.startswith("http") for w in args.workload_list):
        pkgs.append("wrk")
    if "libuv" in args.contestant_list:
        pkgs.append("libuv1-dev")
    if "uvloop" in args.contestant_list:
        pkgs.append("python3-uvloop")
    if not args.selftest:
        pkgs.append("python3-matplotlib")
    return pkgs


def build_c():
    r = subprocess.run(["make", "-s", "-C", HARNESS], capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit("harness: make -C %s failed:\n%s%s" % (HARNESS, r.stdout, r.stderr))


# ---------------------------------------------------------------- contestants

# Every contestant, in report order.
CONTESTANT_NAMES = ("jdk-vthreads", "jdk-platform", "vtloop", "vtloop-io_uring", "netty-epoll", "netty-io_uring",
                    "libuv", "uvloop", "c-epoll")


class Contestant:
    """command(mode, workers, buffer, exact) -> argv; mode is "echo" or "http"; exact > 0 (echo only): the
    server reads messages of exactly that many bytes (only where exact_reads). backend: for the vtloop
    contestants, the vtloop backend the server must report using (see check_started)."""

    def __init__(self, name, command, missing, exact_reads=False, backend=None):
        self.name = name
        self.command = command
        self.missing = missing        # None when runnable, else why not
        self.exact_reads = exact_reads
        self.backend = backend

    def runs(self, w):
        """None when this contestant serves workload w, else why not (the row shows it)."""
        return None if not w.exact or self.exact_reads else "no exact-length read mode"

    def check_started(self, lines):
        """The server's stderr lines up to 'listening on': raises RuntimeError when a vtloop contestant is not
        running vtloop, or not on its backend; returns a note for the report (or None)."""
        if not self.backend:
            return None
        said = [l.strip() for l in lines if l.startswith("vtloop:")]
        refused = [l for l in said if l.startswith("vtloop: not installed")]
        if refused:
            raise RuntimeError("vtloop did not install: %s" % refused[0])
        installed = [l for l in said if l.startswith("vtloop: installed")]
        if not installed:  # -Dvtloop.verbose=true prints it: without it we may be measuring the JDK
            raise RuntimeError("no 'vtloop: installed' line on stderr (-Dvtloop.verbose=true): is the agent there?")
        # a fall-back warning: any other vtloop: line about io_uring, or the installed line saying so
        fallback = [l for l in said if "io_uring" in l and "vtloop.backend" not in l and (
            l != installed[0] or re.search(r"fall(s|ing)?[ -]?back|unavailable|refused|disabled|not supported", l))]
        if self.backend == "io_uring" and fallback:
            raise RuntimeError("vtloop fell back from io_uring: %s" % fallback[0])
        named = re.search(r"backend[ =:]+(io_uring|epoll)\b", installed[0]) or \
            re.search(r"\b(io_uring|epoll)\b", installed[0])
        if named:
            if named.group(1) != self.backend:
                raise RuntimeError("vtloop runs backend %s, not %s: %s" % (named.group(1), self.backend, installed[0]))
            return None
        if any("vtloop.backend" in l and "unknown" in l for l in said):
            return "agent without -Dvtloop.backend (it warned it is unknown): ran epoll"
        raise RuntimeError("vtloop did not name its backend (expected %s): %s" % (self.backend, installed[0]))


def io_uring_refused():
    """None when this process may create an io_uring, else why not (kernel.io_uring_disabled, seccomp, old kernel)."""
    try:
        with open("/proc/sys/kernel/io_uring_disabled") as f:
            if f.read().strip() == "2":
                return "io_uring is disabled (kernel.io_uring_disabled=2)"
    except OSError:
        pass
    import ctypes
    libc = ctypes.CDLL(None, use_errno=True)
    params = ctypes.create_string_buffer(120)   # struct io_uring_params, zeroed
    fd = libc.syscall(425, 1, params)           # io_uring_setup(1 entry) on x86_64
    if fd < 0:
        return "io_uring_setup failed: %s" % os.strerror(ctypes.get_errno())
    os.close(fd)
    return None


def contestants(args, java, missing_pkgs):
    """Every contestant (CONTESTANT_NAMES), with why it cannot run here where it cannot."""
    samples = args.samples_jar
    agent = args.agent_jar
    benchmarks = os.path.join(ROOT, "bench", "target", "benchmarks.jar")
    jvm = [java, "--enable-native-access=ALL-UNNAMED"] if java else []
    no_java = None if java else "no JDK 25 found ($JAVA_HOME or /usr/lib/jvm/*25*)"

    def need_file(path, how):
        return None if os.path.isfile(path) else "%s is missing (%s)" % (os.path.relpath(path, ROOT), how)

    mvn = "build it with: mvn -B -q package -DskipTests"
    sample_main = {"echo": "io.vtloop.samples.EchoServer", "http": "io.vtloop.samples.HttpServer"}

    def sample(extra_jvm, extra_args):
        # the echo sample's read size is --buffer, or --exact N (messages of N bytes read whole); the HTTP
        # sample keeps its 16 KiB request buffer
        def argv(mode, w, b, exact=0):
            echo = (["--exact", str(exact)] if exact else ["--buffer", str(b)]) if mode == "echo" else []
            return jvm + extra_jvm(w) + ["-cp", samples, sample_main[mode], "--port", "0"] + echo + extra_args
        return argv

    def peer(argv):  # the peers take echo|http PORT WORKERS BUFFER (BUFFER: echo's read size)
        def command(mode, w, b, exact=0):
            assert not exact, "the peers have no exact-length read mode"
            return argv + [mode, "0", str(w), str(b)]
        return command

    def vtloop(backend):  # verbose: the agent names itself (and its backend) on stderr, checked at start
        return sample(lambda w: ["-javaagent:" + agent, "-Dvtloop.carriers=%d" % w, "-Dvtloop.backend=" + backend,
                                 "-Dvtloop.verbose=true"], [])

    no_uring = io_uring_refused()
    netty = jvm + ["--sun-misc-unsafe-memory-access=allow", "-cp", benchmarks]

    return [
        Contestant("jdk-vthreads",
                   sample(lambda w: ["-Djdk.virtualThreadScheduler.parallelism=%d" % w], []),
                   no_java or need_file(samples, mvn), exact_reads=True),
        Contestant("jdk-platform", sample(lambda w: [], ["--threads=platform"]),
                   no_java or need_file(samples, mvn), exact_reads=True),
        Contestant("vtloop", vtloop("epoll"),
                   no_java or need_file(samples, mvn) or need_file(agent, mvn), exact_reads=True, backend="epoll"),
        Contestant("vtloop-io_uring", vtloop("io_uring"),
                   no_java or no_uring or need_file(samples, mvn) or need_file(agent, mvn), exact_reads=True,
                   backend="io_uring"),
        Contestant("netty-epoll", peer(netty + ["io.vtloop.bench.peers.NettyServer"]),
                   no_java or need_file(benchmarks, mvn)),
        Contestant("netty-io_uring", peer(netty + ["io.vtloop.bench.peers.NettyIoUringServer"]),
                   no_java or no_uring or need_file(benchmarks, mvn)),
        Contestant("libuv", peer([os.path.join(BUILD, "uv_server")]),
                   "Debian package libuv1-dev is not installed" if "libuv1-dev" in missing_pkgs
                   else need_file(os.path.join(BUILD, "uv_server"), "make -C bench/harness")),
        Contestant("uvloop", peer(["/usr/bin/python3", os.path.join(HARNESS, "peers", "uvloop_server.py")]),
                   "Debian package python3-uvloop is not installed" if "python3-uvloop" in missing_pkgs else None),
        Contestant("c-epoll", peer([os.path.join(BUILD, "epoll_server")]),
                   need_file(os.path.join(BUILD, "epoll_server"), "make -C bench/harness")),
    ]


# ---------------------------------------------------------------- workloads

class Workload:
    """One measured load: client (loadgen|wrk), server mode, connections, size, rate, workers.

    rate_base: for open-loop runs, the closed-loop workload whose reference median the rate is a
    percentage of. neighbour: a CPU-burning process shares the server's cores during the run. exact: the
    echo server reads each message of exactly `size` bytes whole, then writes it (EchoServer --exact), where
    the contestant has such a mode. limit_base: the workload whose LIMIT (c-epoll) median the CPU/req is
    compared with, when the limit cannot run this one (the same bytes on the wire, its own read loop)."""

    def __init__(self, name, client, server, conns, size=0, mode="closed", rate_pct=0, workers=1,
                 rate_base=None, neighbour=False, exact=False, limit_base=None):
        self.name, self.client, self.server = name, client, server
        self.conns, self.size, self.mode, self.rate_pct, self.workers = conns, size, mode, rate_pct, workers
        self.rate_base, self.neighbour = rate_base, neighbour
        self.exact, self.limit_base = exact, limit_base

    @property
    def session(self):  # workloads with the same key share one server
        return (self.server, self.workers, self.size if self.exact else 0)

    @property
    def phase(self):  # rate runs need the reference's max first; churn last (TIME_WAIT)
        return 2 if self.mode in ("rate", "churn") else 1

    @property
    def server_cpus(self):
        return "0,1" if self.workers > 1 else "0"


def all_workloads():
    w = []
    for size, sname in ((1024, "1k"), (10240, "10k"), (102400, "100k")):
        for conns in (10, 100, 1000):
            w.append(Workload("echo-%s-c%d" % (sname, conns), "loadgen", "echo", conns, size))
    w.append(Workload("echo-1k-c100-exact", "loadgen", "echo", 100, 1024, exact=True, limit_base="echo-1k-c100"))
    w.append(Workload("http", "wrk", "http", 100))
    w.append(Workload("echo-1k-c100-w2", "loadgen", "echo", 100, 1024, workers=2))
    w.append(Workload("echo-1k-c1000-w2", "loadgen", "echo", 1000, 1024, workers=2))
    w.append(Workload("http-w2", "wrk", "http", 100, workers=2))
    w.append(Workload("neighbour-echo-1k-c100", "loadgen", "echo", 100, 1024, neighbour=True))
    for base, suffix in (("echo-1k-c100", ""), ("echo-1k-c100-w2", "-w2")):
        workers = 2 if suffix else 1
        for pct in (25, 50, 75):
            w.append(Workload("rate%d-echo-1k-c100%s" % (pct, suffix), "loadgen", "echo", 100, 1024, "rate", pct,
                              workers=workers, rate_base=base))
    w.append(Workload("churn-echo-64", "loadgen", "echo", 20, 64, "churn"))
    return w


# ---------------------------------------------------------------- server process

def process_tree(pid):
    pids, todo = [], [pid]
    while todo:
        p = todo.pop()
        pids.append(p)
        for children in glob.glob("/proc/%d/task/*/children" % p):
            try:
                with open(children) as f:
                    todo += [int(c) for c in f.read().split()]
            except OSError:
                pass
    return pids


def sample_server(pid):
    """(cpu ticks, {tid: context switches}) over the process tree and all its threads."""
    ticks = 0
    switches = {}
    for p in process_tree(pid):
        try:
            with open("/proc/%d/stat" % p) as f:
                fields = f.read().rsplit(")", 1)[1].split()
            ticks += int(fields[11]) + int(fields[12])  # utime, stime
        except OSError:
            continue
        for status in glob.glob("/proc/%d/task/*/status" % p):
            tid = int(status.split("/")[4])
            try:
                with open(status) as f:
                    for line in f:
                        if line.startswith(("voluntary_ctxt_switches", "nonvoluntary_ctxt_switches")):
                            switches[tid] = switches.get(tid, 0) + int(line.split()[1])
            except OSError:
                pass
    return ticks, switches


class Server:
    """One contestant's server process: stdout and stderr go to logs/<name>.log (under --out); started when it
    prints 'listening on <port>' and its stderr so far passes contestant.check_started (note: what it said)."""

    def __init__(self, contestant, mode, workers, cpus, logdir, buffer, exact=0):
        self.name = "%s-%s%s-w%d" % (contestant.name, mode, "-exact%d" % exact if exact else "", workers)
        argv = ["taskset", "-c", cpus] + contestant.command(mode, workers, buffer, exact)
        self.logpath = os.path.join(logdir, self.name + ".log")
        self.logfile = open(self.logpath, "a")
        self.logfile.write("$ %s\n" % " ".join(argv))
        self.logfile.flush()
        self.started_at = self.logfile.tell()
        self.proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=self.logfile, cwd=ROOT,
                                     start_new_session=True, text=True)
        self.port = self._await_listening(60)
        threading.Thread(target=self._drain, daemon=True).start()
        try:
            self.note = contestant.check_started(self._stderr_so_far())
        except RuntimeError as e:
            self.stop()
            raise RuntimeError("%s: %s (see %s)" % (self.name, e, self.logpath))

    def _stderr_so_far(self):
        # stderr is the log file itself (unbuffered System.err: the agent's lines precede 'listening on')
        with open(self.logpath, errors="replace") as f:
            f.seek(self.started_at)
            return f.read().splitlines()

    def _await_listening(self, timeout):
        sel = selectors.DefaultSelector()
        sel.register(self.proc.stdout, selectors.EVENT_READ)
        deadline = time.time() + timeout
        while time.time() < deadline:
            if not sel.select(max(0.0, deadline - time.time())):
                break
            line = self.proc.stdout.readline()
            if not line:
                break
            self.logfile.write(line)
            m = re.match(r"listening on (\d+)", line.strip())
            if m:
                return int(m.group(1))
        self.stop()
        raise RuntimeError("%s did not print 'listening on <port>' (see %s)" % (self.name, self.logpath))

    def _drain(self):
        for line in self.proc.stdout:
            self.logfile.write(line)

    def sample(self):
        return sample_server(self.proc.pid)

    def stop(self):
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)  # the group we started (uvloop forks workers)
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
            except ProcessLookupError:
                pass
        self.logfile.close()


class Neighbour:
    """The busy neighbour: build/burn spinning on the server's cores, for at most `limit` seconds."""

    def __init__(self, cpus, limit):
        self.proc = subprocess.Popen(["taskset", "-c", cpus, BURN, "%.0f" % limit], start_new_session=True)

    def ticks(self):
        try:
            with open("/proc/%d/stat" % self.proc.pid) as f:
                fields = f.read().rsplit(")", 1)[1].split()
            return int(fields[11]) + int(fields[12])
        except OSError:
            return 0

    def stop(self):
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()


# ---------------------------------------------------------------- clients

def loadgen_argv(w, port, duration, warmup, rate, cpus="1", verify=False):
    argv = ["taskset", "-c", cpus, os.path.join(BUILD, "loadgen"), "--port", str(port),
            "--mode", w.mode, "--proto", "http" if w.server == "http" else "echo", "--conns", str(w.conns),
            "--duration", str(duration), "--warmup", str(warmup)]
    if w.server == "echo":
        argv += ["--size", str(w.size)]
    if w.mode == "rate":
        argv += ["--rate", "%.0f" % rate]
    if verify:
        argv += ["--verify", "1"]
    return argv


def run_loadgen(w, server, args, rate, probe):
    p = subprocess.Popen(loadgen_argv(w, server.port, args.duration, args.warmup, rate),
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    before = after = None
    errors = []
    for line in p.stderr:  # the load generator marks its measured window on stderr
        if line.startswith("MEASURE_START"):
            before = probe()
        elif line.startswith("MEASURE_END"):
            after = probe()
        else:
            errors.append(line.rstrip())
    out = p.stdout.read()
    if p.wait() != 0 or before is None or after is None:
        raise RuntimeError("loadgen failed: %s" % " ".join(errors))
    r = json.loads(out)
    return {
        "rps": r["rps"], "requests": r["requests"], "wall_s": r["duration_s"],
        "p50_us": r["latency_us"]["p50"], "p99_us": r["latency_us"]["p99"], "p999_us": r["latency_us"]["p999"],
        "client_cpu_pct": r["cpu"]["pct"], "errors": sum(r["errors"].values()),
        "server_before": before, "server_after": after, "client": r,
    }


def wrk_once(w, server, duration):
    url = "http://127.0.0.1:%d/plaintext" % server.port
    argv = ["taskset", "-c", "1", "wrk", "-t1", "-c%d" % w.conns, "-d%ds" % max(1, round(duration)),
            "--latency", url]
    p = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    out = p.stdout.read()
    _, status, ru = os.wait4(p.pid, 0)
    p.returncode = os.waitstatus_to_exitcode(status)
    if p.returncode != 0:
        raise RuntimeError("wrk failed: %s" % out)
    return out, ru.ru_utime + ru.ru_stime


def wrk_latency_us(out, pct):
    m = re.search(r"^\s*%s%%\s+([\d.]+)(us|ms|s)\s*$" % pct, out, re.M)
    if not m:
        return None
    return float(m.group(1)) * {"us": 1, "ms": 1e3, "s": 1e6}[m.group(2)]


def run_wrk(w, server, args, probe):
    wrk_once(w, server, args.warmup)
    before = probe()
    t0 = time.time()
    out, cpu = wrk_once(w, server, args.duration)
    wall = time.time() - t0
    after = probe()
    m = re.search(r"(\d+) requests in ([\d.]+)(\w+)", out)
    requests = int(m.group(1))
    secs = float(m.group(2)) * {"s": 1, "ms": 1e-3, "m": 60}.get(m.group(3), 1)
    errs = sum(int(x) for x in re.findall(r"(?:connect|read|write|timeout) (\d+)", out))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "rps": requests / secs, "requests": requests, "wall_s": secs,
        "p50_us": wrk_latency_us(out, 50), "p99_us": wrk_latency_us(out, 99), "p999_us": None,
        "client_cpu_pct": 100.0 * cpu / wall, "errors": errs + (int(non2xx.group(1)) if non2xx else 0),
        "server_before": before, "server_after": after, "client": {"wrk": out},
    }


def measure(w, server, args, rate):
    neighbour = Neighbour(w.server_cpus, args.warmup + args.duration + 30) if w.neighbour else None

    def probe():  # the server's (ticks, switches) and the neighbour's ticks
        return server.sample() + ((neighbour.ticks() if neighbour else 0),)

    try:
        if w.client == "wrk" and args.have_wrk:
            r = run_wrk(w, server, args, probe)
        else:
            r = run_loadgen(w, server, args, rate, probe)
    finally:
        if neighbour:
            neighbour.stop()
    (t0, s0, b0), (t1, s1, b1) = r.pop("server_before"), r.pop("server_after")
    n = max(1, r["requests"])
    r["server_cpu_us_per_req"] = (t1 - t0) * 1e6 / CLK_TCK / n
    r["server_cpu_pct"] = 100.0 * (t1 - t0) / CLK_TCK / max(1e-9, r["wall_s"])
    r["neighbour_cpu_pct"] = 100.0 * (b1 - b0) / CLK_TCK / max(1e-9, r["wall_s"]) if neighbour else None
    # threads alive at the end: their switches since the start (or since birth); threads that
    # exited inside the window are missed (an undercount, never negative)
    r["ctxsw_per_req"] = sum(v - s0.get(tid, 0) for tid, v in s1.items()) / n
    r["client_bound"] = r["client_cpu_pct"] > CLIENT_BOUND_PCT
    return r


# ---------------------------------------------------------------- orchestration

def sessions_of(workloads):
    """{(mode, workers, exact): [workloads]}: one server per mode, worker count and exact-read length."""
    sessions = {}
    for w in workloads:
        sessions.setdefault(w.session, []).append(w)
    return sessions


def run_phase(workloads, runnable, args, results, logdir, rates):
    """reps x contestants x server sessions (one server per mode, worker count and exact-read length)."""
    sessions = sessions_of(workloads)
    for rep in range(args.reps):
        for c in runnable:
            for (mode, workers, exact), all_ws in sessions.items():
                ws = [w for w in all_ws if c.runs(w) is None]
                if not ws:
                    continue
                try:
                    server = Server(c, mode, workers, ws[0].server_cpus, logdir, args.buffer, exact)
                except RuntimeError as e:
                    log("harness: %s" % e)
                    continue
                try:
                    for w in ws:
                        if server.proc.poll() is not None:
                            log("harness: %s exited with code %s (see %s); starting it again" % (
                                server.name, server.proc.returncode, server.logpath))
                            server.stop()
                            server = Server(c, mode, workers, ws[0].server_cpus, logdir, args.buffer, exact)
                        rate = rates.get(w.name, 0)
                        try:
                            r = measure(w, server, args, rate)
                        except (RuntimeError, ValueError, AttributeError) as e:
                            log("harness: %s %s rep %d failed: %s" % (c.name, w.name, rep + 1, e))
                            continue
                        r.update(workload=w.name, contestant=c.name, rep=rep + 1, target_rate=rate)
                        if server.note:
                            r["note"] = server.note
                        results.append(r)
                        log("  rep %d %-15s %-26s %10.0f req/s  srv %6.1f us/req  client %3.0f%%%s" % (
                            rep + 1, c.name, w.name, r["rps"], r["server_cpu_us_per_req"], r["client_cpu_pct"],
                            "  CLIENT-BOUND" if r["client_bound"] else ""))
                finally:
                    server.stop()


# ---------------------------------------------------------------- self-test

SELFTEST_RATE = 2000.0  # req/s for the open-loop checks: correctness, not load


def selftest(runnable, workloads, args, logdir):
    """Before any timing: every contestant, every selected workload's shape, loadgen --verify 1
    (byte-exact echo; HTTP status 200 and the plaintext body), about 0.5 s each; the neighbour
    workloads are checked without the neighbour. Returns {contestant: why it failed}."""
    sessions = sessions_of(workloads)
    failed = {}
    lines = []
    noted = {}
    for c in runnable:
        for (mode, workers, exact), all_ws in sessions.items():
            if c.name in failed:
                break
            for w in all_ws:
                if c.runs(w) is not None:
                    line = "skip %-15s %-26s %s" % (c.name, w.name, c.runs(w))
                    log("  selftest " + line)
                    lines.append(line)
            ws = [w for w in all_ws if c.runs(w) is None]
            if not ws:
                continue
            try:
                server = Server(c, mode, workers, ws[0].server_cpus, logdir, args.buffer, exact)
            except RuntimeError as e:
                failed[c.name] = "self-test: %s" % e
                line = "FAIL %-15s %-26s %s" % (c.name, ws[0].name, e)
                log("  selftest " + line)
                lines.append(line)
                break
            if server.note and server.note not in noted.setdefault(c.name, set()):
                noted[c.name].add(server.note)
                line = "note %-15s %s" % (c.name, server.note)
                log("  selftest " + line)
                lines.append(line)
            try:
                for w in ws:
                    # a cold JVM may answer nothing in half a second: only a second, longer try says "no answer"
                    for duration in (0.5, 3.0):
                        argv = loadgen_argv(w, server.port, duration, 0, SELFTEST_RATE,
                                            cpus="0-%d" % (os.cpu_count() - 1), verify=True)
                        p = subprocess.run(argv, capture_output=True, text=True, timeout=30)
                        why = None
                        try:
                            r = json.loads(p.stdout)
                            bad = {k: v for k, v in r["errors"].items() if v}
                            if p.returncode != 0:
                                why = "loadgen exited %d: %s" % (p.returncode, p.stderr.strip()[-300:])
                            elif bad:
                                why = "errors %s" % bad
                            elif r["requests"] == 0:
                                why = "no request completed in %gs" % duration
                                continue
                        except (ValueError, KeyError):
                            why = "loadgen exited %d: %s" % (p.returncode, p.stderr.strip()[-300:])
                        break
                    if why is None and server.proc.poll() is not None:
                        why = "the server exited with code %s (see %s)" % (server.proc.returncode, server.logpath)
                    line = "%s %-15s %-26s %s" % ("ok  " if why is None else "FAIL", c.name, w.name,
                                                 "%d requests verified" % r["requests"] if why is None else why)
                    log("  selftest " + line)
                    lines.append(line)
                    if why is not None:
                        failed[c.name] = "self-test %s: %s" % (w.name, why)
                        break
            finally:
                server.stop()
    with open(os.path.join(os.path.dirname(logdir), "selftest.txt"), "a") as f:
        f.write("\n".join(lines) + "\n")
    return failed


def summarize(results, order, workloads):
    rows = []
    for w in workloads:
        wrows = []
        for name in order:
            runs = [r for r in results if r["workload"] == w.name and r["contestant"] == name]
            if not runs:
                continue

            def med(key):
                vals = [r[key] for r in runs if r.get(key) is not None]
                return statistics.median(vals) if vals else None

            rps = [r["rps"] for r in runs]
            wrows.append({
                "workload": w.name, "contestant": name, "reps": len(runs),
                "rps_median": statistics.median(rps), "rps_min": min(rps), "rps_max": max(rps),
                "p50_us": med("p50_us"), "p99_us": med("p99_us"), "p999_us": med("p999_us"),
                "server_cpu_us_per_req": med("server_cpu_us_per_req"), "ctxsw_per_req": med("ctxsw_per_req"),
                "server_cpu_pct": med("server_cpu_pct"), "neighbour_cpu_pct": med("neighbour_cpu_pct"),
                "client_cpu_pct": med("client_cpu_pct"),
                "client_bound_runs": sum(1 for r in runs if r["client_bound"]),
                "errors": sum(r["errors"] for r in runs), "target_rate": runs[0]["target_rate"],
                "note": next((r["note"] for r in runs if r.get("note")), None),
            })
        ref = next((r for r in wrows if r["contestant"] == REFERENCE), None)
        lim = next((r for r in wrows if r["contestant"] == LIMIT), None)
        if lim is None and w.limit_base:  # the limit has no such mode: its median on the same traffic
            lim = next((r for r in rows if r["workload"] == w.limit_base and r["contestant"] == LIMIT), None)
        for row in wrows:
            row["ratio"] = ratio(row["rps_median"], ref and ref["rps_median"])
            row["cpu_ratio"] = ratio(row["server_cpu_us_per_req"], ref and ref["server_cpu_us_per_req"])
            row["cpu_ratio_limit"] = ratio(row["server_cpu_us_per_req"], lim and lim["server_cpu_us_per_req"])
        rows += wrows
    return rows


def ratio(a, b):
    return a / b if a is not None and b else None


def fmt(v, digits=0):
    if v is None:
        return "-"
    return ("{:,.%df}" % digits).format(v)


def describe(meta):
    """The lines above every table: method, read size, commit, rates, skips."""
    head = ["Reps: %d interleaved, %gs measured after %gs warm-up; server on core 0 (the -w2 workloads: "
            "cores 0,1 and 2 workers), client on core 1; medians, spread min-max over reps." % (
                meta["reps"], meta["duration_s"], meta["warmup_s"]),
            ("Read size: every echo server reads %s bytes at a time (`--buffer %d`: the samples' `--buffer`, "
             "the C and uvloop peers' read buffer, Netty's fixed receive allocator); the HTTP servers keep their own "
             "request buffers." % (fmt(meta["buffer"]), meta["buffer"])) if "buffer" in meta else
            "Read size: not equal (a run from before --buffer: the Java echo sample read 16 KiB at a time, the C "
            "peers 64 KiB, Netty adapted its buffers).",
            "CPU ratios: server CPU us per request over %s's (the JDK default) and over %s's (the practical "
            "limit: 1.00 = as cheap as the hand-written C epoll server)." % (REFERENCE, LIMIT)]
    if meta.get("commit"):
        head.append("Commit: %s." % meta["commit"])
    if meta.get("skipped"):
        head.append("Skipped: " + "; ".join("%s (%s)" % kv for kv in meta["skipped"].items()) + ".")
    bases = meta.get("rate_bases")
    if bases is None and meta.get("rate_reference"):  # results.json from before rate_bases
        bases = {"echo-1k-c100": {"reference": meta["rate_reference"], "pcts": meta.get("rate_pcts", []),
                                  "rps": meta.get("rate_reference_rps")}}
    for base, info in sorted((bases or {}).items()):
        head.append("Open-loop rates: %s of %s's median req/s on %s (%s req/s)." % (
            ", ".join("%d%%" % p for p in info["pcts"]), info["reference"], base, fmt(info.get("rps"))))
    exact = [w for w in all_workloads() if w.exact and w.name in meta.get("workloads", [])]
    for w in exact:
        head.append("%s: the echo servers read each %s-byte message whole, then write it (`EchoServer --exact %d`); "
                    "contestants without such a mode are not run; CPU/req x %s is over %s's median on %s (the "
                    "same traffic, its own read loop)." % (w.name, fmt(w.size), w.size, LIMIT, LIMIT, w.limit_base))
    if any(w.startswith("neighbour-") for w in meta.get("workloads", [])):
        head.append("neighbour-*: a CPU-burning process (`build/burn`) runs on the server's core for the whole run; "
                    "its CPU share is in the notes.")
    return head


def markdown(rows, meta):
    not_run = meta.get("not_run") or {}  # {workload: {contestant: why}}: shown as rows after the workload's
    lines = ["| workload | contestant | req/s median (min-max) | x %s | p50 us | p99 us | p99.9 us "
             "| server CPU us/req | CPU/req x %s | CPU/req x %s | server CPU %% | ctx sw/req | client CPU %% | notes |" % (
                 REFERENCE, REFERENCE, LIMIT),
             "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for i, r in enumerate(rows):
        notes = []
        if r["client_bound_runs"]:
            notes.append("client-bound %d/%d" % (r["client_bound_runs"], r["reps"]))
        if r["errors"]:
            notes.append("%d errors" % r["errors"])
        if r["target_rate"]:
            notes.append("target %s req/s" % fmt(r["target_rate"]))
        if r.get("neighbour_cpu_pct") is not None:
            notes.append("neighbour CPU %s%%" % fmt(r["neighbour_cpu_pct"]))
        if r.get("note"):
            notes.append(r["note"])
        lines.append("| %s | %s | %s (%s-%s) | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
            r["workload"], r["contestant"], fmt(r["rps_median"]), fmt(r["rps_min"]), fmt(r["rps_max"]),
            fmt(r.get("ratio"), 2), fmt(r["p50_us"]), fmt(r["p99_us"]), fmt(r["p999_us"]),
            fmt(r["server_cpu_us_per_req"], 1), fmt(r.get("cpu_ratio"), 2), fmt(r.get("cpu_ratio_limit"), 2),
            fmt(r["server_cpu_pct"]), fmt(r["ctxsw_per_req"], 2), fmt(r["client_cpu_pct"]), "; ".join(notes)))
        last = i == len(rows) - 1 or rows[i + 1]["workload"] != r["workload"]
        for name, why in (not_run.get(r["workload"], {}).items() if last else ()):
            lines.append("| %s | %s | not run |%s %s |" % (r["workload"], name, " - |" * 10, why))
    return "\n".join(describe(meta)) + "\n\n" + "\n".join(lines) + "\n"


def vtloop_summary(rows):
    """Per workload: vtloop against the JDK default and against the C epoll server (markdown)."""
    lines = ["| workload | vtloop req/s | req/s x JDK | req/s x C epoll | CPU/req x JDK | CPU/req x C epoll "
             "| p99 x JDK | p99.9 us vtloop / JDK |",
             "|---|---|---|---|---|---|---|---|"]
    n = 0
    for wl in dict.fromkeys(r["workload"] for r in rows):
        get = lambda name: next((r for r in rows if r["workload"] == wl and r["contestant"] == name), None)
        v, j, c = get("vtloop"), get(REFERENCE), get(LIMIT)
        base = next((w.limit_base for w in all_workloads() if w.name == wl), None)
        if c is None and base:  # the limit has no such mode: its median on the same traffic, as in cpu_ratio_limit
            c = next((r for r in rows if r["workload"] == base and r["contestant"] == LIMIT), None)
        if not v:
            continue
        n += 1
        lines.append("| %s | %s | %s | %s | %s | %s | %s | %s / %s |" % (
            wl, fmt(v["rps_median"]), fmt(v.get("ratio"), 2), fmt(ratio(v["rps_median"], c and c["rps_median"]), 2),
            fmt(v.get("cpu_ratio"), 2), fmt(v.get("cpu_ratio_limit"), 2),
            fmt(ratio(v["p99_us"], j and j["p99_us"]), 2), fmt(v["p999_us"]), fmt(j and j["p999_us"])))
    return "\n".join(lines) + "\n" if n else ""


def io_uring_summary(rows):
    """Per workload: vtloop-io_uring's server CPU per request against vtloop on epoll, the C epoll server and
    Netty io_uring (issue 14's goal: <= 0.9x C epoll, <= Netty io_uring, no workload worse than epoll)."""
    lines = ["| workload | vtloop-io_uring req/s | req/s x vtloop (epoll) | CPU us/req io_uring / epoll "
             "| CPU/req x vtloop (epoll) | CPU/req x C epoll | CPU/req x Netty io_uring | p99 x vtloop (epoll) |",
             "|---|---|---|---|---|---|---|---|"]
    bases = {w.name: w.limit_base for w in all_workloads()}
    n = 0
    for wl in dict.fromkeys(r["workload"] for r in rows):
        def get(name, fallback=False):
            r = next((r for r in rows if r["workload"] == wl and r["contestant"] == name), None)
            if r is None and fallback and bases.get(wl):  # a peer without the workload's mode: the same traffic
                r = next((r for r in rows if r["workload"] == bases[wl] and r["contestant"] == name), None)
            return r
        u, e, c, nu = get("vtloop-io_uring"), get("vtloop"), get(LIMIT, True), get("netty-io_uring", True)
        if not u:
            continue
        n += 1
        cpu = lambda r: r and r["server_cpu_us_per_req"]
        lines.append("| %s | %s | %s | %s / %s | %s | %s | %s | %s |" % (
            wl, fmt(u["rps_median"]), fmt(ratio(u["rps_median"], e and e["rps_median"]), 2), fmt(cpu(u), 1),
            fmt(cpu(e), 1), fmt(ratio(cpu(u), cpu(e)), 2), fmt(ratio(cpu(u), cpu(c)), 2), fmt(ratio(cpu(u), cpu(nu)), 2),
            fmt(ratio(u["p99_us"], e and e["p99_us"]), 2)))
    if not n:
        return ""
    tail = [wl for wl in dict.fromkeys(r["workload"] for r in rows) if bases.get(wl)]
    note = ("\n%s: C epoll and Netty io_uring have no exact-length mode; their medians on %s (the same traffic) "
            "are used.\n" % (", ".join(tail), ", ".join(sorted({bases[t] for t in tail})))) if tail else ""
    return "\n".join(lines) + "\n" + note


# The README's performance table: (workload, what the row says), from one run.
README_ROWS = [
    ("echo-1k-c100", "1 KiB echo, 100 connections, 1 core"),
    ("echo-100k-c10", "100 KiB echo, 10 connections, 1 core"),
    ("echo-1k-c1000", "1 KiB echo, 1,000 connections, 1 carrier"),
    ("echo-1k-c1000-w2", "1 KiB echo, 1,000 connections, 2 carriers"),
    ("http", "HTTP plaintext keep-alive (wrk -c100), 1 core"),
    ("rate50-echo-1k-c100-w2", "1 KiB echo at 50% of the JDK's max rate, 2 carriers"),
    ("rate75-echo-1k-c100-w2", "1 KiB echo at 75% of the JDK's max rate, 2 carriers"),
    ("neighbour-echo-1k-c100", "1 KiB echo, 100 connections, a busy neighbour on the core"),
]


def readme_table(rows, meta, out):
    """The README 'Performance' table (vtloop over the JDK default; CPU also over C epoll), naming the run."""
    lines = ["From one harness run: [`%s`](%s) (%s; commit %s; `%s`; read size %s bytes for every contestant)." % (
                 os.path.relpath(out, ROOT), os.path.relpath(out, ROOT), meta.get("started", "?"),
                 meta.get("commit", "?"), meta.get("command", "?"), fmt(meta.get("buffer", DEFAULT_BUFFER))),
             "",
             "| workload | req/s vtloop / JDK | CPU per request vtloop / JDK | CPU per request vtloop / C epoll "
             "| p99 vtloop / JDK | p99.9 vtloop / JDK |",
             "|---|---|---|---|---|---|"]
    for wl, label in README_ROWS:
        v = next((r for r in rows if r["workload"] == wl and r["contestant"] == "vtloop"), None)
        j = next((r for r in rows if r["workload"] == wl and r["contestant"] == REFERENCE), None)
        if not v or not j:
            continue
        bound = " (client-bound)" if v["client_bound_runs"] * 2 > v["reps"] else ""
        times = lambda x: "-" if x is None else fmt(x, 2) + "×"
        lines.append("| %s | %s%s | %s | %s | %s | %s |" % (
            label, times(v.get("ratio")), bound, times(v.get("cpu_ratio")), times(v.get("cpu_ratio_limit")),
            times(ratio(v["p99_us"], j["p99_us"])), times(ratio(v["p999_us"], j["p999_us"]))))
    return "\n".join(lines) + "\n"


def chart(rows, order, path):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        log("harness: python3-matplotlib not available: no chart")
        return False
    names = [n for n in order if any(r["contestant"] == n for r in rows)]
    wls = list(dict.fromkeys(r["workload"] for r in rows if not r["target_rate"]))
    if not names or not wls:
        return False
    fig, (ax, ax2) = plt.subplots(2, 1, figsize=(max(8, 1.1 * len(wls)), 9), sharex=True)
    width = 0.8 / len(names)
    for i, n in enumerate(names):
        xs, ys, lo, hi, cpu = [], [], [], [], []
        for j, wl in enumerate(wls):
            r = next((r for r in rows if r["workload"] == wl and r["contestant"] == n), None)
            if r:
                xs.append(j + i * width)
                ys.append(r["rps_median"])
                lo.append(r["rps_median"] - r["rps_min"])
                hi.append(r["rps_max"] - r["rps_median"])
                cpu.append(r["server_cpu_us_per_req"] or 0)
        ax.bar(xs, ys, width, yerr=[lo, hi], capsize=2, label=n)
        ax2.bar(xs, cpu, width, label=n)
    ax2.set_xticks([j + 0.4 - width / 2 for j in range(len(wls))])
    ax2.set_xticklabels(wls, rotation=30, ha="right")
    ax.set_ylabel("requests/s (median, min-max)")
    ax.set_yscale("log")
    ax.legend(fontsize="small")
    ax.set_title("vtloop harness: throughput and server CPU per request (closed-loop and churn runs)")
    ax2.set_ylabel("server CPU us per request (median)")
    ax2.set_yscale("log")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return True


FULL_DEFAULTS = {"reps": 3, "duration": 3, "warmup": 2}
QUICK_CONTESTANTS = "jdk-vthreads,vtloop,vtloop-io_uring,netty-io_uring,c-epoll"
QUICK_WORKLOADS = "echo-1k-c100,http"


def parse_args(argv=None):
    names = list(CONTESTANT_NAMES)
    wnames = [w.name for w in all_workloads()]
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--quick", action="store_true",
                   help="~3 min demo: " + QUICK_CONTESTANTS.replace(",", ", ") + " on " + QUICK_WORKLOADS.replace(",", " and ")
                        + ", 3 reps")
    p.add_argument("--full", action="store_true",
                   help="the full run: every contestant and workload, %(reps)d reps, %(duration)gs after %(warmup)gs "
                        "warm-up, out bench/results/<date>-full unless --out" % FULL_DEFAULTS)
    p.add_argument("--selftest", action="store_true",
                   help="only the correctness self-test of the selected contestants and workloads (exit 1 on failure)")
    p.add_argument("--no-selftest", action="store_true", help="time without the self-test first")
    p.add_argument("--contestants", help="comma list of: " + ",".join(names))
    p.add_argument("--workloads", help="comma list of: " + ",".join(wnames))
    p.add_argument("--reps", type=int, help="interleaved repetitions (default 3)")
    p.add_argument("--duration", type=float, help="measured seconds per run (default 5; quick 2; full 3)")
    p.add_argument("--warmup", type=float, help="warm-up seconds per run (default 2; quick 1)")
    p.add_argument("--buffer", type=int, default=DEFAULT_BUFFER,
                   help="bytes per read of every echo server (default %d, 1..%d)" % (DEFAULT_BUFFER, MAX_BUFFER))
    p.add_argument("--out", help="output directory (default bench/results/runs/<timestamp>)")
    p.add_argument("--samples-jar", default=os.path.join(ROOT, "samples", "target", "vtloop-samples.jar"))
    p.add_argument("--agent-jar", default=os.path.join(ROOT, "agent", "target", "vtloop-agent.jar"))
    p.add_argument("--no-install", action="store_true", help="do not apt-get install missing packages")
    p.add_argument("--report", metavar="DIR", help="only re-render DIR's reports and chart from DIR/results.json")
    a = p.parse_args(argv)
    if sum([a.quick, a.full, a.selftest]) > 1:
        p.error("--quick, --full and --selftest exclude each other")
    if a.full and (a.contestants or a.workloads):
        p.error("--full runs every contestant and workload; drop --contestants/--workloads")
    if a.quick:
        a.contestants = a.contestants or QUICK_CONTESTANTS
        a.workloads = a.workloads or QUICK_WORKLOADS
    defaults = FULL_DEFAULTS if a.full else {"reps": 3, "duration": 2 if a.quick else 5, "warmup": 1 if a.quick else 2}
    a.reps = a.reps if a.reps is not None else defaults["reps"]
    a.duration = a.duration if a.duration is not None else defaults["duration"]
    a.warmup = a.warmup if a.warmup is not None else defaults["warmup"]
    if a.full and not a.out:
        a.out = os.path.join(ROOT, "bench", "results", time.strftime("%Y-%m-%d") + "-full")
    if a.reps < 1 or a.reps > 50:
        p.error("--reps must be 1..50")
    if not 0.5 <= a.duration <= 600 or not 0 <= a.warmup <= 120:
        p.error("--duration must be 0.5..600 s and --warmup 0..120 s")
    if not 1 <= a.buffer <= MAX_BUFFER:
        p.error("--buffer must be 1..%d bytes" % MAX_BUFFER)
    a.contestant_list = a.contestants.split(",") if a.contestants else names
    bad = [c for c in a.contestant_list if c not in names]
    if bad:
        p.error("unknown contestant(s) %s; known: %s" % (",".join(bad), ",".join(names)))
    a.workload_list = a.workloads.split(",") if a.workloads else wnames
    bad = [w for w in a.workload_list if w not in wnames]
    if bad:
        p.error("unknown workload(s) %s; known: %s" % (",".join(bad), ",".join(wnames)))
    a.samples_jar = os.path.abspath(a.samples_jar)
    a.agent_jar = os.path.abspath(a.agent_jar)
    return a


def git_commit():
    """The short commit of the working tree, '+dirty' when tracked files differ from it."""
    try:
        head = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"], capture_output=True,
                              text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", ROOT, "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True).stdout.strip()
        return head + ("+dirty" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return None


def prepare(args):
    """Checks the machine, installs and builds what the selection needs; returns (everyone, runnable, skipped)."""
    if sys.platform != "linux" or not shutil.which("taskset"):
        sys.exit("harness: needs Linux with taskset (util-linux)")
    if os.cpu_count() < 2:
        sys.exit("harness: needs 2 CPUs (server on core 0, client on core 1)")
    missing = ensure_packages(needed_packages(args), not args.no_install)
    build_c()
    args.have_wrk = shutil.which("wrk") is not None
    if not args.have_wrk:
        log("harness: wrk unavailable: HTTP keep-alive load comes from loadgen --proto http instead")
    java = find_java()
    args.java = java
    everyone = {c.name: c for c in contestants(args, java, missing)}
    chosen = [everyone[n] for n in args.contestant_list]
    skipped = {c.name: c.missing for c in chosen if c.missing}
    for name, why in skipped.items():
        log("harness: skipping %s: %s" % (name, why))
    runnable = [c for c in chosen if not c.missing]
    if not runnable:
        sys.exit("harness: no contestant can run")
    return everyone, runnable, skipped


def main():
    args = parse_args()
    if args.report:
        with open(os.path.join(args.report, "results.json")) as f:
            data = json.load(f)
        write_report(args.report, data["meta"], data["runs"], data["meta"]["contestants"])
        return
    everyone, runnable, skipped = prepare(args)
    out = os.path.abspath(args.out or os.path.join(ROOT, "bench", "results", "runs",
                                                   time.strftime("%Y%m%d-%H%M%S")))
    logdir = os.path.join(out, "logs")
    os.makedirs(logdir, exist_ok=True)
    workloads = [w for w in all_workloads() if w.name in args.workload_list]

    if not args.no_selftest:
        log("harness: self-test of %d contestant(s) on %d workload(s) (byte-exact echo, HTTP 200 + body)" % (
            len(runnable), len(workloads)))
        failed = selftest(runnable, workloads, args, logdir)
        for name, why in failed.items():
            log("harness: %s failed the %s" % (name, why))
        if args.selftest:  # a contestant that could not run was not checked: that fails the self-test too
            log("harness: self-test %s (%s/selftest.txt)%s" % (
                "FAILED" if failed or skipped else "passed", os.path.relpath(out, ROOT),
                "; not checked: " + ", ".join(skipped) if skipped else ""))
            sys.exit(1 if failed or skipped else 0)
        skipped.update(failed)
        runnable = [c for c in runnable if c.name not in failed]
        if not runnable:
            sys.exit("harness: no contestant passed the self-test")
    elif args.selftest:
        sys.exit("harness: --selftest and --no-selftest exclude each other")
    order = [c.name for c in runnable]

    phase1 = [w for w in workloads if w.phase == 1]
    phase2 = [w for w in workloads if w.phase == 2]
    results = []
    started = time.time()
    meta = {"reps": args.reps, "duration_s": args.duration, "warmup_s": args.warmup, "skipped": skipped,
            "contestants": order, "workloads": [w.name for w in workloads], "java": args.java,
            "buffer": args.buffer, "commit": git_commit(),
            "command": " ".join([os.path.relpath(sys.argv[0], ROOT)] + sys.argv[1:]),
            "machine": machine(), "started": time.strftime("%Y-%m-%d %H:%M:%S %z"),
            "not_run": {w.name: {c.name: c.runs(w) for c in runnable if c.runs(w)}
                        for w in workloads if any(c.runs(w) for c in runnable)}}
    rate_ws = [w for w in phase2 if w.mode == "rate"]
    ref_name = REFERENCE if REFERENCE in order else order[0]
    bases = list(dict.fromkeys(w.rate_base for w in rate_ws))
    meta["rate_bases"] = {b: {"reference": ref_name, "pcts": [w.rate_pct for w in rate_ws if w.rate_base == b]}
                          for b in bases}
    log("harness: %d contestant(s) x %d workload(s) x %d rep(s), about %.0f min -> %s" % (
        len(runnable), len(workloads), args.reps,
        len(runnable) * len(workloads) * args.reps * (args.duration + args.warmup + 1.5) / 60, os.path.relpath(out, ROOT)))
    for b in bases:  # the reference's max throughput: from this run's closed-loop results, measured now if absent
        if b not in [w.name for w in phase1]:
            log("harness: measuring %s on %s for the open-loop rates" % (ref_name, b))
            run_phase([w for w in all_workloads() if w.name == b], [everyone[ref_name]], args, results, logdir, {})
    run_phase(phase1, runnable, args, results, logdir, {})
    rates = {}
    for b in bases:
        ref_rps = [r["rps"] for r in results if r["workload"] == b and r["contestant"] == ref_name]
        if ref_rps:
            ref = statistics.median(ref_rps)
            meta["rate_bases"][b]["rps"] = ref
            rates.update({w.name: ref * w.rate_pct / 100.0 for w in rate_ws if w.rate_base == b})
        else:
            log("harness: no %s result on %s: skipping its open-loop runs" % (ref_name, b))
    meta["rates"] = rates
    phase2 = [w for w in phase2 if w.mode != "rate" or w.name in rates]
    run_phase(phase2, runnable, args, results, logdir, rates)
    meta["elapsed_s"] = round(time.time() - started, 1)

    write_report(out, meta, results, order)


def write_report(out, meta, results, order):
    """Summarizes the runs into results.json, results.md, summary.md, readme.md and chart.png; prints the tables."""
    rows = summarize(results, order, [w for w in all_workloads() if w.name in {r["workload"] for r in results}])
    md = markdown(rows, meta)
    summary = vtloop_summary(rows)
    uring = io_uring_summary(rows)
    with open(os.path.join(out, "results.json"), "w") as f:
        json.dump({"meta": meta, "summary": rows, "runs": results}, f, indent=1)
    with open(os.path.join(out, "results.md"), "w") as f:
        f.write("# vtloop harness results\n\nCommand: `%s`  \nMachine: %s  \nStarted: %s, took %ss\n\n%s" % (
            meta["command"], meta["machine"], meta["started"], meta.get("elapsed_s"), md))
        if summary:
            f.write("\n## vtloop against the JDK default and the C epoll server\n\n" + summary)
        if uring:
            f.write("\n## vtloop-io_uring against vtloop on epoll, the C epoll server and Netty io_uring\n\n" + uring)
    written = ["results.md", "results.json"]
    if uring:
        with open(os.path.join(out, "io_uring.md"), "w") as f:
            f.write(uring)
        written.append("io_uring.md")
    if summary:
        with open(os.path.join(out, "summary.md"), "w") as f:
            f.write(summary)
        with open(os.path.join(out, "readme.md"), "w") as f:
            f.write(readme_table(rows, meta, out))
        written += ["summary.md", "readme.md"]
    if chart(rows, order, os.path.join(out, "chart.png")):
        written.append("chart.png")
    print(md)
    if summary:
        print("vtloop against the JDK default (%s) and the C epoll server (%s), per workload:\n" % (REFERENCE, LIMIT))
        print(summary)
    if uring:
        print("vtloop-io_uring against vtloop (epoll), the C epoll server (%s) and Netty io_uring, per workload:\n" % LIMIT)
        print(uring)
    log("harness: wrote %s/{%s}" % (os.path.relpath(out, ROOT), ",".join(written)))


def machine():
    model = "?"
    try:
        with open("/proc/cpuinfo") as f:
            model = next((l.split(":", 1)[1].strip() for l in f if l.startswith("model name")), "?")
    except OSError:
        pass
    return "%s, %d CPUs, kernel %s" % (model, os.cpu_count(), os.uname().release)


if __name__ == "__main__":
    main()
