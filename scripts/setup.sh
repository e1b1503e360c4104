#!/usr/bin/env bash
# One-time machine setup for a fresh Debian/Ubuntu machine with Node 20+:
# pnpm 12, Java (for DynamoDB Local), Debian's Chromium (for browser tests), then the dependencies.
# Safe to run again: it installs only what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

PNPM_VERSION=12.21.0
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
apt_updated=""
apt_install() {
  [ -n "$apt_updated" ] || { as_root apt-get update -qq; apt_updated=1; }
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

if [ "$(pnpm --version 2>/dev/null || true)" != "$PNPM_VERSION" ]; then
  echo "setup: installing pnpm $PNPM_VERSION"
  npm install -g "pnpm@$PNPM_VERSION" >/dev/null
fi
if ! command -v java >/dev/null 2>&1; then
  echo "setup: installing Java (DynamoDB Local runs on it)"
  apt_install default-jre-headless
fi
if ! command -v chromium >/dev/null 2>&1; then
  echo "setup: installing Debian's Chromium (browser tests)"
  apt_install chromium
fi

pnpm install --frozen-lockfile
echo "setup: done (node $(node --version), pnpm $(pnpm --version), $(java -version 2>&1 | head -1), $(chromium --version))"
