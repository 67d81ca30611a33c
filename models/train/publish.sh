#!/usr/bin/env bash
# Publishes a finished training run (weights.safetensors, config.json, eval.tsv from edsr_train.py):
#   models/train/publish.sh RUN_DIR [NAME]            (NAME defaults to superres-edsr-x3-hq)
# freezes the weights into models/NAME.pb (Java exporter), scores it on Set5 and Set14 with the MATLAB-protocol
# evaluation through OpenCV (RUN_DIR/eval-Set5.json, eval-Set14.json), and writes NAME's catalog entry (sha256,
# bytes) in models/catalog.conf and its section in models/MODEL_CARD.md, replacing an earlier publish's.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
shared="${SUPERRES_SHARED:-$root/../shared}"
run="$(cd "${1:?usage: publish.sh RUN_DIR [NAME]}" && pwd)"
exec "$here/java.sh" Publisher --run "$run" --name "${2:-superres-edsr-x3-hq}" --models-dir "$root/models" \
  --set5 "$shared/datasets/eval/Set5" --set14 "$shared/datasets/eval/Set14"
