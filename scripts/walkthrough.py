#!/usr/bin/env python3
"""The OSS LiveChannel sample flow, end to end, against an emulator (or OSS):
create a channel, push a stream to it with ffmpeg, watch its status, make a
VOD playlist of what was recorded, read the push history, disable the channel
(a new push is refused), and delete it.

    scripts/walkthrough.py                      # emulator on http://127.0.0.1:8080, development keys
    scripts/walkthrough.py --endpoint http://127.0.0.1:9000 --bucket my-bucket

Needs oss2 (scripts/setup.sh --test puts it in .venv) and ffmpeg. Credentials
come from OSS_ACCESS_KEY_ID / OSS_ACCESS_KEY_SECRET, else the emulator's
development pair. Exits non-zero when a step does not behave as OSS does.
"""
import argparse
import os
import subprocess
import sys
import time
import uuid

import oss2
from oss2.models import LiveChannelInfo, LiveChannelInfoTarget

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_FLV = os.path.join(ROOT, "fixtures", "av-640x360-30fps.flv")


def clock(epoch_seconds):
    return time.strftime("%H:%M:%S", time.localtime(int(epoch_seconds)))


class Walkthrough:
    def __init__(self, args):
        self.args = args
        key_id = os.environ.get("OSS_ACCESS_KEY_ID", "oss-emulator-key")
        key_secret = os.environ.get("OSS_ACCESS_KEY_SECRET", "oss-emulator-secret")
        self.bucket = oss2.Bucket(oss2.Auth(key_id, key_secret), args.endpoint, args.bucket)
        self.channel = args.channel
        self.step_number = 0

    def step(self, title):
        self.step_number += 1
        print(f"\n{self.step_number}. {title}", flush=True)

    @staticmethod
    def show(label, value):
        print(f"   {label:<18} {value}", flush=True)

    @staticmethod
    def redact(url):
        """A signed URL without its signature, for printing."""
        head, _, query = url.partition("?")
        kept = [p if not p.startswith("Signature=") else "Signature=…" for p in query.split("&") if p]
        return head + ("?" + "&".join(kept) if kept else "")

    def push(self, url, wait=True):
        command = ["ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-re", "-i", self.args.flv,
                   "-c", "copy", "-f", "flv", url]
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        if wait:
            _, err = process.communicate(timeout=self.args.timeout)
            return process.returncode, err
        return process

    def text_of(self, key):
        """The object's text, or "" while it is not written yet."""
        try:
            return self.bucket.get_object(key).read().decode()
        except oss2.exceptions.NoSuchKey:
            return ""

    def wait_for(self, what, predicate, timeout=None):
        deadline = time.monotonic() + (timeout or self.args.timeout)
        while time.monotonic() < deadline:
            value = predicate()
            if value:
                return value
            time.sleep(0.1)
        raise SystemExit(f"   FAILED: {what} within {timeout or self.args.timeout:.0f} s")

    def run(self):
        b = self.bucket
        self.step(f"Bucket {b.bucket_name}")
        try:
            b.get_bucket_info()
            self.show("exists", "yes")
        except oss2.exceptions.NoSuchBucket:
            b.create_bucket()
            self.show("created", "private")

        self.step(f"PutLiveChannel {self.channel}")
        target = LiveChannelInfoTarget(playlist_name="playlist.m3u8", frag_duration=2, frag_count=3)
        created = b.create_live_channel(self.channel, LiveChannelInfo(
            status="enabled", description="walkthrough channel", target=target))
        self.show("publish URL", created.publish_url)
        self.show("play URL", created.play_url)

        self.step("GetLiveChannelInfo and ListLiveChannel")
        info = b.get_live_channel(self.channel)
        self.show("status", info.status)
        self.show("target", f"{info.target.type}, {info.target.frag_duration} s fragments, "
                            f"{info.target.frag_count} in the playlist")
        names = [c.name for c in b.list_live_channel().channels]
        self.show("channels", ", ".join(names))
        assert self.channel in names

        self.step("Sign the RTMP URL and push with ffmpeg (real time)")
        url = b.sign_rtmp_url(self.channel, "playlist.m3u8", 3600)
        self.show("signed URL", self.redact(url))
        started = int(time.time())
        publisher = self.push(url, wait=False)

        self.step("GetLiveChannelStat while live")
        self.wait_for("channel live", lambda: b.get_live_channel_stat(self.channel).status == "Live")
        # Bandwidth is measured over the first second or so of media.
        time.sleep(1.5)
        stat = b.get_live_channel_stat(self.channel)
        self.show("status", stat.status)
        self.show("from", stat.remote_addr)
        self.show("video", f"{stat.video.width}x{stat.video.height} at {stat.video.frame_rate} fps, "
                           f"{stat.video.bandwidth} B/s, {stat.video.codec}")
        if stat.audio:
            self.show("audio", f"{stat.audio.sample_rate} Hz, {stat.audio.bandwidth} B/s, {stat.audio.codec}")
        _, err = publisher.communicate(timeout=self.args.timeout)
        if publisher.returncode != 0:
            raise SystemExit(f"   FAILED: ffmpeg exited with {publisher.returncode}: {err.strip()}")
        ended = int(time.time())
        self.show("ffmpeg", "finished")
        idle = self.wait_for("channel idle", lambda: (lambda s: s if s.status == "Idle" else None)(
            b.get_live_channel_stat(self.channel)))
        self.show("status after", idle.status)

        self.step("The live playlist and its segments")
        playlist_key = f"{self.channel}/playlist.m3u8"
        text = self.wait_for("ended playlist", lambda: (lambda t: t if "#EXT-X-ENDLIST" in t else None)(
            self.text_of(playlist_key)))
        segments = [line for line in text.splitlines() if line.endswith(".ts")]
        self.show("playlist", f"{playlist_key}, {len(segments)} segments")
        for segment in segments:
            meta = b.head_object(f"{self.channel}/{segment}")
            self.show("segment", f"{segment} {meta.content_length} bytes")

        self.step("GetLiveChannelHistory")
        records = self.wait_for("history record", lambda: b.get_live_channel_history(self.channel).records)
        for record in records:
            self.show("push", f"{clock(record.start_time)} → {clock(record.end_time)} from {record.remote_addr}")

        self.step("PostVodPlaylist and GetVodPlaylist")
        b.post_vod_playlist(self.channel, "vod.m3u8", start_time=started - 1, end_time=ended + 1)
        vod = b.get_object(f"{self.channel}/vod.m3u8").read().decode()
        vod_segments = [line for line in vod.splitlines() if line.endswith(".ts")]
        self.show("vod.m3u8", f"{len(vod_segments)} segments, ended: {'#EXT-X-ENDLIST' in vod}")
        assert vod_segments, vod
        body = b.get_vod_playlist(self.channel, start_time=started - 1, end_time=ended + 1).playlist
        listed = [line for line in body.splitlines() if line.endswith(".ts")]
        self.show("GetVodPlaylist", f"{len(listed)} segments (returned, not stored)")
        assert listed, body

        self.step("PutLiveChannelStatus disabled: a new push is refused")
        b.put_live_channel_status(self.channel, "disabled")
        self.show("status", b.get_live_channel(self.channel).status)
        code, err = self.push(b.sign_rtmp_url(self.channel, "playlist.m3u8", 3600))
        refusal = next((l for l in err.splitlines() if "LiveChannelDisabled" in l), err.strip())
        self.show("ffmpeg", f"exit {code}: {refusal.strip()}")
        assert code != 0 and "LiveChannelDisabled" in err, err

        self.step("DeleteLiveChannel")
        b.delete_live_channel(self.channel)
        try:
            b.get_live_channel(self.channel)
            raise SystemExit("   FAILED: the channel is still there")
        except oss2.exceptions.NoSuchLiveChannel as e:
            self.show("GetLiveChannelInfo", f"{e.status} {e.code}")
        kept = [o.key for o in oss2.ObjectIterator(b, prefix=self.channel + "/")]
        self.show("objects kept", f"{len(kept)} (segments and playlists stay, as on OSS)")
        if not self.args.keep:
            for key in kept:
                b.delete_object(key)
            self.show("cleaned up", f"{len(kept)} objects deleted")
        print("\nWalkthrough complete.", flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--endpoint", default=os.environ.get("OSS_ENDPOINT", "http://127.0.0.1:8080"))
    parser.add_argument("--bucket", default="walkthrough")
    parser.add_argument("--channel", default="walkthrough-" + uuid.uuid4().hex[:8])
    parser.add_argument("--flv", default=DEFAULT_FLV, help="FLV (H.264/AAC) to push")
    parser.add_argument("--timeout", type=float, default=60, help="seconds any one step may take")
    parser.add_argument("--keep", action="store_true", help="keep the channel's objects")
    args = parser.parse_args()
    print(f"OSS LiveChannel walkthrough against {args.endpoint}, bucket {args.bucket}")
    try:
        Walkthrough(args).run()
    except oss2.exceptions.OssError as e:
        print(f"   FAILED: {e.status} {e.code}: {e.message}", file=sys.stderr)
        return 1
    except AssertionError as e:
        print(f"   FAILED: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
