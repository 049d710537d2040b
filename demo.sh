#!/usr/bin/env bash
# vtloop demo: builds everything, then runs the <= 2-minute side-by-side comparison
# (plain blocking sample servers on JDK 25 virtual threads, with and without the vtloop agent)
# and prints the markdown table. Needs Maven, JDK 25 and gcc; as root, the harness apt-installs
# wrk (the HTTP client) itself. Extra arguments go to bench/harness/run.py.
set -euo pipefail
cd "$(dirname "$0")"
command -v mvn >/dev/null || { echo "demo.sh: Maven (mvn) is required" >&2; exit 1; }
command -v make >/dev/null && command -v gcc >/dev/null || { echo "demo.sh: make and gcc are required" >&2; exit 1; }
echo "demo.sh: building (mvn -B -q install -DskipTests)" >&2
mvn -B -q install -DskipTests
exec /usr/bin/python3 bench/harness/run.py --quick "$@"
