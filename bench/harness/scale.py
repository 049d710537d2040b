#!/usr/bin/python3
"""Scaling run for a larger machine: req/s and server CPU per request at 1, 2, 4, 8, 16 workers.

Step N pins the server to cores 0..N-1 with N workers (-Dvtloop.carriers=N, the JDK's
parallelism=N, N threads/event loops for the peers) and starts N x --clients-per-worker load
generators, each on a core of its own after the server's (each with --conns connections, closed
loop, 1 KiB echo by default). A step that needs more cores than this process may use is not run:
the script says so and stops there. So it runs unchanged on a 16-core machine (steps 1, 2, 4, 8;
step 16 needs 32 cores) and, on a 2-core one, only step 1.

Per step and contestant, reps interleaved (A B C A B C ...): req/s (sum over the clients), req/s
per worker, server CPU us per request (/proc/<pid>/stat from the first client's MEASURE_START to
the last one's MEASURE_END, over all clients' requests: the clients start together, so the skew
is a few ms of a multi-second window), and the busiest client's CPU (above 90%: client-bound).
Every contestant first passes the harness self-test (byte-exact echo) on one core.

    bench/harness/scale.py                                   # jdk-vthreads, vtloop, netty-epoll, c-epoll
    bench/harness/scale.py --contestants vtloop,c-epoll --steps 1,2,4 --reps 3 --duration 5

Output: scale.md, scale.json under --out (default bench/results/runs/scale-<timestamp>).
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import threading
import time

HARNESS = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HARNESS)
import run as harness  # noqa: E402  (the harness's contestants, servers, self-test and helpers)

STEPS = "1,2,4,8,16"


def parse_args():
    names = harness.CONTESTANT_NAMES
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--contestants", default="jdk-vthreads,vtloop,netty-epoll,c-epoll",
                   help="comma list of: " + ",".join(names))
    p.add_argument("--steps", default=STEPS, help="worker counts, ascending (default %s)" % STEPS)
    p.add_argument("--clients-per-worker", type=int, default=1, help="load generators per server worker (1)")
    p.add_argument("--conns", type=int, default=100, help="connections per load generator (100)")
    p.add_argument("--size", type=int, default=1024, help="echo payload bytes (1024)")
    p.add_argument("--reps", type=int, default=3)
    p.add_argument("--duration", type=float, default=5.0, help="measured seconds per run (5)")
    p.add_argument("--warmup", type=float, default=2.0, help="warm-up seconds per run (2)")
    p.add_argument("--buffer", type=int, default=harness.DEFAULT_BUFFER, help="echo read size of every server")
    p.add_argument("--out", help="output directory (default bench/results/runs/scale-<timestamp>)")
    p.add_argument("--samples-jar", default=os.path.join(harness.ROOT, "samples", "target", "vtloop-samples.jar"))
    p.add_argument("--agent-jar", default=os.path.join(harness.ROOT, "agent", "target", "vtloop-agent.jar"))
    p.add_argument("--no-install", action="store_true", help="do not apt-get install missing packages")
    a = p.parse_args()
    a.contestant_list = a.contestants.split(",")
    bad = [c for c in a.contestant_list if c not in names]
    if bad:
        p.error("unknown contestant(s) %s" % ",".join(bad))
    try:
        a.step_list = [int(x) for x in a.steps.split(",")]
    except ValueError:
        p.error("--steps must be a comma list of integers")
    if not a.step_list or any(s < 1 or s > 256 for s in a.step_list) or a.step_list != sorted(a.step_list):
        p.error("--steps must be ascending worker counts in 1..256")
    if not 1 <= a.clients_per_worker <= 8 or not 1 <= a.conns <= 9000 or not 1 <= a.size <= 64 << 20:
        p.error("--clients-per-worker 1..8, --conns 1..9000, --size 1..64MiB")
    if not 1 <= a.reps <= 50 or not 0.5 <= a.duration <= 600 or not 0 <= a.warmup <= 120:
        p.error("--reps 1..50, --duration 0.5..600, --warmup 0..120")
    if not 1 <= a.buffer <= harness.MAX_BUFFER:
        p.error("--buffer must be 1..%d" % harness.MAX_BUFFER)
    # what harness.prepare/contestants read
    a.workload_list, a.selftest, a.quick = ["echo-1k-c100"], True, False
    a.samples_jar, a.agent_jar = os.path.abspath(a.samples_jar), os.path.abspath(a.agent_jar)
    return a


def one_run(c, workers, cores, args, logdir):
    """One server with `workers` workers on cores[:workers], clients on the following cores."""
    server_cpus = ",".join(str(x) for x in cores[:workers])
    client_cores = cores[workers:workers * (1 + args.clients_per_worker)]
    w = harness.Workload("scale", "loadgen", "echo", args.conns, args.size)
    server = harness.Server(c, "echo", workers, server_cpus, logdir, args.buffer)
    try:
        procs = [subprocess.Popen(harness.loadgen_argv(w, server.port, args.duration, args.warmup, 0, cpus=str(core)),
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for core in client_cores]
        marks = {"start": None, "end": None, "started": 0, "ended": 0}
        lock = threading.Lock()
        errors = []

        def watch(p):
            for line in p.stderr:
                with lock:
                    if line.startswith("MEASURE_START"):
                        marks["started"] += 1
                        if marks["start"] is None:
                            marks["start"] = server.sample()
                    elif line.startswith("MEASURE_END"):
                        marks["ended"] += 1
                        if marks["ended"] == len(procs):
                            marks["end"] = server.sample()
                    else:
                        errors.append(line.rstrip())

        threads = [threading.Thread(target=watch, args=(p,), daemon=True) for p in procs]
        for t in threads:
            t.start()
        outs = [p.stdout.read() for p in procs]
        codes = [p.wait() for p in procs]
        for t in threads:
            t.join(10)
        if any(codes) or marks["start"] is None or marks["end"] is None:
            raise RuntimeError("loadgen failed: %s" % " ".join(errors))
        rs = [json.loads(o) for o in outs]
    finally:
        server.stop()
    (t0, _), (t1, _) = marks["start"], marks["end"]
    requests = sum(r["requests"] for r in rs)
    return {
        "rps": sum(r["rps"] for r in rs), "requests": requests,
        "server_cpu_us_per_req": (t1 - t0) * 1e6 / harness.CLK_TCK / max(1, requests),
        "p99_us_max": max(r["latency_us"]["p99"] for r in rs),
        "client_cpu_pct_max": max(r["cpu"]["pct"] for r in rs),
        "errors": sum(sum(r["errors"].values()) for r in rs),
        "server_cpus": server_cpus, "client_cpus": ",".join(str(x) for x in client_cores), "clients": rs,
    }


def main():
    args = parse_args()
    everyone, runnable, skipped = harness.prepare(args)
    cores = sorted(os.sched_getaffinity(0))
    out = os.path.abspath(args.out or os.path.join(harness.ROOT, "bench", "results", "runs",
                                                   "scale-" + time.strftime("%Y%m%d-%H%M%S")))
    logdir = os.path.join(out, "logs")
    os.makedirs(logdir, exist_ok=True)
    if len(cores) < 2:
        sys.exit("scale: needs at least 2 usable cores (1 server + 1 client)")
    base = [w for w in harness.all_workloads() if w.name == "echo-1k-c100"]
    failed = harness.selftest(runnable, base, args, logdir)
    skipped.update(failed)
    runnable = [c for c in runnable if c.name not in failed]
    if not runnable:
        sys.exit("scale: no contestant passed the self-test")
    results, stopped = [], None
    started = time.time()
    for n in args.step_list:
        need = n * (1 + args.clients_per_worker)
        if need > len(cores):
            stopped = ("step %d needs %d cores (%d for the server, %d for the clients); this process may use %d: "
                       "stopping here" % (n, need, n, n * args.clients_per_worker, len(cores)))
            harness.log("scale: " + stopped)
            break
        for rep in range(args.reps):
            for c in runnable:
                try:
                    r = one_run(c, n, cores, args, logdir)
                except RuntimeError as e:
                    harness.log("scale: %s step %d rep %d failed: %s" % (c.name, n, rep + 1, e))
                    continue
                r.update(contestant=c.name, workers=n, rep=rep + 1)
                results.append(r)
                harness.log("  step %2d rep %d %-13s %10.0f req/s  srv %6.1f us/req  busiest client %3.0f%%" % (
                    n, rep + 1, c.name, r["rps"], r["server_cpu_us_per_req"], r["client_cpu_pct_max"]))
    meta = {"command": " ".join([os.path.relpath(sys.argv[0], harness.ROOT)] + sys.argv[1:]),
            "machine": harness.machine(), "commit": harness.git_commit(), "usable_cores": len(cores),
            "started": time.strftime("%Y-%m-%d %H:%M:%S %z", time.localtime(started)),
            "elapsed_s": round(time.time() - started, 1), "skipped": skipped, "stopped": stopped,
            "reps": args.reps, "duration_s": args.duration, "warmup_s": args.warmup, "buffer": args.buffer,
            "conns_per_client": args.conns, "size": args.size, "clients_per_worker": args.clients_per_worker}
    md = report(results, [c.name for c in runnable], meta)
    with open(os.path.join(out, "scale.json"), "w") as f:
        json.dump({"meta": meta, "runs": results}, f, indent=1)
    with open(os.path.join(out, "scale.md"), "w") as f:
        f.write("# vtloop scaling run\n\nCommand: `%s`  \nMachine: %s  \nStarted: %s, took %ss\n\n%s" % (
            meta["command"], meta["machine"], meta["started"], meta["elapsed_s"], md))
    print(md)
    harness.log("scale: wrote %s/{scale.md,scale.json}" % os.path.relpath(out, harness.ROOT))


def report(results, order, meta):
    fmt = harness.fmt
    head = ["Echo %s bytes, closed loop, %d connections per client, %d client(s) per worker, each client on its own "
            "core; server on cores 0..N-1; read size %s bytes; %d rep(s) interleaved, %gs after %gs warm-up; "
            "commit %s; %d usable cores." % (
                fmt(meta["size"]), meta["conns_per_client"], meta["clients_per_worker"], fmt(meta["buffer"]),
                meta["reps"], meta["duration_s"], meta["warmup_s"], meta["commit"], meta["usable_cores"])]
    if meta["skipped"]:
        head.append("Skipped: " + "; ".join("%s (%s)" % kv for kv in meta["skipped"].items()) + ".")
    if meta["stopped"]:
        head.append("Stopped: %s." % meta["stopped"])
    lines = ["| workers | contestant | req/s median (min-max) | req/s per worker | x %s | server CPU us/req "
             "| CPU/req x %s | busiest client CPU %% | notes |" % (harness.REFERENCE, harness.LIMIT),
             "|---|---|---|---|---|---|---|---|---|"]
    for n in sorted({r["workers"] for r in results}):
        rows = {}
        for name in order:
            runs = [r for r in results if r["workers"] == n and r["contestant"] == name]
            if runs:
                rows[name] = runs
        med = {k: (statistics.median(r["rps"] for r in v), statistics.median(r["server_cpu_us_per_req"] for r in v))
               for k, v in rows.items()}
        for name, runs in rows.items():
            rps, cpu = med[name]
            ref, lim = med.get(harness.REFERENCE), med.get(harness.LIMIT)
            bound = sum(1 for r in runs if r["client_cpu_pct_max"] > harness.CLIENT_BOUND_PCT)
            errs = sum(r["errors"] for r in runs)
            notes = "; ".join(x for x in ("client-bound %d/%d" % (bound, len(runs)) if bound else "",
                                          "%d errors" % errs if errs else "") if x)
            lines.append("| %d | %s | %s (%s-%s) | %s | %s | %s | %s | %s | %s |" % (
                n, name, fmt(rps), fmt(min(r["rps"] for r in runs)), fmt(max(r["rps"] for r in runs)), fmt(rps / n),
                fmt(harness.ratio(rps, ref and ref[0]), 2), fmt(cpu, 1), fmt(harness.ratio(cpu, lim and lim[1]), 2),
                fmt(statistics.median(r["client_cpu_pct_max"] for r in runs)), notes))
    return "\n".join(head) + "\n\n" + "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
