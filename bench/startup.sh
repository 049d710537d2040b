#!/usr/bin/env bash
# Start-up cost of the agent: wall-clock and CPU time (user + sys) of whole JVM runs of
# io.vtloop.bench.startup.HelloVirtual (one virtual thread; with --rounds N also N cold
# SynchronousQueue round trips), on the JDK's default scheduler and with -javaagent, on 1 core
# (taskset -c 0) and on 2 cores (-c 0,1), the schedulers taking turns run by run.
# Builds nothing: run  mvn -B -ntp verify -pl bench -am  first. Usage:
#   bench/startup.sh [--runs N] [--rounds N] [--socket] [--agent JAR] [--base JAR] [--floor] [--agent-arg ARG]... [--out DIR]
#     --socket  then one byte echoed over a loopback connection (a program that used a socket)
#     --agent   the agent jar (default agent/target/vtloop-agent.jar)
#     --base    another build of the agent, run as a third scheduler "base" in the same rotation (an A/B)
#     --floor   also "floor": -javaagent with a premain that does nothing (built into OUT), what
#               the JVM charges any agent (it resolves the module graph instead of mapping CDS's)
#     --agent-arg  a JVM option for the runs with an agent (either build), e.g. -Dvtloop.patchCache=off
# Output: a markdown table (median and min-max of each, vtloop/JDK of the medians) on stdout
# and in OUT/results.md; OUT/runs.tsv holds every run. Needs: Linux, taskset, python3, JDK 25.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=11 rounds=0 socket= out= agent=agent/target/vtloop-agent.jar base= floor= agent_args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs=$2; shift ;;
    --rounds) rounds=$2; shift ;;
    --socket) socket=socket ;;
    --agent) agent=$2; shift ;;
    --base) base=$2; shift ;;
    --floor) floor=floor ;;
    --agent-arg) agent_args+=("$2"); shift ;;
    --out) out=$2; shift ;;
    *) echo "startup.sh: unknown option $1 (accepted: --runs N, --rounds N, --socket, --agent JAR, --base JAR, --floor, --agent-arg ARG, --out DIR)" >&2; exit 2 ;;
  esac
  shift
done
java=$(scripts/find-jdk.sh)/bin/java
jar=bench/target/benchmarks.jar
for f in "$jar" "$agent" ${base:+"$base"}; do [ -f "$f" ] || { echo "startup.sh: $f missing; run mvn -B -ntp verify -pl bench -am" >&2; exit 1; }; done
out=${out:-bench/results/runs/startup-$(date -u +%Y%m%dT%H%M%SZ)}
mkdir -p "$out"
if [ -n "$floor" ]; then   # an agent jar whose premain returns at once
  mkdir -p "$out/floor/src/floor" "$out/floor/classes"
  printf 'package floor;\npublic class Premain { public static void premain(String a, java.lang.instrument.Instrumentation i) { } }\n' > "$out/floor/src/floor/Premain.java"
  printf 'Premain-Class: floor.Premain\n' > "$out/floor/manifest.txt"
  "$(dirname "$java")/javac" -d "$out/floor/classes" "$out/floor/src/floor/Premain.java"
  "$(dirname "$java")/jar" cfm "$out/floor/floor.jar" "$out/floor/manifest.txt" -C "$out/floor/classes" .
fi
printf 'cores\tscheduler\trun\twall_ms\tcpu_ms\n' > "$out/runs.tsv"
TIMEFORMAT='%R %U %S'
for r in $(seq 1 "$runs"); do
  for cores in 1 2; do
    cpus=$([ "$cores" = 1 ] && echo 0 || echo 0,1)
    all=(jdk vtloop ${base:+base} $floor); n=${#all[@]}
    order=(); for k in $(seq 0 $((n - 1))); do order+=("${all[$(( (k + r) % n ))]}"); done   # each run starts with the next one
    for s in "${order[@]}"; do
      args=(); [ "$s" = vtloop ] && args=("-javaagent:$agent" ${agent_args[@]+"${agent_args[@]}"})
      [ "$s" = base ] && args=("-javaagent:$base" ${agent_args[@]+"${agent_args[@]}"})
      [ "$s" = floor ] && args=("-javaagent:$out/floor/floor.jar")
      t=$( { time taskset -c "$cpus" "$java" "${args[@]}" -cp "$jar" io.vtloop.bench.startup.HelloVirtual "$rounds" $socket >/dev/null; } 2>&1 | tail -1)
      read -r real user sys <<< "$t"
      python3 -c "import sys; r,u,s=map(float,sys.argv[1:4]); print('$cores\t$s\t$r\t%d\t%d' % (r*1000, (u+s)*1000))" "$real" "$user" "$sys" >> "$out/runs.tsv"
    done
  done
done
python3 - "$out" "$runs" "$rounds${socket:+ + socket}" "$(basename "$agent")${agent_args[@]+ ${agent_args[*]}}" "$(git rev-parse --short HEAD 2>/dev/null || echo ?)" "$(date -u +%FT%TZ)" "$(basename "${base:-}")" "$floor" <<'PY' | tee "$out/results.md"
import csv, statistics, sys
out, runs, rounds, agent, commit, when, base, floor = sys.argv[1:9]
rows = list(csv.DictReader(open(out + "/runs.tsv"), delimiter="\t"))
def cell(v): return f"{statistics.median(v):.0f} ({min(v)}-{max(v)})"
scheds = ["jdk", "vtloop"] + (["base"] if base else []) + (["floor"] if floor else [])
label = {"jdk": "JDK", "vtloop": "vtloop", "base": "base", "floor": "empty agent"}
print(f"HelloVirtual {rounds} round trips, {runs} runs per cell, agent {agent}" + (f", base {base}" if base else "")
      + f", checkout {commit}, finished {when}; ms, median (min-max)\n")
for k, what in (("wall_ms", "wall"), ("cpu_ms", "CPU")):
    head = ["cores"] + [f"{label[s]} {what}" for s in scheds] + [f"{what} {label[s]}/JDK" for s in scheds[1:]] \
        + ([f"{what} vtloop - empty agent"] if floor else [])
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    for cores in ("1", "2"):
        v = {s: [int(r[k]) for r in rows if r["cores"] == cores and r["scheduler"] == s] for s in scheds}
        m = {s: statistics.median(x) for s, x in v.items()}
        print("| " + " | ".join([cores] + [cell(v[s]) for s in scheds] + [f"{m[s] / m['jdk']:.1f}" for s in scheds[1:]]
                                + ([f"{m['vtloop'] - m['floor']:.0f} ms"] if floor else [])) + " |")
    print()
PY
