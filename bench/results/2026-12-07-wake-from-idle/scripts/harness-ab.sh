#!/usr/bin/env bash
cd "$(git rev-parse --show-toplevel)"
out=$1
i=0
for v in ${VARS:-base final final base}; do
  i=$((i+1))
  python3 bench/harness/run.py --contestants jdk-vthreads,vtloop --workloads ${WORKLOADS:-echo-1k-c100-w2,rate50-echo-1k-c100-w2,http-w2,echo-1k-c100} \
    --reps 2 --no-selftest --no-install --agent-jar jars/agent-$v.jar --out $out/$i-$v > $out/$i-$v.log 2>&1 || echo "FAILED $i $v"
done
echo done
