#!/usr/bin/env bash
# Publishes a test stream to a LiveChannel: ffmpeg's test pattern and a tone
# (H.264 + AAC), or an FLV/MP4 file looped with -c copy. The bucket and the
# channel are created with oss2 when missing, and the RTMP URL is signed, so it
# works on private buckets too. Stop it with Ctrl-C.
#
#   scripts/publish-test-stream.sh                                  # demo/cam on http://127.0.0.1:8080
#   scripts/publish-test-stream.sh --bucket b --channel c --duration 30
#   scripts/publish-test-stream.sh --file fixtures/av-640x360-30fps.flv
#
# Credentials: OSS_ACCESS_KEY_ID / OSS_ACCESS_KEY_SECRET, else the emulator's
# development pair. Python with oss2: $PYTHON, else .venv (scripts/setup.sh --test), else python3.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"

endpoint=${OSS_ENDPOINT:-http://127.0.0.1:8080}
bucket=demo
channel=cam
file=
duration=
size=1280x720
rate=30
usage() { sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; echo "options: --endpoint URL --bucket B --channel C --file F --duration SECONDS --size WxH --rate FPS"; }
while [ $# -gt 0 ]; do
  case "$1" in
    --endpoint) endpoint=$2; shift 2 ;;
    --bucket) bucket=$2; shift 2 ;;
    --channel) channel=$2; shift 2 ;;
    --file) file=$2; shift 2 ;;
    --duration) duration=$2; shift 2 ;;
    --size) size=$2; shift 2 ;;
    --rate) rate=$2; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "publish-test-stream: unknown argument $1" >&2; usage >&2; exit 64 ;;
  esac
done

python=${PYTHON:-}
if [ -z "$python" ]; then
  if [ -x "$here/.venv/bin/python" ]; then python="$here/.venv/bin/python"; else python=python3; fi
fi
command -v ffmpeg >/dev/null || { echo "publish-test-stream: ffmpeg is not installed" >&2; exit 1; }

# Prints the signed publish URL on stdout; what it did goes to stderr.
url=$("$python" - "$endpoint" "$bucket" "$channel" <<'PY'
import os, sys
import oss2
from oss2.models import LiveChannelInfo, LiveChannelInfoTarget
endpoint, bucket_name, channel = sys.argv[1:4]
auth = oss2.Auth(os.environ.get("OSS_ACCESS_KEY_ID", "oss-emulator-key"),
                 os.environ.get("OSS_ACCESS_KEY_SECRET", "oss-emulator-secret"))
bucket = oss2.Bucket(auth, endpoint, bucket_name)
try:
    bucket.get_bucket_info()
except oss2.exceptions.NoSuchBucket:
    bucket.create_bucket()
    print(f"created bucket {bucket_name}", file=sys.stderr)
try:
    bucket.get_live_channel(channel)
    print(f"live channel {bucket_name}/{channel} exists", file=sys.stderr)
except oss2.exceptions.NoSuchLiveChannel:
    created = bucket.create_live_channel(channel, LiveChannelInfo(target=LiveChannelInfoTarget()))
    print(f"created live channel {bucket_name}/{channel}", file=sys.stderr)
print(f"play: {endpoint}/{bucket_name}/{channel}/playlist.m3u8 (sign it, or use a public-read bucket)", file=sys.stderr)
print(bucket.sign_rtmp_url(channel, "playlist.m3u8", 24 * 3600))
PY
)
echo "publishing to ${url%%\?*} (signed URL)" >&2

args=(ffmpeg -nostdin -hide_banner -loglevel warning -re)
if [ -n "$file" ]; then
  args+=(-stream_loop -1 -i "$file")
  [ -n "$duration" ] && args+=(-t "$duration")
  args+=(-c copy)
else
  args+=(-f lavfi -i "testsrc2=size=${size}:rate=${rate}" -f lavfi -i "sine=frequency=440:sample_rate=44100")
  [ -n "$duration" ] && args+=(-t "$duration")
  args+=(-c:v libx264 -preset veryfast -tune zerolatency -pix_fmt yuv420p -g "$((rate * 2))" -b:v 1500k
         -c:a aac -b:a 128k -ar 44100)
fi
args+=(-f flv "$url")
"${args[@]}"
echo "done" >&2
