"""CopyObject, object tagging, storage classes with RestoreObject, the
x-oss-process answer and gzip GetObject, through the real Python SDK (oss2)."""
import gzip
import time
import xml.etree.ElementTree as ET

import oss2
import pytest
import requests
from oss2.headers import OSS_OBJECT_TAGGING, OSS_OBJECT_TAGGING_COPY_DIRECTIVE
from oss2.models import RestoreConfiguration, RestoreJobParameters, Tagging, TaggingRule

from conftest import RunningEmulator


@pytest.fixture
def bucket(emulator):
    b = emulator.bucket("copy-src")
    b.create_bucket()
    return b


@pytest.fixture
def other(emulator):
    b = emulator.bucket("copy-dst")
    b.create_bucket()
    return b


def tagging(pairs):
    rule = TaggingRule()
    for key, value in pairs:
        rule.add(key, value)
    return Tagging(rule)


# CopyObject


def test_copy_across_buckets_keeps_content_metadata_and_etag(bucket, other):
    key = "dir/阿里云 :?;@&=+$,/<>{}[]|"
    put = bucket.put_object(key, b"x" * 100, headers={
        "Content-Type": "text/csv", "x-oss-meta-owner": "alice", "Cache-Control": "no-store"})
    result = other.copy_object(bucket.bucket_name, key, "copied")
    assert result.etag == put.etag
    assert result.resp.headers["x-oss-hash-crc64ecma"] == put.resp.headers["x-oss-hash-crc64ecma"]
    got = other.get_object("copied")
    assert got.read() == b"x" * 100
    assert got.headers["Content-Type"] == "text/csv"
    assert got.headers["x-oss-meta-owner"] == "alice"
    assert got.headers["Cache-Control"] == "no-store"
    assert got.etag == put.etag


def test_copy_result_xml(emulator, bucket):
    bucket.put_object("a", b"abc")
    signed = bucket.sign_url("PUT", "b", 60, headers={"x-oss-copy-source": "/copy-src/a"})
    resp = requests.put(signed, headers={"x-oss-copy-source": "/copy-src/a"})
    assert resp.status_code == 200
    root = ET.fromstring(resp.content)
    assert root.tag == "CopyObjectResult"
    assert root.findtext("LastModified").endswith(".000Z")
    assert root.findtext("ETag") == '"900150983CD24FB0D6963F7D28E17F72"'
    assert resp.headers["ETag"] == '"900150983CD24FB0D6963F7D28E17F72"'


def test_copy_replace_takes_metadata_from_the_request(bucket, other):
    bucket.put_object("a.txt", b"abc", headers={"x-oss-meta-old": "1"})
    other.copy_object(bucket.bucket_name, "a.txt", "b.bin", headers={
        "x-oss-metadata-directive": "REPLACE", "Content-Type": "application/x-new", "x-oss-meta-new": "2"})
    head = other.head_object("b.bin")
    assert head.headers["Content-Type"] == "application/x-new"
    assert head.headers["x-oss-meta-new"] == "2"
    assert "x-oss-meta-old" not in head.headers


def test_invalid_metadata_directive(bucket):
    bucket.put_object("a", b"abc")
    with pytest.raises(oss2.exceptions.InvalidArgument):
        bucket.copy_object(bucket.bucket_name, "a", "b", headers={"x-oss-metadata-directive": "MOVE"})


def test_update_object_meta_keeps_bytes_etag_and_tags(bucket):
    put = bucket.put_object("m.txt", b"content", headers={OSS_OBJECT_TAGGING: "k=v"})
    before = bucket.head_object("m.txt")
    time.sleep(1.1)
    bucket.update_object_meta("m.txt", {"Content-Type": "whatever", "x-oss-meta-category": "novel"})
    head = bucket.head_object("m.txt")
    assert head.headers["Content-Type"] == "whatever"
    assert head.headers["x-oss-meta-category"] == "novel"
    assert head.etag == put.etag
    assert head.last_modified > before.last_modified
    assert bucket.get_object("m.txt").read() == b"content"
    assert bucket.get_object_tagging("m.txt").tag_set.tagging_rule == {"k": "v"}


def test_copy_onto_itself_with_copy_directive_keeps_metadata(bucket):
    bucket.put_object("same", b"abc", headers={"x-oss-meta-a": "1"})
    bucket.copy_object(bucket.bucket_name, "same", "same")
    assert bucket.head_object("same").headers["x-oss-meta-a"] == "1"


def test_copy_source_conditions(bucket):
    put = bucket.put_object("c", b"abc")
    with pytest.raises(oss2.exceptions.PreconditionFailed):
        bucket.copy_object(bucket.bucket_name, "c", "d", headers={"x-oss-copy-source-if-match": '"0000"'})
    with pytest.raises(oss2.exceptions.NotModified):
        bucket.copy_object(bucket.bucket_name, "c", "d", headers={"x-oss-copy-source-if-none-match": put.resp.headers["ETag"]})
    with pytest.raises(oss2.exceptions.NotModified):
        bucket.copy_object(bucket.bucket_name, "c", "d", headers={
            "x-oss-copy-source-if-modified-since": oss2.utils.http_date(int(time.time()) + 3600)})
    with pytest.raises(oss2.exceptions.PreconditionFailed):
        bucket.copy_object(bucket.bucket_name, "c", "d", headers={
            "x-oss-copy-source-if-unmodified-since": oss2.utils.http_date(int(time.time()) - 3600)})
    assert not bucket.object_exists("d")
    bucket.copy_object(bucket.bucket_name, "c", "d", headers={"x-oss-copy-source-if-match": put.resp.headers["ETag"]})
    assert bucket.get_object("d").read() == b"abc"


def test_copy_missing_source_and_forbid_overwrite(emulator, bucket):
    with pytest.raises(oss2.exceptions.NoSuchKey):
        bucket.copy_object(bucket.bucket_name, "absent", "x")
    with pytest.raises(oss2.exceptions.NoSuchBucket):
        bucket.copy_object("no-such-bucket-here", "a", "x")
    bucket.put_object("a", b"1")
    bucket.put_object("b", b"2")
    with pytest.raises(oss2.exceptions.OssError) as refused:
        bucket.copy_object(bucket.bucket_name, "a", "b", headers={"x-oss-forbid-overwrite": "true"})
    assert (refused.value.status, refused.value.code) == (409, "FileAlreadyExists")
    assert bucket.get_object("b").read() == b"2"


def test_copy_tagging_directive(bucket):
    bucket.put_object("t", b"abc", headers={OSS_OBJECT_TAGGING: "k1=v1&k2=v2"})
    bucket.copy_object(bucket.bucket_name, "t", "t-copy")
    assert bucket.get_object_tagging("t-copy").tag_set.tagging_rule == {"k1": "v1", "k2": "v2"}
    bucket.copy_object(bucket.bucket_name, "t", "t-replaced", headers={
        OSS_OBJECT_TAGGING_COPY_DIRECTIVE: "Replace", OSS_OBJECT_TAGGING: "%E4%B8%AD=x%2By"})
    assert bucket.get_object_tagging("t-replaced").tag_set.tagging_rule == {"中": "x+y"}
    bucket.copy_object(bucket.bucket_name, "t", "t-none", headers={OSS_OBJECT_TAGGING_COPY_DIRECTIVE: "REPLACE"})
    assert bucket.get_object_tagging("t-none").tag_set.len() == 0


# Object tagging


def test_tagging_round_trip_keeps_last_modified(bucket):
    put = bucket.put_object("o", b"abc")
    before = bucket.head_object("o")
    assert "x-oss-tagging-count" not in before.headers
    time.sleep(1.1)
    bucket.put_object_tagging("o", tagging([("a" * 128, "b" * 256), ("+-.:", "_/ ="), ("中文", "")]))
    got = bucket.get_object_tagging("o").tag_set.tagging_rule
    assert got == {"a" * 128: "b" * 256, "+-.:": "_/ =", "中文": ""}
    head = bucket.head_object("o")
    assert head.headers["x-oss-tagging-count"] == "3"
    assert head.last_modified == before.last_modified
    assert head.etag == put.etag
    assert bucket.get_object("o").headers["x-oss-tagging-count"] == "3"
    assert bucket.delete_object_tagging("o").status == 204
    assert bucket.get_object_tagging("o").tag_set.len() == 0


@pytest.mark.parametrize("pairs", [
    [("a" * 129, "v")],
    [("k", "v" * 257)],
    [("%@abc", "v")],
    [("k", "%abc")],
    [("", "v")],
    [("k%d" % i, "v") for i in range(11)],
])
def test_tagging_limits(bucket, pairs):
    bucket.put_object("o", b"abc")
    rule = TaggingRule()
    rule.tagging_rule.update(dict(pairs))
    with pytest.raises(oss2.exceptions.OssError) as refused:
        bucket.put_object_tagging("o", Tagging(rule))
    assert refused.value.status == 400
    assert refused.value.code == "InvalidTag"


def test_ten_tags_are_allowed_and_header_limits_apply(bucket):
    bucket.put_object("o", b"abc")
    bucket.put_object_tagging("o", tagging([("k%d" % i, "v") for i in range(10)]))
    assert bucket.get_object_tagging("o").tag_set.len() == 10
    with pytest.raises(oss2.exceptions.OssError) as refused:
        bucket.put_object("p", b"x", headers={OSS_OBJECT_TAGGING: "&".join("k%d=v" % i for i in range(11))})
    assert refused.value.code == "InvalidTag"
    with pytest.raises(oss2.exceptions.InvalidArgument):
        bucket.put_object("p", b"x", headers={OSS_OBJECT_TAGGING: "aa=bb=cc"})
    assert not bucket.object_exists("p")


def test_tagging_of_missing_object(bucket):
    with pytest.raises(oss2.exceptions.NoSuchKey):
        bucket.get_object_tagging("absent")
    with pytest.raises(oss2.exceptions.NoSuchKey):
        bucket.put_object_tagging("absent", tagging([("k", "v")]))


# Storage classes and RestoreObject


def test_archive_object_is_frozen_until_restored(bucket):
    bucket.put_object("cold.txt", b"frozen", headers={"x-oss-storage-class": "Archive"})
    head = bucket.head_object("cold.txt")
    assert head.headers["x-oss-storage-class"] == "Archive"
    assert "x-oss-restore" not in head.headers
    assert [o.storage_class for o in bucket.list_objects().object_list] == ["Archive"]
    with pytest.raises(oss2.exceptions.OssError) as frozen:
        bucket.get_object("cold.txt")
    assert (frozen.value.status, frozen.value.code) == (403, "InvalidObjectState")
    assert bucket.restore_object("cold.txt").status == 202
    head = bucket.head_object("cold.txt")
    assert head.headers["x-oss-restore"].startswith('ongoing-request="false", expiry-date="')
    assert bucket.get_object("cold.txt").read() == b"frozen"
    assert bucket.restore_object("cold.txt").status == 200
    info = bucket.list_objects().object_list[0].restore_info
    assert info.startswith('ongoing-request="false"')


def test_restore_of_standard_object_is_not_supported(bucket):
    bucket.put_object("hot", b"x")
    with pytest.raises(oss2.exceptions.OssError) as refused:
        bucket.restore_object("hot")
    assert (refused.value.status, refused.value.code) == (400, "OperationNotSupported")
    with pytest.raises(oss2.exceptions.NoSuchKey):
        bucket.restore_object("absent")


def test_cold_archive_restore_parameters(bucket):
    bucket.put_object("c", b"x", headers={"x-oss-storage-class": "ColdArchive"})
    config = RestoreConfiguration(days=5, job_parameters=RestoreJobParameters("wrong-tier"))
    with pytest.raises(oss2.exceptions.InvalidArgument):
        bucket.restore_object("c", input=config)
    config = RestoreConfiguration(days=366, job_parameters=RestoreJobParameters("Bulk"))
    with pytest.raises(oss2.exceptions.InvalidArgument):
        bucket.restore_object("c", input=config)
    config = RestoreConfiguration(days=5, job_parameters=RestoreJobParameters("Expedited"))
    result = bucket.restore_object("c", input=config)
    assert result.status == 202
    assert result.resp.headers["x-oss-object-restore-priority"] == "Expedited"
    bucket.put_object("a", b"x", headers={"x-oss-storage-class": "Archive"})
    with pytest.raises(oss2.exceptions.MalformedXml):
        bucket.restore_object("a", input=RestoreConfiguration(days=2, job_parameters=RestoreJobParameters("Bulk")))


def test_restore_in_progress_with_a_delay_and_after_restart(data_dir):
    running = RunningEmulator(data_dir, ["--restore-delay", "3600"]).start()
    try:
        b = running.bucket("slow")
        b.create_bucket()
        b.put_object("a", b"x", headers={"x-oss-storage-class": "DeepColdArchive"})
        assert b.restore_object("a").status == 202
        with pytest.raises(oss2.exceptions.OssError) as busy:
            b.restore_object("a")
        assert (busy.value.status, busy.value.code) == (409, "RestoreAlreadyInProgress")
        assert b.head_object("a").headers["x-oss-restore"] == 'ongoing-request="true"'
        assert b.list_objects().object_list[0].restore_info == 'ongoing-request="true"'
        with pytest.raises(oss2.exceptions.OssError) as frozen:
            b.get_object("a")
        assert frozen.value.code == "InvalidObjectState"
    finally:
        running.stop()
    running = RunningEmulator(data_dir, ["--restore-delay", "3600"]).start()
    try:
        assert running.bucket("slow").head_object("a").headers["x-oss-restore"] == 'ongoing-request="true"'
    finally:
        running.stop()


def test_copy_of_frozen_archive_object_is_refused(bucket):
    bucket.put_object("a", b"x", headers={"x-oss-storage-class": "Archive"})
    with pytest.raises(oss2.exceptions.OssError) as frozen:
        bucket.copy_object(bucket.bucket_name, "a", "b")
    assert frozen.value.code == "InvalidObjectState"
    bucket.restore_object("a")
    bucket.copy_object(bucket.bucket_name, "a", "b", headers={"x-oss-storage-class": "Standard"})
    assert bucket.get_object("b").read() == b"x"
    assert bucket.head_object("b").headers["x-oss-storage-class"] == "Standard"
    bucket.copy_object(bucket.bucket_name, "a", "c")
    assert bucket.head_object("c").headers["x-oss-storage-class"] == "Archive"
    assert "x-oss-restore" not in bucket.head_object("c").headers


# x-oss-process


def test_processing_is_not_emulated(bucket):
    bucket.put_object("p.jpg", b"\xff\xd8\xff")
    with pytest.raises(oss2.exceptions.OssError) as refused:
        bucket.get_object("p.jpg", process="image/resize,w_100")
    assert (refused.value.status, refused.value.code) == (501, "NotImplemented")
    with pytest.raises(oss2.exceptions.OssError) as refused:
        bucket.process_object("p.jpg", "image/resize,w_100|sys/saveas,o_eA")
    assert refused.value.status == 501
    with pytest.raises(oss2.exceptions.OssError) as refused:
        bucket.async_process_object("p.jpg", "image/resize,w_100")
    assert refused.value.status == 501
    with pytest.raises(oss2.exceptions.NoSuchKey):
        bucket.get_object("absent.jpg", process="image/resize,w_100")


# gzip


def test_gzip_for_text_of_one_kilobyte_or_more(bucket):
    content = b"hello gzip " * 1000
    bucket.put_object("g.txt", content)
    result = bucket.get_object("g.txt", headers={"Accept-Encoding": "gzip"})
    assert result.read() == content
    assert result.headers["Content-Encoding"] == "gzip"
    assert result.headers["Transfer-Encoding"] == "chunked"
    assert result.content_length is None
    assert "ETag" not in result.headers
    url = bucket.sign_url("GET", "g.txt", 60)
    raw = requests.get(url, headers={"Accept-Encoding": "gzip"}, stream=True)
    compressed = raw.raw.read(decode_content=False)
    assert len(compressed) < len(content) // 10
    assert gzip.decompress(compressed) == content


def test_no_gzip_below_one_kilobyte_other_types_or_ranges(bucket):
    bucket.put_object("small.txt", b"a" * 1023)
    bucket.put_object("image.jpg", b"a" * 4096)
    bucket.put_object("big.txt", b"a" * 4096)
    for key in ("small.txt", "image.jpg"):
        result = bucket.get_object(key, headers={"Accept-Encoding": "gzip"})
        assert "Content-Encoding" not in result.headers
        assert result.headers["ETag"]
    ranged = bucket.get_object("big.txt", byte_range=(0, 9), headers={"Accept-Encoding": "gzip"})
    assert ranged.read() == b"a" * 10
    assert "Content-Encoding" not in ranged.headers
    plain = bucket.get_object("big.txt")
    assert "Content-Encoding" not in plain.headers and plain.content_length == 4096


def test_restore_delay_from_the_environment(data_dir):
    running = RunningEmulator(data_dir, env={"OSS_EMULATOR_RESTORE_DELAY": "3600"}).start()
    try:
        b = running.bucket("envdelay")
        b.create_bucket()
        b.put_object("a", b"x", headers={"x-oss-storage-class": "ColdArchive"})
        assert b.restore_object("a").status == 202
        assert b.head_object("a").headers["x-oss-restore"] == 'ongoing-request="true"'
    finally:
        running.stop()


@pytest.mark.parametrize("value", ["-1", "soon"])
def test_bad_restore_delay_is_refused(data_dir, value):
    with pytest.raises(RuntimeError, match="restore-delay"):
        RunningEmulator(data_dir, env={"OSS_EMULATOR_RESTORE_DELAY": value}).start()
