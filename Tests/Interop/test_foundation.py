"""The object and bucket API through the real Python SDK (oss2)."""
import os
import signal
import socket
import subprocess

import oss2
import pytest
import requests

from conftest import KEY_ID, RunningEmulator, binary


def test_health_is_open(emulator):
    r = requests.get(emulator.endpoint + "/_emulator/health", timeout=5)
    assert r.status_code == 200


def test_every_response_carries_oss_headers(emulator):
    r = requests.get(emulator.endpoint + "/", timeout=5)
    assert r.status_code == 403
    assert r.headers["Server"] == "AliyunOSS"
    assert len(r.headers["x-oss-request-id"]) == 24
    assert r.headers["Date"].endswith(" GMT")
    assert b"<Code>AccessDenied</Code>" in r.content


def test_bucket_lifecycle(emulator):
    bucket = emulator.bucket("my-bucket")
    bucket.create_bucket()
    names = [b.name for b in oss2.BucketIterator(emulator.service())]
    assert "my-bucket" in names

    info = bucket.get_bucket_info()
    assert info.name == "my-bucket"
    assert info.storage_class == "Standard"

    bucket.put_object("hello.txt", b"hello world")
    with pytest.raises(oss2.exceptions.BucketNotEmpty) as err:
        bucket.delete_bucket()
    assert err.value.status == 409

    bucket.delete_object("hello.txt")
    bucket.delete_bucket()
    with pytest.raises(oss2.exceptions.NoSuchBucket):
        bucket.get_bucket_info()


def test_object_put_get_head_delete(emulator):
    bucket = emulator.bucket("objects")
    bucket.create_bucket()
    payload = os.urandom(300_000)
    result = bucket.put_object("dir/data.bin", payload, headers={"x-oss-meta-author": "someone"})
    assert result.status == 200
    assert result.etag  # oss2 verified the CRC-64 header too (enable_crc defaults to True)

    got = bucket.get_object("dir/data.bin")
    assert got.read() == payload
    assert got.headers["x-oss-meta-author"] == "someone"

    head = bucket.head_object("dir/data.bin")
    assert head.content_length == len(payload)
    assert head.etag == result.etag

    meta = bucket.get_object_meta("dir/data.bin")
    assert meta.content_length == len(payload)

    bucket.put_object("page.html", b"<p>hi</p>")
    assert bucket.head_object("page.html").content_type == "text/html"

    bucket.delete_object("dir/data.bin")
    assert not bucket.object_exists("dir/data.bin")
    with pytest.raises(oss2.exceptions.NoSuchKey):
        bucket.get_object("dir/data.bin")
    with pytest.raises(oss2.exceptions.NotFound):
        bucket.head_object("dir/data.bin")
    bucket.delete_object("never-existed")  # 204 as OSS


def test_keys_with_slashes_and_odd_segments(emulator):
    bucket = emulator.bucket("keys")
    bucket.create_bucket()
    keys = ["a", "a/b", "a/b/c.m3u8", "x/../y", "./dot", "sp ace/+plus", "trail/", "uni/čaj"]
    for i, key in enumerate(keys):
        bucket.put_object(key, f"v{i}".encode())
    for i, key in enumerate(keys):
        assert bucket.get_object(key).read() == f"v{i}".encode()
    listed = [o.key for o in oss2.ObjectIterator(bucket)]
    assert listed == sorted(keys, key=lambda k: k.encode())


def test_list_objects_v1(emulator):
    bucket = emulator.bucket("listing")
    bucket.create_bucket()
    keys = [f"logs/2024/{i:03d}.txt" for i in range(12)] + ["logs/readme", "media/a.ts", "top.txt"]
    for key in keys:
        bucket.put_object(key, b"x")

    page = bucket.list_objects(prefix="logs/", max_keys=5)
    assert [o.key for o in page.object_list] == [f"logs/2024/{i:03d}.txt" for i in range(5)]
    assert page.is_truncated
    assert page.next_marker == "logs/2024/004.txt"

    rest = bucket.list_objects(prefix="logs/", marker=page.next_marker, max_keys=100)
    assert [o.key for o in rest.object_list] == [f"logs/2024/{i:03d}.txt" for i in range(5, 12)] + ["logs/readme"]
    assert not rest.is_truncated

    grouped = bucket.list_objects(delimiter="/")
    assert grouped.prefix_list == ["logs/", "media/"]
    assert [o.key for o in grouped.object_list] == ["top.txt"]

    everything = [o.key for o in oss2.ObjectIterator(bucket, max_keys=4)]
    assert everything == sorted(keys)


def test_signature_errors(emulator):
    wrong = oss2.Bucket(oss2.Auth(KEY_ID, "not-the-secret"), emulator.endpoint, "sig-bucket")
    with pytest.raises(oss2.exceptions.SignatureDoesNotMatch) as err:
        wrong.create_bucket()
    assert err.value.status == 403
    assert "StringToSign" in err.value.details

    unknown = oss2.Bucket(oss2.Auth("nobody", "x"), emulator.endpoint, "sig-bucket")
    with pytest.raises(oss2.exceptions.ServerError) as err:
        unknown.create_bucket()
    assert err.value.status == 403 and err.value.code == "InvalidAccessKeyId"


def test_anonymous_access_follows_bucket_acl(emulator):
    owner = emulator.bucket("acl-bucket")
    owner.create_bucket(oss2.BUCKET_ACL_PRIVATE)
    owner.put_object("o.txt", b"secret")
    anonymous = emulator.bucket("acl-bucket", auth=oss2.AnonymousAuth())
    with pytest.raises(oss2.exceptions.AccessDenied):
        anonymous.get_object("o.txt")

    owner.put_bucket_acl(oss2.BUCKET_ACL_PUBLIC_READ)
    assert owner.get_bucket_acl().acl == oss2.BUCKET_ACL_PUBLIC_READ
    assert anonymous.get_object("o.txt").read() == b"secret"
    with pytest.raises(oss2.exceptions.AccessDenied):
        anonymous.put_object("new.txt", b"no")

    owner.put_bucket_acl(oss2.BUCKET_ACL_PUBLIC_READ_WRITE)
    anonymous.put_object("new.txt", b"yes")
    assert owner.get_object("new.txt").read() == b"yes"
    with pytest.raises(oss2.exceptions.AccessDenied):
        anonymous.list_objects()


def test_presigned_url(emulator):
    bucket = emulator.bucket("presign")
    bucket.create_bucket()
    bucket.put_object("ch1/playlist.m3u8", b"#EXTM3U\n")
    url = bucket.sign_url("GET", "ch1/playlist.m3u8", 60)
    r = requests.get(url, timeout=5)
    assert r.status_code == 200 and r.content == b"#EXTM3U\n"

    expired = bucket.sign_url("GET", "ch1/playlist.m3u8", -10)
    r = requests.get(expired, timeout=5)
    assert r.status_code == 403 and b"AccessDenied" in r.content


def test_state_survives_restart(data_dir):
    first = RunningEmulator(data_dir).start()
    try:
        bucket = first.bucket("durable")
        bucket.create_bucket(oss2.BUCKET_ACL_PUBLIC_READ)
        blobs = {f"k/{i}": os.urandom(1000 * i + 1) for i in range(20)}
        for key, value in blobs.items():
            bucket.put_object(key, value)
    finally:
        assert first.stop(signal.SIGTERM) == 0

    second = RunningEmulator(data_dir).start()
    try:
        bucket = second.bucket("durable")
        assert bucket.get_bucket_acl().acl == oss2.BUCKET_ACL_PUBLIC_READ
        for key, value in blobs.items():
            assert bucket.get_object(key).read() == value
        assert sorted(o.key for o in oss2.ObjectIterator(bucket)) == sorted(blobs)
    finally:
        second.stop()


def test_bucket_flag_creates_buckets(data_dir):
    running = RunningEmulator(data_dir, ["--bucket", "flagged:public-read-write"]).start()
    try:
        assert running.bucket("flagged").get_bucket_acl().acl == oss2.BUCKET_ACL_PUBLIC_READ_WRITE
    finally:
        running.stop()


def test_environment_variables_configure_the_server(data_dir):
    running = RunningEmulator(data_dir, env={"OSS_EMULATOR_BUCKET": "from-env"}).start()
    try:
        running.bucket("from-env").get_bucket_info()
    finally:
        running.stop()


def run_cli(args, timeout=20):
    return subprocess.run([binary()] + args, capture_output=True, text=True, timeout=timeout)


def test_bad_flag_fails_with_one_line():
    result = run_cli(["--no-such-flag"])
    assert result.returncode != 0
    assert "no-such-flag" in result.stderr


def test_bad_bucket_spec_fails():
    result = run_cli(["--ephemeral", "--port", "0", "--bucket", "x:publicish"])
    assert result.returncode != 0
    assert "publicish" in result.stderr


def test_busy_port_fails_clearly(tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        result = run_cli(["--ephemeral", "--port", str(port)])
    assert result.returncode != 0
    assert str(port) in result.stderr


def test_unwritable_data_dir_fails_clearly(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    result = run_cli(["--data-dir", str(blocker / "data"), "--port", "0"])
    assert result.returncode != 0
    assert "data" in result.stderr


def test_secret_is_never_printed(data_dir):
    running = RunningEmulator(data_dir).start()
    try:
        emulator_bucket = running.bucket("quiet")
        emulator_bucket.create_bucket()
    finally:
        running.stop()
    out = running.process.stdout.read().decode()
    assert KEY_ID in out
    assert "test-key-secret" not in out and "test-key-secret" not in running.stderr()


def test_content_type_by_extension_when_none_is_sent(emulator):
    owner = emulator.bucket("types")
    owner.create_bucket(oss2.BUCKET_ACL_PUBLIC_READ_WRITE)
    base = emulator.endpoint + "/types/"
    for key, expected in [("ch/playlist.m3u8", "application/x-mpegURL"), ("ch/1.ts", "video/MP2T"),
                          ("a.json", "application/json"), ("noext", "application/octet-stream")]:
        # requests sends no Content-Type for a bytes body
        assert requests.put(base + key, data=b"x", timeout=5).status_code == 200
        r = requests.get(base + key, timeout=5)
        assert r.headers["Content-Type"] == expected, key
    assert requests.get(base + "ch/playlist.m3u8", timeout=5).headers["Cache-Control"] == "no-cache"
