#!/usr/bin/env bash
# JDK 25's AOT cache against the agent: trains one cache per configuration (the JDK alone, an agent
# whose premain does nothing, vtloop: its training run records on the JDK's scheduler and says so),
# then times HelloVirtual with and without each cache, the six configurations taking turns.
# Usage: aot.sh CORES RUNS FLOOR_JAR OUT   (CORES as taskset -c takes it; run from the repository root)
set -euo pipefail
cores=$1 runs=$2 floor=$3 out=$4
java=$(scripts/find-jdk.sh)/bin/java cp=bench/target/benchmarks.jar agent=agent/target/vtloop-agent.jar
main=io.vtloop.bench.startup.HelloVirtual
mkdir -p "$out"; rm -f "$out"/*.aot
"$java" -XX:AOTCacheOutput="$out/jdk.aot" -cp "$cp" $main 0 > "$out/train-jdk.log" 2>&1
"$java" -XX:AOTCacheOutput="$out/floor.aot" -javaagent:"$floor" -cp "$cp" $main 0 > "$out/train-floor.log" 2>&1
"$java" -XX:AOTCacheOutput="$out/vtloop.aot" -javaagent:"$agent" -cp "$cp" $main 0 > "$out/train-vtloop.log" 2>&1
declare -A args=([jdk]="" [jdk+aot]="-XX:AOTCache=$out/jdk.aot -XX:AOTMode=on"
  [floor]="-javaagent:$floor" [floor+aot]="-XX:AOTCache=$out/floor.aot -XX:AOTMode=on -javaagent:$floor"
  [vtloop]="-javaagent:$agent" [vtloop+aot]="-XX:AOTCache=$out/vtloop.aot -XX:AOTMode=on -javaagent:$agent")
order=(jdk jdk+aot floor floor+aot vtloop vtloop+aot)
TIMEFORMAT=%R
printf 'cores\tconfig\trun\twall_ms\n' > "$out/runs-$cores.tsv"
for r in $(seq "$runs"); do
  for k in $(seq 0 5); do c=${order[$(( (k + r) % 6 ))]}
    t=$( { time taskset -c "$cores" "$java" ${args[$c]} -cp "$cp" $main 0 > /dev/null; } 2>&1 )
    printf '%s\t%s\t%s\t%.0f\n' "$cores" "$c" "$r" "$(echo "$t * 1000" | bc)" >> "$out/runs-$cores.tsv"
  done
done
python3 - "$out/runs-$cores.tsv" <<'PY'
import csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1]), delimiter="\t"))
order = ["jdk", "jdk+aot", "floor", "floor+aot", "vtloop", "vtloop+aot"]
v = {c: sorted(int(r["wall_ms"]) for r in rows if r["config"] == c) for c in order}
print("| cores | " + " | ".join(order) + " |"); print("|---" * (len(order) + 1) + "|")
print(f"| {rows[0]['cores']} | " + " | ".join(f"{statistics.median(v[c]):.0f} ({v[c][0]}-{v[c][-1]})" for c in order) + " |")
PY
rm -f "$out"/*.aot
