#!/usr/bin/env bash
# superres GPU check, self-contained: proves this node's GPU path (OpenCV DNN on CUDA 13 + cuDNN 9, as the job
# runs it) with its own Java runtime: no JDK, Maven, Spark or network needed. Prints a table; --json FILE too.
#
# Usage: ./run.sh [check options]        ./run.sh --help lists them (e.g. --seconds 1, --skip-edsr, --json FILE)
# Needs: Linux x86_64 with glibc >= 2.35, the NVIDIA driver (libcuda.so.1), CUDA 13 (libcudart.so.13,
#   libcublas.so.13, libcublasLt.so.13) and cuDNN 9 (libcudnn.so.9 and its libcudnn_*.so.9). It looks for each in
#   LD_LIBRARY_PATH, then the system's (ldconfig -p, /usr/local/cuda*/lib64), then CUDA installed as Python
#   packages (site-packages/nvidia/*/lib of python3, or of $PYTHON), and prints which file it uses.
# Writes only inside this folder (work/) or, when the folder is read-only, under $TMPDIR (default /tmp):
#   the JavaCPP natives cache, the EDSR-size graph (175 MB), links to the CUDA libraries, Java's temp files.
# Environment: GPU_CHECK_TIMEOUT seconds (default 600); PYTHON (default python3); TMPDIR.
# Exit codes: 0 measured on a GPU, every check passed; 1 the natives did not load or a CUDA library is missing
#   (the line names it); 2 bad usage; 3 no usable GPU (no NVIDIA driver: nothing measured; otherwise CPU figures
#   only); 4 measured on a GPU but a check FAILED; 124 timed out.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
java=("$here/runtime/bin/java" -XX:-UsePerfData -Xmx2g -cp "$here/lib/*")
main=org.superres.gpucheck.GpuCheck

if [[ ${1:-} == -h || ${1:-} == --help ]]; then
  sed -n '2,/^set -euo/{/^#/p}' "$0" | sed 's/^# \{0,1\}//'
  echo
  exec "${java[@]}" "$main" --help
fi

say() { printf 'gpu-check: %s\n' "$*"; }

if [[ $(uname -sm) != "Linux x86_64" ]]; then
  say "this bundle is for Linux x86_64; this node is $(uname -sm)"
  exit 1
fi
glibc=$(getconf GNU_LIBC_VERSION 2>/dev/null | awk '{print $2}' || true)
if [[ -n $glibc ]] && ! printf '2.35\n%s\n' "$glibc" | sort -V -C; then
  say "this node's glibc is $glibc; OpenCV's CUDA natives need 2.35 or newer (Ubuntu 22.04, Debian 12, RHEL 10)"
  exit 1
fi

# Folders: this one when writable, else $TMPDIR; nothing else is written.
if [[ -w $here ]]; then
  work=$here/work
else
  work=${TMPDIR:-/tmp}/superres-gpu-check-$(id -u)
fi
links=$work/cuda-libs

# ---- where a library is: prints "PATH<TAB>SOURCE", or nothing ----
ld_cache() {
  local ldconfig
  for ldconfig in ldconfig /sbin/ldconfig /usr/sbin/ldconfig; do
    if command -v "$ldconfig" >/dev/null 2>&1; then
      "$ldconfig" -p 2>/dev/null && return 0
    fi
  done
  return 0
}
cache=$(ld_cache)
python_sites() {
  local py=${PYTHON:-python3}
  command -v "$py" >/dev/null 2>&1 || return 0
  "$py" - <<'PY' 2>/dev/null || true
import site, sys
dirs = list(sys.path)
try:
    dirs += site.getsitepackages() + [site.getusersitepackages()]
except Exception:
    pass
print("\n".join(d for d in dirs if d))
PY
}
sites=()
while IFS= read -r d; do
  [[ -d $d/nvidia ]] && sites+=("$d")
done < <(python_sites | awk '!seen[$0]++')

find_lib() { # SONAME
  local so=$1 d f
  local IFS=:
  for d in ${LD_LIBRARY_PATH:-}; do
    [[ -n $d && -e $d/$so ]] && { printf '%s\t%s\n' "$d/$so" "LD_LIBRARY_PATH"; return; }
  done
  unset IFS
  f=$(printf '%s\n' "$cache" | awk -v so="$so" '$1 == so && /x86-64/ && !/stubs/ {print $NF; exit}')
  [[ -n $f && -e $f ]] && { printf '%s\t%s\n' "$f" "system, ldconfig"; return; }
  for f in /usr/local/cuda*/lib64/"$so" /usr/local/cuda*/lib/"$so" /usr/local/cuda*/targets/x86_64-linux/lib/"$so" \
    /usr/lib/x86_64-linux-gnu/"$so" /usr/lib64/"$so" /usr/local/nvidia/lib64/"$so" /usr/lib/wsl/lib/"$so"; do
    [[ -e $f ]] && { printf '%s\t%s\n' "$f" "system, ${f%/*}"; return; }
  done
  for d in "${sites[@]+"${sites[@]}"}"; do
    # Python packages carry one file per library, named by its SONAME or with a longer version.
    for f in "$d"/nvidia/*/lib/"$so" "$d"/nvidia/*/lib/"$so".*; do
      [[ -e $f ]] && { printf '%s\t%s\n' "$f" "python3 package, $d"; return; }
    done
  done
  return 0
}

# ---- the driver ----
driver=$(find_lib libcuda.so.1)
driver_version=$(sed -n 's/.*Kernel Module *\([0-9][0-9.]*\).*/\1/p' /proc/driver/nvidia/version 2>/dev/null | head -1 || true)

# ---- CUDA and cuDNN: what the natives link (libopencv_core, libopencv_dnn) ----
required=(libcudart.so.13 libcublas.so.13 libcublasLt.so.13 libcudnn.so.9)
found=()
missing=()
for so in "${required[@]}"; do
  hit=$(find_lib "$so")
  if [[ -n $hit ]]; then found+=("$so	$hit"); else missing+=("$so"); fi
done

if [[ -z $driver ]]; then
  if ((${#missing[@]})); then
    say "NO GPU: no NVIDIA driver on this node (libcuda.so.1 not found${driver_version:+; kernel module $driver_version}), and CUDA 13 / cuDNN 9 missing (${missing[*]}): nothing measured"
    exit 3
  fi
elif ((${#missing[@]})); then
  say "CUDA library missing: ${missing[*]} (looked in LD_LIBRARY_PATH, ldconfig -p, /usr/local/cuda*/lib64 and python3's site-packages/nvidia/*/lib); install CUDA 13 and cuDNN 9, e.g. pip install nvidia-cuda-runtime nvidia-cublas nvidia-cudnn-cu13"
  exit 1
fi

# A private folder of links named by SONAME (Python packages and cuDNN's sub-libraries included): one place on
# LD_LIBRARY_PATH, whatever mix of system and Python libraries was found.
rm -rf "$links"
mkdir -p "$links" "$work/tmp" "$work/home"
if [[ -n $driver ]]; then
  say "driver: ${driver_version:-version unknown}, ${driver%%	*} (${driver#*	})"
else
  say "driver: none (libcuda.so.1 not found): the check will say NO GPU and measure the CPU"
fi
for entry in "${found[@]}"; do
  IFS=$'\t' read -r so path source <<<"$entry"
  ln -s "$path" "$links/$so"
  say "cuda: $so = $path ($source)"
  if [[ $so == libcudnn.so.9 ]]; then
    for sub in "${path%/*}"/libcudnn_*.so.9*; do
      [[ -e $sub ]] || continue
      name=${sub##*/}
      name=${name%%.so.9*}.so.9
      [[ -e $links/$name ]] || ln -s "$sub" "$links/$name"
    done
  fi
done
nvrtc=$(find_lib libnvrtc.so.13)
[[ -n $nvrtc ]] && ln -s "${nvrtc%%	*}" "$links/libnvrtc.so.13"
say "cuda links: $links"
if command -v nvidia-smi >/dev/null 2>&1; then
  say "nvidia-smi: $(nvidia-smi --query-gpu=index,name,memory.total,driver_version,compute_cap --format=csv,noheader 2>&1 | paste -sd ';' -)"
fi
say "CUDA_VISIBLE_DEVICES: ${CUDA_VISIBLE_DEVICES:-<unset>}"

models=()
for m in "$here"/models/*.pb; do
  [[ -e $m ]] && models+=(--model "$m")
done

export LD_LIBRARY_PATH="$links${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
status=0
timeout "${GPU_CHECK_TIMEOUT:-600}" "${java[@]}" \
  -Djava.io.tmpdir="$work/tmp" -Duser.home="$work/home" -Dorg.bytedeco.javacpp.cachedir="$work/javacpp" \
  "$main" --work "$work" "${models[@]+"${models[@]}"}" "$@" || status=$?
if [[ $status == 124 ]]; then
  say "timed out after ${GPU_CHECK_TIMEOUT:-600} s (try --seconds 1 or --skip-edsr, or a larger GPU_CHECK_TIMEOUT)" >&2
fi
exit "$status"
