#!/usr/bin/env bash
# Runs vtloop's jcstress suite from stress/target/jcstress.jar (build it first:
# mvn -B -pl stress -am package).
#
#   stress/run.sh [quick|long] [extra jcstress options, e.g. -t FdState]
#
# quick: CI mode. One JVM configuration per test (-m quick, no split compilation).
# long:  -m default with every JVM configuration jcstress finds (C1/C2/interpreter splits,
#        C2 stress flags); the control tests must be observed failing.
#
# Exit status: 0 when all real tests passed; 1 when a real test saw a FORBIDDEN outcome or
# erred, when nothing ran, when the jar holds no tests, or (long mode) when a control test
# did not show the bug it plants; 2 on bad usage or a missing JDK 25 / jar.
# The report goes to stress/target/jcstress-<mode>/ (results/index.html, console.log).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
mode=${1:-quick}
[ $# -gt 0 ] && shift
case "$mode" in
  quick) preset=(-m quick -sc false) ;;
  long)  preset=(-m default) ;;
  *) echo "usage: $0 [quick|long] [jcstress options]   (got mode '$mode')" >&2; exit 2 ;;
esac

jdk=$("$here/../scripts/find-jdk.sh") || exit 2   # JDK 25+: the project's one finder
java=$jdk/bin/java

jar=${VTLOOP_STRESS_JAR:-$here/target/jcstress.jar}   # override: another build of the jar
if [ ! -f "$jar" ]; then
  echo "run.sh: $jar is missing; build it with: mvn -B -pl stress -am package" >&2
  exit 2
fi

command -v unzip >/dev/null || { echo "run.sh: unzip is missing (apt-get install -y unzip)" >&2; exit 2; }
# (c) JDK 25's javac ignores processors on the class path: an empty TestList means no tests.
tests=$(unzip -p "$jar" META-INF/TestList 2>/dev/null | grep -c '^JCTEST' || true)
if [ "$tests" -eq 0 ]; then
  echo "run.sh: $jar contains no jcstress tests (META-INF/TestList is empty or missing)" >&2
  exit 1
fi
# TestList lines: JCTEST<len>S<test class name><len>S<runner>...; controls end in ControlTest.
controls=$(unzip -p "$jar" META-INF/TestList | while read -r line; do
  rest=${line#JCTEST}; len=${rest%%S*}; rest=${rest#*S}; echo "${rest:0:$len}"
done | grep 'ControlTest$' | sort -u || true)

# What the forked test JVMs need: FFM for the poller, JDK internals for the scheduler.
vmargs="--enable-native-access=ALL-UNNAMED --add-exports java.base/jdk.internal.access=ALL-UNNAMED --add-exports java.base/sun.nio.ch=ALL-UNNAMED --add-exports java.base/jdk.internal.misc=ALL-UNNAMED"
if [ "$mode" = quick ]; then vmopt=(-jvmArgs "$vmargs"); else vmopt=(-jvmArgsPrepend "$vmargs"); fi

out=$here/target/jcstress-$mode
rm -rf "$out"
mkdir -p "$out"
cd "$out"
echo "run.sh: $tests tests in $jar; mode $mode; report in $out"
set +e
# -strideCount 8: each poller test state holds two fds; 40 strides x 256 states would
# pass the 20000 fds a process may open.
"$java" --enable-native-access=ALL-UNNAMED -jar "$jar" "${preset[@]}" "${vmopt[@]}" \
  -strideCount 8 -v -r results "$@" 2>&1 | tee console.log
rc=${PIPESTATUS[0]}
set -e

log=$out/console.log
fail=0
if grep -q 'No matching tests' "$log" || ! grep -q 'RUN RESULTS' "$log"; then
  echo "run.sh: FAIL: jcstress ran no tests (exit $rc)" >&2
  exit 1
fi
# Per-test verdict lines of the summary, e.g. ".......... [FAILED] io.vtloop.runtime.X".
verdicts=$(sed -n '/^RUN RESULTS:/,$p' "$log" | grep -E '^\.* *\[[A-Z ]+\] [A-Za-z0-9_.]+' || true)
# Final progress line: "(Results: N planned; P passed, F failed, S soft errs, H hard errs)".
counts=$(grep -oE 'Results: [0-9]+ planned; [0-9]+ passed, [0-9]+ failed, [0-9]+ soft errs, [0-9]+ hard errs' "$log" \
  | tail -1 | grep -oE '[0-9]+' | tr '\n' ' ' || true)
read -r planned passed failed soft hard <<<"${counts:-0 0 0 0 0}"
echo "run.sh: jcstress results: $planned planned, $passed passed, $failed failed, $soft soft errors, $hard hard errors"
if [ "$planned" -eq 0 ] || [ $((passed + failed + soft + hard)) -eq 0 ]; then
  echo "run.sh: FAIL: no test produced results" >&2
  exit 1
fi
if [ $((soft + hard)) -ne 0 ]; then
  echo "run.sh: FAIL: $soft soft and $hard hard jcstress errors (see $log)" >&2
  fail=1
fi
bad=$(echo "$verdicts" | grep -vE '\[OK\]' | grep -vE 'ControlTest$' || true)
if [ -n "$bad" ]; then
  echo "run.sh: FAIL: real tests with FORBIDDEN outcomes or errors:" >&2
  echo "$bad" >&2
  fail=1
fi
if [ "$failed" -ne 0 ] && [ -z "$bad" ]; then
  echo "run.sh: FAIL: jcstress counted $failed failed results (see $log)" >&2
  fail=1
fi
badctl=$(echo "$verdicts" | grep -vE '\[OK\]' | grep -E 'ControlTest$' || true)
if [ -n "$badctl" ]; then
  echo "run.sh: FAIL: control tests did not run cleanly:" >&2
  echo "$badctl" >&2
  fail=1
fi

# Controls: their bug outcome is the only ACCEPTABLE_INTERESTING one, so "interesting" = seen.
interesting=$(sed -n '/^RUN RESULTS:/,/^ *Failed tests:/p' "$log" | grep -oE '\[OK\] [A-Za-z0-9_.]+ControlTest' \
  | sed 's/^\[OK\] //' | sort -u || true)
for c in $controls; do
  if echo "$interesting" | grep -qx "$c"; then
    echo "run.sh: control $c: bug observed (as expected)"
  elif ! grep -q "$c" "$log"; then
    echo "run.sh: control $c: not run (test selection)"
  elif [ "$mode" = long ]; then
    echo "run.sh: FAIL: control $c did not show its bug: the suite may be unable to see lost wake-ups" >&2
    fail=1
  else
    echo "run.sh: control $c: bug NOT observed in quick mode (not a failure; long mode requires it)"
  fi
done

if [ "$fail" -eq 0 ] && [ "$rc" -ne 0 ]; then
  echo "run.sh: FAIL: jcstress exited with $rc" >&2
  fail=1
fi
[ "$fail" -eq 0 ] && echo "run.sh: PASS ($mode): no FORBIDDEN outcome in $tests tests"
exit "$fail"
