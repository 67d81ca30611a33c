#!/usr/bin/env bash
# Runs one of models/train's Java tools with the module's classpath (compiles it first, offline if it can):
#   models/train/java.sh Exporter WEIGHTS.safetensors OUT.pb
#   models/train/java.sh EvalModel --model FILE.pb --dataset DIR [--json OUT.json]
#   models/train/java.sh Publisher --run RUN_DIR --set5 DIR --set14 DIR [--name NAME]   (see publish.sh)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
main="${1:?usage: java.sh Exporter|EvalModel|Publisher [args]}"; shift
(cd "$root" && { mvn -o -q -pl models/train -am compile dependency:build-classpath \
    -Dmdep.outputFile="$here/target/classpath.txt" || mvn -q -pl models/train -am compile \
    dependency:build-classpath -Dmdep.outputFile="$here/target/classpath.txt"; })
exec java -Xmx3g -cp "$here/target/classes:$(cat "$here/target/classpath.txt")" "org.superres.train.$main" "$@"
