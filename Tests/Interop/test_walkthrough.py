"""scripts/walkthrough.py (the OSS sample flow) and scripts/publish-test-stream.sh
against a running emulator."""
import os
import subprocess
import sys

from conftest import KEY_ID, KEY_SECRET
from test_ingest import wait_for
from test_push import object_text

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")


def script_env():
    env = dict(os.environ)
    env.update({"OSS_ACCESS_KEY_ID": KEY_ID, "OSS_ACCESS_KEY_SECRET": KEY_SECRET})
    return env


def test_walkthrough_runs_the_sample_flow(emulator):
    result = subprocess.run(
        [sys.executable, os.path.join(ROOT, "scripts", "walkthrough.py"), "--endpoint", emulator.endpoint,
         "--bucket", "walk", "--channel", "demo"],
        capture_output=True, text=True, timeout=120, env=script_env())
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    for expected in ["PutLiveChannel demo", "status             Live", "video              640x360 at 30 fps",
                     "audio              44100 Hz", "status after       Idle", "GetLiveChannelHistory",
                     "vod.m3u8", "LiveChannelDisabled", "404 NoSuchLiveChannel", "Walkthrough complete."]:
        assert expected in out, (expected, out)
    assert "Signature=…" in out and KEY_SECRET not in out
    # The stream was measured while live.
    video = next(line for line in out.splitlines() if line.strip().startswith("video"))
    assert " 0 B/s" not in video, video


def test_publish_test_stream_creates_the_channel_and_pushes(emulator):
    bucket = emulator.bucket("teststream")
    result = subprocess.run(
        [os.path.join(ROOT, "scripts", "publish-test-stream.sh"), "--endpoint", emulator.endpoint,
         "--bucket", "teststream", "--channel", "pattern", "--duration", "3", "--size", "320x240"],
        capture_output=True, text=True, timeout=120, env=dict(script_env(), PYTHON=sys.executable))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "created bucket teststream" in result.stderr
    assert "created live channel teststream/pattern" in result.stderr
    text = wait_for(lambda: (lambda t: "#EXT-X-ENDLIST" in t and t)(object_text(bucket, "pattern/playlist.m3u8")))
    assert any(line.endswith(".ts") for line in text.splitlines())
    # A second run finds the channel and only pushes.
    again = subprocess.run(
        [os.path.join(ROOT, "scripts", "publish-test-stream.sh"), "--endpoint", emulator.endpoint,
         "--bucket", "teststream", "--channel", "pattern", "--duration", "1", "--size", "320x240"],
        capture_output=True, text=True, timeout=120, env=dict(script_env(), PYTHON=sys.executable))
    assert again.returncode == 0, again.stderr
    assert "live channel teststream/pattern exists" in again.stderr
