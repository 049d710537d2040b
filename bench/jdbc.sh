#!/usr/bin/env bash
# JDBC on virtual threads next to its database (issue 11, "Sharing the cores"): a throwaway
# PostgreSQL cluster and io.vtloop.bench.jdbc.JdbcLoad (pgjdbc behind a HikariCP pool, 200
# virtual threads, 20 connections) on the JDK's scheduler and with the agent on epoll and on
# io_uring, interleaved, with the client JVM and the server processes sharing the cores. Builds
# nothing: run
#   mvn -B -ntp -q -pl bench,agent -am package -DskipTests   (bench/target/benchmarks.jar, agent/target/vtloop-agent.jar)
# first. Usage:
#   bench/jdbc.sh [--rounds N] [--pin] [--share CPUS] [--threads N] [--pool N] [--warmup S]
#                 [--duration S] [--query mix|select1|point] [--backends epoll,io_uring] [--vtloop-opts OPTS] [--pg-bin DIR] [--out DIR]
#     --rounds    rounds (3); each runs every contestant once: jdk, vtloop-epoll, vtloop-io_uring (reversed on even rounds)
#     --pin       server on core 0, client on core 1 (taskset); default: no taskset, client and server share every core
#     --share     client and server both under taskset -c CPUS (e.g. 0,1 on a larger machine); not with --pin
#     --threads, --pool, --warmup, --duration, --query    passed to JdbcLoad (200, 20, 5, 10, mix)
#     --backends  the vtloop backends to run (epoll,io_uring); io_uring is skipped, with the reason, where it is disabled
#     --vtloop-opts  more JVM options for the vtloop contestants (e.g. "-Dvtloop.spin=0"), one word each
#     --pg-bin    the PostgreSQL bin folder (default: the newest /usr/lib/postgresql/*/bin)
#     --out       output folder (default bench/results/runs/jdbc-<UTC timestamp>/, git-ignored)
# The cluster: initdb in a fresh /tmp/vtloop-jdbc-pg.XXXXXX (as user postgres when run as root),
# trust authentication, listening on 127.0.0.1 at a free port, fsync, synchronous_commit and
# full_page_writes off; stopped and deleted on exit. PostgreSQL missing: waits for an apt/dpkg
# run that is installing it, else (as root) apt-get install -y postgresql.
# Output: a markdown table on stdout and in OUT/results.md (per contestant the median over
# rounds of queries/s with min-max, the ratio vtloop/JDK of the medians with its range
# min/max..max/min, p50/p99 latency, client CPU per query, errors); OUT/results.json (every run's
# JSON line); OUT/raw/ (each run's stdout and stderr), OUT/postgres.log.
# Needs: Linux, python3, taskset (--pin/--share), runuser (as root), JDK 25 (scripts/find-jdk.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

rounds=3 pin=0 share= threads=200 pool=20 warmup=5 duration=10 query=mix backends=epoll,io_uring vtopts= pgbin= out=
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) rounds=$2; shift ;;
    --pin) pin=1 ;;
    --share) share=$2; shift ;;
    --threads) threads=$2; shift ;;
    --pool) pool=$2; shift ;;
    --warmup) warmup=$2; shift ;;
    --duration) duration=$2; shift ;;
    --query) query=$2; shift ;;
    --backends) backends=$2; shift ;;
    --vtloop-opts) vtopts=$2; shift ;;
    --pg-bin) pgbin=$2; shift ;;
    --out) out=$2; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "jdbc.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done
die() { echo "jdbc.sh: $*" >&2; exit 2; }
[[ $rounds =~ ^[1-9][0-9]*$ ]] || die "--rounds takes a whole number >= 1"
[[ $pool =~ ^[1-9][0-9]*$ ]] || die "--pool takes a whole number >= 1"
[ "$pin" = 1 ] && [ -n "$share" ] && die "--pin and --share do not go together"

jar=bench/target/benchmarks.jar agent=agent/target/vtloop-agent.jar
for f in "$jar" "$agent"; do
  [ -f "$f" ] || die "$f is missing; build first: mvn -B -ntp -q -pl bench,agent -am package -DskipTests"
done
jdk=$(scripts/find-jdk.sh) || exit 2
java=$jdk/bin/java
command -v python3 >/dev/null || die "python3 is missing"
if [ "$pin" = 1 ] || [ -n "$share" ]; then
  command -v taskset >/dev/null || die "taskset is missing (util-linux)"
  [ "$pin" = 0 ] || [ "$(nproc)" -ge 2 ] || die "--pin needs 2 CPUs, this process has $(nproc)"
fi

# Contestants: name, then the JVM options.
names=(jdk) opts=("")
no_uring=
if [ "$(cat /proc/sys/kernel/io_uring_disabled 2>/dev/null || echo 0)" = 2 ]; then no_uring="kernel.io_uring_disabled=2"; fi
for b in ${backends//,/ }; do
  case "$b" in
    epoll) ;;
    io_uring) if [ -n "$no_uring" ]; then echo "jdbc.sh: skipping vtloop-io_uring: $no_uring" >&2; continue; fi ;;
    *) die "--backends takes epoll and/or io_uring, not $b" ;;
  esac
  names+=("vtloop-$b") opts+=("-javaagent:$agent -Dvtloop.backend=$b -Dvtloop.verbose=true${vtopts:+ $vtopts}")
done
# PostgreSQL: the newest /usr/lib/postgresql/*/bin, waiting for (or running) its installation.
find_pgbin() {
  local d
  d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [ -n "$d" ] && [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] && echo "$d"
}
if [ -z "$pgbin" ]; then
  pgbin=$(find_pgbin || true)
  if [ -z "$pgbin" ] && pgrep -x 'apt-get|apt|dpkg' >/dev/null; then
    echo "jdbc.sh: waiting for the running apt/dpkg to install PostgreSQL (up to 10 min)" >&2
    for _ in $(seq 600); do
      pgbin=$(find_pgbin || true)
      if [ -n "$pgbin" ] && dpkg -s postgresql 2>/dev/null | grep -q '^Status: install ok installed'; then break; fi
      pgrep -x 'apt-get|apt|dpkg' >/dev/null || break
      sleep 1
    done
    pgbin=$(find_pgbin || true)
  fi
  if [ -z "$pgbin" ]; then
    [ "$(id -u)" = 0 ] || die "PostgreSQL is not installed (apt-get install postgresql, or --pg-bin DIR)"
    echo "jdbc.sh: installing PostgreSQL (apt-get install -y postgresql)" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql >&2 \
      || { apt-get update -q >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql >&2; } \
      || die "apt-get install postgresql failed"
    pgbin=$(find_pgbin) || die "no /usr/lib/postgresql/*/bin/initdb after installing postgresql"
  fi
fi
[ -x "$pgbin/initdb" ] && [ -x "$pgbin/pg_ctl" ] || die "no initdb/pg_ctl in $pgbin"

# The server runs as a non-root user: postgres when we are root, else ourselves.
if [ "$(id -u)" = 0 ]; then
  id postgres >/dev/null 2>&1 || die "running as root, but there is no user postgres to run the server"
  command -v runuser >/dev/null || die "runuser is missing (util-linux)"
  as_pg() { runuser -u postgres -- "$@"; }
  pguser=postgres
else
  as_pg() { "$@"; }
  pguser=$(id -un)
fi

out=${out:-bench/results/runs/jdbc-$(date -u +%Y%m%dT%H%M%SZ)}
mkdir -p "$out/raw"
out=$(cd "$out" && pwd)

pgdir=$(mktemp -d /tmp/vtloop-jdbc-pg.XXXXXX)
[ "$pguser" = "$(id -un)" ] || chown "$pguser" "$pgdir"
stop_pg() {
  if [ -f "$pgdir/data/postmaster.pid" ]; then
    as_pg "$pgbin/pg_ctl" -D "$pgdir/data" -m fast -w -t 30 stop >/dev/null 2>&1 \
      || as_pg "$pgbin/pg_ctl" -D "$pgdir/data" -m immediate -w -t 30 stop >/dev/null 2>&1 || true
  fi
  [ -f "$pgdir/postgres.log" ] && cp "$pgdir/postgres.log" "$out/postgres.log" 2>/dev/null
  rm -rf "$pgdir"
}
trap stop_pg EXIT
trap 'exit 130' INT TERM

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
as_pg "$pgbin/initdb" -D "$pgdir/data" -A trust -U postgres -E UTF8 --no-sync >"$out/raw/initdb.log" 2>&1 \
  || { cat "$out/raw/initdb.log" >&2; die "initdb failed"; }
server_cpus= client_cpus=
if [ "$pin" = 1 ]; then server_cpus=0 client_cpus=1; elif [ -n "$share" ]; then server_cpus=$share client_cpus=$share; fi
pin_server=() pin_client=()
[ -z "$server_cpus" ] || pin_server=(taskset -c "$server_cpus")
[ -z "$client_cpus" ] || pin_client=(taskset -c "$client_cpus")
# The postmaster's affinity is inherited by every backend it forks.
as_pg "${pin_server[@]}" "$pgbin/pg_ctl" -D "$pgdir/data" -l "$pgdir/postgres.log" -w -t 60 start -o \
  "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$pgdir -c max_connections=$((pool + 10)) \
   -c fsync=off -c synchronous_commit=off -c full_page_writes=off" >/dev/null \
  || { cat "$pgdir/postgres.log" >&2 || true; die "the PostgreSQL server did not start"; }
pgversion=$("$pgbin/postgres" --version)
url="jdbc:postgresql://127.0.0.1:$port/postgres?sslmode=disable"

load_args=(--url "$url" --user postgres --threads "$threads" --pool "$pool" --query "$query")

commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
git diff --quiet HEAD 2>/dev/null || commit="$commit+dirty"
if [ "$pin" = 1 ]; then cores="pinned: server on core 0, client on core 1"
elif [ -n "$share" ]; then cores="shared: server and client both on CPUs $share"
else cores="shared: server and client on all $(nproc) CPUs, no taskset"; fi
started=$(date -u +%Y-%m-%dT%H:%M:%SZ)
load_start=$(cut -d' ' -f1-3 /proc/loadavg)
echo "jdbc.sh: $pgversion on 127.0.0.1:$port; $cores; ${#names[@]} contestants x $rounds rounds of ${warmup} s + ${duration} s" >&2

# A short unmeasured run first: creates and fills the table, warms the server's caches.
"${pin_client[@]}" "$java" -cp "$jar" io.vtloop.bench.jdbc.JdbcLoad "${load_args[@]}" --warmup 0 --duration 1 \
  >"$out/raw/prime.json" 2>"$out/raw/prime.err" || { cat "$out/raw/prime.err" >&2; die "the priming run failed"; }

failed=0
for r in $(seq 1 "$rounds"); do
  order=$(seq 0 $(( ${#names[@]} - 1 )))
  [ $((r % 2)) = 1 ] || order=$(seq $(( ${#names[@]} - 1 )) -1 0)
  for i in $order; do
    name=${names[$i]} base="$out/raw/$r-${names[$i]}"
    # shellcheck disable=SC2086   # the options are words
    rc=0
    "${pin_client[@]}" "$java" ${opts[$i]} -cp "$jar" io.vtloop.bench.jdbc.JdbcLoad "${load_args[@]}" \
      --warmup "$warmup" --duration "$duration" >"$base.json" 2>"$base.err" || rc=$?
    if [ "$rc" != 0 ]; then
      echo "jdbc.sh: round $r $name failed (exit $rc; see $base.err)" >&2; failed=1
      mv "$base.json" "$base.rejected.json"; continue
    fi
    # It ran on the scheduler it is named after, and vtloop on the backend asked for, with no fall-back.
    why=$(python3 - "$name" "$base.json" "$base.err" <<'EOF'
import json, re, sys
name, js, err = sys.argv[1:]
try:
    d = json.loads(open(js).read().strip().splitlines()[-1])
except Exception as e:
    sys.exit(print("no JSON line on stdout: %s" % e))
said = [l.strip() for l in open(err, errors="replace") if l.startswith("vtloop:")]
if name == "jdk":
    if d["scheduler"] != "jdk": print("ran on %s, not the JDK's scheduler" % d["carrier"])
else:
    backend = name.split("-", 1)[1]
    installed = [l for l in said if l.startswith("vtloop: installed")]
    other = [l for l in said if "io_uring" in l and not l.startswith("vtloop: installed")]
    if d["scheduler"] != "vtloop": print("ran on %s, not vtloop (%s)" % (d["carrier"], said[0] if said else "no vtloop: line"))
    elif d["backend"] != backend: print("vtloop ran backend %s, not %s" % (d["backend"], backend))
    elif not installed or not re.search(r"\bbackend %s\b" % backend, installed[0]): print("no 'vtloop: installed ... backend %s' line" % backend)
    elif backend == "io_uring" and other: print("vtloop fell back from io_uring: %s" % other[0])
EOF
)
    if [ -n "$why" ]; then echo "jdbc.sh: round $r $name: $why" >&2; failed=1; mv "$base.json" "$base.rejected.json"; continue; fi
    python3 -c 'import json,sys; d=json.loads(open(sys.argv[1]).read().strip().splitlines()[-1]); print("jdbc.sh: round %s %-16s %10.0f q/s  p50 %8.0f us  p99 %8.0f us  errors %d" % (sys.argv[2], sys.argv[3], d["qps"], d["p50_us"] or 0, d["p99_us"] or 0, d["errors"]))' \
      "$base.json" "$r" "$name" >&2
  done
done

load_end=$(cut -d' ' -f1-3 /proc/loadavg)
export J_COMMIT=$commit J_STARTED=$started J_PG=$pgversion J_CORES=$cores J_THREADS=$threads J_POOL=$pool \
  J_QUERY=$query J_WARMUP=$warmup J_DURATION=$duration J_LOAD_START=$load_start J_LOAD_END=$load_end \
  J_JDK=$("$java" -version 2>&1 | head -n 1)
python3 - "$out" "$rounds" "${names[*]}" <<'EOF'
import json, os, statistics, sys
out, rounds, names = sys.argv[1], int(sys.argv[2]), sys.argv[3].split()
runs = []
for r in range(1, rounds + 1):
    for n in names:
        p = os.path.join(out, "raw", "%d-%s.json" % (r, n))
        if os.path.exists(p):
            d = json.loads(open(p).read().strip().splitlines()[-1])
            d.update(round=r, contestant=n)
            runs.append(d)
def col(n, k):
    return [d[k] for d in runs if d["contestant"] == n and d[k] is not None]
def med(xs):
    return statistics.median(xs) if xs else None
jq = col("jdk", "qps")
e = os.environ
lines = [
    "JDBC client sharing the cores with PostgreSQL: `bench/jdbc.sh` at commit %s, %s" % (e["J_COMMIT"], e["J_STARTED"]),
    "",
    "%s; %s; %s; client: %s virtual threads, HikariCP pool of %s, query `%s`, %s s warm-up + %s s measured per run, "
    "%d interleaved rounds; load average %s at the start, %s at the end." % (
        e["J_PG"], e["J_JDK"], e["J_CORES"], e["J_THREADS"], e["J_POOL"], e["J_QUERY"], e["J_WARMUP"],
        e["J_DURATION"], rounds, e["J_LOAD_START"], e["J_LOAD_END"]),
    "",
    "| contestant | queries/s median (min–max) | vtloop / JDK queries/s (range) | p50 µs | p99 µs | client CPU µs/query | workers | runs | errors |",
    "|---|---|---|---|---|---|---|---|---|",
]
for n in names:
    q = col(n, "qps")
    if not q:
        lines.append("| %s | (no run) | | | | | | 0 | |" % n)
        continue
    if n == "jdk" or not jq:
        ratio = "1.00" if n == "jdk" else ""
    else:
        ratio = "%.2f (%.2f–%.2f)" % (med(q) / med(jq), min(q) / max(jq), max(q) / min(jq))
    fmt = lambda v, f="%.0f": f % v if v is not None else "–"
    workers = sorted(set(str(d["workers"]) for d in runs if d["contestant"] == n))
    lines.append("| %s | %.0f (%.0f–%.0f) | %s | %s | %s | %s | %s | %d | %d |" % (
        n, med(q), min(q), max(q), ratio, fmt(med(col(n, "p50_us"))), fmt(med(col(n, "p99_us"))),
        fmt(med(col(n, "cpu_us_per_query")), "%.1f"), ",".join(workers), len(q),
        sum(d["errors"] for d in runs if d["contestant"] == n)))
lines += ["", "Medians over rounds; the ratio is of the medians, its range min/max to max/min. Latency: from asking the pool for a connection to handing it back. Raw runs: raw/ of this folder."]
text = "\n".join(lines) + "\n"
open(os.path.join(out, "results.md"), "w").write(text)
json.dump({"runs": runs}, open(os.path.join(out, "results.json"), "w"), indent=1)
print(text, end="")
EOF
echo "jdbc.sh: results in $out" >&2
exit $failed
