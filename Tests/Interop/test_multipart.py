"""Multipart upload through the real Python SDK (oss2): the low-level calls,
their errors, ListMultipartUploads paging, and oss2's resumable upload and
download (threads, checkpoints, an upload killed halfway and resumed)."""
import base64
import hashlib
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import textwrap
import time

import oss2
import pytest
from oss2.models import PartInfo
from oss2.utils import calc_obj_crc_from_parts

from conftest import KEY_ID, KEY_SECRET, binary

KB = 1024
MB = 1024 * 1024
MIN_PART = 100 * KB


class LoggedEmulator:
    """The emulator with its request log in a file, to count requests."""

    def __init__(self, data_dir):
        self.data_dir = data_dir
        self.log_path = os.path.join(data_dir, "..", os.path.basename(data_dir) + "-requests.log")
        ready = tempfile.mktemp(prefix="oss-emulator-ready-", suffix=".json")
        self.log = open(self.log_path, "w")
        self.process = subprocess.Popen(
            [binary(), "--port", "0", "--rtmp-port", "0", "--data-dir", data_dir, "--access-key-id", KEY_ID,
             "--access-key-secret", KEY_SECRET, "--ready-file", ready],
            stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 20
        while not os.path.exists(ready):
            assert self.process.poll() is None, "emulator exited"
            assert time.monotonic() < deadline, "emulator did not become ready"
            time.sleep(0.02)
        with open(ready) as f:
            self.endpoint = json.load(f)["http"]
        os.unlink(ready)

    def bucket(self, name):
        return oss2.Bucket(oss2.Auth(KEY_ID, KEY_SECRET), self.endpoint, name)

    def upload_part_requests(self):
        with open(self.log_path, errors="replace") as f:
            return sum(1 for line in f if "method=PUT" in line and re.search(r"subresource=\S*partNumber", line))

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(timeout=10)
        self.log.close()
        os.unlink(self.log_path)


@pytest.fixture
def server(data_dir):
    running = LoggedEmulator(data_dir)
    yield running
    running.stop()


@pytest.fixture
def bucket(server):
    b = server.bucket("multipart-bucket")
    b.create_bucket()
    return b


def sha256_file(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(MB), b""):
            digest.update(chunk)
    return digest.hexdigest()


def random_file(directory, size):
    path = os.path.join(directory, "source.bin")
    with open(path, "wb") as f:
        remaining = size
        while remaining:
            n = min(remaining, 4 * MB)
            f.write(os.urandom(n))
            remaining -= n
    return path


def test_init_upload_list_complete(bucket):
    key = "dir/video.bin"
    first, second = os.urandom(MIN_PART + 5), os.urandom(1000)
    init = bucket.init_multipart_upload(key, headers={"Content-Type": "video/mp4", "x-oss-meta-owner": "me"})
    assert re.fullmatch(r"[0-9A-F]{32}", init.upload_id)
    r2 = bucket.upload_part(key, init.upload_id, 2, second)
    r1 = bucket.upload_part(key, init.upload_id, 1, first)
    assert r1.etag == hashlib.md5(first).hexdigest().upper()
    assert r1.crc is not None and r2.crc is not None

    listed = bucket.list_parts(key, init.upload_id)
    assert [(p.part_number, p.size, p.etag) for p in listed.parts] == [(1, len(first), r1.etag), (2, len(second), r2.etag)]
    assert not listed.is_truncated
    page = bucket.list_parts(key, init.upload_id, max_parts=1)
    assert page.is_truncated and page.next_marker == "1" and [p.part_number for p in page.parts] == [1]
    rest = bucket.list_parts(key, init.upload_id, marker=page.next_marker)
    assert [p.part_number for p in rest.parts] == [2]

    uploads = bucket.list_multipart_uploads()
    assert [(u.key, u.upload_id) for u in uploads.upload_list] == [(key, init.upload_id)]

    parts = [PartInfo(1, r1.etag, size=len(first), part_crc=r1.crc), PartInfo(2, r2.etag, size=len(second), part_crc=r2.crc)]
    done = bucket.complete_multipart_upload(key, init.upload_id, parts)
    expected_etag = hashlib.md5(bytes.fromhex(r1.etag) + bytes.fromhex(r2.etag)).hexdigest().upper() + "-2"
    assert done.etag == expected_etag
    assert done.crc == calc_obj_crc_from_parts(parts)

    got = bucket.get_object(key)
    assert got.read() == first + second
    assert got.headers["x-oss-object-type"] == "Multipart"
    assert got.headers["Content-Type"] == "video/mp4"
    assert got.headers["x-oss-meta-owner"] == "me"
    assert int(got.headers["x-oss-hash-crc64ecma"]) == done.crc
    assert bucket.list_multipart_uploads().upload_list == []
    with pytest.raises(oss2.exceptions.NoSuchUpload):
        bucket.list_parts(key, init.upload_id)


def test_content_md5_is_announced_for_whole_and_sequential_uploads_only(bucket):
    content = os.urandom(128 * 1024)
    expected = base64.b64encode(hashlib.md5(content).digest()).decode()
    bucket.put_object("whole", content)
    assert bucket.get_object("whole").resp.headers.get("Content-MD5") == expected
    assert bucket.head_object("whole").resp.headers.get("Content-MD5") == expected
    # A range answer carries no digest of the whole object.
    assert bucket.get_object("whole", byte_range=(0, 9)).resp.headers.get("Content-MD5") is None
    for params, announced in ((None, None), ({"sequential": ""}, expected)):
        upload_id = bucket.init_multipart_upload("parts", params=params).upload_id
        etag = bucket.upload_part("parts", upload_id, 1, content).etag
        bucket.complete_multipart_upload("parts", upload_id, [oss2.models.PartInfo(1, etag)])
        assert bucket.get_object("parts").resp.headers.get("Content-MD5") == announced
    bucket.append_object("appended", 0, content)
    assert bucket.head_object("appended").resp.headers.get("Content-MD5") is None


def test_sequential_upload_refuses_a_part_after_a_higher_one(bucket):
    content = os.urandom(100 * 1024)
    upload_id = bucket.init_multipart_upload("seq", params={"sequential": ""}).upload_id
    etags = {n: bucket.upload_part("seq", upload_id, n, content).etag for n in (1, 3)}
    with pytest.raises(oss2.exceptions.PartNotSequential):
        bucket.upload_part("seq", upload_id, 2, content)
    etags[3] = bucket.upload_part("seq", upload_id, 3, content).etag   # the highest again replaces it
    bucket.complete_multipart_upload("seq", upload_id, [PartInfo(n, etags[n]) for n in (1, 3)])
    assert bucket.get_object("seq").read() == content * 2
    # Without ?sequential parts come in any order.
    upload_id = bucket.init_multipart_upload("any").upload_id
    for n in (3, 1, 2):
        bucket.upload_part("any", upload_id, n, content)


def test_part_copy_of_an_archived_object_needs_a_restore(bucket):
    content = os.urandom(100 * 1024)
    bucket.put_object("cold", content, headers={"x-oss-storage-class": "Archive"})
    upload_id = bucket.init_multipart_upload("warm").upload_id
    with pytest.raises(oss2.exceptions.ServerError) as refused:
        bucket.upload_part_copy(bucket.bucket_name, "cold", None, "warm", upload_id, 1)
    assert (refused.value.status, refused.value.code) == (403, "InvalidObjectState")
    bucket.restore_object("cold")
    etag = bucket.upload_part_copy(bucket.bucket_name, "cold", None, "warm", upload_id, 1).etag
    bucket.complete_multipart_upload("warm", upload_id, [PartInfo(1, etag)])
    assert bucket.get_object("warm").read() == content


def test_abort(bucket):
    upload_id = bucket.init_multipart_upload("k").upload_id
    bucket.upload_part("k", upload_id, 1, b"x")
    assert bucket.abort_multipart_upload("k", upload_id).status == 204
    with pytest.raises(oss2.exceptions.NoSuchUpload):
        bucket.abort_multipart_upload("k", upload_id)
    with pytest.raises(oss2.exceptions.NoSuchUpload):
        bucket.upload_part("k", upload_id, 1, b"x")
    with pytest.raises(oss2.exceptions.NoSuchKey):
        bucket.get_object("k")


def test_complete_errors(bucket):
    key = "errors"
    upload_id = bucket.init_multipart_upload(key).upload_id
    small = bucket.upload_part(key, upload_id, 1, b"tiny")
    big = bucket.upload_part(key, upload_id, 2, os.urandom(MIN_PART))

    def complete(parts):
        with pytest.raises(oss2.exceptions.ServerError) as err:
            bucket.complete_multipart_upload(key, upload_id, parts)
        return err.value

    # oss2 sorts the list it is given, so an unordered list goes out raw.
    body = b"<CompleteMultipartUpload><Part><PartNumber>2</PartNumber><ETag>\"%s\"</ETag></Part>" \
           b"<Part><PartNumber>1</PartNumber><ETag>\"%s\"</ETag></Part></CompleteMultipartUpload>" % (
               big.etag.encode(), small.etag.encode())
    with pytest.raises(oss2.exceptions.ServerError) as err:
        bucket._Bucket__do_object("POST", key, data=body, params={"uploadId": upload_id})
    assert err.value.status == 400 and err.value.code == "InvalidPartOrder"

    e = complete([PartInfo(1, small.etag), PartInfo(3, big.etag)])
    assert (e.status, e.code) == (400, "InvalidPart")
    e = complete([PartInfo(1, "0" * 32)])
    assert (e.status, e.code) == (400, "InvalidPart")
    e = complete([PartInfo(1, small.etag), PartInfo(2, big.etag)])
    assert (e.status, e.code) == (400, "EntityTooSmall")

    # The upload is still there after refused completions; the small part may be last.
    done = bucket.complete_multipart_upload(key, upload_id, [PartInfo(2, big.etag)])
    assert done.etag.endswith("-1")
    with pytest.raises(oss2.exceptions.NoSuchUpload):
        bucket.complete_multipart_upload(key, upload_id, [PartInfo(2, big.etag)])
    with pytest.raises(oss2.exceptions.NoSuchUpload):
        bucket.upload_part(key, "0" * 32, 1, b"x")
    with pytest.raises(oss2.exceptions.InvalidArgument):
        bucket.upload_part(key, bucket.init_multipart_upload(key).upload_id, 10001, b"x")


def test_complete_all_and_part_copy(bucket):
    source = os.urandom(300 * KB)
    bucket.put_object("source", source)
    key = "copied"
    upload_id = bucket.init_multipart_upload(key).upload_id
    c1 = bucket.upload_part_copy(bucket.bucket_name, "source", (0, 150 * KB - 1), key, upload_id, 1)
    c2 = bucket.upload_part_copy(bucket.bucket_name, "source", (150 * KB, None), key, upload_id, 2)
    assert c1.etag == hashlib.md5(source[:150 * KB]).hexdigest().upper()
    done = bucket.complete_multipart_upload(key, upload_id, None, headers={"x-oss-complete-all": "yes"})
    assert done.etag.endswith("-2")
    assert bucket.get_object(key).read() == source
    assert c2.etag == hashlib.md5(source[150 * KB:]).hexdigest().upper()


def test_forbid_overwrite_and_bucket_deletion(server):
    b = server.bucket("delete-me")
    b.create_bucket()
    b.put_object("exists", b"1")
    with pytest.raises(oss2.exceptions.ServerError) as err:
        b.init_multipart_upload("exists", headers={"x-oss-forbid-overwrite": "true"})
    assert err.value.code == "FileAlreadyExists"
    b.delete_object("exists")
    upload_id = b.init_multipart_upload("pending").upload_id
    # OSS refuses to delete a bucket with unfinished uploads.
    with pytest.raises(oss2.exceptions.BucketNotEmpty):
        b.delete_bucket()
    b.abort_multipart_upload("pending", upload_id)
    b.delete_bucket()


def test_list_multipart_uploads_paging(bucket):
    ids = {}
    for key in ["b/2", "a", "b/1", "a", "c"]:
        ids.setdefault(key, []).append(bucket.init_multipart_upload(key).upload_id)
    expected = [("a", ids["a"][0]), ("a", ids["a"][1]), ("b/1", ids["b/1"][0]), ("b/2", ids["b/2"][0]), ("c", ids["c"][0])]

    seen = []
    key_marker, id_marker = "", ""
    while True:
        page = bucket.list_multipart_uploads(key_marker=key_marker, upload_id_marker=id_marker, max_uploads=2)
        assert len(page.upload_list) <= 2
        seen += [(u.key, u.upload_id) for u in page.upload_list]
        if not page.is_truncated:
            break
        key_marker, id_marker = page.next_key_marker, page.next_upload_id_marker
    assert seen == expected
    assert [(u.key, u.upload_id) for u in oss2.MultipartUploadIterator(bucket, max_uploads=1)] == expected

    grouped = bucket.list_multipart_uploads(delimiter="/")
    assert grouped.prefix_list == ["b/"]
    assert [u.key for u in grouped.upload_list] == ["a", "a", "c"]
    assert [u.key for u in bucket.list_multipart_uploads(prefix="b/").upload_list] == ["b/1", "b/2"]


def test_resumable_upload_and_download_of_60_mb(bucket, tmp_path):
    path = random_file(str(tmp_path), 60 * MB)
    store = oss2.ResumableStore(root=str(tmp_path / "checkpoints"))
    result = oss2.resumable_upload(bucket, "big/file.bin", path, store=store, multipart_threshold=10 * MB,
                                   part_size=3 * MB, num_threads=4)
    assert result.etag.endswith("-20")
    head = bucket.head_object("big/file.bin")
    assert head.content_length == 60 * MB
    assert head.object_type == "Multipart"

    out = str(tmp_path / "download.bin")
    oss2.resumable_download(bucket, "big/file.bin", out, multiget_threshold=5 * MB, part_size=4 * MB, num_threads=4,
                            store=oss2.ResumableDownloadStore(root=str(tmp_path / "download-checkpoints")))
    assert sha256_file(out) == sha256_file(path)


CHILD = textwrap.dedent("""
    import sys, time, oss2
    endpoint, key_id, secret, bucket_name, key, path, store_root = sys.argv[1:]
    original = oss2.Bucket.upload_part
    def slow_upload_part(self, *args, **kwargs):
        time.sleep(0.25)  # slow enough to be killed halfway
        return original(self, *args, **kwargs)
    oss2.Bucket.upload_part = slow_upload_part
    bucket = oss2.Bucket(oss2.Auth(key_id, secret), endpoint, bucket_name)
    oss2.resumable_upload(bucket, key, path, store=oss2.ResumableStore(root=store_root),
                          multipart_threshold=1024 * 1024, part_size=1024 * 1024, num_threads=1)
""")


def test_interrupted_resumable_upload_resumes_from_its_checkpoint(server, bucket, tmp_path):
    total_parts = 24
    path = random_file(str(tmp_path), total_parts * MB)
    store_root = str(tmp_path / "checkpoints")
    key = "resumed.bin"
    child = subprocess.Popen([sys.executable, "-c", CHILD, server.endpoint, KEY_ID, KEY_SECRET, bucket.bucket_name, key,
                              path, store_root])
    try:
        deadline = time.monotonic() + 60
        listed = 0
        while listed < 5:
            assert child.poll() is None, "the upload finished before it could be interrupted"
            assert time.monotonic() < deadline
            uploads = bucket.list_multipart_uploads().upload_list
            if uploads:
                listed = len(bucket.list_parts(key, uploads[0].upload_id).parts)
            time.sleep(0.05)
        child.send_signal(signal.SIGKILL)
        child.wait()
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()

    upload = bucket.list_multipart_uploads().upload_list[0]
    before = len(bucket.list_parts(key, upload.upload_id).parts)
    assert 5 <= before < total_parts
    requests_before = server.upload_part_requests()

    oss2.resumable_upload(bucket, key, path, store=oss2.ResumableStore(root=store_root),
                          multipart_threshold=MB, part_size=MB, num_threads=4)
    resumed = server.upload_part_requests() - requests_before
    # The checkpoint lists the parts it saw finish; at most the one in flight is sent again.
    assert total_parts - before <= resumed <= total_parts - before + 1
    assert resumed < total_parts

    out = str(tmp_path / "out.bin")
    bucket.get_object_to_file(key, out)
    assert sha256_file(out) == sha256_file(path)
    assert bucket.list_multipart_uploads().upload_list == []
