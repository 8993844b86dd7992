"""Requests OSS refuses for their shape, as real oss2 sees the answers; and one
emulator per data directory, with real processes."""
import base64
import hashlib
import signal
import socket
import tempfile

import oss2
import pytest
import requests

from conftest import KEY_ID, KEY_SECRET, RunningEmulator
from test_post_object import policy, post, v1_fields

META_LIMIT = 8 * 1024


def big_meta(total):
    """One x-oss-meta header whose name and value add up to `total` bytes."""
    name = "x-oss-meta-big"
    return {name: "v" * (total - len(name))}


@pytest.fixture
def bucket(emulator):
    b = emulator.bucket("hardening")
    b.create_bucket()
    return b


def assert_refused(call, status, code, ec=None):
    with pytest.raises(oss2.exceptions.OssError) as err:
        call()
    assert err.value.status == status and err.value.code == code, err.value
    if ec:
        assert err.value.ec == ec or err.value.details.get("EC") == ec
    return err.value


def test_user_metadata_limit_on_every_write(emulator, bucket):
    bucket.put_object("fits", b"x", headers=big_meta(META_LIMIT))
    assert len(bucket.head_object("fits").headers["x-oss-meta-big"]) == META_LIMIT - len("x-oss-meta-big")
    over = big_meta(META_LIMIT + 1)
    assert_refused(lambda: bucket.put_object("big", b"x", headers=over), 400, "InvalidArgument", "0011-00000002")
    assert_refused(lambda: bucket.copy_object("hardening", "fits", "copy",
                                              headers={"x-oss-metadata-directive": "REPLACE", **over}),
                   400, "InvalidArgument")
    assert_refused(lambda: bucket.update_object_meta("fits", over), 400, "InvalidArgument")
    assert_refused(lambda: bucket.init_multipart_upload("mp", headers=over), 400, "InvalidArgument")
    assert_refused(lambda: bucket.append_object("log", 0, b"x", headers=over), 400, "InvalidArgument")
    for key in ["big", "copy", "log"]:
        assert not bucket.object_exists(key)
    assert list(oss2.MultipartUploadIterator(bucket)) == []

    fields = {"key": "form", "x-oss-meta-a": "a" * 5000, "x-oss-meta-b": "b" * 5000, **v1_fields(policy([]))}
    response = post(emulator, "hardening", fields)
    assert response.status_code == 400 and b"<Code>InvalidArgument</Code>" in response.content, response.text
    assert not bucket.object_exists("form")


def test_batch_delete_needs_content_md5(emulator, bucket):
    bucket.put_object("a", b"x")
    body = b"<Delete><Quiet>true</Quiet><Object><Key>a</Key></Object></Delete>"
    # oss2's own signer, without the Content-MD5 it always adds for batch deletes.
    request = oss2.http.Request("POST", f"{emulator.endpoint}/hardening/", data=body,
                                params={"delete": ""}, headers={"Content-Type": "application/xml"})
    emulator.auth()._sign_request(request, "hardening", "")
    response = requests.post(request.url, data=body, params={"delete": ""}, headers=dict(request.headers), timeout=10)
    assert response.status_code == 400 and b"<Code>MissingArgument</Code>" in response.content, response.text
    assert response.headers.get("x-oss-ec") == "0016-00000606"
    assert bucket.object_exists("a")
    # The SDK sends it: its batch delete works.
    assert bucket.batch_delete_objects(["a"]).deleted_keys == ["a"]


def test_conditional_put_object_is_not_implemented(bucket):
    bucket.put_object("k", b"old")
    for name, value in [("If-Match", '"0123"'), ("If-None-Match", "*"),
                        ("If-Modified-Since", "Mon, 01 Jan 2001 00:00:00 GMT"),
                        ("If-Unmodified-Since", "Mon, 01 Jan 2001 00:00:00 GMT")]:
        error = assert_refused(lambda: bucket.put_object("k", b"new", headers={name: value}),
                               400, "NotImplemented", "0017-00000245")
        assert f"<Header>{name}</Header>" in error.body.decode()
    assert bucket.get_object("k").read() == b"old"
    # x-oss-forbid-overwrite is OSS's way to say "only if absent".
    assert_refused(lambda: bucket.put_object("k", b"new", headers={"x-oss-forbid-overwrite": "true"}),
                   409, "FileAlreadyExists")


def test_security_token_with_a_long_term_key(emulator, bucket):
    sts = emulator.bucket("hardening", auth=oss2.StsAuth(KEY_ID, KEY_SECRET, "CAIS+not-issued-here"))
    assert_refused(lambda: sts.get_bucket_info(), 403, "InvalidSecurityToken")
    url = sts.sign_url("GET", "anything", 60)
    assert "security-token=" in url
    response = requests.get(url, timeout=10)
    assert response.status_code == 403 and b"<Code>InvalidSecurityToken</Code>" in response.content
    assert bucket.get_bucket_info().name == "hardening"
    fields = {"key": "form", "x-oss-security-token": "CAIS+not-issued-here", **v1_fields(policy([]))}
    response = post(emulator, "hardening", fields)
    assert response.status_code == 403 and b"<Code>InvalidSecurityToken</Code>" in response.content, response.text


def test_live_channel_names_over_63_bytes(bucket):
    target = oss2.models.LiveChannelInfoTarget()
    bucket.create_live_channel("c" * 63, oss2.models.LiveChannelInfo(target=target))
    assert bucket.get_live_channel("c" * 63).target.type == "HLS"
    for name in ["c" * 64, "c" * 300, "c" * 1024]:
        assert_refused(lambda: bucket.create_live_channel(name, oss2.models.LiveChannelInfo(target=target)),
                       400, "InvalidArgument", "0017-00000258")
        assert_refused(lambda: bucket.get_live_channel_stat(name), 400, "InvalidArgument", "0017-00000258")


def test_unknown_methods_are_405(emulator, bucket):
    for method in ["PATCH", "FOO"]:
        response = requests.request(method, f"{emulator.endpoint}/hardening/key", timeout=10)
        assert response.status_code == 405, response.text
        assert b"<Code>MethodNotAllowed</Code>" in response.content
        assert response.headers["Allow"] == "GET, HEAD, PUT, POST, DELETE, OPTIONS"


def raw_get(endpoint, host):
    address = endpoint.replace("http://", "").split(":")
    with socket.create_connection((address[0], int(address[1])), timeout=10) as connection:
        connection.sendall(f"GET /_emulator/health HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode())
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    return answer


def test_host_with_an_invalid_port(emulator):
    for host in ["localhost:99999", "localhost:abc"]:
        answer = raw_get(emulator.endpoint, host)
        assert answer.startswith(b"HTTP/1.1 400") and b"<Code>InvalidArgument</Code>" in answer, answer
    assert raw_get(emulator.endpoint, "localhost:8080").startswith(b"HTTP/1.1 200")


def test_second_emulator_on_one_data_dir_exits_at_once(data_dir):
    first = RunningEmulator(data_dir).start()
    try:
        second = RunningEmulator(data_dir)
        with pytest.raises(RuntimeError, match="exited with"):
            second.start()
        lines = [line for line in second.stderr().splitlines() if line.strip()]
        assert len(lines) == 1, lines
        assert f"data directory {data_dir} is in use by another oss-live-emulator (pid {first.process.pid})" in lines[0]
        assert second.process.returncode != 0
        # The first one is untouched.
        first.bucket("still-here").create_bucket()
    finally:
        first.stop()
    # A clean stop lets the next one in.
    after_stop = RunningEmulator(data_dir).start()
    assert after_stop.bucket("still-here").get_bucket_info().name == "still-here"
    after_stop.stop()


def test_lock_goes_with_a_killed_emulator(data_dir):
    first = RunningEmulator(data_dir).start()
    first.bucket("kept").create_bucket()
    first.bucket("kept").put_object("k", b"v")
    first.stop(signal.SIGKILL)
    second = RunningEmulator(data_dir).start()
    try:
        assert second.bucket("kept").get_object("k").read() == b"v"
    finally:
        second.stop()
