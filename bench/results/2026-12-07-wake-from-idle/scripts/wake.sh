#!/usr/bin/env bash
# A/B of WakeFromIdle: jdk, vtloop at HEAD (base), vtloop with the monitor's wake timer; interleaved rounds.
cd "$(git rev-parse --show-toplevel)"
J=$(scripts/find-jdk.sh)/bin/java
out=${OUT:-wake}; mkdir -p "$out"; rounds=${1:-4}
run() { # name bench extra
  taskset -c 0,1 $J -jar bench/target/benchmarks.jar "WakeFromIdle.$2" -f 1 -wi 3 -i 5 -w 1s -r 1s \
    -jvmArgsAppend "-Djdk.virtualThreadScheduler.parallelism=2 $3" -rf json -rff $out/$1-r$r.json > $out/$1-r$r.log 2>&1
}
for r in $(seq 1 $rounds); do
  if [ $((r % 2)) = 1 ]; then order="jdk base timer"; else order="timer base jdk"; fi
  for v in $order; do
    case $v in
      jdk) run jdk jdk "" ;;
      base) run base vtloop "-javaagent:jars/agent-base.jar" ;;
      timer) run timer vtloop "-javaagent:jars/agent-timer.jar" ;;
    esac
  done
done
