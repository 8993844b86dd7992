#!/bin/sh
# Keep-alive GET requests/s against the HTTP transport alone (no OSS layer).
# Runs the built-in load clients, then wrk if it is installed
# (apt-get install wrk). Usage: scripts/bench-transport.sh [seconds]
set -eu
seconds="${1:-5}"
cd "$(dirname "$0")/.."
swift build -c release --product transport-bench >/dev/null
bench=.build/release/transport-bench
"$bench" --seconds "$seconds" --connections 32
if command -v wrk >/dev/null 2>&1; then
    port=18480
    "$bench" --serve "$port" >/dev/null &
    server=$!
    trap 'kill "$server"' EXIT
    sleep 0.5
    wrk -t2 -c32 -d"${seconds}s" "http://127.0.0.1:$port/" | grep -E "Requests/sec|Latency|requests in"
fi
