#!/usr/bin/env bash
# GPU discovery script for Spark (spark.{driver,executor,worker}.resource.gpu.discoveryScript).
#
# Prints one JSON object, as Spark's ResourceInformation expects:
#   {"name": "gpu", "addresses":["0","1"]}
# Addresses are the GPU indices from `nvidia-smi --query-gpu=index --format=csv,noheader`, in the
# order nvidia-smi lists them. With YARN GPU isolation (cgroups devices) or the Kubernetes device
# plugin a container sees only the GPUs it was given, so each executor reports its own.
#
# Overrides (tests, machines without GPUs):
#   SUPERRES_FAKE_GPUS="0,1"   report these addresses, never call nvidia-smi ("" reports none)
#   NVIDIA_SMI=/path/to/nvidia-smi   which nvidia-smi to call (default: the one on PATH)
#
# Exit 1 with one line on stderr if nvidia-smi is missing or fails: Spark then reports the script
# failure instead of starting an executor that cannot see the GPU it asked for.
set -euo pipefail

if [[ ${1:-} == --help || ${1:-} == -h ]]; then
  sed -n '2,/^set -euo/{/^#/p}' "$0" | sed 's/^# \{0,1\}//'
  exit 0
fi

addresses=()
if [[ -n ${SUPERRES_FAKE_GPUS+set} ]]; then
  IFS=',' read -r -a raw <<<"$SUPERRES_FAKE_GPUS"
  for a in "${raw[@]}"; do
    a="${a//[[:space:]]/}"
    [[ -n $a ]] && addresses+=("$a")
  done
else
  smi="${NVIDIA_SMI:-nvidia-smi}"
  if ! command -v "$smi" >/dev/null 2>&1; then
    echo "getGpusResources.sh: $smi not found; install the NVIDIA driver or set SUPERRES_FAKE_GPUS" >&2
    exit 1
  fi
  if ! out="$("$smi" --query-gpu=index --format=csv,noheader)"; then
    echo "getGpusResources.sh: '$smi --query-gpu=index --format=csv,noheader' failed" >&2
    exit 1
  fi
  while IFS= read -r line; do
    line="${line//[[:space:]]/}"
    [[ -n $line ]] && addresses+=("$line")
  done <<<"$out"
fi

json='{"name": "gpu", "addresses":['
sep=''
for a in "${addresses[@]+"${addresses[@]}"}"; do
  if [[ ! $a =~ ^[A-Za-z0-9_.:-]+$ ]]; then
    echo "getGpusResources.sh: unexpected GPU address '$a'" >&2
    exit 1
  fi
  json+="$sep\"$a\""
  sep=','
done
json+=']}'
printf '%s\n' "$json"
