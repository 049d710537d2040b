#!/usr/bin/env bash
# Self-test of the harness, before any timing (bounded, about 3 minutes with all contestants):
#  1. the checks can fail: loadgen --verify must report a server that flips one echoed byte, one
#     that answers HTTP 404, and one with the wrong body; loadgen must reject non-loopback hosts;
#     the vtloop contestants' start-up check must refuse a server whose stderr says vtloop did not
#     install or runs another backend than the contestant's;
#  2. every contestant (run.py's: the JDK samples with and without the agent, on epoll and on
#     io_uring, Netty on epoll and on io_uring, libuv, uvloop, the C epoll server) answers every
#     workload correctly: byte-exact echo of each size and connection count, the exact-length
#     echo loop, open loop, churn, HTTP 200 with the plaintext body (run.py --selftest, loadgen
#     --verify 1). A contestant that cannot run (missing jar or package) fails it too.
# Usage: bench/harness/selftest.sh [run.py options, e.g. --contestants c-epoll,vtloop]
# Needs the jars built first (mvn -B -q package -DskipTests) for the Java contestants.
set -euo pipefail
cd "$(dirname "$0")"
make -s
LG=build/loadgen
PY=/usr/bin/python3
fail=0
TMP=$(mktemp -d)
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  rm -rf "$TMP"
}
trap cleanup EXIT

# A deliberately wrong server on loopback: corrupt-echo | http-404 | http-body. Prints the port.
bad_server() {
  "$PY" - "$1" > "$TMP/$1.out" 2>/dev/null <<'PYEOF' &
import socket, sys, threading
kind = sys.argv[1]
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(64)
print("listening on %d" % s.getsockname()[1], flush=True)
def serve(c):
    first = True
    with c:
        while True:
            try:
                d = c.recv(65536)
            except OSError:
                return
            if not d:
                return
            if kind == "corrupt-echo":
                b = bytearray(d)
                if first and len(b) > 3:
                    b[3] ^= 1   # one flipped bit in the first response
                first = False
                out = bytes(b)
            else:
                n = d.count(b"\r\n\r\n")
                one = (b"HTTP/1.1 404 Not Found\r\nContent-Length: 13\r\n\r\nHello, World!" if kind == "http-404"
                       else b"HTTP/1.1 200 OK\r\nContent-Length: 13\r\n\r\nHello, Wirld!")
                out = one * n
            try:
                c.sendall(out)
            except OSError:
                return
threading.Timer(20, lambda: __import__("os")._exit(0)).start()   # bounded
while True:
    c, _ = s.accept()
    threading.Thread(target=serve, args=(c,), daemon=True).start()
PYEOF
  PIDS+=($!)
  for _ in $(seq 50); do
    PORT=$(sed -n 's/^listening on \([0-9]*\)$/\1/p' "$TMP/$1.out")
    [ -n "$PORT" ] && return 0
    sleep 0.1
  done
  echo "FAIL could not start the $1 server"; fail=1; return 1
}

# must_catch NAME ERRORKEY loadgen-args...: the run must report errors.ERRORKEY > 0
must_catch() {
  local name=$1 key=$2; shift 2
  local out
  out=$("$LG" --duration 0.3 --warmup 0 --verify 1 "$@" 2>/dev/null || true)
  if "$PY" -c 'import json,sys; sys.exit(0 if json.loads(sys.argv[1])["errors"][sys.argv[2]] > 0 else 1)' "$out" "$key" 2>/dev/null; then
    echo "ok   loadgen --verify catches $name"
  else
    echo "FAIL loadgen --verify missed $name: $out"; fail=1
  fi
}

if bad_server corrupt-echo; then must_catch "a flipped echo byte" mismatch --port "$PORT" --conns 2 --size 1024; fi
if bad_server http-404; then must_catch "HTTP 404" status --port "$PORT" --proto http --conns 2; fi
if bad_server http-body; then must_catch "a wrong HTTP body" mismatch --port "$PORT" --proto http --conns 2; fi
if "$LG" --port 1 --host 10.0.0.1 2>/dev/null; then echo "FAIL loadgen accepted a non-loopback host"; fail=1; else echo "ok   loadgen rejects non-loopback hosts"; fi

# the vtloop contestants' start-up check (stderr with -Dvtloop.verbose=true) must refuse a server that is not
# running vtloop, or not on the backend its name says
if "$PY" - <<'PYEOF'
import sys
sys.path.insert(0, ".")
import run
uring = run.Contestant("vtloop-io_uring", None, None, backend="io_uring")
epoll = run.Contestant("vtloop", None, None, backend="epoll")
must_fail = [
    (uring, ["vtloop: not installed, running on the JDK's default scheduler: no native library"]),
    (uring, []),                                                     # no agent at all
    (uring, ["vtloop: installed, 1 carriers, backend epoll"]),
    (uring, ["vtloop: installed, 1 carriers, backend epoll (io_uring unavailable: EPERM)"]),
    (uring, ["vtloop: io_uring_setup failed (EPERM), falling back to epoll", "vtloop: installed, 1 carriers"]),
    (uring, ["vtloop: installed, 1 carriers"]),                      # knows vtloop.backend but names none
    (epoll, ["vtloop: installed, 1 carriers, backend io_uring"]),
]
bad = 0
for c, lines in must_fail:
    try:
        c.check_started(lines)
        print("FAIL the vtloop start-up check passed %s with %s" % (c.name, lines)); bad = 1
    except RuntimeError:
        pass
for c, lines in [(uring, ["vtloop: installed, 2 carriers, backend io_uring"]),
                 (epoll, ["vtloop: installed, 2 carriers, backend epoll"])]:
    try:
        c.check_started(lines)
    except RuntimeError as e:
        print("FAIL the vtloop start-up check refused %s: %s" % (c.name, e)); bad = 1
sys.exit(bad)
PYEOF
then echo "ok   the vtloop start-up check refuses a server not on vtloop or not on its backend"; else fail=1; fi

# every contestant x every workload, byte-exact
if "$PY" run.py --selftest --out "$TMP/run" "$@"; then
  echo "ok   every contestant answers every workload correctly ($(grep -c '^ok' "$TMP/run/selftest.txt") checks)"
else
  echo "FAIL run.py --selftest (per check above)"; fail=1
fi
exit $fail
