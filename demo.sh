#!/usr/bin/env bash
# vtloop demo: builds everything (mvn package: the harness takes the jars from the target/
# folders, nothing is installed into ~/.m2), then runs the ~3-minute side-by-side comparison
# (run.py --quick): the plain blocking sample servers on JDK 25 virtual threads without and with
# the vtloop agent (on epoll, and on io_uring), Netty's io_uring transport, and the hand-written C
# epoll server as the practical limit. A self-test checks every answer
# first. It prints the markdown table, then per workload vtloop's ratio to the JDK default and to
# the C epoll server, and draws the chart. Needs Maven, JDK 25 and gcc; as root, the harness
# apt-installs wrk (the HTTP client) and python3-matplotlib (the chart) itself.
# Extra arguments go to bench/harness/run.py (e.g. --no-install, --out DIR).
set -euo pipefail
cd "$(dirname "$0")"
command -v mvn >/dev/null || { echo "demo.sh: Maven (mvn) is required" >&2; exit 1; }
command -v make >/dev/null && command -v gcc >/dev/null || { echo "demo.sh: make and gcc are required" >&2; exit 1; }
echo "demo.sh: building (mvn -B -q package -DskipTests)" >&2
mvn -B -q package -DskipTests
exec /usr/bin/python3 bench/harness/run.py --quick "$@"
