#!/usr/bin/env bash
# Installs what building and testing need when it is missing: Debian packages
# (libcrypto/zlib headers, ffmpeg for media tests, chromium and
# chromium-driver for the browser tests, Python's venv) and a Python
# virtual environment with the real Alibaba Cloud OSS SDKs (oss2 and
# alibabacloud-oss-v2), pytest and selenium (drives Chromium).
#   scripts/setup.sh            build dependencies only
#   scripts/setup.sh --test     also ffmpeg, chromium and the Python venv
set -euo pipefail
cd "$(dirname "$0")/.."

want_test=0
[ "${1:-}" = "--test" ] && want_test=1

missing=()
dpkg -s libssl-dev >/dev/null 2>&1 || missing+=(libssl-dev)
dpkg -s zlib1g-dev >/dev/null 2>&1 || missing+=(zlib1g-dev)
dpkg -s pkg-config >/dev/null 2>&1 || command -v pkg-config >/dev/null 2>&1 || missing+=(pkg-config)
if [ "$want_test" = 1 ]; then
  command -v ffmpeg >/dev/null 2>&1 || missing+=(ffmpeg)
  command -v ffprobe >/dev/null 2>&1 || missing+=(ffmpeg)
  command -v curl >/dev/null 2>&1 || missing+=(curl)
  # a real browser for the cross-origin admin test
  command -v chromium >/dev/null 2>&1 || missing+=(chromium)
  # WebDriver for the console's browser test (Tests/Interop/test_console_browser.py)
  command -v chromedriver >/dev/null 2>&1 || missing+=(chromium-driver)
  # the conformance watchdog's thread dump of a server that stopped answering
  command -v gdb >/dev/null 2>&1 || missing+=(gdb)
  command -v python3 >/dev/null 2>&1 || missing+=(python3)
  python3 -c 'import ensurepip, venv' >/dev/null 2>&1 || missing+=(python3-venv)
fi
if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup: installing Debian packages: ${missing[*]}" >&2
  sudo_cmd=()
  [ "$(id -u)" -ne 0 ] && sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ "$want_test" = 1 ]; then
  venv=.venv
  # pytest-timeout and mock: for the SDK's own test-suite (scripts/conformance.sh);
  # selenium: the console's browser test
  if ! "$venv/bin/python" -c 'import oss2, alibabacloud_oss_v2, pytest, pytest_timeout, mock, selenium' >/dev/null 2>&1; then
    echo "setup: creating Python venv $venv with oss2, alibabacloud-oss-v2, pytest, pytest-timeout, mock and selenium" >&2
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q --disable-pip-version-check 'oss2>=2.19,<3' 'alibabacloud-oss-v2>=1.4.1,<2' 'pytest>=8' 'requests>=2.31' \
      'pytest-timeout>=2.2' 'mock>=4' 'selenium>=4.20,<5'
  fi
fi
