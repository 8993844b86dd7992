#!/usr/bin/env bash
# Builds and runs the Swift test suite under ThreadSanitizer and/or
# AddressSanitizer, each in its own scratch directory (.build-tsan,
# .build-asan) so the normal .build stays valid. Prints how long each build
# and run took, and exits non-zero when a test fails or a sanitizer reports
# anything (the reports are also kept in <scratch>/sanitize.log).
#
#   scripts/sanitize.sh [thread|address|all]     (default: all)
#
# Extra arguments after the mode go to `swift test` (e.g. --filter Storage).
set -euo pipefail
cd "$(dirname "$0")/.."

mode="${1:-all}"
[ $# -gt 0 ] && shift
case "$mode" in
  thread|address|all) ;;
  *) echo "usage: scripts/sanitize.sh [thread|address|all] [swift test args...]" >&2; exit 64 ;;
esac

# Tests left out of the sanitizer runs, each for a stated reason. A regular
# expression for `swift test --skip`; empty means none. None is needed: the
# whole suite takes about two minutes under either sanitizer on two cores.
skip_thread=""
skip_address=""

# ThreadSanitizer: report every race in one run instead of stopping at the
# first (the process still exits with `exitcode` when it saw any), with the
# second stack of lock-order reports. The suppressions file holds only
# commented entries for code outside the project.
tsan_options="halt_on_error=0:exitcode=66:second_deadlock_stack=1:suppressions=$PWD/scripts/sanitize-tsan.supp"
# AddressSanitizer: stop at the first error (the default; memory is not
# trustworthy after one), and catch use of a returned frame's stack too.
asan_options="halt_on_error=1:detect_stack_use_after_return=1:strict_string_checks=1"
# Leak checking is off unless SANITIZE_DETECT_LEAKS=1: what it reports is
# not the project's. With it on, every leak found in the whole suite was
# allocated by XCTest's runner, FoundationEssentials' file reading (the tests'
# String(contentsOf:) and FileManager.contents(atPath:)), Foundation's
# Process.run, or libcurl under FoundationNetworking's URLSession, all used by
# test helpers only; plus one 72-byte array still referenced from a static
# test table of nested AMF0Value enums (LSan's scan misses pointers Swift
# keeps in enum payloads with the case tag in their spare bits).
asan_options="$asan_options:detect_leaks=${SANITIZE_DETECT_LEAKS:-0}"

status=0
summary=()

run() {
  local sanitizer="$1" scratch="$2" skip="$3"
  local log="$scratch/sanitize.log"
  local start build_s test_s rc=0
  mkdir -p "$scratch"

  echo "== swift build --sanitize=$sanitizer (scratch $scratch)" >&2
  start=$(date +%s)
  if ! swift build --build-tests --sanitize="$sanitizer" --scratch-path "$scratch"; then
    summary+=("$sanitizer: build FAILED")
    status=1
    return
  fi
  build_s=$(( $(date +%s) - start ))

  echo "== swift test --sanitize=$sanitizer" >&2
  local args=(--skip-build --sanitize="$sanitizer" --scratch-path "$scratch")
  [ -n "$skip" ] && args+=(--skip "$skip")
  start=$(date +%s)
  TSAN_OPTIONS="$tsan_options" ASAN_OPTIONS="$asan_options" \
    swift test "${args[@]}" "${extra_args[@]}" 2>&1 | tee "$log" || rc=$?
  test_s=$(( $(date +%s) - start ))

  # A report can come from a helper process or arrive after the test
  # runner's verdict, so the log is read as well as the exit status.
  local reports
  reports=$(grep -c -E '^(WARNING: ThreadSanitizer|==[0-9]+==ERROR: (Address|Leak)Sanitizer|SUMMARY: (Thread|Address|Leak|UndefinedBehavior)Sanitizer)' "$log" || true)
  local verdict="passed"
  if [ "$rc" -ne 0 ] || [ "$reports" -ne 0 ]; then
    verdict="FAILED (exit $rc, $reports sanitizer report lines; see $log)"
    status=1
  fi
  summary+=("$sanitizer: build ${build_s}s, tests ${test_s}s, load $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores: $verdict")
}

extra_args=("$@")
if [ "$mode" = thread ] || [ "$mode" = all ]; then
  run thread .build-tsan "$skip_thread"
fi
if [ "$mode" = address ] || [ "$mode" = all ]; then
  run address .build-asan "$skip_address"
fi

echo "== sanitize.sh" >&2
printf '%s\n' "${summary[@]}" >&2
exit "$status"
