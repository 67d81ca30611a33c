#!/usr/bin/env bash
# The GPU side of models/train/gpu-train.sh, run from inside its payload folder's copy:
#   bash gpu-run.sh bench                      s/step of B16F64 at batch 16/32/64 on random data
#   bash gpu-run.sh train MINUTES [options]    trains superres-edsr-x3-hq for MINUTES of wall time (cosine over
#                                              them; data preparation, start-up and the last evaluation come on top)
# Writes $OUT/run (or ./out/run): train.log, eval.tsv (Set5 curve), config.json, weights.safetensors (the model),
# ckpt.pt + adam.pt (to resume). Extra options go to `edsr_train.py train` and override the defaults below.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="${OUT:-$here/out}/run"
export PYTHONUNBUFFERED=1
python3 -c 'import torch, numpy, PIL; assert torch.cuda.is_available(), "no CUDA device"' || {
  echo "gpu-run.sh needs python3 with PyTorch (CUDA), numpy and Pillow" >&2; exit 2; }
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader || true

case "${1:-}" in
  bench)
    shift
    exec python3 "$here/edsr_train.py" bench --shapes 16x64 --batches 16,32,64 "$@" ;;
  train)
    minutes="${2:?usage: gpu-run.sh train MINUTES [options]}"
    shift 2
    mkdir -p "$out"
    if [ -d "$here/resume" ]; then cp -n "$here/resume/"* "$out/"; fi
    exec python3 "$here/edsr_train.py" train --data "$here/train" --eval-dir "$here/Set5" --run-dir "$out" \
      --minutes "$minutes" --blocks 16 --feats 64 --batch 32 --lr 4e-4 --warmup 1000 --eval-every 5000 \
      --log-every 1000 "$@" ;;
  *)
    echo "usage: gpu-run.sh bench | train MINUTES [edsr_train.py train options]" >&2; exit 2 ;;
esac
