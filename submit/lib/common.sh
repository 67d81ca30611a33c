# shellcheck shell=bash disable=SC2034  # a library: the variables are used by the launchers
# Shared helpers for the superres launchers in submit/. Sourced, never run.
# Every launcher builds its command as a bash array, then either prints it (--dry-run) or runs it.

SUPERRES_MAIN_CLASS="org.superres.cli.Main"
SUPERRES_VERSION="0.1.0-SNAPSHOT"
# Where GPU nodes and our container images keep the discovery script (EMR bootstrap, k8s image).
SUPERRES_NODE_DISCOVERY_SCRIPT="/opt/superres/bin/getGpusResources.sh"
SUPERRES_HADOOP_AWS="org.apache.hadoop:hadoop-aws:3.3.4"
# Spark 3.5's own JDK 17 options (org.apache.spark.launcher.JavaModuleOptions, LaunchersTest compares).
# spark-submit and SparkContext add them everywhere but to a driver that a standalone Worker starts.
SUPERRES_SPARK_MODULE_OPTIONS="-XX:+IgnoreUnrecognizedVMOptions --add-opens=java.base/java.lang=ALL-UNNAMED \
--add-opens=java.base/java.lang.invoke=ALL-UNNAMED --add-opens=java.base/java.lang.reflect=ALL-UNNAMED \
--add-opens=java.base/java.io=ALL-UNNAMED --add-opens=java.base/java.net=ALL-UNNAMED \
--add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/java.util=ALL-UNNAMED \
--add-opens=java.base/java.util.concurrent=ALL-UNNAMED --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED \
--add-opens=java.base/jdk.internal.ref=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED \
--add-opens=java.base/sun.nio.cs=ALL-UNNAMED --add-opens=java.base/sun.security.action=ALL-UNNAMED \
--add-opens=java.base/sun.util.calendar=ALL-UNNAMED --add-opens=java.security.jgss/sun.security.krb5=ALL-UNNAMED \
-Djdk.reflect.useDirectMethodHandle=false"

# Repository root: submit/lib/.. /..
SUPERRES_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
SUPERRES_DISCOVERY_SCRIPT_LOCAL="$SUPERRES_ROOT/submit/getGpusResources.sh"

sr_jar_name() { # cpu|gpu
  printf 'superres-job-%s-%s.jar' "$SUPERRES_VERSION" "$1"
}

sr_local_jar() { # cpu|gpu (the gpu profile builds into job/target-gpu, beside the CPU build)
  if [[ $1 == gpu ]]; then
    printf '%s/job/target-gpu/%s' "$SUPERRES_ROOT" "$(sr_jar_name "$1")"
  else
    printf '%s/job/target/%s' "$SUPERRES_ROOT" "$(sr_jar_name "$1")"
  fi
}

# One clear line, exit 2 (bad usage or configuration, as the CLI contract says).
sr_usage_error() {
  printf '%s: %s\n' "$(basename "$0")" "$*" >&2
  exit 2
}

# Quote one word for a copyable shell line: plain words stay bare, the rest go in single quotes.
sr_quote() {
  local s=$1
  if [[ -n $s && $s =~ ^[A-Za-z0-9_./:=,@%+^-]+$ ]]; then
    printf '%s' "$s"
  else
    printf "'%s'" "${s//\'/\'\\\'\'}"
  fi
}

# Print an argv as one copyable line.
sr_print_cmd() {
  local first=1 w
  for w in "$@"; do
    if ((first)); then first=0; else printf ' '; fi
    sr_quote "$w"
  done
  printf '\n'
}

# Run an argv, or print it with --dry-run (DRY_RUN=1).
sr_exec() {
  if [[ ${DRY_RUN:-0} == 1 ]]; then
    sr_print_cmd "$@"
  else
    exec "$@"
  fi
}

# Needs a value after an option.
sr_need_value() { # option argc
  [[ $2 -ge 2 ]] || sr_usage_error "option $1 needs a value (see --help)"
}

# K=V with a non-empty key.
sr_check_conf() {
  [[ $1 == *=* && ${1%%=*} != "" ]] || sr_usage_error "--conf expects KEY=VALUE, got '$1'"
}

# 1/N for --tasks-per-gpu, as Spark wants it (e.g. 4 -> 0.25, 3 -> 0.333333).
sr_task_gpu_amount() {
  local n=$1
  [[ $n =~ ^[1-9][0-9]*$ ]] || sr_usage_error "--tasks-per-gpu expects a positive whole number, got '$n'"
  awk -v n="$n" 'BEGIN { printf "%g\n", 1 / n }'
}

# Spark's default application name for a job command.
sr_app_name() {
  printf 'superres-%s' "${1:-job}"
}

# A JSON string literal (quotes, backslashes and control characters escaped).
sr_json_string() {
  local s=$1 out='' c i code
  for ((i = 0; i < ${#s}; i++)); do
    c=${s:i:1}
    case "$c" in
      '"') out+='\"' ;;
      \\) out+="\\\\" ;;
      $'\n') out+='\n' ;;
      $'\r') out+='\r' ;;
      $'\t') out+='\t' ;;
      *)
        printf -v code '%d' "'$c"
        if ((code >= 0 && code < 32)); then printf -v c '\\u%04x' "$code"; fi
        out+=$c ;;
    esac
  done
  printf '"%s"' "$out"
}

# A JSON array of strings; INDENT (spaces) > 0 gives one element a line, 0 gives one line.
sr_json_array() { # indent words...
  local indent=$1; shift
  local pad sep='' w out='['
  if ((indent > 0)); then
    printf -v pad '%*s' "$indent" ''
    for w in "$@"; do out+="$sep"$'\n'"$pad  $(sr_json_string "$w")"; sep=','; done
    (($# > 0)) && out+=$'\n'"$pad"
  else
    for w in "$@"; do out+="$sep$(sr_json_string "$w")"; sep=','; done
  fi
  printf '%s]' "$out"
}
