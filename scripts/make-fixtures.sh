#!/usr/bin/env bash
# Regenerates the small FLV fixtures under fixtures/ with Debian's ffmpeg.
# The committed files are the reference; run this only to change them.
set -euo pipefail
cd "$(dirname "$0")/.."
out=fixtures
mkdir -p "$out"
ff=(ffmpeg -hide_banner -loglevel error -y -fflags +bitexact)
x264=(-c:v libx264 -threads 1 -preset veryfast -pix_fmt yuv420p -flags +bitexact)
aac=(-c:a aac -b:a 64k -flags +bitexact)

# H.264 main profile with B-frames + AAC-LC stereo 44.1 kHz, 640x360 at 30 fps, 6 s, 2 s GOP.
"${ff[@]}" -f lavfi -i testsrc2=size=640x360:rate=30 -f lavfi -i sine=frequency=440:sample_rate=44100 \
  -t 6 "${x264[@]}" -profile:v main -bf 2 -g 60 -b:v 400k -ac 2 "${aac[@]}" -f flv "$out/av-640x360-30fps.flv"

# H.264 only, 320x240 at 25 fps, 4 s.
"${ff[@]}" -f lavfi -i testsrc2=size=320x240:rate=25 \
  -t 4 "${x264[@]}" -profile:v high -bf 3 -g 50 -b:v 200k -an -f flv "$out/video-only-320x240-25fps.flv"

# AAC only, mono 48 kHz, 4 s.
"${ff[@]}" -f lavfi -i sine=frequency=1000:sample_rate=48000 \
  -t 4 -vn -ac 1 "${aac[@]}" -f flv "$out/audio-only-48k-mono.flv"

# Baseline profile (no B-frames) at 29.97 fps with audio, 4 s.
"${ff[@]}" -f lavfi -i testsrc2=size=480x270:rate=30000/1001 -f lavfi -i sine=frequency=660:sample_rate=22050 \
  -t 4 "${x264[@]}" -profile:v baseline -g 30 -b:v 200k -ac 1 "${aac[@]}" -f flv "$out/baseline-480x270-29.97fps.flv"

# High profile 1920x1080 (coded 1920x1088 with cropping), 2 s at 24 fps.
"${ff[@]}" -f lavfi -i testsrc2=size=1920x1080:rate=24 -f lavfi -i sine=frequency=330:sample_rate=44100 \
  -t 2 "${x264[@]}" -profile:v high -bf 2 -g 48 -b:v 600k -ac 2 "${aac[@]}" -f flv "$out/high-1920x1080-24fps.flv"

ls -l "$out"
