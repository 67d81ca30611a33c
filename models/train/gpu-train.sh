#!/usr/bin/env bash
# Prepares the self-contained payload for training on a GPU machine (PyTorch with CUDA, numpy, Pillow; no Java,
# no network): the trainer, its GPU-side script and the training images, frozen together.
#
#   models/train/gpu-train.sh [--resume RUN_DIR]     -> models/train/runs/gpu-payload (git-ignored; prints its size)
#
# Then, on the GPU machine, from the repository root (the device tool: carry models/train/runs/gpu-payload):
#   bash models/train/runs/gpu-payload/gpu-run.sh bench               # ~1 min: s/step per batch size
#   bash models/train/runs/gpu-payload/gpu-run.sh train 8 [options]   # 8 minutes of training -> $OUT/run
# and back here:  cp -r FETCHED/run models/train/runs/NAME && models/train/publish.sh models/train/runs/NAME
# --resume puts RUN_DIR's ckpt.pt, adam.pt, eval.tsv and train.log in the payload: the run continues from them.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
shared="${SUPERRES_SHARED:-$root/../shared}"
python="${SUPERRES_PYTHON:-/usr/bin/python3}"
payload="$here/runs/gpu-payload"

rm -rf "$payload"
mkdir -p "$payload/train" "$payload/Set5"
cp "$here/edsr_train.py" "$here/gpu-run.sh" "$payload/"
cp -r "$shared/datasets/eval/Set5/HR" "$payload/Set5/" # evaluation only: the Set5 curve
# T91 comes as BMP (uncompressed): stored as PNG, lossless, checked pixel for pixel; the JPEGs as they are.
"$python" - "$shared/datasets/train" "$payload/train" <<'EOF'
import shutil, sys
from pathlib import Path
import numpy as np
from PIL import Image
src, dst = Path(sys.argv[1]), Path(sys.argv[2])
files = sorted(p for p in src.rglob("*") if p.suffix.lower() in (".png", ".jpg", ".jpeg", ".bmp"))
for f in files:
    out = dst / f.relative_to(src)
    out.parent.mkdir(parents=True, exist_ok=True)
    if f.suffix.lower() == ".bmp":
        out = out.with_suffix(".png")
        with Image.open(f) as im:
            im.save(out, optimize=True)
            with Image.open(out) as back:
                assert np.array_equal(np.asarray(im), np.asarray(back)), f
    else:
        shutil.copyfile(f, out)
print(f"{len(files)} training images")
EOF
if [ "${1:-}" = "--resume" ]; then
  mkdir -p "$payload/resume"
  for f in ckpt.pt adam.pt eval.tsv train.log; do cp "${2:?--resume RUN_DIR}/$f" "$payload/resume/"; done
fi
echo "payload: $payload, $(du -sb "$payload" | cut -f1) bytes ($(du -sh "$payload" | cut -f1)); the device tool carries 64 MiB"
