"""The emulator's movable clock with real clients: presigned URLs expire when
it moves, header-signed requests keep working, new objects carry its dates."""
import email.utils
import time

import oss2
import pytest
import requests

from conftest import RunningEmulator

ADMIN = {"X-Emulator-Admin": "1"}


@pytest.fixture
def own_emulator(tmp_path):
    server = RunningEmulator(str(tmp_path / "data")).start()
    yield server
    server.stop()


def clock(server, **body):
    url = f"{server.endpoint}/_emulator/clock"
    answer = requests.post(url, json=body, headers=ADMIN, timeout=5) if body else requests.get(url, timeout=5)
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_a_presigned_url_expires_when_the_clock_moves_past_it(own_emulator):
    bucket = own_emulator.bucket("clock-presign")
    bucket.create_bucket()
    bucket.put_object("report.txt", b"data")
    short = bucket.sign_url("GET", "report.txt", 60)
    assert requests.get(short, timeout=5).content == b"data"

    moved = clock(own_emulator, advance=120)
    assert 119.9 <= moved["offsetSeconds"] <= 120.1
    expired = requests.get(short, timeout=5)
    assert expired.status_code == 403 and "<Code>AccessDenied</Code>" in expired.text and "expired" in expired.text
    # oss2 signs with the client's own clock: a URL valid for longer than the move works.
    assert requests.get(bucket.sign_url("GET", "report.txt", 600), timeout=5).content == b"data"
    # Header-signed requests are checked against the real clock: an hour ahead changes nothing for them.
    clock(own_emulator, advance=3600)
    bucket.put_object("later.txt", b"x")
    assert bucket.get_object("later.txt").read() == b"x"
    # New objects carry the emulator's time.
    last_modified = bucket.head_object("later.txt").last_modified
    assert last_modified - time.time() > 3600 + 120 - 30
    events = requests.get(f"{own_emulator.endpoint}/_emulator/events?after=0", stream=True, timeout=5)
    lines = []
    for line in events.iter_lines(decode_unicode=True):
        lines.append(line)
        if line.startswith("data:") and '"clock-changed"' in line and '"offsetSeconds": 3720' in line:
            break
    events.close()
    assert any("event: clock-changed" == l for l in lines)


def test_set_and_bad_requests(own_emulator):
    assert clock(own_emulator, set="2030-06-01T12:00:00Z")["now"].startswith("2030-06-01T12:00:0")
    answer = requests.post(f"{own_emulator.endpoint}/_emulator/clock", data=b'{"advance": "soon"}', headers=ADMIN, timeout=5)
    assert answer.status_code == 400 and "advance" in answer.json()["message"]
    both = requests.post(f"{own_emulator.endpoint}/_emulator/clock", json={"advance": 1, "set": "2030-01-01T00:00:00Z"},
                         headers=ADMIN, timeout=5)
    assert both.status_code == 400
    # Moving the clock changes state: without the admin header it is refused.
    assert requests.post(f"{own_emulator.endpoint}/_emulator/clock", json={"advance": 1}, timeout=5).status_code == 403


def test_clock_start_on_the_command_line(tmp_path):
    server = RunningEmulator(str(tmp_path / "data"), extra_args=["--clock-start", "2031-02-03T04:05:06Z"]).start()
    try:
        assert clock(server)["now"].startswith("2031-02-03T04:0")
        bucket = server.bucket("clock-start")
        bucket.create_bucket()
        bucket.put_object("k", b"v")
        header = bucket.get_object("k").headers["Last-Modified"]
        assert email.utils.parsedate_to_datetime(header).year == 2031
    finally:
        server.stop()


def test_an_sts_credential_expires_on_the_emulator_clock(tmp_path):
    expiration = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 3600))
    server = RunningEmulator(str(tmp_path / "data"),
                             extra_args=["--credential", f"STS.temp:temp-secret:CAIS-token@{expiration}"]).start()
    try:
        bucket = oss2.Bucket(oss2.StsAuth("STS.temp", "temp-secret", "CAIS-token"), server.endpoint, "clock-sts")
        bucket.create_bucket()
        bucket.put_object("k", b"v")
        clock(server, advance=7200)
        with pytest.raises(oss2.exceptions.OssError) as err:
            bucket.get_object("k")
        assert err.value.status == 403 and err.value.code == "SecurityTokenExpired"
        # The long-term key still works.
        assert server.bucket("clock-sts").get_object("k").read() == b"v"
    finally:
        server.stop()
