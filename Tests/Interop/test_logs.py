"""Log lines: one per request and per publish event, text or JSON, and never a
secret, even at trace level during a session signed every way oss2 signs."""
import json
import os
import re
import subprocess
import tempfile

import oss2
import pytest
import requests
from oss2.models import LiveChannelInfo, LiveChannelInfoTarget

from conftest import KEY_ID, KEY_SECRET, RunningEmulator, binary
from test_ingest import AV, wait_for

STS_KEY_ID = "STS.logs-temporary-id"
STS_SECRET = "logs-temporary-secret-that-must-stay-private"
SECURITY_TOKEN = "sts-token-value-that-must-stay-private"
# Characters JSON must escape, and some it must not mangle.
ODD_KEY = 'odd/"quoted" back\\slash\ttab ключ ✓'


@pytest.fixture
def captured_headers(monkeypatch):
    """Every header oss2 sends, so the signatures it computed are known."""
    seen = []
    original = oss2.http.Session.do_request

    def spy(self, req, timeout):
        seen.append(dict(req.headers))
        return original(self, req, timeout)

    monkeypatch.setattr(oss2.http.Session, "do_request", spy)
    return seen


def signatures_in(headers):
    values = []
    for h in headers:
        authorization = h.get("Authorization", h.get("authorization", ""))
        if authorization.startswith("OSS4-HMAC-SHA256"):
            values += re.findall(r"Signature=([0-9a-f]+)", authorization)
        elif authorization.startswith("OSS "):
            values.append(authorization.split(":", 1)[1])
    return values


def query_value(url, name):
    match = re.search(rf"[?&]{name}=([^&]+)", url)
    assert match, (name, url)
    return requests.utils.unquote(match.group(1))


def signed_session(emulator, captured_headers):
    """Does signed work of every kind; returns the secret values it used."""
    secrets = [KEY_SECRET, STS_SECRET, SECURITY_TOKEN]
    v1 = emulator.bucket("logs-bucket")
    v1.create_bucket()
    v1.put_object("hello.txt", b"hi")
    v1.put_object(ODD_KEY, b"odd")
    assert v1.get_object("hello.txt").read() == b"hi"
    list(oss2.ObjectIterator(v1))

    v4 = oss2.Bucket(oss2.AuthV4(KEY_ID, KEY_SECRET), emulator.endpoint, "logs-bucket", region="cn-hangzhou")
    v4.put_object("v4.txt", b"v4")
    assert v4.get_object("v4.txt").read() == b"v4"

    sts = emulator.bucket("logs-bucket", auth=oss2.StsAuth(STS_KEY_ID, STS_SECRET, SECURITY_TOKEN))
    sts.put_object("sts.txt", b"sts")

    for signer, name in [(v1, "hello.txt"), (v4, "v4.txt")]:
        url = signer.sign_url("GET", name, 300)
        assert requests.get(url, timeout=5).status_code == 200
        for parameter in ("Signature", "x-oss-signature"):
            if parameter + "=" in url:
                secrets.append(query_value(url, parameter))
    sts_url = sts.sign_url("GET", "sts.txt", 300)
    assert requests.get(sts_url, timeout=5).status_code == 200
    secrets.append(query_value(sts_url, "Signature"))

    # A wrong secret: the mismatch is logged, the signature sent is not.
    wrong = emulator.bucket("logs-bucket", auth=oss2.Auth(KEY_ID, "not-the-secret"))
    with pytest.raises(oss2.exceptions.SignatureDoesNotMatch):
        wrong.get_object("hello.txt")
    secrets.append("not-the-secret")

    target = LiveChannelInfoTarget(playlist_name="playlist.m3u8", frag_duration=2, frag_count=3)
    v1.create_live_channel("cam", LiveChannelInfo(target=target))
    rtmp_url = v1.sign_rtmp_url("cam", "playlist.m3u8", 300)
    secrets.append(query_value(rtmp_url, "Signature"))
    pushed = subprocess.run([binary(), "push", AV, rtmp_url], capture_output=True, text=True, timeout=60)
    assert pushed.returncode == 0, pushed.stderr
    wait_for(lambda: v1.get_live_channel_history("cam").records)
    v1.put_live_channel_status("cam", "disabled")
    refused = subprocess.run([binary(), "push", AV, v1.sign_rtmp_url("cam", "playlist.m3u8", 300)],
                             capture_output=True, text=True, timeout=60)
    assert refused.returncode == 1
    v1.delete_live_channel("cam")

    secrets += signatures_in(captured_headers)
    assert len(secrets) > 10
    return secrets


def run_session(captured_headers, log_format, via_environment):
    with tempfile.TemporaryDirectory(prefix="oss-emulator-logs-") as data:
        args, env = ["--log-level", "trace", "--credential", f"{STS_KEY_ID}:{STS_SECRET}:{SECURITY_TOKEN}"], {}
        if via_environment:
            env["OSS_EMULATOR_LOG_FORMAT"] = log_format
        else:
            args += ["--log-format", log_format]
        emulator = RunningEmulator(data, extra_args=args, env=env).start()
        try:
            secrets = signed_session(emulator, captured_headers)
        finally:
            emulator.stop()
        return emulator.stderr(), secrets


def assert_no_secret(log, secrets):
    for secret in secrets:
        assert secret not in log, f"secret {secret[:6]}… found in the log"
        # Signatures also travel percent-encoded.
        assert requests.utils.quote(secret, safe="") not in log


def test_json_logs_at_trace_level_hold_no_secret(captured_headers):
    log, secrets = run_session(captured_headers, "json", via_environment=True)
    assert_no_secret(log, secrets)
    lines = [json.loads(line) for line in log.splitlines() if line.strip()]
    assert all({"time", "level", "label", "source", "message"} <= set(l) for l in lines)
    requests_logged = [l for l in lines if "request_id" in l]
    put = next(l for l in requests_logged if l["method"] == "PUT" and l.get("key") == "hello.txt")
    assert put["bucket"] == "logs-bucket" and put["status"] == 200 and isinstance(put["ms"], int)
    assert re.fullmatch(r"[0-9A-F]{24}", put["request_id"])
    assert any(l.get("subresource") == "live" and l["method"] == "PUT" for l in requests_logged)
    assert any(l.get("key") == ODD_KEY and l["status"] == 200 for l in requests_logged)
    assert any(l["status"] == 403 and l.get("key") == "hello.txt" for l in requests_logged)
    messages = [l["message"] for l in lines]
    assert any(m.startswith("rtmp publish started: logs-bucket/cam") for m in messages)
    assert any(m.startswith("rtmp publish ended: logs-bucket/cam") for m in messages)
    assert any(m.startswith("rtmp publish refused") and "LiveChannelDisabled" in m for m in messages)


def test_text_logs_at_trace_level_hold_no_secret(captured_headers):
    log, secrets = run_session(captured_headers, "text", via_environment=False)
    assert_no_secret(log, secrets)
    assert re.search(r"request_id=[0-9A-F]{24} .*\] PUT /logs-bucket/hello.txt 200 \d+ms", log), log[:2000]


def test_unknown_log_format_is_refused(data_dir):
    result = subprocess.run([binary(), "--data-dir", data_dir, "--port", "0", "--log-format", "xml"],
                            capture_output=True, text=True, timeout=20)
    assert result.returncode == 64
    assert "log format 'xml' is not one of text, json" in result.stderr
