"""The /_emulator/ admin endpoints from Python: Server-Sent Events read by
`requests` while a real ffmpeg publishes, admin auth, reset, channels JSON and
the console page."""
import http.client
import json
import queue
import socket
import subprocess
import threading

import requests

from conftest import RunningEmulator
from test_ingest import PUSH_TIMEOUT, channel, ffmpeg_push, push

SSE_TIMEOUT = 30


class EventReader:
    """Reads /_emulator/events with the standard library's HTTP client on a
    thread; events arrive on a queue as dicts."""

    def __init__(self, endpoint, last_event_id=None, headers=None):
        self.events = queue.Queue()
        all_headers = {"Accept": "text/event-stream", **(headers or {})}
        if last_event_id is not None:
            all_headers["Last-Event-ID"] = str(last_event_id)
        self.connection = http.client.HTTPConnection(endpoint.split("//", 1)[1], timeout=SSE_TIMEOUT)
        self.connection.request("GET", "/_emulator/events", headers=all_headers)
        # The response takes the socket over (Connection: close); keep it to end the read.
        self.sock = self.connection.sock
        self.response = self.connection.getresponse()
        self.status_code = self.response.status
        self.headers = dict(self.response.getheaders())
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self):
        message = {}
        try:
            while True:
                raw = self.response.readline()  # de-chunked by http.client
                if not raw:
                    break
                line = raw.decode().rstrip("\r\n")
                if line == "":
                    if "data" in message:
                        self.events.put({"id": int(message["id"]), "event": message["event"],
                                         "data": json.loads(message["data"])})
                    message = {}
                    continue
                if line.startswith(":"):
                    continue
                field, _, value = line.partition(":")
                message[field] = value[1:] if value.startswith(" ") else value
        except (OSError, http.client.HTTPException, ValueError):
            pass
        self.events.put(None)

    def until(self, predicate, timeout=SSE_TIMEOUT):
        """Events up to and including the first matching one."""
        seen = []
        while True:
            event = self.events.get(timeout=timeout)
            assert event is not None, f"stream ended after {seen}"
            seen.append(event)
            if predicate(event):
                return seen

    def close(self):
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.thread.join(timeout=SSE_TIMEOUT)
        assert not self.thread.is_alive()
        self.response.close()


def is_ended(event):
    return event["event"] == "publish-ended"


def test_events_arrive_in_order_while_ffmpeg_publishes(emulator):
    bucket = emulator.bucket("sse")
    bucket.create_bucket()
    channel(bucket, "cam", frag_duration=1)
    reader = EventReader(emulator.endpoint)
    assert reader.status_code == 200
    assert reader.headers["Content-Type"] == "text/event-stream"
    result = push(bucket.sign_rtmp_url("cam", "playlist.m3u8", 300))
    assert result.returncode == 0, result.stderr
    events = reader.until(is_ended)
    reader.close()

    ids = [e["id"] for e in events]
    assert ids == sorted(ids) and len(set(ids)) == len(ids)
    assert ids == list(range(ids[0], ids[0] + len(ids)))  # nothing skipped
    names = [e["event"] for e in events]
    assert names[0] == "publish-started"
    assert names[-1] == "publish-ended"
    assert events[0]["data"]["bucket"] == "sse" and events[0]["data"]["channel"] == "cam"
    assert events[0]["data"]["playlistKey"] == "cam/playlist.m3u8"
    segments = [e for e in events if e["event"] == "segment-written"]
    assert len(segments) == 3  # keyframes every 2 s in the 6 s fixture
    for segment in segments:
        index = events.index(segment)
        assert events[index + 1]["event"] == "playlist-updated"
        assert 1500 < segment["data"]["durationMilliseconds"] < 2500
        # The segment the event names is there.
        assert bucket.object_exists(segment["data"]["key"])
    assert events[-2]["event"] == "playlist-updated" and events[-2]["data"]["ended"] is True
    assert "#EXT-X-ENDLIST" in bucket.get_object("cam/playlist.m3u8").read().decode()

    # Resume: a reconnect with Last-Event-ID gets what followed that event, from the kept buffer.
    resumed = EventReader(emulator.endpoint, last_event_id=ids[1])
    again = resumed.until(is_ended)
    resumed.close()
    assert [e["id"] for e in again] == ids[2:]
    assert [e["event"] for e in again] == names[2:]


def test_refused_publish_and_reset_are_events(emulator):
    bucket = emulator.bucket("sse-refused")
    bucket.create_bucket()
    reader = EventReader(emulator.endpoint)
    result = push(bucket.sign_rtmp_url("nochannel", "playlist.m3u8", 300))
    assert result.returncode != 0
    refused = reader.until(lambda e: e["event"] == "publish-refused")[-1]
    assert refused["data"]["bucket"] == "sse-refused"
    assert refused["data"]["channel"] == "nochannel"
    assert refused["data"]["reason"].startswith("NoSuchLiveChannel")

    reset = requests.post(emulator.endpoint + "/_emulator/reset", headers={"X-Emulator-Admin": "1"},
                          timeout=PUSH_TIMEOUT)
    assert reset.status_code == 200
    assert reader.until(lambda e: e["event"] == "reset")[-1]["id"] > refused["id"]
    reader.close()
    assert [b.name for b in emulator.service().list_buckets().buckets] == []


def test_channels_json_and_status_page_show_the_live_push(emulator):
    bucket = emulator.bucket("status")
    bucket.create_bucket()
    channel(bucket, "cam", frag_duration=1)
    reader = EventReader(emulator.endpoint)
    publisher = subprocess.Popen(ffmpeg_push(bucket.sign_rtmp_url("cam", "playlist.m3u8", 300), realtime=True),
                                 stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        segment = reader.until(lambda e: e["event"] == "segment-written")[-1]
        listing = requests.get(emulator.endpoint + "/_emulator/channels", timeout=10).json()
        (entry,) = [b for b in listing["buckets"] if b["name"] == "status"]
        (cam,) = entry["channels"]
        assert cam["state"] == "Live"
        assert cam["live"]["video"]["width"] == 640 and cam["live"]["video"]["height"] == 360
        assert cam["live"]["video"]["frameRate"] == 30
        assert cam["live"]["audio"]["sampleRate"] == 44100
        # What GetLiveChannelStat does not carry: from the sequence headers and key frames.
        assert (cam["live"]["video"]["profile"], cam["live"]["video"]["level"]) == ("Main", "3.0")
        assert (cam["live"]["audio"]["profile"], cam["live"]["audio"]["channels"]) == ("AAC-LC", 2)
        assert cam["live"]["remoteAddr"].startswith("127.0.0.1:")
        assert segment["data"]["key"] in [s["key"] for s in cam["lastSegments"]]

        page = requests.get(emulator.endpoint + "/_emulator/", timeout=10)
        assert page.status_code == 200
        assert page.headers["Content-Type"].startswith("text/html")
        html = page.text
        assert 'id="ch-status/cam-head" data-live data-state="live"' in html
        assert '<b class="res">640x360</b>' in html and '<b class="fps">30 fps</b>' in html
        assert "44.1 kHz" in html
        assert segment["data"]["key"].split("/")[-1] in html
        # The signed play link on the page (for browsers without script) plays.
        start = html.index('<noscript><p><a href="') + len('<noscript><p><a href="')
        link = html[start:html.index('"', start)].replace("&amp;", "&")
        played = requests.get(link, timeout=10)
        assert played.status_code == 200 and "#EXTM3U" in played.text
    finally:
        publisher.wait(timeout=PUSH_TIMEOUT)
        reader.close()


def start_emulator(data_dir, *args):
    return RunningEmulator(data_dir, extra_args=["--host", "0.0.0.0", *args]).start()


def test_admin_endpoints_need_the_token_off_loopback(tmp_path):
    running = start_emulator(str(tmp_path / "a"), "--admin-token", "t0ken")
    try:
        base = running.endpoint + "/_emulator"
        assert requests.get(base + "/health", timeout=10).status_code == 200
        for method, path in [("GET", "/channels"), ("GET", "/"), ("POST", "/reset"), ("GET", "/events")]:
            anonymous = requests.request(method, base + path, timeout=10)
            assert anonymous.status_code == 401, path
            assert anonymous.headers["WWW-Authenticate"].startswith("Bearer")
            wrong = requests.request(method, base + path, headers={"Authorization": "Bearer nope"}, timeout=10)
            assert wrong.status_code == 401, path
        good = {"Authorization": "Bearer t0ken"}
        assert requests.get(base + "/channels", headers=good, timeout=10).json() == {"buckets": []}
        assert requests.post(base + "/reset", headers=good, timeout=10).status_code == 200
        reader = EventReader(running.endpoint, last_event_id=0, headers=good)
        assert reader.status_code == 200
        reset_event = reader.until(lambda e: e["event"] == "reset")[-1]
        assert reset_event["data"]["type"] == "reset" and reset_event["id"] == reset_event["data"]["sequence"]
        reader.close()
    finally:
        running.stop()

    closed = start_emulator(str(tmp_path / "b"))
    try:
        assert requests.get(closed.endpoint + "/_emulator/health", timeout=10).status_code == 200
        refused = requests.get(closed.endpoint + "/_emulator/channels", headers={"Authorization": "Bearer x"}, timeout=10)
        assert refused.status_code == 401
        assert "--admin-token" in refused.json()["message"]
    finally:
        closed.stop()


def test_admin_endpoints_are_open_on_loopback(emulator):
    assert requests.get(emulator.endpoint + "/_emulator/channels", timeout=10).json() == {"buckets": []}
    assert requests.get(emulator.endpoint + "/_emulator/", timeout=10).status_code == 200
