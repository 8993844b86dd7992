#!/usr/bin/env bash
# Generates the remux benchmark input: 120 s of 1080p30 H.264 at 4 Mbit/s + AAC
# 128 kbit/s in FLV. Not committed (about 60 MB); the benchmark script calls this
# when the file is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-.build-bench/bench-1080p-120s.flv}
mkdir -p "$(dirname "$out")"
nice -n 10 ffmpeg -hide_banner -loglevel error -y \
  -f lavfi -i testsrc2=size=1920x1080:rate=30 \
  -f lavfi -i sine=frequency=440:sample_rate=44100 \
  -t 120 -c:v libx264 -preset ultrafast -tune zerolatency -threads 1 -pix_fmt yuv420p \
  -b:v 4M -minrate 4M -maxrate 4M -bufsize 4M -x264-params nal-hrd=cbr:force-cfr=1 -g 60 -keyint_min 60 \
  -c:a aac -b:a 128k -ar 44100 -ac 2 -f flv "$out"
ls -l "$out"
