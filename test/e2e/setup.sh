#!/usr/bin/env bash
# Idempotent set-up for the E2E harness (npm registry + Debian apt only; no other network).
#   1. apt packages (skipped when all are already installed)
#   2. seed @vscode/ripgrep's download cache with Debian's rg (its postinstall would otherwise fetch from GitHub)
#   3. code-server 4.100.3 installed ONCE into <repo>/.e2e-cache/code-server (git-ignored, outside the VSIX)
# Re-running is cheap (< 1 s) when everything is in place. FORCE=1 reinstalls code-server.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
CS_VERSION=4.100.3
CACHE="$ROOT/.e2e-cache"
CS_DIR="$CACHE/code-server"
export DEBIAN_FRONTEND=noninteractive
# node-gyp must build code-server's native modules (kerberos, node-pty, spdlog, argon2, native-watchdog) against the
# local Node headers; without this it downloads headers from nodejs.org, which is unreachable offline.
export npm_config_nodedir=/usr
log() { echo "[e2e setup] $*"; }
T0=$(date +%s)

# ---- 1. system packages ----------------------------------------------------------------------------------------------
PKGS=(chromium libkrb5-dev ripgrep build-essential python3 curl)
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  log "apt: installing ${missing[*]}"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  # another apt/dpkg may be running (e.g. a provisioning step): wait for its lock instead of failing
  for _ in $(seq 1 120); do
    if command -v fuser > /dev/null && fuser /var/lib/dpkg/lock-frontend > /dev/null 2>&1; then sleep 5; else break; fi
  done
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" > /dev/null
else
  log "apt: all of ${PKGS[*]} present"
fi
test -x /usr/bin/chromium || { log "FATAL: /usr/bin/chromium missing"; exit 1; }
RG_BIN="$(command -v rg || true)"
test -n "$RG_BIN" || { log "FATAL: rg (ripgrep) missing"; exit 1; }

# ---- 2. ripgrep download cache ---------------------------------------------------------------------------------------
# @vscode/ripgrep 1.15.11 (a code-server dependency) looks for this tarball before downloading from GitHub.
RG_CACHE="$(node -p "require('os').tmpdir()")/vscode-ripgrep-cache-1.15.11"
RG_TGZ="$RG_CACHE/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz"
if [ ! -s "$RG_TGZ" ]; then
  log "seeding ripgrep cache $RG_TGZ with $RG_BIN"
  tmp="$(mktemp -d)"; cp "$RG_BIN" "$tmp/rg"; mkdir -p "$RG_CACHE"
  tar czf "$RG_TGZ.part" -C "$tmp" rg && mv "$RG_TGZ.part" "$RG_TGZ"
  rm -rf "$tmp"
fi

# ---- 3. code-server --------------------------------------------------------------------------------------------------
cs_ok() {
  [ -x "$CS_DIR/node_modules/.bin/code-server" ] &&
  [ -e "$CS_DIR/node_modules/code-server/lib/vscode/node_modules.asar" ] &&   # proves the postinstall ran
  [ "$(node -p "require('$CS_DIR/node_modules/code-server/package.json').version" 2>/dev/null)" = "$CS_VERSION" ]
}
if [ "${FORCE:-0}" = 1 ] || ! cs_ok; then
  log "installing code-server@$CS_VERSION into $CS_DIR (one-time, ~1-3 min)"
  mkdir -p "$CACHE"
  # install into a temp folder and rename at the end, so an interrupted install never looks complete
  tmp="$CACHE/code-server.tmp-$$"
  rm -rf "$tmp"; mkdir -p "$tmp"
  echo '{"name":"mi-studio-e2e-code-server","private":true}' > "$tmp/package.json"
  T1=$(date +%s)
  # install scripts must run (code-server's postinstall unpacks node_modules.asar and builds native modules)
  ( cd "$tmp" && npm_config_yes=true npm_config_unsafe_perm=true npm_config_ignore_scripts=false \
      npm install --unsafe-perm --no-audit --no-fund --no-save --foreground-scripts=false \
      "code-server@$CS_VERSION" > "$CACHE/code-server-install.log" 2>&1 ) || {
    log "FATAL: npm install code-server failed; last lines of $CACHE/code-server-install.log:"; tail -40 "$CACHE/code-server-install.log"; exit 1; }
  if [ ! -e "$tmp/node_modules/code-server/lib/vscode/node_modules.asar" ]; then
    log "FATAL: node_modules.asar missing: code-server's postinstall did not run"; tail -40 "$CACHE/code-server-install.log"; exit 1
  fi
  rm -rf "$CS_DIR"; mv "$tmp" "$CS_DIR"
  log "code-server installed in $(( $(date +%s) - T1 )) s"
  cs_ok || { log "FATAL: code-server install check failed"; exit 1; }
else
  log "code-server $CS_VERSION present"
fi

# ---- 4. playwright-core (a devDependency of the repo: no browser download, Debian's chromium is used) ----------------
node -e "require.resolve('playwright-core', { paths: ['$ROOT'] })" 2>/dev/null || {
  log "playwright-core missing from node_modules: run npm ci first"; exit 1; }

log "OK ($(( $(date +%s) - T0 )) s)"
