"""Fault injection (`/_emulator/faults`) with real clients: SDK retries,
delays that add only their latency, publishers dropped on purpose."""
import json
import os
import subprocess
import time

import alibabacloud_oss_v2 as oss
import oss2
import pytest
import requests

from conftest import RunningEmulator
from playlist_checks import check_playlist
from sdk_v2 import client_for, new_bucket
from test_ingest import AV_FRAME, channel, ffmpeg_push, rtmp_base, wait_for

ADMIN = {"X-Emulator-Admin": "1"}


def add_fault(emulator, rule):
    answer = requests.post(f"{emulator.endpoint}/_emulator/faults", json=rule, headers=ADMIN, timeout=5)
    assert answer.status_code == 200, answer.text
    return answer.json()["faults"]


def journal(emulator, **query):
    return requests.get(f"{emulator.endpoint}/_emulator/requests", params=query, timeout=5).json()["requests"]


@pytest.fixture(autouse=True)
def no_faults_left(emulator):
    yield
    requests.delete(f"{emulator.endpoint}/_emulator/faults", headers=ADMIN, timeout=5)


def test_the_v2_uploader_retries_through_two_injected_503s_on_upload_part(emulator, tmp_path):
    client = client_for(emulator)
    bucket = new_bucket(client)
    added = add_fault(emulator, {"operation": "UploadPart", "bucket": bucket,
                                 "error": {"status": 503, "code": "ServiceUnavailable", "message": "injected"}, "times": 2})
    assert added[0]["remaining"] == 2
    source = tmp_path / "big.bin"
    data = os.urandom(12 * 1024 * 1024)
    source.write_bytes(data)
    uploader = client.uploader(part_size=5 * 1024 * 1024, parallel_num=1)
    uploader.upload_file(oss.PutObjectRequest(bucket=bucket, key="big.bin"), str(source))
    got = client.get_object(oss.GetObjectRequest(bucket=bucket, key="big.bin")).body.read()
    assert got == data
    parts = journal(emulator, operation="UploadPart", bucket=bucket)
    assert [p["status"] for p in parts].count(503) == 2
    assert all(p["errorCode"] == "ServiceUnavailable" for p in parts if p["status"] == 503)
    assert [p["status"] for p in parts].count(200) == 3
    # Used up: the rule is gone.
    assert requests.get(f"{emulator.endpoint}/_emulator/faults", timeout=5).json()["faults"] == []


def test_a_delay_adds_its_latency_and_nothing_else(emulator):
    bucket = emulator.bucket("fault-delay")
    bucket.create_bucket()
    bucket.put_object("k", b"value")
    start = time.monotonic()
    assert bucket.get_object("k").read() == b"value"
    plain = time.monotonic() - start
    add_fault(emulator, {"operation": "GetObject", "bucket": "fault-delay", "key": "k", "delayMs": 700})
    start = time.monotonic()
    assert bucket.get_object("k").read() == b"value"
    delayed = time.monotonic() - start
    assert 0.7 <= delayed < 0.7 + plain + 0.5, (plain, delayed)
    # Other keys and operations are untouched.
    start = time.monotonic()
    bucket.put_object("other", b"x")
    assert bucket.get_object("other").read() == b"x"
    assert time.monotonic() - start < 0.5


def test_reset_probability_and_bad_rules(emulator):
    bucket = emulator.bucket("fault-reset")
    bucket.create_bucket()
    bucket.put_object("k", b"v")
    add_fault(emulator, {"operation": "GetObject", "bucket": "fault-reset", "reset": True, "times": 1})
    with pytest.raises(requests.exceptions.ConnectionError):
        requests.get(bucket.sign_url("GET", "k", 60), timeout=5)
    assert requests.get(bucket.sign_url("GET", "k", 60), timeout=5).content == b"v"
    # A seeded probability hits the same requests on every run.
    def hits(seed):
        requests.delete(f"{emulator.endpoint}/_emulator/faults", headers=ADMIN, timeout=5)
        add_fault(emulator, {"operation": "HeadObject", "bucket": "fault-reset", "probability": 0.5, "seed": seed,
                             "error": {"status": 500, "code": "InternalError"}})
        return [requests.head(bucket.sign_url("HEAD", "k", 60), timeout=5).status_code for _ in range(20)]
    first, again = hits(42), hits(42)
    assert first == again and 500 in first and 200 in first
    for bad in ({"operation": "GetObject"}, {"error": {"status": 200, "code": "X"}}, {"delayMs": -1},
                {"operation": "GetObject", "dropAfterSeconds": 3}, {"reset": True, "surprise": 1}):
        answer = requests.post(f"{emulator.endpoint}/_emulator/faults", json=bad, headers=ADMIN, timeout=5)
        assert answer.status_code == 400, (bad, answer.text)


def test_a_publisher_dropped_after_3_seconds_ends_its_push_cleanly(emulator):
    bucket = emulator.bucket("fault-drop")
    bucket.create_bucket(oss2.BUCKET_ACL_PUBLIC_READ_WRITE)
    channel(bucket, "cam", frag_duration=1)
    add_fault(emulator, {"operation": "rtmp:publish", "bucket": "fault-drop", "key": "cam", "dropAfterSeconds": 3})
    started = time.monotonic()
    publisher = subprocess.run(ffmpeg_push(f"{rtmp_base(emulator)}/fault-drop/live/cam", realtime=True),
                               capture_output=True, text=True, timeout=60)
    assert 2.5 < time.monotonic() - started < 5.5
    assert publisher.returncode != 0
    wait_for(lambda: bucket.get_live_channel_stat("cam").status == "Idle")
    records = bucket.get_live_channel_history("cam").records
    assert len(records) == 1 and records[0].end_time - records[0].start_time <= 5
    play = f"{emulator.endpoint}/fault-drop/cam/playlist.m3u8"
    wait_for(lambda: "#EXT-X-ENDLIST" in requests.get(play, timeout=5).text)
    check_playlist(play, AV_FRAME, 1)
    stream = requests.get(f"{emulator.endpoint}/_emulator/events?after=0", stream=True, timeout=5)
    event = None
    for line in stream.iter_lines(decode_unicode=True):
        if line.startswith("data: ") and '"fault-injected"' in line and '"rtmp:publish"' in line:
            event = json.loads(line[6:])
            break
    stream.close()
    assert event and event["bucket"] == "fault-drop" and event["key"] == "cam" and "drop after 3" in event["action"]


def test_faults_from_a_file_at_start(tmp_path):
    rules = tmp_path / "faults.json"
    rules.write_text(json.dumps([{"operation": "PutObject", "error": {"status": 507, "code": "InsufficientStorage"}}]))
    server = RunningEmulator(str(tmp_path / "data"), extra_args=["--faults", str(rules)]).start()
    try:
        bucket = server.bucket("fault-file")
        bucket.create_bucket()
        with pytest.raises(oss2.exceptions.OssError) as err:
            bucket.put_object("k", b"v")
        assert err.value.status == 507 and err.value.code == "InsufficientStorage"
    finally:
        server.stop()


def test_oss2_resumable_upload_survives_resets_and_503s_by_resuming(emulator, tmp_path):
    """oss2 does not retry a failed part itself; running resumable_upload
    again resumes from its checkpoint, as an application does."""
    bucket = emulator.bucket("fault-oss2-resume")
    bucket.create_bucket()
    source = tmp_path / "file.bin"
    data = os.urandom(4 * 1024 * 1024)
    source.write_bytes(data)
    store = oss2.ResumableStore(root=str(tmp_path / "checkpoints"))

    def upload(key):
        failures = []
        for _ in range(3):
            try:
                oss2.resumable_upload(bucket, key, str(source), store=store, multipart_threshold=1024 * 1024,
                                      part_size=1024 * 1024, num_threads=1)
                return failures
            except (oss2.exceptions.RequestError, oss2.exceptions.ServerError) as error:
                failures.append(type(error).__name__)
        raise AssertionError(f"no success after {failures}")

    add_fault(emulator, {"operation": "UploadPart", "bucket": "fault-oss2-resume", "key": "reset.bin", "reset": True, "times": 2})
    assert upload("reset.bin") == ["RequestError", "RequestError"]
    add_fault(emulator, {"operation": "UploadPart", "bucket": "fault-oss2-resume", "key": "503.bin",
                         "error": {"status": 503, "code": "ServiceUnavailable", "message": "injected"}, "times": 2})
    assert upload("503.bin") == ["ServerError", "ServerError"]
    for key in ("reset.bin", "503.bin"):
        assert bucket.get_object(key).read() == data
        parts = [p for p in journal(emulator, operation="UploadPart", bucket="fault-oss2-resume") if p["key"] == key]
        # Each of the 4 parts stored once; the two hit ones were sent again by the resumed upload.
        assert [p["status"] for p in parts].count(200) == 4 and len(parts) == 6
    assert [p["errorCode"] for p in journal(emulator, operation="UploadPart", bucket="fault-oss2-resume")
            if p["status"] == 503] == ["ServiceUnavailable"] * 2


def test_out_of_space_during_a_push_fails_segments_then_the_push_recovers(emulator):
    bucket = emulator.bucket("fault-disk")
    bucket.create_bucket(oss2.BUCKET_ACL_PUBLIC_READ_WRITE)
    channel(bucket, "cam", frag_duration=1)
    # The fixture makes 3 segments (a key frame every 2 s): the first write fails, the push goes on.
    add_fault(emulator, {"operation": "storage:write", "bucket": "fault-disk", "key": "cam/*.ts", "outOfSpace": True, "times": 1})
    before = requests.get(f"{emulator.endpoint}/_emulator/events?after=0", stream=True, timeout=5)
    before.close()
    result = subprocess.run(ffmpeg_push(f"{rtmp_base(emulator)}/fault-disk/live/cam"), capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    play = f"{emulator.endpoint}/fault-disk/cam/playlist.m3u8"
    wait_for(lambda: "#EXT-X-ENDLIST" in requests.get(play, timeout=5).text)
    stream = requests.get(f"{emulator.endpoint}/_emulator/events?after=0", stream=True, timeout=5)
    failed, written = [], []
    for line in stream.iter_lines(decode_unicode=True):
        if not line.startswith("data: "):
            continue
        event = json.loads(line[6:])
        if event.get("bucket") != "fault-disk":
            continue
        if event["type"] == "write-failed":
            failed.append(event)
        elif event["type"] == "segment-written":
            written.append(event)
        elif event["type"] == "publish-ended":
            break
    stream.close()
    assert len(failed) == 1 and all("No space left on device" in e["reason"] and emulator.data_dir not in e["reason"]
                                    for e in failed), failed
    assert len(written) == 2
    # The playlist lists only what was written, each with its real duration.
    listed = [l for l in requests.get(play, timeout=5).text.splitlines() if l.endswith(".ts")]
    assert len(listed) == len(written)
    check_playlist(play, AV_FRAME, 1)
    # An HTTP write under the same fault answers 500 InternalError, without a server path.
    add_fault(emulator, {"operation": "storage:write", "bucket": "fault-disk", "key": "objects/*", "outOfSpace": True, "times": 1})
    with pytest.raises(oss2.exceptions.ServerError) as err:
        bucket.put_object("objects/a", b"x")
    assert err.value.status == 500 and err.value.code == "InternalError" and emulator.data_dir not in str(err.value.message)
    bucket.put_object("objects/a", b"x")


def test_a_stalled_request_gets_no_answer_and_a_paused_publisher_still_finishes(emulator):
    bucket = emulator.bucket("fault-stall")
    bucket.create_bucket(oss2.BUCKET_ACL_PUBLIC_READ_WRITE)
    bucket.put_object("k", b"v")
    add_fault(emulator, {"operation": "GetObject", "bucket": "fault-stall", "stall": True, "times": 1})
    with pytest.raises(requests.exceptions.ReadTimeout):
        requests.get(f"{emulator.endpoint}/fault-stall/k", timeout=1.5)
    assert requests.get(f"{emulator.endpoint}/fault-stall/k", timeout=5).content == b"v"

    channel(bucket, "cam", frag_duration=1)
    add_fault(emulator, {"operation": "rtmp:publish", "bucket": "fault-stall", "key": "cam", "pauseReadingSeconds": 2})
    result = subprocess.run(ffmpeg_push(f"{rtmp_base(emulator)}/fault-stall/live/cam", realtime=True),
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    play = f"{emulator.endpoint}/fault-stall/cam/playlist.m3u8"
    wait_for(lambda: "#EXT-X-ENDLIST" in requests.get(play, timeout=5).text)
    check_playlist(play, AV_FRAME, 1)


def test_a_slowed_body_takes_its_time_and_a_cut_one_breaks_the_download(emulator):
    bucket = emulator.bucket("fault-body")
    bucket.create_bucket()
    data = os.urandom(200 * 1024)
    bucket.put_object("big", data)
    add_fault(emulator, {"operation": "GetObject", "bucket": "fault-body", "bodyBytesPerSecond": 100 * 1024, "times": 1})
    start = time.monotonic()
    assert bucket.get_object("big").read() == data
    assert 1.5 <= time.monotonic() - start < 4
    add_fault(emulator, {"operation": "GetObject", "bucket": "fault-body", "truncateAfterBytes": 1000, "times": 1})
    with pytest.raises(Exception) as broken:
        bucket.get_object("big").read()
    assert "ChunkedEncodingError" in repr(broken.value), repr(broken.value)
    assert bucket.get_object("big").read() == data


def test_a_reset_mid_response_sends_part_of_the_body_then_resets(emulator):
    import socket
    from urllib.parse import urlparse

    bucket = emulator.bucket("fault-rst")
    bucket.create_bucket(oss2.BUCKET_ACL_PUBLIC_READ)
    data = os.urandom(100 * 1024)
    bucket.put_object("big", data)
    add_fault(emulator, {"operation": "GetObject", "bucket": "fault-rst", "reset": True,
                         "truncateAfterBytes": 1000, "times": 1})
    url = urlparse(emulator.endpoint)
    received = b""
    with socket.create_connection((url.hostname, url.port), timeout=10) as raw:
        raw.sendall(b"GET /fault-rst/big HTTP/1.1\r\nHost: " + url.netloc.encode() + b"\r\n\r\n")
        with pytest.raises(ConnectionResetError):
            while True:
                piece = raw.recv(65536)
                if not piece:
                    break  # a FIN, not a reset: the assertion above fails
                received += piece
    head, _, body = received.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200"), head
    # The chunked body as far as it went: 1,000 bytes of the object and no last chunk.
    content = b""
    while body:
        size_line, _, rest = body.partition(b"\r\n")
        size = int(size_line, 16)
        if size == 0:
            break
        content += rest[:size]
        body = rest[size + 2:]
    assert content == data[:1000]
    # The rule was used up: the next download is whole.
    assert bucket.get_object("big").read() == data


def test_a_publisher_dropped_after_some_bytes(emulator):
    bucket = emulator.bucket("fault-bytes")
    bucket.create_bucket(oss2.BUCKET_ACL_PUBLIC_READ_WRITE)
    channel(bucket, "cam", frag_duration=1)
    add_fault(emulator, {"operation": "rtmp:publish", "bucket": "fault-bytes", "key": "cam", "dropAfterBytes": 150000})
    # ffmpeg may have handed everything to the socket before the drop, so its exit status says nothing.
    subprocess.run(ffmpeg_push(f"{rtmp_base(emulator)}/fault-bytes/live/cam"), capture_output=True, text=True, timeout=60)
    play = f"{emulator.endpoint}/fault-bytes/cam/playlist.m3u8"
    wait_for(lambda: "#EXT-X-ENDLIST" in requests.get(play, timeout=5).text)
    entries = check_playlist(play, AV_FRAME, 1)
    # About 150 KB of the 350 KB fixture made it: less than its 6 s.
    assert 0 < sum(e[1] for e in entries) < 5
