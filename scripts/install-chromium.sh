#!/usr/bin/env bash
# Install Debian's headless-capable Chromium for the report's browser tests (tests/report/).
# Does nothing when /usr/bin/chromium is already there. Needs root (run it with sudo).
set -euo pipefail

if [ -x /usr/bin/chromium ]; then
    exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
    echo "install-chromium: /usr/bin/chromium is missing; run this as root: sudo bash $0" >&2
    exit 1
fi
echo "install-chromium: installing Debian's chromium package (a few minutes the first time)"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends chromium >/dev/null
/usr/bin/chromium --version
