#!/usr/bin/env bash
# WakeFromIdle (one param) on 1 core: jdk, vtloop, vtloop with extra flags; long warm-up; interleaved rounds.
cd "$(git rev-parse --show-toplevel)"
J=$(scripts/find-jdk.sh)/bin/java
out=$1 rounds=$2 wake=$3 extra=$4; mkdir -p "$out"
for r in $(seq 1 "$rounds"); do
  for v in jdk vtloop var; do
    case $v in jdk) b=jdk x="";; vtloop) b=vtloop x="";; var) b=vtloop x="$extra";; esac
    taskset -c 0 "$J" -jar bench/target/benchmarks.jar "WakeFromIdle.$b\$" -p wake=$wake -wi 8 -w 1s -i 3 -r 500ms -f 1 \
      -jvmArgsPrepend "-Djdk.virtualThreadScheduler.parallelism=1 -Dvtloop.carriers=1 -Dvtloop.bench.cores=1 $x" \
      -rf json -rff "$out/long-$v-r$r.json" > "$out/long-$v-r$r.log" 2>&1 || echo "FAILED $v $r"
  done
done
