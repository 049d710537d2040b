#!/usr/bin/env bash
# Prints the home of a JDK 25 or later: $JAVA_HOME if it is one, else the newest under /usr/lib/jvm.
# The one place every script of vtloop finds its JDK. Exit status 1, with a message, when none is.
set -u
feature() {   # the feature version of the JDK at $1, from its release file
  sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$1/release" 2>/dev/null
}
if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ] && [ "$(feature "$JAVA_HOME")" -ge 25 ] 2>/dev/null; then
  echo "$JAVA_HOME"; exit 0
fi
best= bestv=0
for d in /usr/lib/jvm/*/; do
  d=${d%/}
  v=$(feature "$d")
  if [ -n "$v" ] && [ -x "$d/bin/java" ] && [ "$v" -ge 25 ] && [ "$v" -gt "$bestv" ]; then best=$d bestv=$v; fi
done
if [ -z "$best" ]; then
  echo "find-jdk.sh: no JDK 25 or later (set JAVA_HOME, or install one under /usr/lib/jvm)" >&2
  exit 1
fi
echo "$best"
