#!/usr/bin/env bash
# Makes a Debian/Ubuntu machine with Node 20+ ready to run the app and the tests: pnpm 12, Java (for DynamoDB
# Local), Debian's Chromium (for the browser tests), then the dependencies. `npm run dev` and `npm test` run it
# first, so a fresh clone needs nothing else. It installs only what is missing, and says nothing when nothing is:
# the dependencies are installed again only when a lockfile, workspace file or package.json changed since the
# last successful install (a hash of them is kept in node_modules/.setup-stamp).
set -euo pipefail
cd "$(dirname "$0")/.."

PNPM_VERSION=12.21.0
STAMP=node_modules/.setup-stamp
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
apt_updated=""
apt_install() {
  [ -n "$apt_updated" ] || { as_root apt-get update -qq; apt_updated=1; }
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}
# What the installed dependencies were resolved from.
inputs_hash() {
  cat pnpm-lock.yaml pnpm-workspace.yaml package.json packages/*/package.json 2>/dev/null | sha256sum | cut -d' ' -f1
}

if [ "$(pnpm --version 2>/dev/null || true)" != "$PNPM_VERSION" ]; then
  echo "setup: installing pnpm $PNPM_VERSION"
  # corepack cannot be relied on (it fails where registry signatures are unavailable); npm always can.
  if [ -w "$(npm prefix -g)/lib" ]; then npm install -g "pnpm@$PNPM_VERSION" >/dev/null
  else as_root npm install -g "pnpm@$PNPM_VERSION" >/dev/null; fi
fi
if ! command -v java >/dev/null 2>&1; then
  echo "setup: installing Java (DynamoDB Local runs on it)"
  apt_install default-jre-headless
fi
if ! command -v chromium >/dev/null 2>&1; then
  echo "setup: installing Debian's Chromium (browser tests)"
  apt_install chromium
fi

hash=$(inputs_hash)
if [ "$(cat "$STAMP" 2>/dev/null || true)" != "$hash" ]; then
  echo "setup: installing dependencies"
  pnpm install --frozen-lockfile
  echo "$hash" >"$STAMP"
  echo "setup: ready (node $(node --version), pnpm $(pnpm --version), $(java -version 2>&1 | head -1), $(chromium --version 2>/dev/null))"
fi
