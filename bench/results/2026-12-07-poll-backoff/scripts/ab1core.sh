#!/usr/bin/env bash
# One-core A/B of runtime-suite benchmarks: the JDK and vtloop agent jars from $JARS
# (agent-VARIANT.jar), interleaved rounds, the order rotated each round. Each variant's fork runs
# in a folder of its own whose agent/target/vtloop-agent.jar is that variant's jar, so the
# benchmark's relative -javaagent (Suite.AGENT) loads it and nothing else.
#   JARS=dir VARS="new excl" BENCHES="YieldPingPong LockContention" scripts/ab1core.sh OUT [ROUNDS]
# WARM and MEAS override the JMH warm-up and measurement options (default -wi 3 -w 500ms, -i 4 -r 500ms).
# EXTRA adds JMH options (e.g. "-p pairs=1"). CORES=2 runs the same on two cores (taskset 0,1, two carriers, the JDK's parallelism 2); default 1.
cd "$(git rev-parse --show-toplevel)"
J=$(scripts/find-jdk.sh)/bin/java
jar=$PWD/bench/target/benchmarks.jar
out=$(realpath -m "$1") rounds=${2:-3} jars=$(realpath "${JARS:?}"); mkdir -p "$out"
vars=(jdk ${VARS:?})
n=${CORES:-1} cpus=$(seq -s, 0 $(( ${CORES:-1} - 1 )))
work=$(mktemp -d)
for v in ${VARS}; do mkdir -p "$work/$v/agent/target" && cp "$jars/agent-$v.jar" "$work/$v/agent/target/vtloop-agent.jar"; done
mkdir -p "$work/jdk"
for r in $(seq 1 "$rounds"); do
  for b in ${BENCHES:?}; do
    for k in $(seq 0 $(( ${#vars[@]} - 1 ))); do
      v=${vars[$(( (k + r) % ${#vars[@]} ))]}
      if [ "$v" = jdk ]; then m=jdk; else m=vtloop; fi
      (cd "$work/$v" && taskset -c "$cpus" "$J" -jar "$jar" "^io\\.vtloop\\.bench\\.runtime\\.$b\\.$m\$" -f 1 ${WARM:--wi 3 -w 500ms} ${MEAS:--i 4 -r 500ms} -foe true \
        -jvmArgsPrepend "-Djdk.virtualThreadScheduler.parallelism=$n -Dvtloop.carriers=$n -Dvtloop.bench.cores=$n" \
        ${EXTRA:-} -rf json -rff "$out/$b-$v-r$r.json" > "$out/$b-$v-r$r.log" 2>&1) || echo "FAILED $b $v $r"
    done
  done
done
rm -rf "$work"
