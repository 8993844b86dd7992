"""Every case of scripts/make-timing-corpus.sh pushed through the RTMP ingest:
segments that probe, honest EXTINF, the TARGETDURATION rule, no
discontinuity inside a push."""
import json
import math
import os
import subprocess

import oss2
import pytest
import requests

from test_ingest import channel, push, rtmp_base, wait_for

HERE = os.path.dirname(os.path.abspath(__file__))
SCRIPT = os.path.join(HERE, "..", "..", "scripts", "make-timing-corpus.sh")
CASES = ["video-stops-f4", "video-late-f4", "long-gop-f2", "offset-start-f2", "obs-like-f2", "audio-only-f4"]
# ffmpeg 5.1 prints this when stream-copying any audio-only TS, its own included.
AUDIO_ONLY_NOTICE = "frame size not set"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    out = tmp_path_factory.mktemp("timing-corpus")
    subprocess.run(["bash", SCRIPT, str(out)], check=True, capture_output=True, timeout=300)
    return out


def track_spans(url):
    """Per stream: (first packet, past the last packet) in presentation time, seconds."""
    out = subprocess.run(["ffprobe", "-v", "error", "-show_entries", "packet=stream_index,pts_time,duration_time",
                          "-of", "json", url], capture_output=True, text=True, timeout=60, check=True).stdout
    spans = {}
    for p in json.loads(out)["packets"]:
        if "pts_time" not in p:
            continue
        start, end = float(p["pts_time"]), float(p["pts_time"]) + float(p.get("duration_time", 0))
        first, last = spans.get(p["stream_index"], (start, end))
        spans[p["stream_index"]] = (min(first, start), max(last, end))
    return spans


def longest_track(url):
    """A segment's real duration: first to past the last frame of its longest track."""
    return max(end - start for start, end in track_spans(url).values())


def packets_span(url):
    """First packet of any stream to past the last."""
    spans = track_spans(url).values()
    return min(s for s, _ in spans), max(e for _, e in spans)


def parse_playlist(text):
    entries, target, discontinuity = [], None, False
    for line in text.splitlines():
        if line.startswith("#EXT-X-TARGETDURATION:"):
            target = int(line.split(":")[1])
        elif line == "#EXT-X-DISCONTINUITY":
            discontinuity = True
        elif line.startswith("#EXTINF:"):
            duration = float(line[len("#EXTINF:"):].rstrip(","))
        elif line.endswith(".ts"):
            entries.append((line, duration, discontinuity))
            discontinuity = False
    return entries, target


FIXTURES = os.path.join(HERE, "..", "..", "fixtures")
# The committed fixtures, with the longest frame among their tracks (22.05 kHz AAC: 46 ms).
FIXTURE_CASES = ["av-640x360-30fps", "video-only-320x240-25fps", "audio-only-48k-mono",
                 "baseline-480x270-29.97fps", "high-1920x1080-24fps"]


@pytest.mark.parametrize("case", CASES + FIXTURE_CASES)
def test_corpus_case_plays_with_honest_extinf(emulator, corpus, case):
    if case in FIXTURE_CASES:
        frag, source, frame = 1, os.path.join(FIXTURES, f"{case}.flv"), 1024 / 22050 + 0.001
    else:
        frag, source, frame = int(case.rsplit("-f", 1)[1]), str(corpus / f"{case}.flv"), 1 / 30 + 0.001
    case = case.replace(".", "-").lower()[:40]
    bucket = emulator.bucket("timing-" + case)
    bucket.create_bucket(oss2.BUCKET_ACL_PUBLIC_READ_WRITE)
    channel(bucket, "cam", frag_duration=frag, frag_count=100)
    result = push(f"{rtmp_base(emulator)}/timing-{case}/live/cam", source)
    assert result.returncode == 0, result.stderr
    play = f"{emulator.endpoint}/timing-{case}/cam/playlist.m3u8"
    text = wait_for(lambda: (t := requests.get(play, timeout=5).text) and "#EXT-X-ENDLIST" in t and t, timeout=30)
    entries, target = parse_playlist(text)
    assert entries, text
    base = play.rsplit("/", 1)[0]
    for uri, extinf, _ in entries:
        real = longest_track(f"{base}/{uri}")
        assert abs(real - extinf) <= frame, f"{uri}: EXTINF {extinf}, longest track {real:.3f}\n{text}"
    # The sum of EXTINF is the input's duration.
    start, end = packets_span(source)
    total = sum(e[1] for e in entries)
    assert abs(total - (end - start)) <= (end - start) * 0.01, f"EXTINF sum {total}, input {end - start:.3f}\n{text}"
    # TARGETDURATION: ceil of the longest EXTINF (less a millisecond), at least FragDuration.
    assert target == max(frag, max(math.ceil(e[1] - 0.001) for e in entries)), text
    # One push, no discontinuity (ffmpeg sends the AVC header at once, so
    # late video joins an audio-timed start without a track change).
    assert not any(d for _, _, d in entries), text
    check = subprocess.run(["ffmpeg", "-nostdin", "-v", "warning", "-i", play, "-f", "null", "-"],
                           capture_output=True, text=True, timeout=120)
    assert check.returncode == 0, check.stderr
    lines = [l for l in check.stderr.splitlines() if l and AUDIO_ONLY_NOTICE not in l]
    assert lines == [], check.stderr
