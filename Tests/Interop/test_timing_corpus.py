"""Every case of scripts/make-timing-corpus.sh pushed through the RTMP ingest:
segments that probe, honest EXTINF, the TARGETDURATION rule, decode times
that only increase, no segment over the case's bound, and
EXT-X-DISCONTINUITY exactly where the case has one."""
import math
import os
import subprocess

import oss2
import pytest
import requests

from conftest import binary
from playlist_checks import check_playlist, packets_span
from test_ingest import channel, push, rtmp_base, wait_for

HERE = os.path.dirname(os.path.abspath(__file__))
SCRIPT = os.path.join(HERE, "..", "..", "scripts", "make-timing-corpus.sh")
# ffmpeg 5.1 prints this when stream-copying any audio-only TS, its own included.
AUDIO_ONLY_NOTICE = "frame size not set"
FRAME = 1 / 30 + 0.001


class Case:
    """How a corpus file is pushed and what its playlist must show.

    bound: the longest a segment may be (seconds). duration: the media's
    length, when the file's own span does not tell it (clock steps), as
    (base files whose spans add up, seconds to take off). discontinuities:
    how many EXT-X-DISCONTINUITY the one push must produce."""

    def __init__(self, bound, duration=None, discontinuities=0, rewritten=False):
        self.bound, self.duration, self.discontinuities, self.rewritten = bound, duration, discontinuities, rewritten


CASES = {
    # Cut on audio once video is gone for 2 × FragDuration: video part + 8 s at most.
    "video-stops-f4": Case(bound=12.1),
    "video-late-f4": Case(bound=8.1),
    # Segments wait for the key frame every 10 s.
    "long-gop-f2": Case(bound=10.1),
    "offset-start-f2": Case(bound=4.1),
    # Key frame every 250 frames at 30 fps.
    "obs-like-f2": Case(bound=8.4),
    "audio-only-f4": Case(bound=4.1),
    # Rewritten by flv-edit and sent by `push --keep-timestamps` exactly as written.
    # Key frame every second, FragDuration 2: segments 2–3 s.
    "step-back-small-f2": Case(bound=3.1, duration=(["av12"], 0), rewritten=True),
    "step-back-big-f2": Case(bound=3.1, duration=(["av12"], 0), discontinuities=1, rewritten=True),
    "jump-hours-f2": Case(bound=3.1, duration=(["av12"], 0), discontinuities=1, rewritten=True),
    "extended-timestamps-f2": Case(bound=3.1, duration=(["av12"], 0), rewritten=True),
    "wrap-32bit-f2": Case(bound=3.1, duration=(["av12"], 0), rewritten=True),
    "duplicate-timestamps-f2": Case(bound=3.1, duration=(["av12"], 0), rewritten=True),
    "repeated-headers-f2": Case(bound=3.1, duration=(["av12"], 0), rewritten=True),
    "new-resolution-f2": Case(bound=3.1, duration=(["av6", "av6-640x360"], 0), discontinuities=1, rewritten=True),
    "new-audio-config-f2": Case(bound=3.1, duration=(["av6", "av6-48k-mono"], 0), discontinuities=1, rewritten=True),
}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    out = tmp_path_factory.mktemp("timing-corpus")
    env = dict(os.environ, FLV_EDIT=os.path.join(os.path.dirname(binary()), "flv-edit"))
    subprocess.run(["bash", SCRIPT, str(out)], check=True, capture_output=True, timeout=300, env=env)
    return out


def span(path):
    start, end = packets_span(str(path))
    return end - start


FIXTURES = os.path.join(HERE, "..", "..", "fixtures")
# The committed fixtures, with the longest frame among their tracks (22.05 kHz AAC: 46 ms).
FIXTURE_CASES = ["av-640x360-30fps", "video-only-320x240-25fps", "audio-only-48k-mono",
                 "baseline-480x270-29.97fps", "high-1920x1080-24fps"]


def push_case(emulator, name, source, rewritten):
    url = f"{rtmp_base(emulator)}/timing-{name}/live/cam"
    if not rewritten:
        return push(url, source)
    return subprocess.run([binary(), "push", "--quiet", "--keep-timestamps", source, url],
                          capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("case", list(CASES) + FIXTURE_CASES)
def test_corpus_case_plays_with_honest_extinf(emulator, corpus, case, tmp_path):
    if case in FIXTURE_CASES:
        frag, source, frame, spec = 1, os.path.join(FIXTURES, f"{case}.flv"), 1024 / 22050 + 0.001, Case(bound=None)
    else:
        frag, source, frame, spec = int(case.rsplit("-f", 1)[1]), str(corpus / f"{case}.flv"), FRAME, CASES[case]
    name = case.replace(".", "-").lower()[:40]
    bucket = emulator.bucket("timing-" + name)
    bucket.create_bucket(oss2.BUCKET_ACL_PUBLIC_READ_WRITE)
    channel(bucket, "cam", frag_duration=frag, frag_count=100)
    result = push_case(emulator, name, source, spec.rewritten)
    assert result.returncode == 0, result.stderr
    play = f"{emulator.endpoint}/timing-{name}/cam/playlist.m3u8"
    wait_for(lambda: "#EXT-X-ENDLIST" in requests.get(play, timeout=5).text, timeout=30)
    entries = check_playlist(play, frame, frag, spec.bound)
    text = requests.get(play, timeout=5).text

    # The sum of EXTINF is the input's duration.
    if spec.duration:
        bases, less = spec.duration
        expected = sum(span(corpus / f"{b}.base.flv") for b in bases) - less
    else:
        expected = span(source)
    total = sum(e[1] for e in entries)
    assert abs(total - expected) <= expected * 0.01, f"EXTINF sum {total}, input {expected:.3f}\n{text}"

    # EXT-X-DISCONTINUITY only where the case has one; the segment after it
    # carries the new parameters.
    marks = [i for i, e in enumerate(entries) if e[2]]
    assert len(marks) == spec.discontinuities, text
    if case == "new-resolution-f2":
        video = [s for s in entries[marks[0]][3] if s["codec_type"] == "video"]
        assert [(s["width"], s["height"]) for s in video] == [(640, 360)], entries[marks[0]]
    if case == "new-audio-config-f2":
        audio = [s for s in entries[marks[0]][3] if s["codec_type"] == "audio"]
        assert [(s["sample_rate"], s["channels"]) for s in audio] == [("48000", 1)], entries[marks[0]]

    # Each timeline decodes without a warning. A player starts decoding
    # afresh at EXT-X-DISCONTINUITY (RFC 8216 §6.3.3); ffmpeg's HLS reader
    # does not, and warns on a sample-rate change even in its own TS.
    base = play.rsplit("/", 1)[0]
    timelines = [[]]
    for uri, extinf, discontinuity, _ in entries:
        if discontinuity:
            timelines.append([])
        timelines[-1].append((uri, extinf))
    for number, timeline in enumerate(timelines):
        listing = tmp_path / f"timeline-{number}.m3u8"
        target = max(math.ceil(e - 0.001) for _, e in timeline)
        listing.write_text("#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-PLAYLIST-TYPE:VOD\n"
                           f"#EXT-X-TARGETDURATION:{target}\n"
                           + "".join(f"#EXTINF:{e:.3f},\n{base}/{uri}\n" for uri, e in timeline)
                           + "#EXT-X-ENDLIST\n")
        check = subprocess.run(["ffmpeg", "-nostdin", "-v", "warning", "-protocol_whitelist", "file,http,tcp",
                                "-i", str(listing), "-f", "null", "-"], capture_output=True, text=True, timeout=120)
        assert check.returncode == 0, check.stderr
        lines = [l for l in check.stderr.splitlines() if l and AUDIO_ONLY_NOTICE not in l]
        assert lines == [], check.stderr
