#!/usr/bin/env bash
cd "$(git rev-parse --show-toplevel)"
J=$(scripts/find-jdk.sh)/bin/java
out=$1; shift; rounds=$1; shift
mkdir -p $out
# remaining args: name=bench|jvmargs
for r in $(seq 1 $rounds); do
  for spec in "$@"; do
    name=${spec%%=*}; rest=${spec#*=}; bench=${rest%%|*}; args=${rest#*|}
    taskset -c 0,1 $J -jar bench/target/benchmarks.jar "WakeFromIdle.$bench" -f 1 -wi 3 -i 5 -w 1s -r 1s \
      -jvmArgsAppend "-Djdk.virtualThreadScheduler.parallelism=2 $args" -rf json -rff $out/$name-r$r.json > $out/$name-r$r.log 2>&1
  done
done
echo done
