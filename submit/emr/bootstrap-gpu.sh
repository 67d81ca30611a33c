#!/usr/bin/env bash
# EMR bootstrap action for clusters made with submit/emr/gpu-cluster-config.json (EMR 7.x,
# Amazon Linux 2023). Runs on every node before YARN starts:
#   1. YARN GPU isolation needs the cgroup v1 "devices" controller; Amazon Linux 2023 boots with
#      cgroup v2, so mount a v1 devices hierarchy at /spark-rapids-cgroup (the mount-path and the
#      container-executor cgroups root in gpu-cluster-config.json) and let YARN write to it.
#   2. Install the GPU discovery script at /opt/superres/bin/getGpusResources.sh (the path that
#      spark.executor.resource.gpu.discoveryScript names), copied from S3.
#
# Usage (as an EMR bootstrap action):
#   --bootstrap-actions Name=superres-gpu,Path=s3://BUCKET/superres/bootstrap-gpu.sh,Args=[s3://BUCKET/superres/getGpusResources.sh]
# Local check: submit/emr/bootstrap-gpu.sh --dry-run s3://BUCKET/superres/getGpusResources.sh
#
# EMR 6.x (Amazon Linux 2, cgroup v1 already mounted): use /sys/fs/cgroup as mount-path and
# cgroups root in the configuration, and run with SUPERRES_CGROUP_MODE=v1-chmod, which only opens
# /sys/fs/cgroup/devices and /sys/fs/cgroup/cpu,cpuacct to YARN.
# CUDA 13 + cuDNN 9 user-space libraries (libcudart.so.13, libcublas.so.13, libcudnn.so.9) must be on
# the GPU nodes for the GPU jar (NVIDIA driver >= 580); bake them into a custom AMI or install them
# in a further bootstrap action, under /usr/local/cuda/lib64 (spark.executor.extraLibraryPath).
set -euo pipefail

DRY_RUN=0
case "${1:-}" in
  -h|--help) sed -n '2,/^set -euo/{/^#/p}' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
  --dry-run) DRY_RUN=1; shift ;;
esac
script_uri="${1:-}"
[[ -n $script_uri ]] || { echo "bootstrap-gpu.sh: give the S3 URI of getGpusResources.sh as first argument" >&2; exit 2; }
mode="${SUPERRES_CGROUP_MODE:-v1-mount}"
target=/opt/superres/bin/getGpusResources.sh

run() {
  if ((DRY_RUN)); then printf '%s\n' "$*"; else "$@"; fi
}

case "$mode" in
  v1-mount)
    run sudo mkdir -p /spark-rapids-cgroup/devices
    if ((DRY_RUN)) || ! mountpoint -q /spark-rapids-cgroup/devices; then
      run sudo mount -t cgroup -o devices cgroupv1-devices /spark-rapids-cgroup/devices
    fi
    run sudo chmod a+rwx -R /spark-rapids-cgroup
    ;;
  v1-chmod)
    run sudo chmod a+rwx -R /sys/fs/cgroup/cpu,cpuacct
    run sudo chmod a+rwx -R /sys/fs/cgroup/devices
    ;;
  *) echo "bootstrap-gpu.sh: SUPERRES_CGROUP_MODE must be v1-mount or v1-chmod, got '$mode'" >&2; exit 2 ;;
esac
run sudo mkdir -p "$(dirname "$target")"
run aws s3 cp "$script_uri" /tmp/superres-getGpusResources.sh
run sudo install -m 0755 /tmp/superres-getGpusResources.sh "$target"
