#!/usr/bin/env bash
# WakeFromIdle on the JDK and on vtloop (agent/target/vtloop-agent.jar), the suite's quick warm-up
# (2 x 0.5 s) against a long one (8 x 1 s), same measured iterations (3 x 0.5 s); interleaved rounds.
#   scripts/wake-warmup.sh OUT [ROUNDS] [CPUS]
cd "$(git rev-parse --show-toplevel)"
J=$(scripts/find-jdk.sh)/bin/java
out=$1 rounds=${2:-3} cpus=${3:-0}; mkdir -p "$out"
n=$(( $(tr -cd , <<<"$cpus" | wc -c) + 1 ))
for r in $(seq 1 "$rounds"); do
  for w in quick long; do
    if [ $w = quick ]; then warm="-wi 2 -w 500ms"; else warm="-wi 8 -w 1s"; fi
    if [ $((r % 2)) = 1 ]; then order="jdk vtloop"; else order="vtloop jdk"; fi
    for s in $order; do
      taskset -c "$cpus" "$J" -jar bench/target/benchmarks.jar "WakeFromIdle.$s\$" $warm -i 3 -r 500ms -f 1 \
        -jvmArgsPrepend "-Djdk.virtualThreadScheduler.parallelism=$n -Dvtloop.carriers=$n -Dvtloop.bench.cores=$n" \
        -rf json -rff "$out/$w-$s-r$r.json" > "$out/$w-$s-r$r.log" 2>&1 || echo "FAILED $w $s $r"
    done
  done
done
