#!/usr/bin/env bash
# Coverage-guided fuzzing of the byte parsers with libFuzzer (shipped with
# the Swift toolchain). Builds the targets of Tests/Fuzz (their own package)
# with -sanitize=fuzzer,address, then runs each on its committed seed corpus
# (Tests/Fuzz/Corpus/<target>/, read-only: new inputs go to a scratch copy)
# and prints executions and executions per second.
#   scripts/fuzz.sh [--seconds N | --runs N] [--release] [--no-asan] [--timeout N] [--merge] [TARGET...]
#     --seconds N   run each target N seconds (default 10)
#     --runs N      run each target N executions (with --seconds: whichever comes first)
#     --release     optimised build (slower to build, ~4x the executions/s)
#     --no-asan     without AddressSanitizer (its own build directory): for the
#                   parsers that use no unsafe pointers (hls-playlist, multipart-form),
#                   where ASan finds nothing Swift's bounds and overflow checks
#                   would not, and costs two thirds of the time (malloc stacks)
#     --timeout N   seconds one input may take before it counts as a hang (default
#                   10); libFuzzer measures wall time, so a long run on a loaded
#                   machine, or one that is paused, needs more
#     --merge       also fold the new inputs into the committed corpus, minimised
#     --seeds       regenerate the seed inputs from real data (fuzz-seeds: fixtures,
#                   the RTMP client's bytes, signed requests...) and merge them in
#     --list        print the target names
#   TARGET: a name as in --list, with or without the `fuzz-` prefix; default all.
# A crash, hang or broken invariant stops that target, keeps the input under
# .build/fuzz/artifacts/<target>/ and makes the script fail.
set -euo pipefail
cd "$(dirname "$0")/.."

fuzz_dir=Tests/Fuzz
all_targets=(amf0 rtmp-chunks rtmp-session flv codec-config hls-playlist http-request http-response
             multipart-form xml auth json object-headers)
# Longest input per target: whole FLV files and RTMP streams need room; text
# parsers find their bugs in short inputs.
max_len() {
  case "$1" in
    flv|rtmp-session|rtmp-chunks) echo 32768 ;;
    http-request|http-response|multipart-form|xml) echo 16384 ;;
    *) echo 4096 ;;
  esac
}

seconds=
runs=
timeout=10
config=debug
merge=0
seeds=0
sanitizers=fuzzer,address
scratch_path=()
targets=()
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    --timeout) timeout="$2"; shift 2 ;;
    --release) config=release; shift ;;
    --no-asan) sanitizers=fuzzer; scratch_path=(--scratch-path "$fuzz_dir/.build-no-asan"); shift ;;
    --merge) merge=1; shift ;;
    --seeds) seeds=1; merge=1; shift ;;
    --list) printf '%s\n' "${all_targets[@]}"; exit 0 ;;
    -h|--help) sed -n '2,22p' "$0"; exit 0 ;;
    -*) echo "fuzz.sh: unknown option $1" >&2; exit 2 ;;
    *) targets+=("${1#fuzz-}"); shift ;;
  esac
done
[ ${#targets[@]} -eq 0 ] && targets=("${all_targets[@]}")
mode=()
[ -n "$seconds" ] && mode+=(-max_total_time="$seconds")
[ -n "$runs" ] && mode+=(-runs="$runs")
[ ${#mode[@]} -eq 0 ] && mode=(-max_total_time=10)
for target in "${targets[@]}"; do
  [ -d "$fuzz_dir/Sources/fuzz-$target" ] || { echo "fuzz.sh: no target $target (see --list)" >&2; exit 2; }
done

# libFuzzer comes with the Swift toolchain (Linux); say so plainly when it is missing.
swiftc_path="$(command -v swiftc || true)"
libfuzzer="$(dirname "${swiftc_path:-/}")/../lib/swift/clang/lib/linux/libclang_rt.fuzzer-$(uname -m).a"
if [ "$(uname -s)" = Linux ] && [ ! -f "$libfuzzer" ]; then
  echo "fuzz.sh: libFuzzer not found ($libfuzzer); a swift.org toolchain for Linux ships it" >&2
  exit 1
fi

# -enable-testing: the HTTP decoder and the header parsers are internal API.
build_flags=(-c "$config" -Xswiftc -sanitize="$sanitizers" -Xswiftc -enable-testing ${scratch_path[@]+"${scratch_path[@]}"})
echo "== building ${#targets[@]} fuzz target(s) ($config, -sanitize=$sanitizers)" >&2
build_start=$SECONDS
for target in "${targets[@]}"; do
  # ld.gold warns about every ASan helper symbol; only real problems matter.
  if ! swift build --package-path "$fuzz_dir" "${build_flags[@]}" --product "fuzz-$target" >/tmp/fuzz-build.$$ 2>&1; then
    grep -v 'Cannot export local symbol' /tmp/fuzz-build.$$ >&2
    rm -f /tmp/fuzz-build.$$
    exit 1
  fi
done
rm -f /tmp/fuzz-build.$$
echo "== built in $((SECONDS - build_start)) s" >&2
bin="$(swift build --package-path "$fuzz_dir" "${build_flags[@]}" --show-bin-path)"

work=.build/fuzz
mkdir -p "$work"
seed_dir="$work/seeds"
if [ "$seeds" = 1 ]; then
  # Built without sanitizers, in its own scratch directory so the fuzz build stays as it is.
  swift build --package-path "$fuzz_dir" --scratch-path "$fuzz_dir/.build-seeds" --product fuzz-seeds >&2
  rm -rf "$seed_dir"
  "$fuzz_dir/.build-seeds/debug/fuzz-seeds" fixtures "$seed_dir" >&2
fi
# ASan reports, not the Swift runtime's backtracer, should describe a crash.
export SWIFT_BACKTRACE=enable=no
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=0}"
failed=()
printf '%-16s %12s %10s %8s %8s\n' target executions exec/s seconds corpus
for target in "${targets[@]}"; do
  corpus="$fuzz_dir/Corpus/$target"
  scratch="$work/corpus/$target"
  artifacts="$work/artifacts/$target"
  mkdir -p "$corpus" "$scratch" "$artifacts"
  log="$work/$target.log"
  start=$(date +%s.%N)
  status=0
  # New inputs land in the first directory, the scratch one.
  corpora=("$scratch" "$corpus")
  [ "$seeds" = 1 ] && [ -d "$seed_dir/$target" ] && corpora+=("$seed_dir/$target")
  "$bin/fuzz-$target" "${mode[@]}" -max_len="$(max_len "$target")" -timeout="$timeout" -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="$artifacts/" "${corpora[@]}" >"$log" 2>&1 || status=$?
  end=$(date +%s.%N)
  executed=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  [ -n "$executed" ] || executed=$(sed -n 's/.*Done \([0-9]*\) runs.*/\1/p' "$log" | tail -1)
  executed=${executed:-0}
  wall=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }')
  rate=$(awk -v r="$executed" -v w="$wall" 'BEGIN { printf "%d", (w > 0 ? r / w : 0) }')
  units=$(find "$scratch" "$corpus" -type f | wc -l)
  printf '%-16s %12s %10s %8s %8s\n' "$target" "$executed" "$rate" "$wall" "$units"
  if [ "$status" -ne 0 ]; then
    failed+=("$target")
    echo "fuzz.sh: $target failed (exit $status); log $log; inputs:" >&2
    ls "$artifacts" >&2
    grep -E 'ERROR|Fatal error|fuzz invariant|SUMMARY' "$log" | head -5 >&2
  elif [ "$merge" = 1 ]; then
    # Minimise corpus + new inputs (+ seeds) into a fresh directory, then swap it in.
    merged="$work/merged/$target"
    rm -rf "$merged" && mkdir -p "$merged"
    sources=("$corpus" "$scratch")
    [ -d "$seed_dir/$target" ] && sources+=("$seed_dir/$target")
    "$bin/fuzz-$target" -merge=1 -max_len="$(max_len "$target")" "$merged" "${sources[@]}" >"$work/$target.merge.log" 2>&1
    rm -rf "$corpus" && mv "$merged" "$corpus"
    echo "   $target corpus: $(ls "$corpus" | wc -l) inputs, $(du -sk "$corpus" | cut -f1) KB" >&2
  fi
done

if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz.sh: FAILED: ${failed[*]}" >&2
  exit 1
fi
