# Shared by ./gearlog, ./run-tests and the tools: finds a JDK and knows the JVM flags every Gearlog JVM needs.
# shellcheck shell=bash

GEARLOG_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

java_major() {
  "$1/bin/java" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2; exit}' | cut -d. -f1
}

# Picks the newest JDK >= 21 with javac (JAVA_HOME first, then /usr/lib/jvm, then PATH). Sets GEARLOG_JAVA_HOME.
find_jdk() {
  local best="" best_v=0 c v
  local candidates=()
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  for c in /usr/lib/jvm/*; do [ -d "$c" ] && candidates+=("$c"); done
  if command -v java >/dev/null 2>&1; then
    candidates+=("$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")")
  fi
  for c in "${candidates[@]}"; do
    [ -x "$c/bin/java" ] && [ -x "$c/bin/javac" ] || continue
    v=$(java_major "$c")
    [ -n "$v" ] || continue
    if [ "$v" -ge 21 ] && [ "$v" -gt "$best_v" ]; then best="$c"; best_v="$v"; fi
  done
  if [ -z "$best" ]; then
    echo "gearlog: no Java 21 or newer JDK found (looked at \$JAVA_HOME, /usr/lib/jvm and PATH)." >&2
    echo "gearlog: install one, for example Temurin 25 (the version Gearlog is tested with), or set JAVA_HOME." >&2
    exit 1
  fi
  GEARLOG_JAVA_HOME="$best"
  GEARLOG_JAVA_MAJOR="$best_v"
}

# Flags every JVM that loads Gearlog needs (Chronicle, Netty, GraalPy); keep in sync with jvm.base.args in pom.xml.
jvm_flags() {
  local flags=(
    --enable-native-access=ALL-UNNAMED
    --add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.lang.reflect=ALL-UNNAMED
    --add-opens=java.base/java.io=ALL-UNNAMED --add-opens=java.base/java.util=ALL-UNNAMED
    --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-exports=java.base/jdk.internal.ref=ALL-UNNAMED
    --add-exports=java.base/sun.nio.ch=ALL-UNNAMED --add-exports=jdk.unsupported/sun.misc=ALL-UNNAMED
    --add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED --add-opens=jdk.compiler/com.sun.tools.javac=ALL-UNNAMED
    --add-exports=java.base/jdk.internal.misc=ALL-UNNAMED
    -Dchronicle.analytics.disable=true -Dchronicle.announcer.disable=true -Ddisable.perf.info=true
    -Dpolyglot.engine.WarnInterpreterOnly=false
    "-Dpolyglot.engine.userResourceCache=$GEARLOG_ROOT/target/graal-cache"
    "-Djna.tmpdir=$GEARLOG_ROOT/target/jna"
  )
  [ "$GEARLOG_JAVA_MAJOR" -ge 23 ] && flags+=(--sun-misc-unsafe-memory-access=allow)
  # GraalPy's optimizing runtime needs the Graal compiler built for this JDK (25.0.3 targets JDK 25)
  if [ "$GEARLOG_JAVA_MAJOR" -ge 25 ] && [ -d "$GEARLOG_ROOT/resp/target/jvmci" ] && [ "${GEARLOG_JIT:-yes}" != "no" ]; then
    flags+=(-XX:+UnlockExperimentalVMOptions -XX:+EnableJVMCI "--upgrade-module-path=$GEARLOG_ROOT/resp/target/jvmci")
  fi
  printf '%s\n' "${flags[@]}"
}

# The server's collector, unless GEARLOG_JAVA_OPTS names one: ZGC, whose pauses stay well under a millisecond while
# the server creates much long-lived data (README, "The heap").
server_gc_flags() {
  if [[ ! "${GEARLOG_JAVA_OPTS:-}" =~ -XX:\+Use[A-Za-z0-9]+GC ]]; then
    printf '%s\n' -XX:+UseZGC
  fi
}

need_maven() {
  if ! command -v mvn >/dev/null 2>&1; then
    echo "gearlog: Apache Maven (mvn) is needed to build Gearlog and was not found on PATH." >&2
    exit 1
  fi
}

# Builds the server jars when missing or older than any source or pom.
build_if_needed() {
  local stamp="$GEARLOG_ROOT/resp/target/lib/.built"
  if [ -f "$stamp" ] && [ -z "$(find "$GEARLOG_ROOT" \( -path "$GEARLOG_ROOT/target" -o -path "$GEARLOG_ROOT/*/target" \) -prune -o \( -name '*.java' -o -name 'pom.xml' -o -name '*.py' -o -path '*/src/main/resources/*' \) -type f -newer "$stamp" -print -quit)" ]; then
    return
  fi
  need_maven
  echo "gearlog: building (first run or sources changed; this takes a minute)..." >&2
  mkdir -p "$GEARLOG_ROOT/target"
  (cd "$GEARLOG_ROOT" && JAVA_HOME="$GEARLOG_JAVA_HOME" mvn -q -B -DskipTests -Dstyle.color=never package) \
    > "$GEARLOG_ROOT/target/build.log" 2>&1 || {
    cat "$GEARLOG_ROOT/target/build.log" >&2
    echo "gearlog: build failed (output above, also in target/build.log)" >&2
    exit 1
  }
  touch "$stamp"
}

server_classpath() {
  local jar
  jar=$(ls "$GEARLOG_ROOT"/resp/target/gearlog-resp-*.jar 2>/dev/null | grep -v -- '-tests.jar' | head -n1)
  echo "$jar:$GEARLOG_ROOT/resp/target/lib/*"
}
