#!/bin/bash
# A/B of the binding's steady-state downcall costs: standalone (FFM linker) old/new, with agent old/new (direct handles)
J=JDK/bin/java
OUT=TMP/ab-ffm/out; mkdir -p $OUT
B='io.vtloop.bench.poller.PollerBenchmark.(pollNowIdle|pollNowAndReadSlot|registerDeregister)'
for round in 1 2 3; do
  for cfg in alone-old alone-new agent-old agent-new; do
    case $cfg in
      alone-old) jar=TMP/jars/bench-old.jar; extra="--enable-native-access=ALL-UNNAMED" ;;
      alone-new) jar=TMP/jars/bench-new.jar; extra="--enable-native-access=ALL-UNNAMED" ;;
      agent-old) jar=TMP/jars/bench-new.jar; extra="--enable-native-access=ALL-UNNAMED -javaagent:TMP/jars/agent-old.jar" ;;
      agent-new) jar=TMP/jars/bench-new.jar; extra="--enable-native-access=ALL-UNNAMED -javaagent:TMP/jars/agent-new.jar" ;;
    esac
    taskset -c 1 $J -jar $jar "$B" -f 1 -wi 3 -w 1 -i 5 -r 1 -jvmArgsAppend "$extra" -rf json -rff $OUT/$cfg-$round.json > $OUT/$cfg-$round.log 2>&1
  done
done
echo done
