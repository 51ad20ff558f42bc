# Sourced by ./vectornn and bench/run: finds a JDK 25 or newer.
# find_jdk prints its home: JAVA_HOME when that is 25+, else the newest 25+ under the usual
# install folders, else nothing.
vectornn_min_java=25

java_major() { # prints the feature version of the JDK at $1, or nothing
  local rel="$1/release" v=""
  [[ -x "$1/bin/java" && -x "$1/bin/javac" ]] || return 0
  if [[ -f "$rel" ]]; then
    v="$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$rel")"
  fi
  if [[ -z "$v" ]]; then
    v="$("$1/bin/java" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n1)"
  fi
  echo "$v"
}

find_jdk() {
  if [[ -n "${JAVA_HOME:-}" ]]; then
    local v; v="$(java_major "$JAVA_HOME")"
    if [[ -n "$v" && "$v" -ge $vectornn_min_java ]]; then echo "$JAVA_HOME"; return; fi
  fi
  local best="" best_v=0 d v
  for d in ${VECTORNN_JDK_DIRS:-/usr/lib/jvm/* /usr/local/lib/jvm/* /opt/java/* /opt/jdk* \
           /Library/Java/JavaVirtualMachines/*/Contents/Home "$HOME"/.sdkman/candidates/java/*}; do
    [[ -d "$d" ]] || continue
    v="$(java_major "$d")"
    if [[ -n "$v" && "$v" -ge $vectornn_min_java && "$v" -gt $best_v ]]; then best="$d"; best_v="$v"; fi
  done
  echo "$best"
}

# Maven 3.9 on JDK 24+ warns about sun.misc.Unsafe four times per build; that is Maven's
# business, not the user's. (Not in .mvn/jvm.config: a JDK 17 would refuse the flag before the
# enforcer could explain that JDK 25 is needed.)
export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"
