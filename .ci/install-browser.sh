#!/usr/bin/env bash
# Installs headless Chromium and its WebDriver (Debian packages) for the HTML report test.
# Idempotent: does nothing when both binaries are already there.
set -euo pipefail

if command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1; then
  echo "chromium and chromedriver already installed: $(chromium --version 2>/dev/null || true)"
  exit 0
fi

SUDO=""
if [ "$(id -u)" != "0" ]; then
  SUDO="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends chromium chromium-driver fonts-dejavu-core
echo "installed: $(chromium --version 2>/dev/null || true), $(chromedriver --version 2>/dev/null || true)"
