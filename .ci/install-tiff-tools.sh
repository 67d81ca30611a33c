#!/usr/bin/env bash
# Installs the tools the pyramidal TIFF test reads its files with (Debian packages): libtiff's
# tiffinfo/tiffdump, vips, and IIPImage (FastCGI) behind lighttpd, which serves them as IIIF.
# Idempotent: does nothing when all are already there.
set -euo pipefail

if command -v tiffinfo >/dev/null 2>&1 && command -v vips >/dev/null 2>&1 \
  && [ -x /usr/sbin/lighttpd ] && [ -x /usr/lib/iipimage-server/iipsrv.fcgi ]; then
  echo "tiffinfo, vips, lighttpd and iipsrv already installed"
  exit 0
fi

SUDO=""
if [ "$(id -u)" != "0" ]; then
  SUDO="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends libtiff-tools libvips-tools lighttpd iipimage-server
echo "installed: $(vips --version 2>/dev/null || true), $(/usr/sbin/lighttpd -v 2>/dev/null | head -1 || true)"
