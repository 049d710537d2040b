#!/usr/bin/env bash
# Runs every test of vtloop: the Maven build with its unit and behaviour suites (the scheduler's
# suite twice: on the JDK default and with -javaagent), the samples against real clients, a check
# that the JMH and jcstress jars contain tests, and the jcstress suite in quick mode.
# Needs: JDK 25 under /usr/lib/jvm (Maven finds it via maven-toolchains-plugin), Maven, gcc, make, curl.
set -euo pipefail
cd "$(dirname "$0")"

missing=()
for tool in mvn gcc make curl; do command -v "$tool" >/dev/null || missing+=("$tool"); done
scripts/find-jdk.sh >/dev/null || missing+=("JDK 25 (\$JAVA_HOME or /usr/lib/jvm)")
if [ ${#missing[@]} -gt 0 ]; then
  echo "run-tests.sh: missing ${missing[*]} (on Debian: apt-get install -y maven gcc make curl)" >&2
  exit 2
fi

# A merge that left its conflict markers in a tracked file (it happened once, in README.md).
if git rev-parse --git-dir >/dev/null 2>&1 && git grep -nE '^(<<<<<<<|>>>>>>>) ' -- . ':!*.png' ':!*.jar'; then
  echo "run-tests.sh: merge conflict markers in the files above" >&2
  exit 1
fi

mvn -B -ntp verify

# JDK 25's javac skips annotation processors on the classpath: an empty list means no tests.
check_list() {  # jar, list resource, what
  if [ -f "$1" ]; then
    n=$(unzip -p "$1" "$2" 2>/dev/null | grep -c . || true)
    if [ "$n" -eq 0 ]; then echo "run-tests.sh: $1 contains no $3" >&2; exit 1; fi
    echo "$1: $n $3"
  fi
}
check_list bench/target/benchmarks.jar META-INF/BenchmarkList "JMH benchmarks"
if [ -x stress/run.sh ]; then
  stress/run.sh quick
fi
