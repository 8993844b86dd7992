"""What every HLS playlist the ingest writes must satisfy, checked with
ffprobe: each EXTINF within a frame of its segment's real duration, the
TARGETDURATION rule, decode times that only increase within a timeline."""
import json
import math
import subprocess

import requests


def parse_playlist(text):
    """(uri, EXTINF, discontinuity before) per segment, and TARGETDURATION."""
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


def probe(url):
    """Packets (stream index, pts, dts, duration; seconds) and streams of a file or URL."""
    out = subprocess.run(["ffprobe", "-v", "error", "-show_entries",
                          "packet=stream_index,pts_time,dts_time,duration_time:stream=index,codec_type,width,height,sample_rate,channels",
                          "-of", "json", url], capture_output=True, text=True, timeout=60, check=True).stdout
    data = json.loads(out)
    packets = [(p["stream_index"], float(p["pts_time"]), float(p.get("dts_time", p["pts_time"])),
                float(p.get("duration_time", 0))) for p in data["packets"] if "pts_time" in p]
    return packets, data["streams"]


def track_spans(packets):
    """Per stream: (first packet, past the last packet) in presentation time."""
    spans = {}
    for stream, pts, _, duration in packets:
        first, last = spans.get(stream, (pts, pts + duration))
        spans[stream] = (min(first, pts), max(last, pts + duration))
    return spans


def longest_track(packets):
    """A segment's real duration: first to past the last frame of its longest track."""
    return max(end - start for start, end in track_spans(packets).values())


def packets_span(url):
    """First packet of any stream to past the last."""
    spans = track_spans(probe(url)[0]).values()
    return min(s for s, _ in spans), max(e for _, e in spans)


def check_playlist(play, frame, frag, bound=None):
    """Asserts the rules for the playlist at `play` and returns its entries
    with each segment's streams: [(uri, extinf, discontinuity, streams)]."""
    text = requests.get(play, timeout=5).text
    entries, target = parse_playlist(text)
    assert entries, text
    base = play.rsplit("/", 1)[0]
    checked, last_dts = [], {}
    for uri, extinf, discontinuity in entries:
        packets, streams = probe(f"{base}/{uri}")
        real = longest_track(packets)
        assert abs(real - extinf) <= frame, f"{uri}: EXTINF {extinf}, longest track {real:.3f}\n{text}"
        assert extinf > 0, f"{uri}: EXTINF {extinf}\n{text}"
        if bound is not None:
            assert extinf <= bound, f"{uri}: EXTINF {extinf} over the bound {bound}\n{text}"
        # Decode times only increase within a timeline (across segments too).
        if discontinuity:
            last_dts = {}
        kinds = {s["index"]: s["codec_type"] for s in streams}
        for stream, _, dts, _ in packets:
            kind = kinds.get(stream)
            assert dts >= 0, f"{uri}: negative DTS {dts}"
            assert kind not in last_dts or dts > last_dts[kind], f"{uri}: {kind} DTS {dts} after {last_dts.get(kind)}\n{text}"
            last_dts[kind] = dts
        checked.append((uri, extinf, discontinuity, streams))
    # TARGETDURATION: ceil of the longest EXTINF (less a millisecond), at least FragDuration.
    assert target == max(frag, max(math.ceil(e[1] - 0.001) for e in entries)), text
    return checked
