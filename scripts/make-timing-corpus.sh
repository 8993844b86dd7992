#!/usr/bin/env bash
# Generates FLV files whose timing real publishers produce (video that stops,
# starts late or has long GOPs, clocks not starting at 0, an OBS-like
# profile) into the directory given as $1 (default: timing-corpus/).
# The interop test Tests/Interop/test_timing_corpus.py pushes each one
# through the ingest and checks the playlist and segments.
# Each file is named <case>.flv; the FragDuration to push it with is the
# number after "-f" in the name.
set -euo pipefail
out=${1:-timing-corpus}
mkdir -p "$out"
ff=(ffmpeg -nostdin -hide_banner -loglevel error -y)
x264=(-c:v libx264 -threads 1 -preset ultrafast -pix_fmt yuv420p)
aac=(-c:a aac -b:a 64k -ac 2)
video() { echo "testsrc2=size=320x240:rate=${1:-30}"; }
audio="sine=frequency=440:sample_rate=44100"

# Video ends after 4 s, audio runs on to 20 s (no -shortest).
"${ff[@]}" -f lavfi -t 4 -i "$(video)" -f lavfi -t 20 -i "$audio" \
  "${x264[@]}" -g 60 "${aac[@]}" -f flv "$out/video-stops-f4.flv"

# Audio from 0, video only from 3 s.
"${ff[@]}" -f lavfi -t 12 -i "$audio" -itsoffset 3 -f lavfi -t 9 -i "$(video)" \
  -map 1:v -map 0:a "${x264[@]}" -g 60 "${aac[@]}" -f flv "$out/video-late-f4.flv"

# Key frame every 10 s with FragDuration 2.
"${ff[@]}" -f lavfi -t 25 -i "$(video)" -f lavfi -t 25 -i "$audio" \
  "${x264[@]}" -g 300 -keyint_min 300 -sc_threshold 0 "${aac[@]}" -f flv "$out/long-gop-f2.flv"

# Timestamps starting at 5 s, with B-frames.
"${ff[@]}" -f lavfi -t 8 -i "$(video)" -f lavfi -t 8 -i "$audio" \
  -c:v libx264 -threads 1 -preset veryfast -bf 2 -pix_fmt yuv420p -g 60 "${aac[@]}" \
  -output_ts_offset 5 -f flv "$out/offset-start-f2.flv"

# OBS-like: key frame every 250 frames at 30 fps, CBR 2500k.
"${ff[@]}" -f lavfi -t 12 -i "$(video 30)" -f lavfi -t 12 -i "$audio" \
  -c:v libx264 -threads 1 -preset veryfast -pix_fmt yuv420p -b:v 2500k -minrate 2500k -maxrate 2500k -bufsize 2500k \
  -x264opts keyint=250:min-keyint=250:scenecut=0:nal-hrd=cbr -bf 2 "${aac[@]}" -b:a 160k -f flv "$out/obs-like-f2.flv"

# Audio only, 20 s.
"${ff[@]}" -f lavfi -t 20 -i "$audio" -vn "${aac[@]}" -f flv "$out/audio-only-f4.flv"

ls "$out"
