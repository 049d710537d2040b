#!/usr/bin/env bash
# The non-I/O runtime suite: the JMH benchmarks of io.vtloop.bench.runtime that extend
# SuiteBenchmark, each on the JDK's default scheduler and on vtloop (-javaagent), on 1 core and
# on 2 cores, with vtloop/JDK ratios from this one run. Builds nothing: run
#   mvn -B -ntp verify -pl bench -am        (bench/target/benchmarks.jar, agent/target/vtloop-agent.jar)
# first. Usage:
#   bench/runtime-suite.sh [--quick|--full] [--forks N] [--cores 1,2] [--only REGEX] [--out DIR]
#     --quick   2 forks, 2 x 0.5 s warm-up + 3 x 0.5 s measured iterations per fork (default)
#     --full    5 forks, 5 x 1 s warm-up + 5 x 1 s measured (~30 min)
#               (either way WakeFromIdle warms up at least 8 x 1 s and measures 5 x 1 s: see warmup() below)
#     --forks N, --wi N, --i N, --time T   override the mode's forks, iterations and iteration time (JMH syntax: 500ms, 1s)
#     --cores   which rows to run: 1 (taskset -c 0), 2 (taskset -c 0,1), or 1,2 (default)
#     --only    a regex on the benchmark class names (e.g. 'SyncQueue|Yield')
#     --out     output folder (default bench/results/runs/runtime-<UTC timestamp>/, git-ignored)
# Each fork is one JMH launch (-f 1) of one benchmark on one scheduler, in the order
#   for fork: for cores: for benchmark: jdk, vtloop (vtloop, jdk on even forks)
# so drift on a shared machine spreads over both schedulers. 1 core: the whole JMH process under
# taskset -c 0 and -Djdk.virtualThreadScheduler.parallelism=1 -Dvtloop.carriers=1; 2 cores: -c 0,1
# and 2. Each fork checks it runs on the scheduler and cores it is meant to (Suite.check), and
# each benchmark checks its own result; any failure stops the suite (JMH -foe).
# Output: a markdown table on stdout and in OUT/results.md; OUT/results.json (every fork's
# score and iterations); OUT/raw/ (JMH's JSON and log of every launch).
# Needs: Linux, taskset, python3, JDK 25 ($JAVA_HOME, else /usr/lib/jvm/*25*).
set -euo pipefail
cd "$(dirname "$0")/.."

mode=quick forks= wi= iters= itime= cores_list=1,2 only= out=
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) mode=quick ;;
    --full) mode=full ;;
    --forks) forks=$2; shift ;;
    --wi) wi=$2; shift ;;
    --i) iters=$2; shift ;;
    --time) itime=$2; shift ;;
    --cores) cores_list=$2; shift ;;
    --only) only=$2; shift ;;
    --out) out=$2; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "runtime-suite.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done
if [ "$mode" = quick ]; then
  : "${forks:=2}" "${wi:=2}" "${iters:=3}" "${itime:=500ms}"
else
  : "${forks:=5}" "${wi:=5}" "${iters:=5}" "${itime:=1s}"
fi

jar=bench/target/benchmarks.jar agent=agent/target/vtloop-agent.jar
for f in "$jar" "$agent"; do
  [ -f "$f" ] || { echo "runtime-suite.sh: $f is missing; build first: mvn -B -ntp verify -pl bench -am" >&2; exit 2; }
done
jdk=$(scripts/find-jdk.sh) || exit 2   # JDK 25+: the project's one finder
java=$jdk/bin/java
command -v taskset >/dev/null || { echo "runtime-suite.sh: taskset is missing (util-linux)" >&2; exit 2; }

ncpu=$(nproc)
cores=()
for c in ${cores_list//,/ }; do
  case "$c" in
    1) cores+=(1) ;;
    2) if [ "$ncpu" -ge 2 ]; then cores+=(2); else echo "runtime-suite.sh: 1 CPU here, skipping the 2-core rows" >&2; fi ;;
    *) echo "runtime-suite.sh: --cores takes 1, 2 or 1,2" >&2; exit 2 ;;
  esac
done

# The suite: the classes of io.vtloop.bench.runtime with jdk and vtloop methods (SuiteBenchmark's).
list=$("$java" -jar "$jar" -l 2>/dev/null)
mapfile -t benches < <(sed -n 's/^io\.vtloop\.bench\.runtime\.\([A-Za-z0-9]*\)\.vtloop$/\1/p' <<<"$list" \
  | while read -r b; do grep -qx "io.vtloop.bench.runtime.$b.jdk" <<<"$list" && echo "$b"; done \
  | grep -v '^PipePingPongBenchmark$' | { if [ -n "$only" ]; then grep -E "$only" || true; else cat; fi })
[ ${#benches[@]} -gt 0 ] || { echo "runtime-suite.sh: no benchmarks selected" >&2; exit 2; }

out=${out:-bench/results/runs/runtime-$(date -u +%Y%m%dT%H%M%SZ)}
mkdir -p "$out/raw"
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
git diff --quiet HEAD 2>/dev/null || commit="$commit+dirty"
started=$(date -u +%Y-%m-%dT%H:%M:%SZ)
load_start=$(cut -d' ' -f1-3 /proc/loadavg)
launches=$(( forks * ${#cores[@]} * ${#benches[@]} * 2 ))
echo "runtime-suite: $mode, ${#benches[@]} benchmarks x ${#cores[@]} core counts x 2 schedulers x $forks forks = $launches launches" \
     "(-wi $wi -i $iters, $itime each); output $out" >&2

# Warm-up by work done, not by time alone: a benchmark whose op includes an idle spell
# (WakeFromIdle: 0.5 ms per op) runs about 1,800 ops in the quick mode's 2 x 0.5 s, where the
# others run millions, and its wake-up path is then still being compiled while it is measured.
# Measured (docs/BENCHMARKS.md, session 9, wake-warmup): vtloop/JDK mean 1.52 (start) after the
# quick warm-up, 0.90 after 8 x 1 s; the JDK's own mean 21.4 -> 13.5 us. Such a benchmark gets
# at least 8 x 1 s of warm-up in every mode, on both schedulers, and at least 5 x 1 s measured:
# its score is a mean over about 1,700 samples a second, where one sample of 0.4-4 ms (seen on
# either scheduler, 0-3 per 0.5 s iteration) moves a 0.5 s iteration's mean by up to 30%.
slow_ops='^WakeFromIdle$'
warmup() {
  if [[ "$1" =~ $slow_ops ]]; then echo "-wi $(( wi > 8 ? wi : 8 )) -w 1s"; else echo "-wi $wi -w $itime"; fi
}
measurement() {
  if [[ "$1" =~ $slow_ops ]]; then echo "-i $(( iters > 5 ? iters : 5 )) -r 1s"; else echo "-i $iters -r $itime"; fi
}

n=0
for ((fork = 1; fork <= forks; fork++)); do
  if (( fork % 2 )); then order=(jdk vtloop); else order=(vtloop jdk); fi
  for c in "${cores[@]}"; do
    if [ "$c" = 1 ]; then cpus=0; else cpus=0,1; fi
    for b in "${benches[@]}"; do
      for s in "${order[@]}"; do
        n=$((n + 1))
        name="f$fork-c$c-$b-$s"
        echo "[$n/$launches] fork $fork, $c core(s), $b.$s" >&2
        if ! taskset -c "$cpus" "$java" -jar "$jar" "^io\\.vtloop\\.bench\\.runtime\\.$b\\.$s\$" \
            -f 1 $(warmup "$b") $(measurement "$b") -foe true \
            -jvmArgsPrepend "-Djdk.virtualThreadScheduler.parallelism=$c -Dvtloop.carriers=$c -Dvtloop.bench.cores=$c" \
            -rf json -rff "$out/raw/$name.json" > "$out/raw/$name.log" 2>&1; then
          echo "runtime-suite.sh: $b.$s failed on $c core(s); from $out/raw/$name.log:" >&2
          grep -E '^[A-Za-z0-9.$]+(Exception|Error)(:|$)|^Error' "$out/raw/$name.log" | awk '!seen[$0]++' | head -6 >&2 || true
          exit 1
        fi
      done
    done
  done
done

python3 - "$out" "$mode" "$commit" "$started" "$load_start" "$(cut -d' ' -f1-3 /proc/loadavg)" "$forks" "$wi" "$iters" "$itime" \
  "$("$java" -version 2>&1 | head -1)" "$ncpu" <<'EOF'
import glob, json, os, re, statistics, sys

out, mode, commit, started, load0, load1, forks, wi, iters, itime, jvm, ncpu = sys.argv[1:]
forks_by_key = {}   # (benchmark, params, cores) -> scheduler -> [fork results]
order = []
for path in sorted(glob.glob(os.path.join(out, "raw", "*.json"))):
    m = re.match(r"f(\d+)-c(\d+)-(\w+)-(jdk|vtloop)\.json$", os.path.basename(path))
    fork, cores, bench, sched = int(m[1]), int(m[2]), m[3], m[4]
    for r in json.load(open(path)):
        params = ", ".join(f"{k}={v}" for k, v in sorted((r.get("params") or {}).items()))
        key = (bench, params, cores)
        if key not in forks_by_key:
            forks_by_key[key] = {"jdk": [], "vtloop": []}
        pm = r["primaryMetric"]
        if "rawData" in pm:
            iterations = pm["rawData"][0]
        else:   # sample time: each iteration's mean from its histogram; the percentiles kept too
            iterations = [sum(v * n for v, n in h) / sum(n for _, n in h) for h in pm["rawDataHistogram"][0]]
        forks_by_key[key][sched].append({"fork": fork, "score": pm["score"], "error": pm["scoreError"],
                                         "unit": pm["scoreUnit"], "iterations": iterations,
                                         "percentiles": pm.get("scorePercentiles"),
                                         "mode": r.get("mode"), "jvmArgs": r.get("jvmArgs", [])})

def fmt(x):
    return f"{x:,.0f}" if x >= 100 else f"{x:,.1f}" if x >= 10 else f"{x:,.2f}"

rows, md = [], []
md.append(f"Runtime suite ({mode}): commit {commit}, started {started}, {ncpu} CPUs, load average {load0} at the start, "
          f"{load1} at the end; {jvm}.")
md.append(f"{forks} interleaved forks per cell, each -wi {wi} -i {iters} x {itime} (WakeFromIdle: at least 8 x 1 s of warm-up, 5 x 1 s measured); cell = median of the forks' "
          "scores (min-max); ratio = vtloop median / JDK median (range: min vtloop / max JDK - max vtloop / min JDK). "
          "Time per op: lower is better, ratio > 1.00 = vtloop slower.")
md.append("")
md.append("| workload | cores | unit | JDK | vtloop | vtloop/JDK | |")
md.append("|---|---|---|---|---|---|---|")
for key in sorted(forks_by_key, key=lambda k: (k[0], k[1], k[2])):
    bench, params, cores = key
    d = forks_by_key[key]
    if not d["jdk"] or not d["vtloop"]:
        continue
    unit = d["jdk"][0]["unit"]
    s = {k: [f["score"] for f in v] for k, v in d.items()}
    med = {k: statistics.median(v) for k, v in s.items()}
    ratio = med["vtloop"] / med["jdk"]
    lo, hi = min(s["vtloop"]) / max(s["jdk"]), max(s["vtloop"]) / min(s["jdk"])
    flag = ("**> 1.0**" + ("" if lo > 1.0 else " (spread reaches 1.0)")) if ratio > 1.0 else ""
    name = bench + (f" ({params})" if params else "")
    md.append(f"| {name} | {cores} | {unit} | {fmt(med['jdk'])} ({fmt(min(s['jdk']))}-{fmt(max(s['jdk']))}) | "
              f"{fmt(med['vtloop'])} ({fmt(min(s['vtloop']))}-{fmt(max(s['vtloop']))}) | "
              f"{ratio:.2f} ({lo:.2f}-{hi:.2f}) | {flag} |")
    rows.append({"benchmark": bench, "params": params, "cores": cores, "unit": unit,
                 "jdk": {"median": med["jdk"], "min": min(s["jdk"]), "max": max(s["jdk"])},
                 "vtloop": {"median": med["vtloop"], "min": min(s["vtloop"]), "max": max(s["vtloop"])},
                 "ratio": ratio, "ratio_range": [lo, hi], "slower": ratio > 1.0,
                 "forks": d})
# Sample-time rows: the score is a mean, which a few multi-millisecond outliers (JIT, GC or the
# host, on either scheduler) move by more than the difference; their percentiles, too.
pct_rows = [r for r in rows if all(f["mode"] == "sample" and f["percentiles"] for k in ("jdk", "vtloop") for f in r["forks"][k])]
if pct_rows:
    md.append("")
    md.append("Sample-time rows, percentiles of each fork's samples (cell = median over the forks; ratio = vtloop / JDK):")
    md.append("")
    md.append("| workload | cores | JDK p50 | vtloop p50 | p50 ratio | JDK p90 | vtloop p90 | p90 ratio | JDK p99 | vtloop p99 | p99 ratio |")
    md.append("|---|---|---|---|---|---|---|---|---|---|---|")
    for r in pct_rows:
        cells = []
        for q in ("50.0", "90.0", "99.0"):
            m = {k: statistics.median(f["percentiles"][q] for f in r["forks"][k]) for k in ("jdk", "vtloop")}
            cells += [fmt(m["jdk"]), fmt(m["vtloop"]), f"{m['vtloop'] / m['jdk']:.2f}"]
            r.setdefault("percentile_ratios", {})[q] = m["vtloop"] / m["jdk"]
        name = r["benchmark"] + (f" ({r['params']})" if r["params"] else "")
        md.append(f"| {name} | {r['cores']} | " + " | ".join(cells) + " |")
slower = [r for r in rows if r["slower"]]
md.append("")
md.append(f"{len(slower)} of {len(rows)} rows have vtloop slower than the JDK." if slower
          else f"No row has vtloop slower than the JDK ({len(rows)} rows).")
text = "\n".join(md) + "\n"
open(os.path.join(out, "results.md"), "w").write(text)
json.dump({"suite": "io.vtloop.bench.runtime", "mode": mode, "commit": commit, "started": started,
           "cpus": int(ncpu), "loadavg_start": load0, "loadavg_end": load1, "jvm": jvm,
           "forks": int(forks), "warmup_iterations": int(wi), "iterations": int(iters), "iteration_time": itime,
           "rows": rows}, open(os.path.join(out, "results.json"), "w"), indent=1)
print(text, end="")
EOF
