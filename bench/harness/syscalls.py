#!/usr/bin/python3
"""System calls per request: each server under `strace -c -f` at a fixed request rate.

For each contestant and workload: one fresh server (the harness's own command line, pinned to core 0,
one worker), warmed up for --warmup seconds by loadgen in closed loop, then `strace -c -f -p PID`
attached to all its threads while loadgen sends --rate requests/s (open loop, --conns connections,
--size bytes; HTTP: GET /plaintext) for --duration seconds; strace is detached when loadgen is done.
Prints, per request served: read, write, recvfrom, sendto (and the reads that failed, mostly
EAGAIN), epoll_wait (+ epoll_pwait/epoll_pwait2), epoll_ctl, io_uring_enter, getsockopt, futex, and
the total of every system call the process made in the window (JIT, GC and timer threads included).

    bench/harness/syscalls.py                                   # jdk-vthreads, vtloop, vtloop-io_uring
    bench/harness/syscalls.py --contestants vtloop,c-epoll --workloads echo,echo-exact --rate 3000

strace slows every system call down (each one stops the thread for the tracer), so the server's
speed under it means nothing: only the counts do, at a rate low enough that the server keeps up
(loadgen's achieved rate and incomplete requests are shown; a server that falls behind batches,
and its counts drop). Needs strace (apt-get install strace; installed here as root unless
--no-install) and permission to ptrace the server (root, or kernel.yama.ptrace_scope 0).
Output: the table on stdout and syscalls.md, syscalls.json, logs/ (each server's stderr, each
strace summary) under --out (default bench/results/runs/syscalls-<timestamp>/).
"""
import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import run as harness  # noqa: E402  (the harness's contestants, servers and helpers)

# (column, syscalls counted in it)
COLUMNS = [("read", ["read", "readv"]), ("write", ["write", "writev"]), ("recvfrom", ["recvfrom", "recvmsg"]),
           ("sendto", ["sendto", "sendmsg"]), ("epoll_wait", ["epoll_wait", "epoll_pwait", "epoll_pwait2"]),
           ("epoll_ctl", ["epoll_ctl"]), ("io_uring_enter", ["io_uring_enter"]), ("getsockopt", ["getsockopt"]),
           ("futex", ["futex"])]
READS = ["read", "readv", "recvfrom", "recvmsg"]
# workload -> (server mode, exact-length reads: EchoServer --exact SIZE)
WORKLOADS = {"echo": ("echo", False), "echo-exact": ("echo", True), "http": ("http", False)}
DEFAULT_CONTESTANTS = "jdk-vthreads,vtloop,vtloop-io_uring"


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--contestants", default=DEFAULT_CONTESTANTS,
                   help="comma list of: %s (default %s)" % (",".join(harness.CONTESTANT_NAMES), DEFAULT_CONTESTANTS))
    p.add_argument("--workloads", default="echo,echo-exact,http",
                   help="comma list of: echo (the sample's read-what-arrives loop), echo-exact (EchoServer --exact "
                        "SIZE, Java samples only), http (GET /plaintext keep-alive) (default all)")
    p.add_argument("--rate", type=float, default=3000, help="requests per second, all connections together (3000)")
    p.add_argument("--conns", type=int, default=50, help="connections (50)")
    p.add_argument("--size", type=int, default=1024, help="echo payload bytes (1024)")
    p.add_argument("--duration", type=float, default=5, help="traced seconds of load (5)")
    p.add_argument("--warmup", type=float, default=3, help="closed-loop warm-up before tracing, seconds (3)")
    p.add_argument("--buffer", type=int, default=harness.DEFAULT_BUFFER, help="echo read size (65536)")
    p.add_argument("--all", action="store_true", help="also list every system call the servers made, per request")
    p.add_argument("--out", help="output directory (default bench/results/runs/syscalls-<timestamp>)")
    p.add_argument("--samples-jar", default=os.path.join(harness.ROOT, "samples", "target", "vtloop-samples.jar"))
    p.add_argument("--agent-jar", default=os.path.join(harness.ROOT, "agent", "target", "vtloop-agent.jar"))
    p.add_argument("--no-install", action="store_true", help="do not apt-get install strace")
    a = p.parse_args()
    a.contestant_list = a.contestants.split(",")
    bad = [c for c in a.contestant_list if c not in harness.CONTESTANT_NAMES]
    if bad:
        p.error("unknown contestant(s) %s" % ",".join(bad))
    a.wl = a.workloads.split(",")
    bad = [w for w in a.wl if w not in WORKLOADS]
    if bad:
        p.error("unknown workload(s) %s; known: %s" % (",".join(bad), ",".join(WORKLOADS)))
    if not 1 <= a.rate <= 1e6 or not 1 <= a.conns <= 9000 or not 1 <= a.size <= harness.MAX_BUFFER:
        p.error("--rate 1..1e6, --conns 1..9000, --size 1..%d" % harness.MAX_BUFFER)
    if not 0.5 <= a.duration <= 120 or not 0 <= a.warmup <= 120:
        p.error("--duration 0.5..120, --warmup 0..120")
    if not 1 <= a.buffer <= harness.MAX_BUFFER:
        p.error("--buffer must be 1..%d" % harness.MAX_BUFFER)
    # what harness.prepare/contestants read
    a.workload_list = ["http"] if "http" in a.wl else ["echo-1k-c100"]
    a.selftest, a.quick = True, False
    a.samples_jar, a.agent_jar = os.path.abspath(a.samples_jar), os.path.abspath(a.agent_jar)
    return a


def parse_strace_summary(text):
    """strace -c's table -> ({syscall: (calls, errors)}, total calls)."""
    calls, total = {}, None
    for line in text.splitlines():
        t = line.split()
        if len(t) not in (5, 6) or not re.match(r"^\d+\.\d+$", t[0]):
            continue
        n, errs = int(t[3]), int(t[4]) if len(t) == 6 else 0
        if t[-1] == "total":
            total = n
        else:
            calls[t[-1]] = (n, errs)
    return calls, total


def wait_attached(path, proc, timeout=20):
    """Until strace has attached (its first 'attached' lines are there, and no more come for 0.3 s)."""
    deadline, seen, quiet = time.time() + timeout, -1, 0
    while time.time() < deadline:
        if proc.poll() is not None:
            return False
        with open(path, errors="replace") as f:
            n = f.read().count("attached")
        if n > 0 and n == seen:
            quiet += 1
            if quiet >= 3:
                return True
        else:
            quiet = 0
        seen = n
        time.sleep(0.1)
    return False


def trace_one(c, wl, args, logdir):
    mode, exact = WORKLOADS[wl]
    exact = args.size if exact else 0
    server = harness.Server(c, mode, 1, "0", logdir, args.buffer, exact)
    try:
        w = harness.Workload(wl, "loadgen", mode, args.conns, args.size)
        if args.warmup > 0:  # JIT and connection set-up outside the traced window
            warm = harness.loadgen_argv(w, server.port, args.warmup, 0, 0)
            subprocess.run(warm, capture_output=True, text=True, timeout=args.warmup + 60)
        base = os.path.join(logdir, "%s-%s" % (c.name, wl))
        summary, errlog = base + ".strace", base + ".strace.log"
        with open(errlog, "w") as err:
            tracer = subprocess.Popen(["strace", "-c", "-f", "-o", summary, "-p", str(server.proc.pid)],
                                      stdout=subprocess.DEVNULL, stderr=err)
        try:
            if not wait_attached(errlog, tracer):
                raise RuntimeError("strace did not attach (see %s)" % errlog)
            w = harness.Workload(wl, "loadgen", mode, args.conns, args.size, mode="rate")
            argv = harness.loadgen_argv(w, server.port, args.duration, 0, args.rate)
            lg = subprocess.run(argv, capture_output=True, text=True, timeout=args.duration + 60)
        finally:
            tracer.send_signal(signal.SIGINT)  # detaches and writes the summary
            tracer.wait(30)
        if lg.returncode != 0:
            raise RuntimeError("loadgen exited %d: %s" % (lg.returncode, lg.stderr.strip()[-300:]))
        r = json.loads(lg.stdout)
        with open(summary) as f:
            calls, total = parse_strace_summary(f.read())
        if total is None:
            raise RuntimeError("no strace summary in %s" % summary)
        return {"contestant": c.name, "workload": wl, "requests": r["requests"], "rps": r["rps"],
                "errors": r["errors"], "p99_us": r["latency_us"]["p99"], "calls": calls, "total": total,
                "note": server.note}
    finally:
        server.stop()


def table(results, args):
    cols = [name for name, _ in COLUMNS]
    lines = ["System calls per request under `strace -c -f`, %s req/s open loop over %d connections for %gs "
             "(echo: %s-byte payload), after %gs closed-loop warm-up; server on core 0, one worker; all of the "
             "server's threads. `read err`: reads that failed (EAGAIN). A p99 far above the request interval per connection "
             "means the traced server fell behind and requests were batched (fewer calls each)." % (
                 harness.fmt(args.rate), args.conns, args.duration, harness.fmt(args.size), args.warmup), "",
             "| workload | contestant | requests | achieved req/s | p99 us | " + " | ".join(cols) + " | read err | total | notes |",
             "|---|---|---|---|---|" + "---|" * len(cols) + "---|---|---|"]
    for r in results:
        n = max(1, r["requests"])
        per = lambda names: sum(r["calls"].get(s, (0, 0))[0] for s in names) / n
        read_err = sum(r["calls"].get(s, (0, 0))[1] for s in READS) / n
        notes = [k + " " + str(v) for k, v in r["errors"].items() if v]
        if r.get("note"):
            notes.append(r["note"])
        lines.append("| %s | %s | %s | %s | %s | %s | %.2f | %.2f | %s |" % (
            r["workload"], r["contestant"], harness.fmt(r["requests"]), harness.fmt(r["rps"]), harness.fmt(r["p99_us"]),
            " | ".join("%.2f" % per(names) for _, names in COLUMNS), read_err, r["total"] / n, "; ".join(notes)))
    if args.all:
        for r in results:
            n = max(1, r["requests"])
            lines += ["", "%s on %s, every system call per request:" % (r["contestant"], r["workload"]), ""]
            lines += ["    %-20s %8.3f%s" % (s, k / n, "  (%.3f failed)" % (e / n) if e else "")
                      for s, (k, e) in sorted(r["calls"].items(), key=lambda kv: -kv[1][0])]
    return "\n".join(lines) + "\n"


def main():
    args = parse_args()
    if harness.ensure_packages(["strace"], not args.no_install) or not shutil.which("strace"):
        sys.exit("syscalls: strace is not installed (apt-get install strace)")
    everyone, runnable, skipped = harness.prepare(args)
    out = os.path.abspath(args.out or os.path.join(harness.ROOT, "bench", "results", "runs",
                                                   "syscalls-" + time.strftime("%Y%m%d-%H%M%S")))
    logdir = os.path.join(out, "logs")
    os.makedirs(logdir, exist_ok=True)
    results, failed = [], dict(skipped)
    for wl in args.wl:
        for c in runnable:
            if WORKLOADS[wl][1] and not c.exact_reads:
                harness.log("syscalls: %s has no exact-length read mode: not run on %s" % (c.name, wl))
                continue
            try:
                r = trace_one(c, wl, args, logdir)
            except (RuntimeError, ValueError, subprocess.TimeoutExpired) as e:
                harness.log("syscalls: %s on %s failed: %s" % (c.name, wl, e))
                failed["%s/%s" % (c.name, wl)] = str(e)
                continue
            harness.log("  %-15s %-10s %7d requests  %6.1f syscalls/request" % (
                c.name, wl, r["requests"], r["total"] / max(1, r["requests"])))
            results.append(r)
    md = table(results, args)
    if failed:
        md += "\nNot measured: " + "; ".join("%s (%s)" % kv for kv in failed.items()) + "\n"
    meta = {"command": " ".join([os.path.relpath(sys.argv[0], harness.ROOT)] + sys.argv[1:]),
            "machine": harness.machine(), "commit": harness.git_commit(), "started": time.strftime("%Y-%m-%d %H:%M:%S %z"),
            "rate": args.rate, "conns": args.conns, "size": args.size, "duration_s": args.duration,
            "warmup_s": args.warmup, "failed": failed}
    with open(os.path.join(out, "syscalls.json"), "w") as f:
        json.dump({"meta": meta, "results": results}, f, indent=1)
    with open(os.path.join(out, "syscalls.md"), "w") as f:
        f.write("# System calls per request\n\nCommand: `%s`  \nMachine: %s  \nCommit: %s  \nStarted: %s\n\n%s" % (
            meta["command"], meta["machine"], meta["commit"], meta["started"], md))
    print(md)
    harness.log("syscalls: wrote %s/{syscalls.md,syscalls.json}" % os.path.relpath(out, harness.ROOT))
    sys.exit(1 if failed or not results else 0)


if __name__ == "__main__":
    main()
