#!/usr/bin/env bash
# Runs every test: Swift unit and end-to-end tests, the interop tests that
# drive the built binary with the real Python SDKs (oss2, alibabacloud-oss-v2)
# and ffmpeg, then the oss2 SDK's own test-suite (scripts/conformance.sh),
# then a short libFuzzer run of every parser (scripts/fuzz.sh, 5 s a target).
# Installs what is missing first (scripts/setup.sh --test).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --test

echo "== swift build" >&2
swift build --build-tests

echo "== swift test" >&2
swift_status=0
swift test --skip-build --parallel --num-workers 2 || swift_status=$?

echo "== interop (pytest, real oss2)" >&2
py_status=0
OSS_EMULATOR_BINARY="$(swift build --show-bin-path)/oss-live-emulator" \
  .venv/bin/python -m pytest -q -p no:cacheprovider Tests/Interop || py_status=$?

echo "== conformance (the oss2 SDK's own tests, unchanged)" >&2
conformance_status=0
OSS_EMULATOR_BINARY="$(swift build --show-bin-path)/oss-live-emulator" \
  scripts/conformance.sh || conformance_status=$?

echo "== fuzz (libFuzzer, 5 s per parser)" >&2
fuzz_status=0
scripts/fuzz.sh --seconds 5 || fuzz_status=$?

if [ "$swift_status" -ne 0 ] || [ "$py_status" -ne 0 ] || [ "$conformance_status" -ne 0 ] || [ "$fuzz_status" -ne 0 ]; then
  echo "test.sh: FAILED (swift test: $swift_status, interop: $py_status, conformance: $conformance_status, fuzz: $fuzz_status)" >&2
  exit 1
fi
echo "test.sh: all passed" >&2
