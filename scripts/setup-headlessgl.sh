#!/usr/bin/env bash
# Optional: build the native `gl` package (headless-gl) so that @glasswing/gpujs can run its
# 'headlessgl' mode in Node. Nothing else needs it: gpujs-cpu and gpujs-webasm work without it.
#
#   scripts/setup-headlessgl.sh            # apt-installs the X11/GL headers (sudo if needed), builds gl
#   SKIP_APT=1 scripts/setup-headlessgl.sh # headers already installed
#
# Running headlessgl needs a display: in a headless environment use `xvfb-run -a <command>`
# (package xvfb). `pnpm install` never builds gl (it is in ignoredBuiltDependencies in
# pnpm-workspace.yaml), so a failure here never breaks the install.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "${SKIP_APT:-0}" != "1" ]; then
  pkgs=(build-essential python3 pkg-config libxi-dev libx11-dev libxext-dev libgl1-mesa-dev libglew-dev xvfb)
  missing=()
  for p in "${pkgs[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  if [ "${#missing[@]}" -gt 0 ]; then
    SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    $SUDO apt-get update
    $SUDO apt-get install -y --no-install-recommends "${missing[@]}"
  fi
fi

gl_dir=$(node -e "const p=require('path');const r=require.resolve('gpu.js',{paths:[p.resolve('packages/gpujs')]});console.log(p.dirname(require.resolve('gl/package.json',{paths:[p.dirname(r)]})))" 2>/dev/null) || {
  echo "setup-headlessgl: the optional 'gl' package is not installed next to gpu.js (run pnpm install first)" >&2
  exit 1
}
echo "setup-headlessgl: building $gl_dir"
# node-gyp needs the Node headers; Debian's nodejs ships them under /usr/include/node.
if [ -z "${npm_config_nodedir:-}" ] && [ -f /usr/include/node/node.h ]; then export npm_config_nodedir=/usr; fi
node_gyp=$(node -e "console.log(require.resolve('node-gyp/bin/node-gyp.js',{paths:['$gl_dir']}))")
(cd "$gl_dir" && node "$node_gyp" rebuild)
echo "setup-headlessgl: checking a context under xvfb"
xvfb-run -a node -e "const c=require('$gl_dir')(1,1); if(!c) { console.error('no GL context'); process.exit(1) } console.log('headless-gl OK:', c.getParameter(c.VERSION))"
