#!/bin/sh
# Makes sure a headless Chromium is on the PATH for the report screenshot test: Debian's package, with
# a font so charts have text. Idempotent: does nothing when chromium is already installed. CI runs as
# root with Debian's mirrors reachable; elsewhere, install chromium yourself (the test then skips).
set -eu
if command -v chromium >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" != "0" ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "ensure-chromium: chromium is missing and cannot be installed here (needs root and apt-get)" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
command -v chromium >/dev/null 2>&1
