#!/usr/bin/env bash
# Builds (release) and runs the emulator. With no arguments it serves on the
# defaults: HTTP on 127.0.0.1:8080, data in ./oss-data, development credentials.
# Any flag of `oss-live-emulator` can be passed through, e.g. --bucket demo:public-read-write
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
"$here/scripts/setup.sh"
swift build -c release --package-path "$here" --product oss-live-emulator >&2
exec "$(swift build -c release --package-path "$here" --show-bin-path)/oss-live-emulator" "$@"
