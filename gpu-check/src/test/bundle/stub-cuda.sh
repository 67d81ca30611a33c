#!/usr/bin/env bash
# Stand-in CUDA 13 / cuDNN 9 libraries for machines without them, so that the bundle's real GPU natives load
# and the whole check runs on the CPU: every function the natives import from libcudart.so.13, libcublas.so.13
# and libcudnn.so.9 (by symbol version, read with readelf) returns 35, cudaErrorInsufficientDriver, which is what
# the real runtime says on a node without a driver. Only for tests; never shipped.
#
# Usage: stub-cuda.sh NATIVES_DIR OUT_DIR     (NATIVES_DIR holds libopencv_*.so.*; needs gcc and readelf)
set -euo pipefail
natives=$1
out=$2
mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for lib in libcudart.so.13 libcublas.so.13 libcudnn.so.9; do
  {
    echo "/* stub of $lib */"
    for so in "$natives"/*.so*; do
      readelf --dyn-syms -W "$so" | awk -v v="@$lib" '$7 == "UND" && index($8, v) {sub(/@.*/, "", $8); print $8}'
    done | sort -u | sed 's/.*/int &(void) { return 35; }/'
  } >"$work/$lib.c"
  printf '%s { global: *; };\n' "$lib" >"$work/$lib.map"
  gcc -shared -fPIC -o "$out/$lib" -Wl,-soname,"$lib" -Wl,--version-script="$work/$lib.map" "$work/$lib.c"
done
# The real cuBLAS needs cuBLASLt; the bundle's run.sh looks for it too.
echo 'int cublasLtStub(void) { return 35; }' >"$work/lt.c"
gcc -shared -fPIC -o "$out/libcublasLt.so.13" -Wl,-soname,libcublasLt.so.13 "$work/lt.c"
