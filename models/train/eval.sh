#!/usr/bin/env bash
# Scores an exported model through OpenCV against MATLAB bicubic (Y PSNR/SSIM, shave 3):
#   models/train/eval.sh MODEL.pb DATASET_DIR [OUT.json]      e.g. ../shared/datasets/eval/Set14
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
model="${1:?usage: eval.sh MODEL.pb DATASET_DIR [OUT.json]}"; dataset="${2:?dataset dir}"; json="${3:-}"
args=(--model "$model" --dataset "$dataset" --name "$(basename "$model")")
[ -n "$json" ] && args+=(--json "$json")
exec "$here/java.sh" EvalModel "${args[@]}"
