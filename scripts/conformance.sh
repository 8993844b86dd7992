#!/usr/bin/env bash
# Runs the Python OSS SDK's own integration tests (the tests/ folder of the
# oss2 2.19.1 source distribution from PyPI, unchanged) against a fresh
# emulator and prints a table per module and signing version.
#
#   scripts/conformance.sh [options] [MODULE...]
#
#   MODULE          test modules of the SDK (test_object or test_object.py);
#                   default: the set in DEFAULT_MODULES below
#   --auth A        signing: v1 (the SDK's default), v4, both (v1 and v4, the
#                   default), v2, or all (v1, v2 and v4)
#   -k EXPR         passed to pytest: run only the tests matching EXPR
#   --jobs N        pytest runs (module x signing) at once against the one
#                   emulator (default 2)
#   --timeout S     per-test limit in seconds (pytest-timeout, default 300)
#   --strict-xpass  fail when a test listed as expected to fail passes
#   --seed S        seed for the tests' random choices (default oss2-conformance;
#                   each test reseeds from S and its id, so runs repeat)
#   --out DIR       logs and results (default .conformance/last-run)
#
# The emulator is OSS_EMULATOR_BINARY, else $(swift build --show-bin-path)/
# oss-live-emulator (built when missing), started with temporary storage on a
# free port and stopped at the end. The tests reach it through their
# OSS_TEST_* variables; test_live_channel checks OSS's virtual-hosted URL
# shapes, so it keeps the SDK on http://oss-cn-hangzhou.aliyuncs.com with the
# emulator as its HTTP proxy. Every run has the emulator as http and https
# proxy, so nothing a test does leaves the machine: the KMS client's CONNECT
# to kms.cn-hangzhou.aliyuncs.com is answered by the emulator's own KMS, with
# ALIBABA_CLOUD_CA_BUNDLE set to the emulator's CA (fetched from /_emulator/ca.pem).
#
# Tests that cannot pass against a local emulator are listed in
# Tests/Conformance/expected-failures.txt ("module::Class::test  both|v1|v4
# reason"); they count as xfailed when they fail and are reported (without
# failing the run unless --strict-xpass) when they pass. Any other failure,
# or a run that does not complete, makes the
# exit status 1. The table counts a test once per signing version; the last
# line of the output is "N passed, N failed" (N failed: unexpected failures).
# Logs: DIR/MODULE.AUTH.log (pytest), DIR/emulator.log (one line a request).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

OSS2_VERSION=2.19.1
OSS2_SDIST_SHA256=a8ab9ee7eb99e88a7e1382edc6ea641d219d585a7e074e3776e9dec9473e59c1
DEFAULT_MODULES=(test_object test_multipart test_upload test_download test_iterator
  test_list_objects_v2 test_live_channel test_chinese test_put_object_chunked test_headers
  test_bucket test_website test_server_side_encryotion)
# the watchdog asks the emulator every WATCHDOG_PERIOD s and stops the run
# after WATCHDOG_LIMIT s without an answer
WATCHDOG_PERIOD=5
WATCHDOG_LIMIT=60
ACCESS_KEY_ID=conformance-key
ACCESS_KEY_SECRET=conformance-secret
EXPECTATIONS="$root/Tests/Conformance/expected-failures.txt"

usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; }

modules=()
auths=(v1 v4)
keyword=""
jobs=2
test_timeout=300
strict_xpass=0
seed=oss2-conformance
out="$root/.conformance/last-run"
while [ $# -gt 0 ]; do
  case "$1" in
    -h|--help) usage; exit 0 ;;
    --auth)
      case "${2:-}" in
        v1|v2|v4) auths=("$2") ;; both) auths=(v1 v4) ;; all) auths=(v1 v2 v4) ;;
        *) echo "conformance: --auth takes v1, v2, v4, both or all" >&2; exit 64 ;;
      esac
      shift 2 ;;
    -k) keyword="${2:?-k needs an expression}"; shift 2 ;;
    --jobs) jobs="${2:?--jobs needs a number}"; shift 2 ;;
    --timeout) test_timeout="${2:?--timeout needs seconds}"; shift 2 ;;
    --strict-xpass) strict_xpass=1; shift ;;
    --seed) seed="${2:?--seed needs a value}"; shift 2 ;;
    --out) out="${2:?--out needs a directory}"; shift 2 ;;
    -*) echo "conformance: unknown option $1 (see --help)" >&2; exit 64 ;;
    *) m="${1%.py}"; modules+=("${m##*/}"); shift ;;
  esac
done
full_set=0
if [ "${#modules[@]}" -eq 0 ]; then
  modules=("${DEFAULT_MODULES[@]}")
  full_set=1
fi
case "$jobs" in ''|*[!0-9]*|0) echo "conformance: --jobs takes a positive number" >&2; exit 64 ;; esac

# --- the Python environment (.venv with oss2's dependencies, pytest, pytest-timeout, mock)
venv_python="$root/.venv/bin/python"
if ! "$venv_python" -c 'import oss2, pytest, pytest_timeout, mock, Crypto, aliyunsdkkms' >/dev/null 2>&1 ||
   ! command -v ffmpeg >/dev/null 2>&1; then
  scripts/setup.sh --test
fi

# --- the SDK's tests, from the source distribution on PyPI
cache="$root/.conformance"
sdist="$cache/oss2-$OSS2_VERSION.tar.gz"
mkdir -p "$cache"
if [ ! -f "$sdist" ] || ! echo "$OSS2_SDIST_SHA256  $sdist" | sha256sum -c --status; then
  rm -f "$sdist"
  echo "conformance: downloading the oss2 $OSS2_VERSION source distribution" >&2
  "$venv_python" -m pip download -q --disable-pip-version-check --no-deps --no-binary :all: \
    "oss2==$OSS2_VERSION" -d "$cache" >&2
  if ! echo "$OSS2_SDIST_SHA256  $sdist" | sha256sum -c --status; then
    echo "conformance: $sdist does not have the expected SHA-256" >&2
    exit 1
  fi
fi
rm -rf "$out"
mkdir -p "$out"
out=$(cd "$out" && pwd)
# a fresh copy for every run, so the tests are exactly the published ones
tar -xzf "$sdist" -C "$out"
suite="$out/oss2-$OSS2_VERSION"
# The tests read tests/example.jpg (relative to the SDK's root, their working
# directory), a file of the SDK's repository that the source distribution does
# not ship; any JPEG does, so make one beside them.
ffmpeg -v error -f lavfi -i testsrc2=size=400x300 -frames:v 1 -y "$suite/tests/example.jpg"
for m in "${modules[@]}"; do
  if [ ! -f "$suite/tests/$m.py" ]; then
    echo "conformance: the SDK has no test module $m (see $suite/tests)" >&2
    exit 64
  fi
done

# --- the emulator
if [ -n "${OSS_EMULATOR_BINARY:-}" ]; then
  binary="$OSS_EMULATOR_BINARY"
else
  binary="$(swift build --show-bin-path)/oss-live-emulator"
  if [ ! -x "$binary" ]; then
    echo "conformance: building oss-live-emulator" >&2
    swift build --product oss-live-emulator >&2
  fi
fi
if [ ! -x "$binary" ]; then
  echo "conformance: no emulator binary at $binary" >&2
  exit 1
fi

emulator_pid=""
watchdog_pid=""
pytest_pids=()
cleanup() {
  local pid pidfile
  [ -n "$watchdog_pid" ] && kill "$watchdog_pid" 2>/dev/null || true
  for pidfile in "$out"/*.pid; do
    [ -f "$pidfile" ] && kill -TERM "$(cat "$pidfile")" 2>/dev/null || true
  done
  for pid in "${pytest_pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [ -n "$emulator_pid" ] && kill -0 "$emulator_pid" 2>/dev/null; then
    kill -TERM "$emulator_pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$emulator_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$emulator_pid" 2>/dev/null || true
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

ready="$out/emulator-ready.json"
# only the flags below configure it: OSS_EMULATOR_* of the caller's environment do not leak in
emulator_env=(env)
while IFS= read -r name; do emulator_env+=(-u "$name"); done < <(compgen -e | grep -E '^(OSS_EMULATOR_|OSS_ACCESS_KEY_)' || true)
emulator_args=(serve --ephemeral --port 0 --rtmp-port 0 --ready-file "$ready"
  --access-key-id "$ACCESS_KEY_ID" --access-key-secret "$ACCESS_KEY_SECRET")
# Restores take time on OSS; the tests expect ongoing-request="true" right after
# RestoreObject (and none waits for one to finish)
# (grep reads all of the help: `grep -q` would stop early, the binary would
# die of SIGPIPE and pipefail would sometimes call the option missing)
if "$binary" help serve 2>/dev/null | grep -- '--restore-delay' >/dev/null; then
  emulator_args+=(--restore-delay 600)
fi
"${emulator_env[@]}" "$binary" "${emulator_args[@]}" >"$out/emulator.log" 2>&1 &
emulator_pid=$!
for _ in $(seq 1 300); do
  [ -s "$ready" ] && break
  if ! kill -0 "$emulator_pid" 2>/dev/null; then
    echo "conformance: the emulator exited at start:" >&2
    cat "$out/emulator.log" >&2
    exit 1
  fi
  sleep 0.1
done
if [ ! -s "$ready" ]; then
  echo "conformance: the emulator did not become ready in 30 s" >&2
  exit 1
fi
endpoint=$("$venv_python" -c 'import json, sys; print(json.load(open(sys.argv[1]))["http"])' "$ready")
echo "conformance: oss2 $OSS2_VERSION tests against $binary at $endpoint (logs in $out)"
# the KMS client reaches the emulator's KMS through a CONNECT tunnel whose TLS
# the emulator terminates with its own CA
ca_bundle="$out/emulator-ca.pem"
"$venv_python" -c 'import sys, urllib.request; open(sys.argv[2], "wb").write(urllib.request.urlopen(sys.argv[1]).read())' \
  "$endpoint/_emulator/ca.pem" "$ca_bundle"

# --- a watchdog: a server that stops answering ends the run at once, with its
# threads' stacks, instead of every remaining test waiting for its timeout
unresponsive="$out/emulator-unresponsive"
watchdog() {
  local last_answer=$SECONDS
  while kill -0 "$emulator_pid" 2>/dev/null; do
    sleep "$WATCHDOG_PERIOD"
    # a bucket that does not exist: the answer (404) goes through the object store
    if "$venv_python" - "$endpoint/conformance-watchdog-probe" >/dev/null 2>&1 <<'PY'
import sys, urllib.error, urllib.request
try:
    urllib.request.urlopen(sys.argv[1], timeout=5)
except urllib.error.HTTPError:
    pass
PY
    then
      last_answer=$SECONDS
    elif [ $((SECONDS - last_answer)) -ge "$WATCHDOG_LIMIT" ]; then
      echo "conformance: the emulator has not answered a request for $WATCHDOG_LIMIT s; stopping the run" \
        "(threads in $out/emulator-threads.txt)" >&2
      if command -v gdb >/dev/null 2>&1; then
        timeout 60 gdb -q -p "$emulator_pid" -batch -ex 'set complaints 0' -ex 'thread apply all bt' \
          >"$out/emulator-threads.txt" 2>/dev/null || true
      fi
      touch "$unresponsive"
      local pidfile
      for pidfile in "$out"/*.pid; do
        [ -f "$pidfile" ] && kill -TERM "$(cat "$pidfile")" 2>/dev/null || true
      done
      return
    fi
  done
}
watchdog &
watchdog_pid=$!

# --- one pytest run per module and signing version
run_one() {
  local module=$1 auth=$2
  # its own working directory (the tests write scratch files there, with names
  # that repeat between the v1 and the v4 run), where tests/ is the SDK's; and
  # its own HOME (the SDK keeps resumable upload/download records under ~)
  local work="$out/work-$module-$auth"
  local test_endpoint="$endpoint"
  if [ "$module" = test_live_channel ]; then test_endpoint="http://oss-cn-hangzhou.aliyuncs.com"; fi
  mkdir -p "$work"
  ln -s "$suite/tests" "$work/tests"
  local env_args=(env)
  # nothing of the caller's OSS_TEST_* / proxy / pytest settings takes part
  while IFS= read -r name; do env_args+=(-u "$name"); done < <(compgen -e |
    grep -E '^(OSS_TEST_|TRAVIS$|PYTEST_ADDOPTS$|PYTEST_PLUGINS$|ALL_PROXY$|all_proxy$)' || true)
  env_args+=(
    OSS_TEST_ENDPOINT="$test_endpoint"
    OSS_TEST_ACCESS_KEY_ID="$ACCESS_KEY_ID"
    OSS_TEST_ACCESS_KEY_SECRET="$ACCESS_KEY_SECRET"
    OSS_TEST_REGION=cn-hangzhou
    http_proxy="$endpoint" HTTP_PROXY="$endpoint" https_proxy="$endpoint" HTTPS_PROXY="$endpoint"
    no_proxy=127.0.0.1,localhost NO_PROXY=127.0.0.1,localhost
    ALIBABA_CLOUD_CA_BUNDLE="$ca_bundle"
    PYTHONPATH="$root/Tests/Conformance"
    PYTHONDONTWRITEBYTECODE=1
    HOME="$work"
    CONFORMANCE_AUTH="$auth"
    CONFORMANCE_SEED="$seed"
    CONFORMANCE_EXPECTATIONS="$EXPECTATIONS"
    CONFORMANCE_RESULTS="$out/$module.$auth.json"
  )
  if [ "$auth" != v1 ]; then env_args+=(OSS_TEST_AUTH_VERSION="$auth"); fi
  local args=(-m pytest -p no:cacheprovider -p conformance_plugin --rootdir "$suite"
    --timeout "$test_timeout" -q --tb=short --show-capture=no -o console_output_style=classic)
  if [ -n "$keyword" ]; then args+=(-k "$keyword"); fi
  local started=$SECONDS status=0
  # timeout (whose pid the cleanup signals; it passes the signal on) bounds the whole module
  (cd "$work" && exec "${env_args[@]}" timeout --kill-after=30 $((test_timeout * 4)) \
    "$venv_python" "${args[@]}" "$suite/tests/$module.py") >"$out/$module.$auth.log" 2>&1 &
  echo $! >"$out/$module.$auth.pid"
  wait $! || status=$?
  rm -f "$out/$module.$auth.pid"
  local summary
  summary=$(grep -E '(passed|failed|error|skipped|xfailed|xpassed|no tests ran).* in [0-9.]+s' \
    "$out/$module.$auth.log" | tail -1 | sed -E 's/^=+ //; s/ =+$//' || true)
  printf '%-24s %s  %4ds  %s\n' "$module" "$auth" $((SECONDS - started)) \
    "${summary:-pytest exit status $status}"
  rm -rf "$work"
}

# the slowest modules first, so the runs at once end close together
slow_first=(test_put_object_chunked test_object test_upload test_live_channel test_download)
schedule=()
for m in "${slow_first[@]}"; do
  for x in "${modules[@]}"; do if [ "$x" = "$m" ]; then schedule+=("$m"); fi; done
done
for x in "${modules[@]}"; do
  case " ${slow_first[*]} " in *" $x "*) ;; *) schedule+=("$x") ;; esac
done

started=$SECONDS
for module in "${schedule[@]}"; do
  for auth in "${auths[@]}"; do
    while [ "${#pytest_pids[@]}" -ge "$jobs" ]; do
      wait -n "${pytest_pids[@]}" || true
      alive=()
      for pid in "${pytest_pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive+=("$pid"); done
      pytest_pids=("${alive[@]}")
    done
    [ -f "$unresponsive" ] && break 2
    run_one "$module" "$auth" &
    pytest_pids+=($!)
  done
done
for pid in "${pytest_pids[@]}"; do wait "$pid" || true; done
pytest_pids=()
elapsed=$((SECONDS - started))

kill "$watchdog_pid" 2>/dev/null || true
wait "$watchdog_pid" 2>/dev/null || true

emulator_status=0
if [ -f "$unresponsive" ]; then
  echo "conformance: the run was stopped: the emulator stopped answering (see $out/emulator-threads.txt)" >&2
  emulator_status=1
elif ! kill -0 "$emulator_pid" 2>/dev/null; then
  wait "$emulator_pid" || emulator_status=$?
  echo "conformance: the emulator exited during the run (status $emulator_status); end of its log:" >&2
  tail -20 "$out/emulator.log" >&2
  emulator_status=1
fi

echo
echo "oss2 $OSS2_VERSION tests against oss-live-emulator (${elapsed} s, $jobs at once, seed $seed)"
report_args=("$out" "$EXPECTATIONS" --modules "${modules[@]}" --auths "${auths[@]}")
if [ "$full_set" = 1 ] && [ -z "$keyword" ]; then report_args+=(--full-set); fi
if [ "$strict_xpass" = 1 ]; then report_args+=(--strict-xpass); fi
if [ -n "$keyword" ]; then report_args+=(--filtered); fi
report_status=0
"$venv_python" "$root/Tests/Conformance/conformance_report.py" "${report_args[@]}" || report_status=$?
if [ "$report_status" -ne 0 ] || [ "$emulator_status" -ne 0 ]; then
  exit 1
fi
