#!/usr/bin/env bash
# Scores an exported model through OpenCV against MATLAB bicubic (Y PSNR/SSIM, shave 3):
#   models/train/eval.sh MODEL.pb DATASET_DIR [OUT.json]      e.g. ../shared/datasets/eval/Set14
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
model="${1:?usage: eval.sh MODEL.pb DATASET_DIR [OUT.json]}"; dataset="${2:?dataset dir}"; json="${3:-}"
(cd "$root" && mvn -o -q -pl models/train -am compile dependency:build-classpath \
    -Dmdep.outputFile="$here/target/eval-classpath.txt")
args=(--model "$model" --dataset "$dataset" --name "$(basename "$model")")
[ -n "$json" ] && args+=(--json "$json")
exec java -Xmx2g -cp "$here/target/classes:$(cat "$here/target/eval-classpath.txt")" org.superres.train.EvalModel "${args[@]}"
