#!/usr/bin/env bash
# Builds the trainer, freezes its classpath into the run dir (so later edits to the tree do not affect a
# running job) and runs it:   models/train/train.sh RUN_NAME [Trainer options...]
#   foreground:  models/train/train.sh b8f32 --blocks 8 --feats 32 --steps 30000
#   background:  BG=1 models/train/train.sh b8f32 ...   (nohup + setsid, log in models/train/runs/RUN/train.log)
#   bench:       models/train/train.sh bench --blocks 8 --feats 32 --bench 30
# Re-running with the same RUN_NAME resumes from its checkpoint.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
shared="${SUPERRES_SHARED:-$root/../shared}"
name="${1:?usage: train.sh RUN_NAME [options]}"; shift
run="$here/runs/$name"
mkdir -p "$run"
if [ -z "${SKIP_BUILD:-}" ] || [ ! -f "$run/classpath.txt" ]; then
  (cd "$root" && mvn -o -q -pl models/train -am compile dependency:build-classpath \
      -Dmdep.outputFile="$run/deps.txt")
  rm -rf "$run/classes"; mkdir -p "$run/classes"
  cp -r "$root/job/target/classes/." "$run/classes/"
  cp -r "$here/target/classes/." "$run/classes/"
  # the reactor puts job/target/classes on the path; use the frozen copy instead
  sed -e "s#$root/job/target/classes##" -e 's/::*/:/g' "$run/deps.txt" > "$run/classpath.txt"
fi
cp_="$run/classes:$(cat "$run/classpath.txt")"
cmd=(java -Xmx${TRAIN_HEAP:-6g} -cp "$cp_" org.superres.train.Trainer --run-dir "$run"
     --train-dir "$shared/datasets/train" --eval-dir "$shared/datasets/eval/Set5" "$@")
if [ -n "${BG:-}" ]; then
  nohup setsid "${cmd[@]}" >> "$run/train.log" 2>&1 < /dev/null &
  echo $! > "$run/pid"
  echo "started pid $(cat "$run/pid"), log $run/train.log"
else
  exec "${cmd[@]}"
fi
