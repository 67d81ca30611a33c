#!/usr/bin/env bash
# GPU check for operators: run on a GPU node (as the user Spark's executors run as) before sizing a job.
# Prints the device found and the backend the job would use; per network (the bundled model, each --model, and an
# EDSR-sized graph: 32 blocks x 256 filters, random weights, the official EDSR x3's FLOPs) fp32 and fp16 throughput
# and GPU memory per tile, and PSNR of the GPU output against the CPU's; model load cost; the whole path (decode,
# upscale, encode) per stage, the tasks per GPU to configure, and 1, 2 and 4 tasks sharing one network.
# On a node without a GPU it says so and measures the CPU only. Nodes without Java: the bundle (submit/GPU.md).
#
# Usage: submit/gpu-check.sh [--jar GPU_JAR] [check options]
#   --jar PATH   the application jar (default: job/target-gpu/superres-job-*-gpu.jar, else the CPU jar)
#   check options (passed on): --model FILE.pb [--kind K --scale N]  --gpu INDEX  --tiles 128,256,512  --tile N
#                --edsr-tile N  --seconds S  --images DIR  --work DIR  --skip-edsr  --json FILE  (--help lists them)
# Environment: JAVA_HOME (else java on PATH); GPU_CHECK_TIMEOUT seconds (default 600).
# Exit codes: 0 measured on a GPU, every check passed; 3 no usable GPU (CPU figures only); 1 the natives did not
#   load (the GPU jar without CUDA 13/cuDNN 9: the error names the missing library); 2 bad usage; 4 measured on a
#   GPU but a check FAILED (the FAIL lines say which); 124 timed out.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

if [[ ${1:-} == -h || ${1:-} == --help ]]; then
  sed -n '2,/^set -euo/{/^#/p}' "$0" | sed 's/^# \{0,1\}//'
  exit 0
fi

jar=""
args=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --jar) sr_need_value "$1" $#; jar=$2; shift 2 ;;
    *) args+=("$1"); shift ;;
  esac
done

if [[ -z $jar ]]; then
  jar=$(sr_local_jar gpu)
  if [[ ! -f $jar ]]; then
    cpu=$(sr_local_jar cpu)
    [[ -f $cpu ]] || sr_usage_error "no jar: build the GPU jar (mvn -pl job,gpu-check -am package -DskipTests -Pgpu) or give --jar"
    echo "gpu-check: no GPU jar at $jar; using the CPU jar $cpu (it cannot use a GPU)"
    jar=$cpu
  fi
fi
[[ -f $jar ]] || sr_usage_error "jar $jar not found"
# The check's own classes and its few libraries beside the job jar (which carries the engine and the natives).
check_jar=$(ls "$SUPERRES_ROOT"/gpu-check/target*/superres-gpu-check-*.jar 2>/dev/null | head -1 || true)
[[ -n $check_jar ]] || sr_usage_error "no gpu-check jar: build it (mvn -pl job,gpu-check -am package -DskipTests -Pgpu)"
check_cp=$(dirname "$check_jar")/check-classpath.txt
[[ -f $check_cp ]] || sr_usage_error "no $check_cp: build gpu-check again (mvn -pl job,gpu-check -am package -DskipTests)"

java_bin=java
[[ -n ${JAVA_HOME:-} ]] && java_bin=$JAVA_HOME/bin/java
command -v "$java_bin" >/dev/null 2>&1 || sr_usage_error "java not found: install JDK 11+ or set JAVA_HOME"

echo "== superres gpu-check: $(hostname), $(date -u +%Y-%m-%dT%H:%M:%SZ)"
echo "jar file: $jar"
if command -v nvidia-smi >/dev/null 2>&1; then
  echo "nvidia-smi: $(nvidia-smi --query-gpu=index,name,memory.total,driver_version --format=csv,noheader 2>&1 | paste -sd ';' -)"
else
  echo "nvidia-smi: not found (no NVIDIA driver on this node)"
fi
echo "CUDA_VISIBLE_DEVICES: ${CUDA_VISIBLE_DEVICES:-<unset>}"

status=0
timeout "${GPU_CHECK_TIMEOUT:-600}" "$java_bin" -Xmx4g -cp "$check_jar:$(cat "$check_cp"):$jar" \
  org.superres.gpucheck.GpuCheck "${args[@]+"${args[@]}"}" || status=$?
if [[ $status == 124 ]]; then
  echo "gpu-check: timed out after ${GPU_CHECK_TIMEOUT:-600} s (try --seconds 1 or --skip-edsr)" >&2
fi
exit "$status"
