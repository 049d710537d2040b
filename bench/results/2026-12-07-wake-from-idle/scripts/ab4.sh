#!/usr/bin/env bash
cd "$(git rev-parse --show-toplevel)"
J=$(scripts/find-jdk.sh)/bin/java
out=$1; rounds=$2; shift 2
mkdir -p $out
vars="${VARS:-jdk base final streak}"
for r in $(seq 1 $rounds); do
  if [ $((r % 2)) = 1 ]; then order="$vars"; else order=$(echo $vars | tr ' ' '\n' | tac | tr '\n' ' '); fi
  for spec in "$@"; do
    b=${spec%%:*}; extra=${spec#*:}; [ "$extra" = "$spec" ] && extra=""
    for v in $order; do
      case $v in jdk) m=jdk; a="";; *) m=vtloop; a="-javaagent:jars/agent-$v.jar";; esac
      taskset -c 0,1 $J -jar bench/target/benchmarks.jar "^io\.vtloop\.bench\.runtime\.$b\.$m\$" $extra -f 1 -wi 3 -i 5 -w 1s -r 1s -foe true \
        -jvmArgsAppend "-Djdk.virtualThreadScheduler.parallelism=2 -Dvtloop.carriers=2 -Dvtloop.bench.cores=2 $a" \
        -rf json -rff $out/$b-$v-r$r.json > $out/$b-$v-r$r.log 2>&1 || echo "FAILED $b $v $r"
    done
  done
done
echo done
