#!/bin/bash
# One profiled run (session 7): a server on core 0, loadgen on core 1 (1 KiB echo x 100, closed loop,
# 12 s with 3 s warm-up), perf record -e cpu-clock -F 4000 -C 0 for 5 s in the middle.
# usage: profile-echo.sh c-epoll|uring|epoll|netty OUTDIR   (writes OUTDIR/NAME.data and NAME.load)
# Needs the built tree (mvn package -DskipTests, make -C bench/harness) and perf.
set -e
name=$1; out=$2; mkdir -p "$out"
cd "$(dirname "$0")/../../.."
J=$(scripts/find-jdk.sh)/bin/java
agent="-javaagent:agent/target/vtloop-agent.jar -Dvtloop.carriers=1"
echo_cp="-cp samples/target/classes io.vtloop.samples.EchoServer --port 0 --buffer 65536"
case $name in
  c-epoll) cmd="bench/harness/build/epoll_server echo 0 1 65536";;
  uring) cmd="$J --enable-native-access=ALL-UNNAMED $agent -Dvtloop.backend=io_uring $echo_cp";;
  epoll) cmd="$J --enable-native-access=ALL-UNNAMED $agent -Dvtloop.backend=epoll $echo_cp";;
  netty) cmd="$J --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow -cp bench/target/benchmarks.jar io.vtloop.bench.peers.NettyIoUringServer echo 0 1 65536";;
  *) echo "usage: $0 c-epoll|uring|epoll|netty OUTDIR" >&2; exit 2;;
esac
exec 3< <(taskset -c 0 $cmd 2>"$out/$name.err")
port=""
while read -r line <&3; do if [[ $line =~ listening\ on\ ([0-9]+) ]]; then port=${BASH_REMATCH[1]}; break; fi; done
taskset -c 1 bench/harness/build/loadgen --port "$port" --conns 100 --size 1024 --duration 12 --warmup 3 > "$out/$name.load" 2>&1 &
lg=$!
sleep 5
perf record -e cpu-clock -F 4000 -C 0 -o "$out/$name.data" -- sleep 5 >/dev/null 2>&1
wait $lg
pkill -f "$(echo "$cmd" | cut -c1-60)" || true
tail -1 "$out/$name.load"
