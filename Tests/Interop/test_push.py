"""The built-in publisher (`oss-live-emulator push`) against a running emulator:
HLS output checked with ffprobe/ffmpeg, refusals, many streams, pacing."""
import os
import subprocess
import time

import oss2
import requests

from conftest import binary
from test_ingest import AV, FIXTURES, channel, decode_warnings, probe, wait_for

BASELINE = os.path.join(FIXTURES, "baseline-480x270-29.97fps.flv")
PUSH_TIMEOUT = 60


def push(*args, timeout=PUSH_TIMEOUT):
    return subprocess.run([binary(), "push", *args], capture_output=True, text=True, timeout=timeout)


def object_text(bucket, key):
    """The object's text, or "" while it does not exist yet (the server
    writes the playlist just after the publisher has gone)."""
    try:
        return bucket.get_object(key).read().decode()
    except oss2.exceptions.NoSuchKey:
        return ""


def ended_playlist(emulator, bucket, name):
    url = f"{emulator.endpoint}/{bucket}/{name}/playlist.m3u8"
    wait_for(lambda: "#EXT-X-ENDLIST" in requests.get(url, timeout=5).text)
    return url


def test_push_writes_a_playable_hls_stream(emulator):
    bucket = emulator.bucket("push-public")
    bucket.create_bucket(oss2.BUCKET_ACL_PUBLIC_READ_WRITE)
    channel(bucket, "cam")
    result = push(AV, f"{emulator.rtmp}/push-public/live/cam")
    assert result.returncode == 0, result.stderr
    assert "1 published, 1 ended cleanly, 0 failed" in result.stderr
    assert "0:00:06.0 pushed" in result.stderr
    play = ended_playlist(emulator, "push-public", "cam")
    assert decode_warnings(play) == ""
    info = probe(play)
    assert "codec_name=h264" in info and "width=640" in info and "height=360" in info
    assert "codec_name=aac" in info and "sample_rate=44100" in info
    # The media runs from 0.044 s (audio) to 6.081 s (audio).
    assert abs(float(info.split("duration=")[1].split()[0]) - 6.037) < 0.05
    records = wait_for(lambda: bucket.get_live_channel_history("cam").records)
    assert len(records) == 1


def test_push_with_an_sdk_signed_url_on_the_http_port(emulator):
    bucket = emulator.bucket("push-private")
    bucket.create_bucket()
    channel(bucket, "cam")
    url = bucket.sign_rtmp_url("cam", "playlist.m3u8", 300)
    result = push(BASELINE, url)
    assert result.returncode == 0, result.stderr
    # The signature never appears in what push prints.
    signature = url.split("Signature=")[1].split("&")[0]
    assert signature not in result.stderr and signature not in result.stdout
    wait_for(lambda: "#EXT-X-ENDLIST" in object_text(bucket, "cam/playlist.m3u8"))


def test_refused_publishes_exit_non_zero_with_the_server_status(emulator):
    bucket = emulator.bucket("push-refused")
    bucket.create_bucket()
    channel(bucket, "cam")
    base = f"{emulator.rtmp}/push-refused/live"
    # Unsigned on a private bucket, a missing channel is AccessDenied too (authorisation comes first).
    cases = [(bucket.sign_rtmp_url("nope", "playlist.m3u8", 300), "NoSuchLiveChannel"),
             (f"{base}/nope", "AccessDenied"), (f"{base}/cam", "AccessDenied")]
    for url, expected in cases:
        result = push(AV, url)
        assert result.returncode == 1, result.stderr
        assert "refused by the server: " + expected in result.stderr, result.stderr
        assert "0 published, 0 ended cleanly, 1 failed" in result.stderr
    bucket.put_live_channel_status("cam", "disabled")
    result = push(AV, bucket.sign_rtmp_url("cam", "playlist.m3u8", 300))
    assert result.returncode == 1 and "LiveChannelDisabled" in result.stderr, result.stderr


def test_nothing_listening_and_bad_arguments(emulator, tmp_path):
    result = push(AV, "rtmp://127.0.0.1:1/x/live/y")
    assert result.returncode == 1
    assert "connect to 127.0.0.1:1 failed: Connection refused" in result.stderr
    result = push(AV, f"{emulator.rtmp}/b/live/cam", "--streams", "3")
    assert result.returncode == 64 and "must contain '{n}'" in result.stderr
    result = push(AV, "http://127.0.0.1/x/live/y")
    assert result.returncode != 0 and "rtmp://" in result.stderr
    for streams in ("0", "20001"):
        result = push(AV, f"{emulator.rtmp}/b/live/c{{n}}", "--streams", streams)
        assert result.returncode == 64 and "--streams must be between 1 and 20000" in result.stderr
    not_flv = tmp_path / "not.flv"
    not_flv.write_bytes(b"hello")
    result = push(str(not_flv), f"{emulator.rtmp}/b/live/cam")
    assert result.returncode != 0 and "not a valid FLV file" in result.stderr


def test_three_realtime_streams_from_one_process(emulator):
    bucket = emulator.bucket("push-many")
    bucket.create_bucket(oss2.BUCKET_ACL_PUBLIC_READ_WRITE)
    for n in (1, 2, 3):
        channel(bucket, f"cam{n}")
    started = time.monotonic()
    process = subprocess.Popen([binary(), "push", BASELINE, f"{emulator.rtmp}/push-many/live/cam{{n}}",
                                "--streams", "3", "--realtime"], stderr=subprocess.PIPE, text=True)
    # All three are live at once while the push runs.
    wait_for(lambda: all(bucket.get_live_channel_stat(f"cam{n}").status == "Live" for n in (1, 2, 3)), timeout=5)
    _, stderr = process.communicate(timeout=PUSH_TIMEOUT)
    elapsed = time.monotonic() - started
    assert process.returncode == 0, stderr
    assert "3 stream(s): 3 published, 3 ended cleanly, 0 failed" in stderr
    # Real time: a 4-s file takes about 4 s, not the fraction of a second it takes unpaced.
    assert 3.8 <= elapsed < 10, elapsed
    for n in (1, 2, 3):
        info = probe(ended_playlist(emulator, "push-many", f"cam{n}"))
        assert "width=480" in info
        assert abs(float(info.split("duration=")[1].split()[0]) - 4.0) < 0.1


def test_looping_stream_stops_cleanly_on_sigint_and_is_kicked_on_disable(emulator):
    bucket = emulator.bucket("push-loop")
    bucket.create_bucket(oss2.BUCKET_ACL_PUBLIC_READ_WRITE)
    # A playlist long enough to hold the whole push, to measure it.
    channel(bucket, "a", frag_count=100)
    channel(bucket, "b")
    looping = subprocess.Popen([binary(), "push", BASELINE, f"{emulator.rtmp}/push-loop/live/a", "--realtime", "--loop"],
                               stderr=subprocess.PIPE, text=True)
    kicked = subprocess.Popen([binary(), "push", BASELINE, f"{emulator.rtmp}/push-loop/live/b", "--realtime", "--loop"],
                              stderr=subprocess.PIPE, text=True)
    try:
        wait_for(lambda: all(bucket.get_live_channel_stat(n).status == "Live" for n in "ab"), timeout=5)
        # Well past the end of the 4-s file: the loop keeps the channel live.
        time.sleep(5.5)
        assert bucket.get_live_channel_stat("a").status == "Live"
        bucket.put_live_channel_status("b", "disabled")
        _, kicked_err = kicked.communicate(timeout=10)
        assert kicked.returncode == 1
        assert "stopped by the server: LiveChannelDisabled" in kicked_err, kicked_err
        looping.send_signal(2)
        _, looping_err = looping.communicate(timeout=10)
        assert looping.returncode == 0, looping_err
        assert "1 published, 1 ended cleanly, 0 failed" in looping_err
    finally:
        for p in (looping, kicked):
            if p.poll() is None:
                p.kill()
                p.wait()
    info = probe(ended_playlist(emulator, "push-loop", "a"))
    # More than one pass of the file went into the output, on one timeline.
    assert float(info.split("duration=")[1].split()[0]) > 4.5
    assert decode_warnings(f"{emulator.endpoint}/push-loop/a/playlist.m3u8") == ""


def test_many_refusals_are_counted_and_the_first_ones_printed(emulator):
    bucket = emulator.bucket("push-missing")
    bucket.create_bucket(oss2.BUCKET_ACL_PUBLIC_READ_WRITE)
    result = push(AV, f"{emulator.rtmp}/push-missing/live/none{{n}}", "--streams", "25")
    assert result.returncode == 1
    refusals = [l for l in result.stderr.splitlines() if "refused by the server: NoSuchLiveChannel" in l]
    assert len(refusals) == 20
    assert "… and 5 more failures" in result.stderr
    assert "25 stream(s): 0 published, 0 ended cleanly, 25 failed" in result.stderr
