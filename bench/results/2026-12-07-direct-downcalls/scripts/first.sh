#!/bin/bash
# First.java in fresh JVMs: the JDK, the agent before (old) and after (new), taking turns; N runs per cell per core set
# usage: first.sh N OUTDIR [extra java args for the agent runs...]
# OLD and NEW override the two agent jars, BEFORE the label of the first (session 15 reran it with its own jars)
N=$1; OUT=$2; shift 2
J=JDK/bin/java
mkdir -p $OUT; : > $OUT/runs.tsv
for cpus in 0 0,1; do
  for i in $(seq $N); do
    for cfg in jdk old new; do
      case $cfg in jdk) a=() ;; old) a=(-javaagent:${OLD:-TMP/jars/agent-old.jar} "$@") ;; new) a=(-javaagent:${NEW:-TMP/jars/agent-new.jar} "$@") ;; esac
      ms=$(taskset -c $cpus $J "${a[@]}" -cp TMP/fe First 2>/dev/null | awk '/first echo/ {print $3}')
      echo -e "$cpus\t$cfg\t$ms" >> $OUT/runs.tsv
    done
  done
done
python3 - $OUT/runs.tsv <<'PY' | tee $OUT/results.md
import sys,statistics,collections
d=collections.defaultdict(list)
for line in open(sys.argv[1]):
    c,cfg,ms=line.split('\t'); 
    if ms.strip(): d[(c,cfg)].append(float(ms))
import os
print('| cores | JDK ms median (min-max) | ' + os.environ.get('BEFORE', 'before (63e5c59)') + ' | after | after/JDK |')
print('|---|---|---|---|---|')
for c in ['0','0,1']:
    m={k:statistics.median(d[(c,k)]) for k in ['jdk','old','new']}
    f=lambda k:'%.1f (%.1f-%.1f)'%(m[k],min(d[(c,k)]),max(d[(c,k)]))
    print('| %s | %s | %s | %s | %.2f |'%('1' if c=='0' else '2',f('jdk'),f('old'),f('new'),m['new']/m['jdk']))
PY
