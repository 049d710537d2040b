#!/usr/bin/env bash
# The socket harness, jdk-vthreads and vtloop, with two agent jars alternating (A B B A):
#   JARS=dir scripts/harness-ab.sh OUT        (dir holds agent-base.jar and agent-new.jar)
cd "$(git rev-parse --show-toplevel)"
out=$1 jars=${JARS:?set JARS to the folder of agent-VARIANT.jar}
i=0
for v in ${VARS:-base new new base}; do
  i=$((i+1))
  python3 bench/harness/run.py --contestants jdk-vthreads,vtloop --workloads ${WORKLOADS:-echo-1k-c100-w2,rate50-echo-1k-c100-w2,http-w2,echo-1k-c100} \
    --reps 2 --no-selftest --no-install --agent-jar $jars/agent-$v.jar --out $out/$i-$v > $out/$i-$v.log 2>&1 || echo "FAILED $i $v"
done
echo done
