#!/usr/bin/env bash
# Copies a run's best exported model to models/superres-edsr-x3.pb and scores it on Set5 and Set14
# (JSON next to it in the run dir):   models/train/publish.sh [RUN_NAME]   (default b8f32-x3)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
shared="${SUPERRES_SHARED:-$root/../shared}"
run="$here/runs/${1:-b8f32-x3}"
cp "$run/best.pb" "$root/models/superres-edsr-x3.pb"
cat "$run/best.txt"
sha256sum "$root/models/superres-edsr-x3.pb"
for set in Set5 Set14; do
  "$here/eval.sh" "$root/models/superres-edsr-x3.pb" "$shared/datasets/eval/$set" "$run/eval-$set.json"
done
