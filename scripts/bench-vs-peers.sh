#!/usr/bin/env bash
# The emulator side by side with a peer: nginx (Debian's nginx with
# libnginx-mod-rtmp for RTMP + HLS, and as a static file server), in one run,
# rounds interleaved (the order of the two servers alternates per round).
# Every measurement starts a fresh server with its data in a temp directory.
# Prints a table with medians, min–max over the rounds and emulator/nginx
# ratios; the raw figures go to bench-out/vs-peers-<time>.tsv.
#
# Rows:
#   1  live ingest: K real-time ffmpeg publishers (-re -stream_loop -1, 360p,
#      -c copy), server CPU % of a core over a steady window (nginx: hls on,
#      hls_fragment 2s; emulator: channels with FragDuration 2 in a
#      public-read-write bucket)
#   2  bulk ingest: a 1080p 4 Mbit/s FLV pushed with ffmpeg without -re, MB of
#      FLV per server CPU-second
#   3  small GET: a 200-byte object, wrk -t2 -c50 keep-alive: req/s and p99
#   4  1 MiB GET: the same
#   5  server RSS during row 1's load (VmHWM) and some seconds after it ended
#   6  emulator only: RSS with N streams from `oss-live-emulator push --streams N
#      --realtime --loop`
#   7  emulator only: PutLiveChannel at channels 9,001–10,000 against the first
#      1,000 (ms and server CPU per request, one keep-alive connection)
#
# Usage: scripts/bench-vs-peers.sh [--rows 1,2,...] [--rounds 3] [--k 100,200]
#          [--window 20] [--settle 5] [--after 10] [--wrk-seconds 10]
#          [--streams 2000] [--push-seconds 60] [--channels 10000] [--measured 1000]
#          [--binary PATH]
#   --rows       rows to run (default all: 1,2,3,4,5,6,7)
#   --rounds     interleaved rounds (default 3)
#   --k          publisher counts for rows 1 and 5 (default 100,200)
#   --window     seconds of the steady CPU window in row 1 (default 20)
#   --settle     seconds between the last publisher's start and the window (default 5)
#   --after      seconds after the load ends before the second RSS reading (default 10)
#   --wrk-seconds  duration of each wrk run in rows 3 and 4 (default 10, after a 2-s warm-up)
#   --streams, --push-seconds   row 6 (default 2000 streams, --duration 60)
#   --channels, --measured      row 7 (default 10000 channels, 1000 timed at each end)
#   --binary     the emulator binary to measure instead of building this tree's
#                release binary (for comparing two builds)
# Installs what it needs when missing (nginx, libnginx-mod-rtmp, wrk, ffmpeg,
# curl, python3; apt-get, with sudo when not root) and builds the emulator's
# release binary. Everything runs on this machine: publishers and wrk compete
# with the server for the cores, the same way for both servers. (Where
# apt-get starts services, installing nginx also starts the system's nginx on
# port 80; the benchmark runs its own instances on free ports.)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

rows=1,2,3,4,5,6,7
rounds=3
ks=100,200
window=20
settle=5
after=10
wrk_seconds=10
streams=2000
push_seconds=60
channels_total=10000
channels_measured=1000
binary=""
while [ $# -gt 0 ]; do
  case "$1" in
    --rows) rows=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    --k) ks=$2; shift 2 ;;
    --window) window=$2; shift 2 ;;
    --settle) settle=$2; shift 2 ;;
    --after) after=$2; shift 2 ;;
    --wrk-seconds) wrk_seconds=$2; shift 2 ;;
    --streams) streams=$2; shift 2 ;;
    --push-seconds) push_seconds=$2; shift 2 ;;
    --channels) channels_total=$2; shift 2 ;;
    --measured) channels_measured=$2; shift 2 ;;
    --binary) binary=$2; shift 2 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench-vs-peers: unknown argument $1 (see --help)" >&2; exit 64 ;;
  esac
done
want() { [[ ",$rows," == *",$1,"* ]]; }

# --- what the benchmark needs --------------------------------------------------
missing=()
command -v nginx >/dev/null 2>&1 || missing+=(nginx)
[ -f /usr/lib/nginx/modules/ngx_rtmp_module.so ] || missing+=(libnginx-mod-rtmp)
command -v wrk >/dev/null 2>&1 || missing+=(wrk)
command -v ffmpeg >/dev/null 2>&1 || missing+=(ffmpeg)
command -v curl >/dev/null 2>&1 || missing+=(curl)
command -v python3 >/dev/null 2>&1 || missing+=(python3)
if [ "${#missing[@]}" -gt 0 ]; then
  echo "bench-vs-peers: installing Debian packages: ${missing[*]}" >&2
  sudo_cmd=()
  [ "$(id -u)" -ne 0 ] && sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
scripts/setup.sh >/dev/null   # the build's own packages
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

if [ -n "$binary" ]; then
  [ -x "$binary" ] || { echo "bench-vs-peers: --binary $binary is not an executable" >&2; exit 64; }
  bin=$(cd "$(dirname "$binary")" && pwd)/$(basename "$binary")
else
  if ! build_log=$(swift build -c release --product oss-live-emulator 2>&1); then
    echo "$build_log" >&2
    exit 1
  fi
  bin="$(swift build -c release --show-bin-path)/oss-live-emulator"
fi
helper=(python3 "$root/scripts/bench-vs-peers.py")
nginx_bin=$(command -v nginx)

input360=fixtures/av-640x360-30fps.flv           # 6 s, 640x360 30 fps, 466 kbit/s, key frame every 2 s
input1080=.build-bench/bench-1080p-120s.flv     # 120 s, 1080p30, 4 Mbit/s
if want 2 && [ ! -f "$input1080" ]; then scripts/make-bench-input.sh "$input1080" >/dev/null; fi

key=bench-key
secret=bench-secret
work=$(mktemp -d -t bench-vs-peers.XXXXXX)
chmod 755 "$work"
mkdir -p bench-out
results="$root/bench-out/vs-peers-$(date +%Y%m%d-%H%M%S).tsv"
printf 'row\tmetric\tserver\tround\tvalue\n' > "$results"

server_pid=""
server_type=""
server_pids=()
publishers=()
cleanup() {
  [ "${#publishers[@]}" -gt 0 ] && kill "${publishers[@]}" 2>/dev/null || true
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

emit() { printf '%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" "$5" >> "$results"; }
say() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

# --- servers ------------------------------------------------------------------
# start_server emulator|nginx: sets server_pid, server_pids (every process whose
# CPU and memory count), http_url, rtmp_app (URL of the RTMP application),
# server_dir; buckets/channels/files are set up by the rows.
start_server() {
  server_type=$1
  server_dir=$(mktemp -d -p "$work" "$1.XXXXXX")
  chmod 755 "$server_dir"
  if [ "$1" = emulator ]; then
    "$bin" --data-dir "$server_dir/data" --port 0 --rtmp-port 0 --ready-file "$server_dir/ready.json" \
      --log-level warning --access-key-id "$key" --access-key-secret "$secret" \
      --bucket bench:public-read-write >/dev/null 2>"$server_dir/server.log" &
    server_pid=$!
    for _ in $(seq 600); do [ -s "$server_dir/ready.json" ] && break; sleep 0.05; done
    [ -s "$server_dir/ready.json" ] || { cat "$server_dir/server.log" >&2; exit 1; }
    http_url=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["http"])' "$server_dir/ready.json")
    rtmp_app="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["rtmp"])' "$server_dir/ready.json")/bench/live"
    server_pids=("$server_pid")
  else
    local http_port rtmp_port
    http_port=$("${helper[@]}" freeport)
    rtmp_port=$("${helper[@]}" freeport)
    mkdir -p "$server_dir/hls" "$server_dir/www" "$server_dir/tmp"
    local user_line=""
    [ "$(id -u)" -eq 0 ] && user_line="user root;"
    cat > "$server_dir/nginx.conf" <<EOF
load_module /usr/lib/nginx/modules/ngx_rtmp_module.so;
$user_line
worker_processes auto;
worker_rlimit_nofile 65536;
daemon off;
pid $server_dir/nginx.pid;
error_log $server_dir/error.log warn;
events { worker_connections 8192; }
rtmp {
  server {
    listen 127.0.0.1:$rtmp_port;
    application live {
      live on;
      record off;
      hls on;
      hls_path $server_dir/hls;
      hls_fragment 2s;
      hls_cleanup off;  # keep every fragment, as the emulator keeps its segments
    }
  }
}
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  keepalive_timeout 65;
  keepalive_requests 1000000;
  default_type application/octet-stream;
  client_body_temp_path $server_dir/tmp/body;
  proxy_temp_path $server_dir/tmp/proxy;
  fastcgi_temp_path $server_dir/tmp/fastcgi;
  uwsgi_temp_path $server_dir/tmp/uwsgi;
  scgi_temp_path $server_dir/tmp/scgi;
  server {
    listen 127.0.0.1:$http_port;
    root $server_dir/www;
  }
}
EOF
    "$nginx_bin" -p "$server_dir" -e "$server_dir/error.log" -c "$server_dir/nginx.conf" &
    server_pid=$!
    local workers=""
    for _ in $(seq 200); do
      workers=$(pgrep -P "$server_pid" | tr '\n' ' ' || true)
      [ -n "$workers" ] && curl -s -o /dev/null "http://127.0.0.1:$http_port/" && break
      sleep 0.05
    done
    [ -n "$workers" ] || { cat "$server_dir/error.log" >&2; exit 1; }
    sleep 0.2
    # shellcheck disable=SC2206
    server_pids=("$server_pid" $(pgrep -P "$server_pid"))
    http_url="http://127.0.0.1:$http_port"
    rtmp_app="rtmp://127.0.0.1:$rtmp_port/live"
  fi
}

stop_server() {
  kill "$server_pid" 2>/dev/null || true
  wait "$server_pid" 2>/dev/null || true
  server_pid=""
  rm -rf "$server_dir"
}

ts_bytes() {  # bytes of the .ts segments the current server has written
  local dir=$server_dir/hls
  [ "$server_type" = emulator ] && dir=$server_dir/data/bench
  find "$dir" -name '*.ts' -printf '%s\n' 2>/dev/null | awk '{n += $1} END {printf "%d\n", n}'
}

create_channels() {  # PREFIX FIRST LAST (emulator only)
  "${helper[@]}" channels "$http_url" bench "$1" "$2" "$3" "$key" "$secret" 2
}

# --- rows ---------------------------------------------------------------------
live() {  # SERVER K ROUND: rows 1 and 5
  local server=$1 k=$2 round=$3
  start_server "$server"
  [ "$server" = emulator ] && create_channels c 1 "$k"
  publishers=()
  for i in $(seq "$k"); do
    ffmpeg -nostdin -hide_banner -loglevel error -re -stream_loop -1 -i "$input360" -c copy -f flv \
      "$rtmp_app/c$i" >/dev/null 2>>"$server_dir/ffmpeg.log" &
    publishers+=($!)
    sleep 0.04
  done
  sleep "$settle"
  local cpu peak up=0 ts0 ts1
  ts0=$(ts_bytes)
  read -r cpu peak < <("${helper[@]}" watch "$window" "${server_pids[@]}")
  ts1=$(ts_bytes)
  for p in "${publishers[@]}"; do kill -0 "$p" 2>/dev/null && up=$((up + 1)); done
  local playlists
  if [ "$server" = emulator ]; then
    playlists=$(find "$server_dir/data/bench" -name playlist.m3u8 | wc -l)
  else
    playlists=$(find "$server_dir/hls" -name '*.m3u8' | wc -l)
  fi
  local rss hwm
  read -r rss hwm < <("${helper[@]}" rss "${server_pids[@]}")
  kill "${publishers[@]}" 2>/dev/null || true
  wait "${publishers[@]}" 2>/dev/null || true
  publishers=()
  sleep "$after"
  local rss_after hwm_after
  read -r rss_after hwm_after < <("${helper[@]}" rss "${server_pids[@]}")
  local pct ts_mb cpu_per_mb
  pct=$(python3 -c "print(f'{$cpu / $window * 100:.1f}')")
  ts_mb=$(python3 -c "print(f'{($ts1 - $ts0) / 1e6:.1f}')")
  cpu_per_mb=$(python3 -c "print(f'{$cpu * 1000 / max(($ts1 - $ts0) / 1e6, 1e-3):.1f}')")
  say "  $server K=$k: CPU $pct% of a core, $ts_mb MB of TS written in the window ($cpu_per_mb CPU-ms per MB), $up/$k publishers running, $playlists playlists, VmHWM $hwm MB, RSS $rss_after MB ${after}s after"
  if want 1; then
    emit "1 live ingest K=$k" "server CPU % of a core" "$server" "$round" "$pct"
    emit "1 live ingest K=$k" "MB of TS written in the window" "$server" "$round" "$ts_mb"
    emit "1 live ingest K=$k" "server CPU-ms per MB of TS written" "$server" "$round" "$cpu_per_mb"
    emit "1 live ingest K=$k" "publishers still running" "$server" "$round" "$up"
    emit "1 live ingest K=$k" "streams with a live playlist" "$server" "$round" "$playlists"
  fi
  if want 5; then
    emit "5 RSS, live K=$k" "peak MB (VmHWM)" "$server" "$round" "$hwm_after"
    emit "5 RSS, live K=$k" "MB ${after} s after the load" "$server" "$round" "$rss_after"
  fi
  [ "$up" -eq "$k" ] || { say "  warning: only $up of $k publishers still running; see its ffmpeg.log:"; head -5 "$server_dir/ffmpeg.log" >&2; }
  stop_server
}

bulk() {  # SERVER ROUND: row 2
  local server=$1 round=$2
  start_server "$server"
  [ "$server" = emulator ] && create_channels bulk 1 1
  local cpu0 cpu1 t0 t1 ok=1
  cpu0=$("${helper[@]}" cpu "${server_pids[@]}")
  t0=$(date +%s.%N)
  ffmpeg -nostdin -hide_banner -loglevel error -i "$input1080" -c copy -f flv "$rtmp_app/bulk1" \
    >/dev/null 2>"$server_dir/ffmpeg.log" || ok=0
  t1=$(date +%s.%N)
  "${helper[@]}" settle "${server_pids[@]}"
  cpu1=$("${helper[@]}" cpu "${server_pids[@]}")
  local mb mbps push_mbs segments
  mb=$(python3 -c "import os; print(os.path.getsize('$input1080') / 1e6)")
  mbps=$(python3 -c "print(f'{$mb / max($cpu1 - $cpu0, 1e-3):.1f}')")
  push_mbs=$(python3 -c "print(f'{$mb / ($t1 - $t0):.1f}')")
  if [ "$server" = emulator ]; then
    segments=$(find "$server_dir/data/bench/bulk1" -name '*.ts' | wc -l)
  else
    segments=$(find "$server_dir/hls" -name '*.ts' | wc -l)
  fi
  say "  $server bulk: $mbps MB per CPU-second, push ${push_mbs} MB/s wall, $segments segments on disk at the end, ffmpeg ok=$ok"
  if [ "$ok" = 1 ]; then
    emit "2 bulk ingest 1080p" "MB of FLV per server CPU-second" "$server" "$round" "$mbps"
    emit "2 bulk ingest 1080p" "push MB/s (wall)" "$server" "$round" "$push_mbs"
  else
    head -5 "$server_dir/ffmpeg.log" >&2
  fi
  stop_server
}

get() {  # SERVER SIZE LABEL ROW ROUND: rows 3 and 4
  local server=$1 size=$2 label=$3 row=$4 round=$5
  start_server "$server"
  head -c "$size" /dev/urandom > "$server_dir/object.bin"
  if [ "$server" = emulator ]; then
    curl -sf -o /dev/null -X PUT --data-binary "@$server_dir/object.bin" "$http_url/bench/object.bin"
  else
    cp "$server_dir/object.bin" "$server_dir/www/object.bin"
    chmod 644 "$server_dir/www/object.bin"
  fi
  local url="$http_url/bench/object.bin"
  [ "$server" = nginx ] && url="$http_url/object.bin"
  curl -sf "$url" -o "$server_dir/check.bin"
  cmp -s "$server_dir/object.bin" "$server_dir/check.bin" || { say "  $server: GET returned other bytes"; exit 1; }
  wrk -t2 -c50 -d2s "$url" >/dev/null
  wrk -t2 -c50 -d"${wrk_seconds}s" --latency "$url" > "$server_dir/wrk.txt"
  local rps p99 errors
  read -r rps p99 errors < <("${helper[@]}" wrk "$server_dir/wrk.txt")
  say "  $server $label GET: $rps req/s, p99 $p99 ms, non-2xx $errors"
  emit "$row GET $label (wrk -t2 -c50)" "req/s" "$server" "$round" "$rps"
  emit "$row GET $label (wrk -t2 -c50)" "p99 ms" "$server" "$round" "$p99"
  [ "$errors" = 0 ] || emit "$row GET $label (wrk -t2 -c50)" "non-2xx responses" "$server" "$round" "$errors"
  stop_server
}

many_streams() {  # ROUND: row 6, emulator only
  local round=$1
  start_server emulator
  create_channels c 1 "$streams"
  "$bin" push "$input360" "$rtmp_app/c{n}" --streams "$streams" --realtime --loop \
    --duration "$push_seconds" >/dev/null 2>"$server_dir/push.log" &
  local push=$!
  local cpu peak
  read -r cpu peak < <("${helper[@]}" until "$push" "${server_pids[@]}")
  wait "$push" || true
  local rss hwm
  read -r rss hwm < <("${helper[@]}" rss "${server_pids[@]}")
  sleep "$after"
  local rss_after hwm2
  read -r rss_after hwm2 < <("${helper[@]}" rss "${server_pids[@]}")
  local summary published behind
  summary=$(grep 'stream(s):' "$server_dir/push.log" | tail -1 || true)
  published=$(sed -n 's/.* \([0-9]*\) published.*/\1/p' <<<"$summary")
  behind=$(sed -n 's/.* \([0-9]*\) fell behind.*/\1/p' <<<"$summary")
  say "  emulator $streams streams: VmHWM $hwm2 MB, sampled peak $peak MB, RSS $rss_after MB ${after}s after; $summary"
  # the publisher's reasons for failed streams (it prints the first few), most frequent first
  grep -q ' failed;' <<<"$summary" && ! grep -q ' 0 failed;' <<<"$summary" &&
    say "  failure messages printed by the publisher (it prints the first ones only), by count:"
  grep '^push: ' "$server_dir/push.log" | grep -v -e 'stream(s):' -e ' publishing' -e 'more failures' |
    sed -e 's/^push: //' -e 's/[0-9][0-9]*/N/g' | sort | uniq -c | sort -rn | head -3 >&2 || true
  local row="6 RSS, $streams streams (own publisher)"
  emit "$row" "peak MB (VmHWM)" emulator "$round" "$hwm2"
  emit "$row" "MB ${after} s after the load" emulator "$round" "$rss_after"
  emit "$row" "streams published" emulator "$round" "${published:-0}"
  emit "$row" "streams that fell behind" emulator "$round" "${behind:-$streams}"
  stop_server
}

put_cost() {  # ROUND: row 7, emulator only
  local round=$1
  start_server emulator
  local out
  out=$("${helper[@]}" putcost "$http_url" bench "$server_pid" "$key" "$secret" "$channels_total" "$channels_measured")
  local ms_first cpu_first ms_last cpu_last
  ms_first=$(awk '$1=="ms_first"{print $2}' <<<"$out")
  cpu_first=$(awk '$1=="cpu_ms_first"{print $2}' <<<"$out")
  ms_last=$(awk '$1=="ms_last"{print $2}' <<<"$out")
  cpu_last=$(awk '$1=="cpu_ms_last"{print $2}' <<<"$out")
  local first="1–$channels_measured" last="$((channels_total - channels_measured + 1))–$channels_total"
  say "  emulator PutLiveChannel: channels $first $ms_first ms, CPU $cpu_first ms; channels $last $ms_last ms, CPU $cpu_last ms"
  local row="7 PutLiveChannel (1 connection)"
  emit "$row" "ms per request, channels $first" emulator "$round" "$ms_first"
  emit "$row" "ms per request, channels $last" emulator "$round" "$ms_last"
  emit "$row" "ms ratio $last / $first" emulator "$round" "$(python3 -c "print(f'{$ms_last / $ms_first:.2f}')")"
  emit "$row" "server CPU ms per request, channels $first" emulator "$round" "$cpu_first"
  emit "$row" "server CPU ms per request, channels $last" emulator "$round" "$cpu_last"
  emit "$row" "CPU ratio $last / $first" emulator "$round" \
    "$(python3 -c "print(f'{$cpu_last / max($cpu_first, 1e-3):.2f}')")"
  stop_server
}

# --- the run ------------------------------------------------------------------
# Busy processes of other sessions. Where the kernel groups tasks by session
# (autogroup, on by default in Debian), each session's group gets an equal
# share of the cores whatever the nice value or SCHED_IDLE of its tasks: two
# CPU-bound jobs started elsewhere leave this run a third of a 2-core machine.
warn_other_sessions() {
  [ "$(cat /proc/sys/kernel/sched_autogroup_enabled 2>/dev/null || echo 0)" = 1 ] || return 0
  local mine; mine=$(sed 's/ nice.*//' /proc/self/autogroup 2>/dev/null) || return 0
  ps -eo pid=,pcpu=,comm= | while read -r pid pcpu comm; do
    [ "${pcpu%.*}" -ge 20 ] 2>/dev/null || continue
    local group; group=$(cat "/proc/$pid/autogroup" 2>/dev/null) || continue
    case "$group" in
      "$mine "*|*"nice 19") ;;
      *) echo "warning: $comm (pid $pid, ${pcpu}% CPU) is in another session's scheduling group ($group):" \
              "it takes an equal share of the cores, so the figures will be low and noisy;" \
              "'echo 19 > /proc/$pid/autogroup' makes its group yield" ;;
    esac
  done
}
load_start=$(cut -d' ' -f1-3 /proc/loadavg)
echo "bench-vs-peers: $(nproc) cores, rows $rows, $rounds round(s), K=$ks, window ${window}s, wrk ${wrk_seconds}s"
echo "emulator: $bin"
echo "nginx: $("$nginx_bin" -v 2>&1 | sed 's/.*: //') with libnginx-mod-rtmp $(dpkg-query -W -f='${Version}' libnginx-mod-rtmp 2>/dev/null || echo '?'), worker_processes auto"
echo "load average at start: $load_start"
warn_other_sessions
IFS=, read -r -a k_list <<<"$ks"
for round in $(seq "$rounds"); do
  if [ $((round % 2)) -eq 1 ]; then order=(emulator nginx); else order=(nginx emulator); fi
  say "round $round of $rounds (order: ${order[*]})"
  if want 1 || want 5; then
    for k in "${k_list[@]}"; do for s in "${order[@]}"; do live "$s" "$k" "$round"; done; done
  fi
  if want 2; then for s in "${order[@]}"; do bulk "$s" "$round"; done; fi
  if want 3; then for s in "${order[@]}"; do get "$s" 200 "200 B" 3 "$round"; done; fi
  if want 4; then for s in "${order[@]}"; do get "$s" 1048576 "1 MiB" 4 "$round"; done; fi
  if want 6; then many_streams "$round"; fi
  if want 7; then put_cost "$round"; fi
done
load_end=$(cut -d' ' -f1-3 /proc/loadavg)

echo
"${helper[@]}" table "$results"
echo
echo "Hummingbird (a Swift HTTP server peer) is not packaged for Debian: not measured."
echo "Rows 6 and 7 have no peer."
echo "load average at start: $load_start; at end: $load_end ($(nproc) cores)"
echo "raw figures: $results"
