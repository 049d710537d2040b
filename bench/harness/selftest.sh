#!/usr/bin/env bash
# Self-test of the harness's C pieces and peers on loopback: each available peer server is
# started, loadgen drives it in every mode, and the JSON must show completed requests and no
# errors. Bounded: about 1 s per check. Usage: bench/harness/selftest.sh (after make).
set -euo pipefail
cd "$(dirname "$0")"
LG=build/loadgen
fail=0
check() { # name, loadgen args...
  local name=$1; shift
  local out
  if ! out=$("$LG" --duration 0.5 --warmup 0.2 "$@" 2>/dev/null); then
    echo "FAIL $name: loadgen exited non-zero"; fail=1; return
  fi
  if /usr/bin/python3 -c 'import json,sys; r=json.loads(sys.argv[1]); e=r["errors"]; sys.exit(0 if r["requests"]>0 and not any(e.values()) else 1)' "$out"; then
    echo "ok   $name"
  else
    echo "FAIL $name: $out"; fail=1
  fi
}
serve() { # argv... ; sets PID and PORT
  "$@" > "$TMP/out" 2>&1 &
  PID=$!
  for _ in $(seq 100); do
    PORT=$(sed -n 's/^listening on \([0-9]*\)$/\1/p' "$TMP/out")
    [ -n "$PORT" ] && return 0
    sleep 0.1
  done
  echo "FAIL $*: no 'listening on' line"; cat "$TMP/out"; kill "$PID"; fail=1; return 1
}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
servers=("build/epoll_server")
[ -x build/uv_server ] && servers+=("build/uv_server")
/usr/bin/python3 -c 'import uvloop' 2>/dev/null && servers+=("/usr/bin/python3 peers/uvloop_server.py")
for s in "${servers[@]}"; do
  for w in 1 2; do
    if serve $s echo 0 $w; then
      check "$s echo w$w closed 1KiB"  --port "$PORT" --conns 10 --size 1024
      check "$s echo w$w closed 100KiB" --port "$PORT" --conns 10 --size 102400
      check "$s echo w$w rate"          --port "$PORT" --mode rate --rate 2000 --conns 10 --size 512
      check "$s echo w$w churn"         --port "$PORT" --mode churn --conns 4 --size 64
      kill "$PID"; wait "$PID" 2>/dev/null || true
    fi
    if serve $s http 0 $w; then
      check "$s http w$w closed" --port "$PORT" --proto http --conns 10
      check "$s http w$w churn"  --port "$PORT" --proto http --mode churn --conns 4
      kill "$PID"; wait "$PID" 2>/dev/null || true
    fi
  done
done
# bad input must be rejected with a message
if "$LG" --port 1 --host 10.0.0.1 2>/dev/null; then echo "FAIL loadgen accepted a non-loopback host"; fail=1; else echo "ok   loadgen rejects non-loopback hosts"; fi
exit $fail
