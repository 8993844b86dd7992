#!/usr/bin/env bash
# Generates FLV files whose timing real publishers produce (video that stops,
# starts late or has long GOPs, clocks not starting at 0, an OBS-like
# profile) into the directory given as $1 (default: timing-corpus/).
# Shapes ffmpeg cannot make (clock steps, extended timestamps, the 32-bit
# wrap, duplicate timestamps, repeated or changed sequence headers) are made
# by rewriting FLV tags with flv-edit (Sources/flv-edit; $FLV_EDIT, else
# built here) from base files named <name>.base.flv.
# The interop test Tests/Interop/test_timing_corpus.py pushes each one
# through the ingest and checks the playlist and segments.
# Each file is named <case>.flv; the FragDuration to push it with is the
# number after "-f" in the name.
set -euo pipefail
out=${1:-timing-corpus}
mkdir -p "$out"
root=$(cd "$(dirname "$0")/.." && pwd)
if [ -z "${FLV_EDIT:-}" ]; then
  (cd "$root" && swift build --product flv-edit >/dev/null)
  FLV_EDIT="$(cd "$root" && swift build --show-bin-path)/flv-edit"
fi
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

# Bases for the rewritten cases: 12 s at 30 fps with a key frame every
# second; a second configuration (another resolution and audio rate).
"${ff[@]}" -f lavfi -t 12 -i "$(video)" -f lavfi -t 12 -i "$audio" \
  "${x264[@]}" -g 30 "${aac[@]}" -f flv "$out/av12.base.flv"
"${ff[@]}" -f lavfi -t 6 -i "$(video)" -f lavfi -t 6 -i "$audio" \
  "${x264[@]}" -g 30 "${aac[@]}" -f flv "$out/av6.base.flv"
"${ff[@]}" -f lavfi -t 6 -i "testsrc2=size=640x360:rate=30" -f lavfi -t 6 -i "$audio" \
  "${x264[@]}" -g 30 "${aac[@]}" -f flv "$out/av6-640x360.base.flv"
"${ff[@]}" -f lavfi -t 6 -i "$(video)" -f lavfi -t 6 -i "sine=frequency=440:sample_rate=48000" \
  "${x264[@]}" -g 30 -c:a aac -b:a 64k -ac 1 -f flv "$out/av6-48k-mono.base.flv"

edit() { "$FLV_EDIT" "$out/$1.base.flv" "$out/$2.flv" "${@:3}"; }
# The clock steps back 300 ms at 6 s (within the bound: frames are kept in order).
edit av12 step-back-small-f2 jump=6000:-300
# The clock steps back 5 s at 6 s: a new timeline.
edit av12 step-back-big-f2 jump=6000:-5000
# The clock jumps forward by two hours at 6 s.
edit av12 jump-hours-f2 jump=6000:+7200000
# Timestamps pass 0xFFFFFF ms (RTMP extended timestamps) 3 s in.
edit av12 extended-timestamps-f2 offset=$((0xFFFFFF - 3000))
# Timestamps wrap at 2^32 ms 5 s in.
edit av12 wrap-32bit-f2 offset=$((4294967296 - 5000))
# Every 5th video frame and every 7th audio frame repeats its predecessor's timestamp.
edit av12 duplicate-timestamps-f2 duplicate=video:5 duplicate=audio:7
# The same sequence headers again every 2 s, before a key frame.
edit av12 repeated-headers-f2 repeat-headers=2000
# Another resolution after 6 s (new SPS/PPS), one push.
edit av6 new-resolution-f2 "append=$out/av6-640x360.base.flv"
# Another audio configuration (48 kHz mono) after 6 s, one push.
edit av6 new-audio-config-f2 "append=$out/av6-48k-mono.base.flv"

ls "$out"
