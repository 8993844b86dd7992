#!/usr/bin/env bash
# Remux benchmark: HLSRemuxer (in memory) against `ffmpeg -c copy -f hls` on
# the same 120-s 1080p 4 Mbit/s FLV. Prints MB of FLV per CPU-second for
# both; ffmpeg's CPU time is net of its start-up (a `-t 0.1` run).
# Usage: scripts/bench-remux.sh [input.flv]   (generated when missing)
set -euo pipefail
cd "$(dirname "$0")/.."
input=${1:-.build-bench/bench-1080p-120s.flv}
[ -f "$input" ] || scripts/make-bench-input.sh "$input"

swift build -c release --product remux-benchmark >/dev/null
bin=$(swift build -c release --show-bin-path)/remux-benchmark

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

echo "== HLSRemuxer (2-s fragments, in memory)"
"$bin" "$input" --iterations 7 --fragment 2 --write "$out/ours" | tee "$out/ours.txt"
ffmpeg -hide_banner -v warning -i "$out/ours/playlist.m3u8" -c copy -f mpegts -y /dev/null
ffmpeg -hide_banner -v warning -i "$out/ours/0.ts" -f null -
echo "(output checked: ffmpeg -v warning printed nothing above)"

echo "== ffmpeg $(ffmpeg -version | head -1 | cut -d' ' -f3) -c copy -f hls (2-s segments, files on disk)"
python3 - "$input" "$out" <<'PY'
import os, resource, statistics, subprocess, sys
src, out = sys.argv[1], sys.argv[2]

def cpu(extra):
    d = os.path.join(out, "ff")
    os.makedirs(d, exist_ok=True)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(["ffmpeg", "-v", "error", "-y", *extra, "-i", src, "-c", "copy", "-f", "hls",
                    "-hls_time", "2", "-hls_list_size", "0", os.path.join(d, "p.m3u8")], check=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)

runs = 7
full = statistics.median(cpu([]) for _ in range(runs))
start = statistics.median(cpu(["-t", "0.1"]) for _ in range(runs))
mb = os.path.getsize(src) / 1e6
net = max(full - start, 1e-6)
print(f"ffmpeg CPU: full run median {full:.4f} s, -t 0.1 median {start:.4f} s, net {net:.4f} s ({runs} runs each)")
print(f"ffmpeg throughput: {mb / net:.1f} MB per CPU-second (net of start-up)")
ours = [l for l in open(os.path.join(out, "ours.txt")) if l.startswith("RESULT_MBPS=")]
if ours:
    mine = float(ours[0].split("=")[1])
    print(f"ratio: HLSRemuxer is {mine / (mb / net):.1f}x ffmpeg's figure (goal >= 3x)")
PY
