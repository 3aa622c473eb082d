#!/bin/sh
# Makes sure Jupyter (Debian's packages) can run notebooks headless, for the test that runs the samples
# in Jupyter with the tslab kernel. Idempotent; CI runs as root with Debian's mirrors reachable.
set -eu
if /usr/bin/python3 -c "import nbclient, nbconvert, ipykernel" >/dev/null 2>&1 && command -v jupyter-nbconvert >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" != "0" ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "ensure-jupyter: Jupyter is missing and cannot be installed here (needs root and apt-get)" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends jupyter-notebook jupyter-nbconvert python3-nbclient python3-ipykernel >/dev/null
/usr/bin/python3 -c "import nbclient, nbconvert, ipykernel"
