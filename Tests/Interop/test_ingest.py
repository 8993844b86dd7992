"""RTMP ingest and HLS output with real ffmpeg publishers and the real oss2 SDK."""
import os
import signal
import subprocess
import time

import oss2
import pytest
import requests
from oss2.models import LiveChannelInfo, LiveChannelInfoTarget

from playlist_checks import check_playlist

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "..", "..", "fixtures")
AV = os.path.join(FIXTURES, "av-640x360-30fps.flv")
VIDEO_ONLY = os.path.join(FIXTURES, "video-only-320x240-25fps.flv")
AUDIO_ONLY = os.path.join(FIXTURES, "audio-only-48k-mono.flv")
PUSH_TIMEOUT = 60
# The longest frame of AV (22.05 kHz AAC): how far an EXTINF may be from its segment's media.
AV_FRAME = 1024 / 22050 + 0.001


def ffmpeg_push(url, fixture=AV, realtime=False):
    args = ["ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "warning"]
    if realtime:
        args.append("-re")
    args += ["-i", fixture, "-c", "copy", "-f", "flv", url]
    return args


def push(url, fixture=AV, realtime=False):
    return subprocess.run(ffmpeg_push(url, fixture, realtime), capture_output=True, text=True, timeout=PUSH_TIMEOUT)


def decode_warnings(url):
    """What `ffmpeg -v warning` prints while decoding `url` and while remuxing
    it with `-c copy -f mpegts` (empty when both are clean)."""
    out = []
    for output in (["-f", "null", "-"], ["-c", "copy", "-f", "mpegts", "-y", "/dev/null"]):
        result = subprocess.run(["ffmpeg", "-nostdin", "-v", "warning", "-i", url] + output,
                                capture_output=True, text=True, timeout=PUSH_TIMEOUT)
        assert result.returncode == 0, result.stderr
        out.append(result.stderr.strip())
    return "\n".join(o for o in out if o)


def without_addresses(text):
    import re
    return {re.sub(r"0x[0-9a-f]+", "0x", line) for line in text.splitlines() if line}


def ffmpeg_own_warnings(fixture, tmp_path):
    """The warnings ffmpeg gives for its own MPEG-TS remux of `fixture`: the
    floor no HLS output of that stream can go below."""
    own = str(tmp_path / "own.ts")
    subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-i", fixture, "-c", "copy", "-f", "mpegts", "-y", own],
                   check=True, timeout=PUSH_TIMEOUT)
    return without_addresses(decode_warnings(own))


def probe(url, entries="stream=codec_name,width,height,sample_rate:format=duration"):
    out = subprocess.run(["ffprobe", "-v", "error", "-show_entries", entries, "-of", "default=nw=1", url],
                         capture_output=True, text=True, timeout=PUSH_TIMEOUT, check=True).stdout
    return out


def wait_for(predicate, timeout=10.0, interval=0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError("condition not met within %.1fs" % timeout)


def channel(bucket, name, playlist="playlist.m3u8", frag_duration=2, frag_count=3):
    target = LiveChannelInfoTarget(playlist_name=playlist, frag_duration=frag_duration, frag_count=frag_count)
    bucket.create_live_channel(name, LiveChannelInfo(target=target))


def rtmp_base(emulator):
    return emulator.rtmp  # rtmp://127.0.0.1:PORT (the dedicated port)


def http_host(emulator):
    return emulator.endpoint.split("//", 1)[1]


def playlist_text(bucket, key):
    return bucket.get_object(key).read().decode()


def test_sdk_signed_url_on_the_http_port(emulator):
    bucket = emulator.bucket("ingest-private")
    bucket.create_bucket()
    channel(bucket, "cam")
    url = bucket.sign_rtmp_url("cam", "playlist.m3u8", 300)
    assert url.startswith(f"rtmp://{http_host(emulator)}/ingest-private/live/cam?")
    result = push(url)
    assert result.returncode == 0, result.stderr
    text = wait_for(lambda: bucket.object_exists("cam/playlist.m3u8") and "#EXT-X-ENDLIST" in playlist_text(bucket, "cam/playlist.m3u8") and playlist_text(bucket, "cam/playlist.m3u8"))
    segments = [line for line in text.splitlines() if line.endswith(".ts")]
    assert segments and all(bucket.object_exists("cam/" + s) for s in segments)
    history = wait_for(lambda: bucket.get_live_channel_history("cam").records)
    assert len(history) == 1
    assert history[0].remote_addr.startswith("127.0.0.1:")


def test_unsigned_push_to_public_read_write_plays_cleanly(emulator):
    bucket = emulator.bucket("ingest-public")
    bucket.create_bucket(oss2.BUCKET_ACL_PUBLIC_READ_WRITE)
    channel(bucket, "cam")
    result = push(f"{rtmp_base(emulator)}/ingest-public/live/cam")
    assert result.returncode == 0, result.stderr
    play = f"{emulator.endpoint}/ingest-public/cam/playlist.m3u8"
    wait_for(lambda: "#EXT-X-ENDLIST" in requests.get(play, timeout=5).text)
    r = requests.get(play, timeout=5)
    assert r.headers["Content-Type"] == "application/x-mpegURL"
    assert r.headers["Cache-Control"] == "no-cache"
    assert decode_warnings(play) == ""
    info = probe(play)
    assert "codec_name=h264" in info and "width=640" in info and "height=360" in info
    assert "codec_name=aac" in info and "sample_rate=44100" in info
    duration = float(info.split("duration=")[1].split()[0])
    # The fixture's media runs from 0.044 s (audio) to 6.081 s (audio); the
    # playlist lasts from the first key frame's decode time (0) to that end.
    assert abs(duration - 6.037) < 0.05
    first_segment = [l for l in r.text.splitlines() if l.endswith(".ts")][0]
    seg = requests.get(f"{emulator.endpoint}/ingest-public/cam/{first_segment}", timeout=5)
    assert seg.headers["Content-Type"] == "video/MP2T"
    for segment in [l for l in r.text.splitlines() if l.endswith(".ts")]:
        segment_url = f"{emulator.endpoint}/ingest-public/cam/{segment}"
        streams = probe(segment_url)
        assert "codec_name=h264" in streams and "width=640" in streams and "sample_rate=44100" in streams
        first_video_packet = probe(segment_url, "packet=flags").split("\n")
        # -select_streams is not needed: the first packet of a segment is the video key frame
        assert first_video_packet[0].startswith("flags=K"), first_video_packet[:3]


def test_playlist_name_parameter(emulator):
    bucket = emulator.bucket("ingest-named")
    bucket.create_bucket(oss2.BUCKET_ACL_PUBLIC_READ_WRITE)
    channel(bucket, "cam")
    result = push(f"{rtmp_base(emulator)}/ingest-named/live/cam?playlistName=custom.m3u8")
    assert result.returncode == 0, result.stderr
    wait_for(lambda: bucket.object_exists("cam/custom.m3u8"))
    assert not bucket.object_exists("cam/playlist.m3u8")


@pytest.mark.parametrize("fixture,expected", [(VIDEO_ONLY, "width=320"), (AUDIO_ONLY, "sample_rate=48000")])
def test_single_track_pushes_play(emulator, fixture, expected, tmp_path):
    bucket = emulator.bucket("ingest-tracks")
    bucket.create_bucket(oss2.BUCKET_ACL_PUBLIC_READ_WRITE)
    name = os.path.basename(fixture).split("-")[0]
    channel(bucket, name)
    result = push(f"{rtmp_base(emulator)}/ingest-tracks/live/{name}", fixture)
    assert result.returncode == 0, result.stderr
    play = f"{emulator.endpoint}/ingest-tracks/{name}/playlist.m3u8"
    wait_for(lambda: "#EXT-X-ENDLIST" in requests.get(play, timeout=5).text)
    # Remuxing audio-only MPEG-TS makes ffmpeg say "frame size not set" even for
    # its own TS output; anything beyond what it says for its own is ours.
    assert without_addresses(decode_warnings(play)) <= ffmpeg_own_warnings(fixture, tmp_path)
    assert expected in probe(play)


def test_refusals_reach_ffmpeg_with_a_clear_status(emulator):
    bucket = emulator.bucket("ingest-refuse")
    bucket.create_bucket()
    channel(bucket, "cam")
    base = f"{rtmp_base(emulator)}/ingest-refuse/live"
    cases = {
        "unknown channel": (bucket.sign_rtmp_url("nope", "playlist.m3u8", 300).replace(f"rtmp://{http_host(emulator)}", rtmp_base(emulator)), "NoSuchLiveChannel"),
        "unsigned on a private bucket": (f"{base}/cam", "AccessDenied"),
        # Authorisation first: an unsigned push cannot tell which channels exist.
        "unsigned, unknown channel on a private bucket": (f"{base}/nope", "AccessDenied"),
        "expired": (bucket.sign_rtmp_url("cam", "playlist.m3u8", -60).replace(f"rtmp://{http_host(emulator)}", rtmp_base(emulator)), "expired"),
        "bad signature": (bucket.sign_rtmp_url("cam", "playlist.m3u8", 300).replace("Signature=", "Signature=AAAA"), "SignatureDoesNotMatch"),
        "unknown key": (f"{base}/cam?OSSAccessKeyId=nobody&Expires={int(time.time()) + 300}&Signature=abc", "InvalidAccessKeyId"),
    }
    for name, (url, expected) in cases.items():
        result = push(url)
        assert result.returncode != 0, name
        assert expected in result.stderr, (name, result.stderr)

    bucket.put_live_channel_status("cam", "disabled")
    result = push(bucket.sign_rtmp_url("cam", "playlist.m3u8", 300))
    assert result.returncode != 0 and "LiveChannelDisabled" in result.stderr, result.stderr
    assert bucket.get_live_channel_history("cam").records == []


def test_live_stat_second_publisher_and_history(emulator):
    bucket = emulator.bucket("ingest-live")
    bucket.create_bucket()
    channel(bucket, "cam")
    url = bucket.sign_rtmp_url("cam", "playlist.m3u8", 300)
    publisher = subprocess.Popen(ffmpeg_push(url, realtime=True), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        stat = wait_for(lambda: (lambda s: s.status == "Live" and s.video and s.audio and s)(bucket.get_live_channel_stat("cam")))
        assert (stat.video.width, stat.video.height, stat.video.frame_rate) == (640, 360, 30)
        assert stat.audio.sample_rate == 44100
        assert stat.remote_addr.startswith("127.0.0.1:")
        assert stat.connected_time > 0

        second = push(url)
        assert second.returncode != 0 and "ChannelStillLive" in second.stderr, second.stderr

        with pytest.raises(oss2.exceptions.ChannelStillLive):
            bucket.delete_live_channel("cam")
        with pytest.raises(oss2.exceptions.ChannelStillLive):
            channel(bucket, "cam")
    finally:
        _, err = publisher.communicate(timeout=PUSH_TIMEOUT)
    assert publisher.returncode == 0, err
    wait_for(lambda: bucket.get_live_channel_stat("cam").status == "Idle")
    assert len(bucket.get_live_channel_history("cam").records) == 1


def test_disabling_drops_the_publisher_at_once(emulator):
    bucket = emulator.bucket("ingest-kick")
    bucket.create_bucket()
    channel(bucket, "cam")
    publisher = subprocess.Popen(ffmpeg_push(bucket.sign_rtmp_url("cam", "playlist.m3u8", 300), realtime=True),
                                 stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        wait_for(lambda: bucket.get_live_channel_stat("cam").status == "Live")
        disabled_at = time.monotonic()
        bucket.put_live_channel_status("cam", "disabled")
        publisher.wait(timeout=5)
        assert time.monotonic() - disabled_at < 1.0
    finally:
        if publisher.poll() is None:
            publisher.kill()
        publisher.communicate()
    assert bucket.get_live_channel_stat("cam").status == "Disabled"
    wait_for(lambda: len(bucket.get_live_channel_history("cam").records) == 1)


def test_killed_publisher_is_idle_with_history_and_playable_output(emulator):
    bucket = emulator.bucket("ingest-killed")
    bucket.create_bucket(oss2.BUCKET_ACL_PUBLIC_READ_WRITE)
    channel(bucket, "cam", frag_duration=1)
    publisher = subprocess.Popen(ffmpeg_push(f"{rtmp_base(emulator)}/ingest-killed/live/cam", realtime=True),
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_for(lambda: bucket.object_exists("cam/playlist.m3u8"))
    time.sleep(1.0)
    publisher.send_signal(signal.SIGKILL)
    publisher.wait()
    killed_at = time.monotonic()
    wait_for(lambda: bucket.get_live_channel_stat("cam").status == "Idle", timeout=2.0)
    assert time.monotonic() - killed_at < 2.0
    assert len(bucket.get_live_channel_history("cam").records) == 1
    play = f"{emulator.endpoint}/ingest-killed/cam/playlist.m3u8"
    wait_for(lambda: "#EXT-X-ENDLIST" in requests.get(play, timeout=5).text)
    assert decode_warnings(play) == ""
    # The segment cut off by the kill is listed with its real duration.
    check_playlist(play, AV_FRAME, 1)


def test_vod_playlists_over_two_pushes(emulator):
    bucket = emulator.bucket("ingest-vod")
    bucket.create_bucket(oss2.BUCKET_ACL_PUBLIC_READ_WRITE)
    channel(bucket, "cam")
    start = int(time.time()) - 1
    for _ in range(2):
        result = push(bucket.sign_rtmp_url("cam", "playlist.m3u8", 300))
        assert result.returncode == 0, result.stderr
        wait_for(lambda: bucket.get_live_channel_stat("cam").status == "Idle")
    end = int(time.time()) + 1
    text = bucket.get_vod_playlist("cam", start, end).playlist
    assert text.startswith("#EXTM3U") and text.rstrip().endswith("#EXT-X-ENDLIST")
    assert text.count("#EXT-X-DISCONTINUITY") == 1
    bucket.post_vod_playlist("cam", "vod.m3u8", start_time=start, end_time=end)
    play = f"{emulator.endpoint}/ingest-vod/cam/vod.m3u8"
    assert requests.get(play, timeout=5).text == text
    assert decode_warnings(play) == ""
    duration = float(probe(play, "format=duration").split("=")[1])
    assert abs(duration - 2 * 6.037) < 0.1


def test_emulator_killed_mid_push_recovers_on_restart(data_dir):
    from conftest import RunningEmulator
    first = RunningEmulator(data_dir).start()
    bucket = first.bucket("ingest-crash")
    bucket.create_bucket(oss2.BUCKET_ACL_PUBLIC_READ_WRITE)
    channel(bucket, "cam", frag_duration=1)
    publisher = subprocess.Popen(ffmpeg_push(f"{first.rtmp}/ingest-crash/live/cam", realtime=True),
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for(lambda: playlist_text(bucket, "cam/playlist.m3u8").count(".ts") >= 2 if bucket.object_exists("cam/playlist.m3u8") else False)
        first.stop(signal.SIGKILL)
    finally:
        publisher.wait(timeout=PUSH_TIMEOUT)

    second = RunningEmulator(data_dir).start()
    try:
        bucket = second.bucket("ingest-crash")
        assert bucket.get_live_channel_stat("cam").status == "Idle"
        records = bucket.get_live_channel_history("cam").records
        assert len(records) == 1 and records[0].remote_addr.startswith("127.0.0.1:")
        text = playlist_text(bucket, "cam/playlist.m3u8")
        assert text.rstrip().endswith("#EXT-X-ENDLIST")
        for segment in [line for line in text.splitlines() if line.endswith(".ts")]:
            assert bucket.object_exists("cam/" + segment)
        assert decode_warnings(f"{second.endpoint}/ingest-crash/cam/playlist.m3u8") == ""
        # Every listed segment, the last included, has its real duration.
        check_playlist(f"{second.endpoint}/ingest-crash/cam/playlist.m3u8", AV_FRAME, 1)
        # Nothing of the killed run's temp files is left; the only ones are
        # this run's replaced playlist versions, kept to be written again.
        leftover = os.listdir(os.path.join(data_dir, ".oss", "tmp"))
        assert all(name.startswith(f"{second.process.pid}-") for name in leftover), leftover
        assert len(leftover) <= 1, leftover
        # The channel takes a new push after recovery.
        result = push(f"{second.rtmp}/ingest-crash/live/cam")
        assert result.returncode == 0, result.stderr
    finally:
        second.stop()


def test_browser_players_get_cors_headers(emulator):
    bucket = emulator.bucket("ingest-cors")
    bucket.create_bucket(oss2.BUCKET_ACL_PUBLIC_READ)
    bucket.put_object("cam/playlist.m3u8", b"#EXTM3U\n")
    url = f"{emulator.endpoint}/ingest-cors/cam/playlist.m3u8"
    preflight = requests.options(url, headers={"Origin": "http://player.example", "Access-Control-Request-Method": "GET",
                                               "Access-Control-Request-Headers": "range"}, timeout=5)
    assert preflight.status_code == 200
    assert preflight.headers["Access-Control-Allow-Origin"] == "http://player.example"
    assert "GET" in preflight.headers["Access-Control-Allow-Methods"]
    assert preflight.headers["Access-Control-Allow-Headers"] == "range"
    got = requests.get(url, headers={"Origin": "http://player.example"}, timeout=5)
    assert got.status_code == 200 and got.headers["Access-Control-Allow-Origin"] == "http://player.example"
    assert requests.options(url, timeout=5).status_code == 403


def test_sigterm_mid_push_finishes_the_push(data_dir):
    from conftest import RunningEmulator
    first = RunningEmulator(data_dir).start()
    bucket = first.bucket("ingest-term")
    bucket.create_bucket(oss2.BUCKET_ACL_PUBLIC_READ_WRITE)
    channel(bucket, "cam", frag_duration=1)
    publisher = subprocess.Popen(ffmpeg_push(f"{first.rtmp}/ingest-term/live/cam", realtime=True),
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for(lambda: bucket.object_exists("cam/playlist.m3u8"))
        assert first.stop(signal.SIGTERM) == 0
    finally:
        publisher.wait(timeout=PUSH_TIMEOUT)
    # Written by the emulator while it stopped, before it exited:
    playlist = open(os.path.join(data_dir, "ingest-term", "cam", "playlist.m3u8")).read()
    assert playlist.rstrip().endswith("#EXT-X-ENDLIST")
    second = RunningEmulator(data_dir).start()
    try:
        bucket = second.bucket("ingest-term")
        records = bucket.get_live_channel_history("cam").records
        assert len(records) == 1 and records[0].end_time >= records[0].start_time
        assert decode_warnings(f"{second.endpoint}/ingest-term/cam/playlist.m3u8") == ""
    finally:
        second.stop()


def test_segment_etags_are_the_md5_of_their_bytes_in_every_answer(emulator):
    """A segment's MD5 is computed when first asked for: HEAD, GET, listings
    (both SDKs) and a copy all give the MD5 of the bytes, and oss2's CRC-64
    check of the download passes."""
    import base64
    import hashlib
    bucket = emulator.bucket("ingest-etags")
    bucket.create_bucket()
    channel(bucket, "cam", frag_duration=1, frag_count=10)
    result = push(bucket.sign_rtmp_url("cam", "playlist.m3u8", 300))
    assert result.returncode == 0, result.stderr
    text = wait_for(lambda: bucket.object_exists("cam/playlist.m3u8") and "#EXT-X-ENDLIST" in playlist_text(bucket, "cam/playlist.m3u8")
                    and playlist_text(bucket, "cam/playlist.m3u8"))
    segments = ["cam/" + line for line in text.splitlines() if line.endswith(".ts")]
    assert len(segments) >= 3
    first, second, third = segments[:3]
    # The first answer to see each segment: a listing, a HEAD, a GET.
    listed = {o.key: o.etag for o in oss2.ObjectIterator(bucket, prefix="cam/") if o.key.endswith(".ts")}
    head = bucket.head_object(second)
    body = bucket.get_object(third).read()  # oss2 checks the CRC-64 header against the bytes
    for key in segments:
        data = bucket.get_object(key).read()
        md5 = hashlib.md5(data).hexdigest().upper()
        assert listed[key] == md5, key
        assert bucket.head_object(key).etag == md5, key
    assert head.etag == hashlib.md5(bucket.get_object(second).read()).hexdigest().upper()
    assert head.headers["Content-MD5"] == base64.b64encode(hashlib.md5(bucket.get_object(second).read()).digest()).decode()
    assert bucket.get_object(third).etag == hashlib.md5(body).hexdigest().upper()
    copied = bucket.copy_object("ingest-etags", first, "copy-of-first.ts")
    assert copied.etag == hashlib.md5(bucket.get_object(first).read()).hexdigest().upper()

    # The V2 SDK's listing agrees.
    import alibabacloud_oss_v2 as oss
    from sdk_v2 import client_for
    client = client_for(emulator)
    page = client.list_objects_v2(oss.ListObjectsV2Request(bucket="ingest-etags", prefix="cam/"))
    v2 = {o.key: o.etag.strip('"') for o in page.contents if o.key.endswith(".ts")}
    assert v2 == listed
