#!/usr/bin/env bash
# Makes sure the headless browser the browser tests drive is installed: Debian's `chromium`.
#
#   bash scripts/browser.sh          # install chromium when missing, then print its path
#
# CHROMIUM_PATH (default /usr/bin/chromium) is the executable the tests start. When it is
# missing, the script runs `apt-get update` once and `apt-get install -y chromium` (as root,
# or through sudo). It fails loudly, with the reason, when the browser cannot be installed:
# the browser tests are never skipped.
set -euo pipefail

CHROMIUM_PATH="${CHROMIUM_PATH:-/usr/bin/chromium}"

if [ -x "$CHROMIUM_PATH" ]; then
  echo "browser: $("$CHROMIUM_PATH" --version 2>/dev/null || echo chromium) at $CHROMIUM_PATH"
  exit 0
fi

fail() {
  echo "browser: $*" >&2
  echo "browser: the browser tests need Chromium at $CHROMIUM_PATH; install Debian's chromium package (apt-get install chromium) or set CHROMIUM_PATH." >&2
  exit 1
}

if [ "$(id -u)" -eq 0 ]; then
  SUDO=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  SUDO=(sudo -n)
else
  fail "$CHROMIUM_PATH is missing and this user can neither install packages nor sudo."
fi
command -v apt-get >/dev/null 2>&1 || fail "$CHROMIUM_PATH is missing and apt-get is not available."

echo "browser: installing Debian's chromium package (one-time)"
export DEBIAN_FRONTEND=noninteractive
# Several checkouts on one machine may install at once: wait for dpkg's lock instead of failing.
APT_OPTS=(-o DPkg::Lock::Timeout=300)
"${SUDO[@]}" apt-get "${APT_OPTS[@]}" update -qq || fail "apt-get update failed."
"${SUDO[@]}" apt-get "${APT_OPTS[@]}" install -y -qq --no-install-recommends chromium ||
  fail "apt-get install chromium failed."
[ -x "$CHROMIUM_PATH" ] || fail "chromium was installed but $CHROMIUM_PATH is still missing."
echo "browser: $("$CHROMIUM_PATH" --version 2>/dev/null || echo chromium) at $CHROMIUM_PATH"
