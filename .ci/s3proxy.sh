#!/usr/bin/env bash
# Local S3-compatible server for tests: S3Proxy 4.1.0 on 127.0.0.1, data kept on disk.
#
#   .ci/s3proxy.sh start  [DIR]   start it in the background, wait until it answers HTTP
#   .ci/s3proxy.sh stop   [DIR]   stop the one started from DIR
#   .ci/s3proxy.sh status [DIR]   exit 0 and print the endpoint if it runs, exit 1 if not
#
# DIR (default target/s3proxy under the repository root) receives:
#   s3proxy.properties  the generated configuration     s3proxy.pid       its process id
#   s3proxy.endpoint    http://127.0.0.1:PORT           s3proxy.log       its output
#   s3proxy.env         S3PROXY_ENDPOINT, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_REGION
#                       (test-only keys, to source in tests)
#   data/               the buckets (jclouds filesystem-nio2 store)
#
# Environment: S3PROXY_PORT (default 18080; if taken and not set explicitly, the next free port up
# to 18179 is used), S3PROXY_IDENTITY / S3PROXY_CREDENTIAL (test keys), S3PROXY_JAR (default: the
# jar-with-dependencies in the local Maven repository, fetched once with mvn dependency:get),
# S3PROXY_START_TIMEOUT seconds (default 90), JAVA (default java).
# Path-style addressing only (s3proxy.virtual-host unset): set fs.s3a.path.style.access=true.
set -euo pipefail

VERSION=4.1.0
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

usage() { sed -n '2,/^set -euo/{/^#/p}' "$0" | sed 's/^# \{0,1\}//'; }

cmd="${1:-}"
case "$cmd" in
  -h|--help) usage; exit 0 ;;
  start|stop|status) ;;
  *) usage >&2; exit 2 ;;
esac
DIR="${2:-$ROOT/target/s3proxy}"
mkdir -p "$DIR"
DIR="$(cd "$DIR" && pwd)"
PIDFILE="$DIR/s3proxy.pid"
ENDPOINTFILE="$DIR/s3proxy.endpoint"

# The pid in DIR, if that process is alive and is our S3Proxy (pids get reused).
running_pid() {
  [[ -f $PIDFILE ]] || return 1
  local pid
  pid="$(cat "$PIDFILE")"
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  if [[ -r /proc/$pid/cmdline ]]; then
    tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q "s3proxy" || return 1
  fi
  printf '%s\n' "$pid"
}

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

http_code() { curl -s -o /dev/null -m 2 -w '%{http_code}' "$1/" 2>/dev/null || true; }

find_jar() {
  if [[ -n ${S3PROXY_JAR:-} ]]; then
    [[ -f $S3PROXY_JAR ]] || { echo "s3proxy.sh: S3PROXY_JAR=$S3PROXY_JAR does not exist" >&2; exit 1; }
    printf '%s\n' "$S3PROXY_JAR"; return
  fi
  local repo="${MAVEN_REPO_LOCAL:-$HOME/.m2/repository}"
  local jar="$repo/org/gaul/s3proxy/$VERSION/s3proxy-$VERSION-jar-with-dependencies.jar"
  if [[ ! -f $jar ]]; then
    echo "s3proxy.sh: fetching org.gaul:s3proxy:$VERSION:jar-with-dependencies into $repo" >&2
    "${MVN:-mvn}" -q -B org.apache.maven.plugins:maven-dependency-plugin:3.8.1:get \
      "-Dartifact=org.gaul:s3proxy:$VERSION:jar:jar-with-dependencies" -Dtransitive=false \
      "-Dmaven.repo.local=$repo" >&2
  fi
  [[ -f $jar ]] || { echo "s3proxy.sh: $jar missing after mvn dependency:get" >&2; exit 1; }
  printf '%s\n' "$jar"
}

start() {
  local pid
  if pid="$(running_pid)"; then
    echo "s3proxy.sh: already running (pid $pid) at $(cat "$ENDPOINTFILE")"
    return 0
  fi
  local jar port identity credential endpoint
  jar="$(find_jar)"
  port="${S3PROXY_PORT:-18080}"
  if ! port_free "$port"; then
    if [[ -n ${S3PROXY_PORT:-} ]]; then
      echo "s3proxy.sh: port $port (S3PROXY_PORT) is taken" >&2; exit 1
    fi
    for ((port = 18081; port < 18180; port++)); do port_free "$port" && break; done
    ((port < 18180)) || { echo "s3proxy.sh: no free port in 18080-18179; set S3PROXY_PORT" >&2; exit 1; }
  fi
  identity="${S3PROXY_IDENTITY:-superres-test-access-key}"
  credential="${S3PROXY_CREDENTIAL:-superres-test-secret-key}"
  endpoint="http://127.0.0.1:$port"
  mkdir -p "$DIR/data"
  cat >"$DIR/s3proxy.properties" <<PROPS
s3proxy.endpoint=$endpoint
s3proxy.authorization=aws-v2-or-v4
s3proxy.identity=$identity
s3proxy.credential=$credential
jclouds.provider=filesystem-nio2
jclouds.identity=$identity
jclouds.credential=$credential
jclouds.filesystem.basedir=$DIR/data
PROPS
  cat >"$DIR/s3proxy.env" <<ENV
export S3PROXY_ENDPOINT=$endpoint
export AWS_ACCESS_KEY_ID=$identity
export AWS_SECRET_ACCESS_KEY=$credential
export AWS_REGION=us-east-1
ENV
  rm -f "$PIDFILE" "$ENDPOINTFILE"
  local t0=$SECONDS
  # Own session, so it outlives this shell and a Ctrl-C there; the inner shell writes its pid and
  # then becomes java (exec), so the pid file names the server itself.
  setsid bash -c 'echo $$ >"$1"; shift; exec "$@"' _ "$PIDFILE" \
    "${JAVA:-java}" -Xmx256m -jar "$jar" --properties "$DIR/s3proxy.properties" \
    </dev/null >"$DIR/s3proxy.log" 2>&1 &
  local timeout="${S3PROXY_START_TIMEOUT:-90}" code=""
  while :; do
    sleep 0.5
    pid="$(cat "$PIDFILE" 2>/dev/null || true)"
    if [[ -n $pid ]] && ! kill -0 "$pid" 2>/dev/null; then
      echo "s3proxy.sh: S3Proxy exited during start; last lines of $DIR/s3proxy.log:" >&2
      tail -n 20 "$DIR/s3proxy.log" >&2
      exit 1
    fi
    code="$(http_code "$endpoint")"
    [[ $code =~ ^[1-5][0-9][0-9]$ ]] && break
    if ((SECONDS - t0 >= timeout)); then
      echo "s3proxy.sh: S3Proxy did not answer on $endpoint within ${timeout}s; see $DIR/s3proxy.log" >&2
      [[ -n $pid ]] && kill "$pid" 2>/dev/null || true
      exit 1
    fi
  done
  printf '%s\n' "$endpoint" >"$ENDPOINTFILE"
  echo "s3proxy.sh: S3Proxy $VERSION running (pid $pid) at $endpoint after $((SECONDS - t0))s (HTTP $code); data in $DIR/data"
}

stop() {
  local pid
  if ! pid="$(running_pid)"; then
    echo "s3proxy.sh: not running (no live S3Proxy pid in $PIDFILE)"
    rm -f "$PIDFILE" "$ENDPOINTFILE"
    return 0
  fi
  kill "$pid"
  for _ in $(seq 1 40); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.25
  done
  if kill -0 "$pid" 2>/dev/null; then
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$PIDFILE" "$ENDPOINTFILE"
  echo "s3proxy.sh: stopped (pid $pid)"
}

status() {
  local pid
  if pid="$(running_pid)"; then
    echo "s3proxy.sh: running (pid $pid) at $(cat "$ENDPOINTFILE" 2>/dev/null || echo '?')"
  else
    echo "s3proxy.sh: not running"
    return 1
  fi
}

"$cmd"
