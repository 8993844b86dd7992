"""CopyObject, AppendObject, object ACL, tagging and symlinks through the V2 Python SDK."""
import os

import alibabacloud_oss_v2 as oss
import pytest

from sdk_v2 import bucket, client, crc64, etag_of, new_bucket, read_body, service_error  # noqa: F401


def put(client, bucket, key, body, **kwargs):
    return client.put_object(oss.PutObjectRequest(bucket=bucket, key=key, body=body, **kwargs))


def get(client, bucket, key):
    return read_body(client.get_object(oss.GetObjectRequest(bucket=bucket, key=key)))


def head(client, bucket, key):
    return client.head_object(oss.HeadObjectRequest(bucket=bucket, key=key))


def raises(call):
    with pytest.raises(oss.exceptions.OperationError) as err:
        call()
    return service_error(err)


# CopyObject

def test_copy_object_in_the_same_bucket_keeps_bytes_and_metadata(client, bucket):
    payload = os.urandom(200_000)
    source = put(client, bucket, "src.bin", payload, metadata={"colour": "blue"}, content_type="application/x-src")
    copied = client.copy_object(oss.CopyObjectRequest(bucket=bucket, key="dst.bin", source_key="src.bin"))
    assert copied.status_code == 200
    assert copied.etag == source.etag
    assert copied.hash_crc64 == crc64(payload)
    assert copied.last_modified is not None
    assert get(client, bucket, "dst.bin") == payload
    h = head(client, bucket, "dst.bin")
    assert h.metadata == {"colour": "blue"}
    assert h.content_type == "application/x-src"
    assert h.etag == source.etag


def test_copy_object_across_buckets(client, bucket):
    other = new_bucket(client)
    payload = b"crosses buckets" * 1000
    put(client, other, "from/here", payload)
    copied = client.copy_object(oss.CopyObjectRequest(
        bucket=bucket, key="to/there", source_bucket=other, source_key="from/here"))
    assert copied.etag == etag_of(payload)
    assert get(client, bucket, "to/there") == payload
    assert get(client, other, "from/here") == payload


def test_copy_object_replace_metadata(client, bucket):
    put(client, bucket, "orig", b"same bytes", metadata={"old": "1", "keep": "no"}, cache_control="no-store")
    client.copy_object(oss.CopyObjectRequest(
        bucket=bucket, key="orig", source_key="orig", metadata_directive="REPLACE",
        metadata={"new": "2"}, content_type="text/plain"))
    h = head(client, bucket, "orig")
    assert h.metadata == {"new": "2"}
    assert h.content_type == "text/plain"
    assert h.cache_control is None
    assert get(client, bucket, "orig") == b"same bytes"


def test_copy_object_errors(client, bucket):
    e = raises(lambda: client.copy_object(oss.CopyObjectRequest(bucket=bucket, key="d", source_key="no-such-source")))
    assert (e.status_code, e.code) == (404, "NoSuchKey")
    e = raises(lambda: client.copy_object(oss.CopyObjectRequest(
        bucket=bucket, key="d", source_bucket="v2-no-such-bucket-here", source_key="k")))
    assert (e.status_code, e.code) == (404, "NoSuchBucket")
    source = put(client, bucket, "s", b"x")
    e = raises(lambda: client.copy_object(oss.CopyObjectRequest(
        bucket=bucket, key="d", source_key="s", if_none_match=source.etag)))
    # OSS answers a copy whose if-none-match matches with 304 Not Modified.
    assert e.status_code == 304
    e = raises(lambda: client.copy_object(oss.CopyObjectRequest(
        bucket=bucket, key="d", source_key="s", if_match='"0123456789ABCDEF0123456789ABCDEF"')))
    assert (e.status_code, e.code) == (412, "PreconditionFailed")


def test_copier_single_copy_and_multipart_copy(client, bucket):
    payload = os.urandom(1_000_000)
    put(client, bucket, "big", payload, metadata={"k": "v"})
    copier = client.copier()
    single = copier.copy(oss.CopyObjectRequest(bucket=bucket, key="single", source_key="big"))
    assert single.etag == etag_of(payload)
    assert get(client, bucket, "single") == payload

    other = new_bucket(client)
    # Below the threshold the copier uses UploadPartCopy with ranged sources.
    multi = copier.copy(oss.CopyObjectRequest(bucket=other, key="multi", source_bucket=bucket, source_key="big"),
                        multipart_copy_threshold=200 * 1024, part_size=256 * 1024, parallel_num=2)
    assert multi.etag.endswith('-4"')
    assert multi.hash_crc64 == crc64(payload)
    assert get(client, other, "multi") == payload
    # The copier carries the source's metadata over to the new upload.
    assert head(client, other, "multi").metadata == {"k": "v"}


# AppendObject

def test_append_object_sequence(client, bucket):
    first = client.append_object(oss.AppendObjectRequest(bucket=bucket, key="log", position=0, body=b"hello "))
    assert first.next_position == 6
    assert first.hash_crc64 == crc64(b"hello ")
    second = client.append_object(oss.AppendObjectRequest(bucket=bucket, key="log", position=6, body=b"world"))
    assert second.next_position == 11
    assert second.hash_crc64 == crc64(b"hello world")
    h = head(client, bucket, "log")
    assert h.object_type == "Appendable"
    assert h.next_append_position == 11
    assert h.hash_crc64 == crc64(b"hello world")
    assert get(client, bucket, "log") == b"hello world"


def test_append_at_the_wrong_position(client, bucket):
    client.append_object(oss.AppendObjectRequest(bucket=bucket, key="log", position=0, body=b"abc"))
    e = raises(lambda: client.append_object(oss.AppendObjectRequest(bucket=bucket, key="log", position=1, body=b"d")))
    assert (e.status_code, e.code) == (409, "PositionNotEqualToLength")
    assert e.headers.get("x-oss-next-append-position") == "3"
    assert get(client, bucket, "log") == b"abc"


def test_append_to_a_normal_object_is_refused(client, bucket):
    put(client, bucket, "normal", b"abc")
    e = raises(lambda: client.append_object(oss.AppendObjectRequest(bucket=bucket, key="normal", position=3, body=b"d")))
    assert (e.status_code, e.code) == (409, "ObjectNotAppendable")


def test_append_only_file(client, bucket):
    chunks = [os.urandom(70_000), b"small", os.urandom(10)]
    with client.append_file(bucket, "appended.bin") as f:
        for chunk in chunks:
            f.write(chunk)
    with client.append_file(bucket, "appended.bin") as f:
        assert f.tell() == sum(len(c) for c in chunks)
        f.write(b"more")
    assert get(client, bucket, "appended.bin") == b"".join(chunks) + b"more"


# Object ACL

def test_object_acl(client, bucket):
    put(client, bucket, "acl.txt", b"x")
    assert client.get_object_acl(oss.GetObjectAclRequest(bucket=bucket, key="acl.txt")).acl == "default"
    client.put_object_acl(oss.PutObjectAclRequest(bucket=bucket, key="acl.txt", acl="public-read"))
    got = client.get_object_acl(oss.GetObjectAclRequest(bucket=bucket, key="acl.txt"))
    assert got.acl == "public-read"
    assert got.owner.id
    e = raises(lambda: client.put_object_acl(oss.PutObjectAclRequest(bucket=bucket, key="acl.txt", acl="everyone")))
    assert (e.status_code, e.code) == (400, "InvalidArgument")
    e = raises(lambda: client.get_object_acl(oss.GetObjectAclRequest(bucket=bucket, key="missing")))
    assert (e.status_code, e.code) == (404, "NoSuchKey")


def test_object_acl_set_on_put(client, bucket):
    put(client, bucket, "private.txt", b"x", acl="private")
    assert client.get_object_acl(oss.GetObjectAclRequest(bucket=bucket, key="private.txt")).acl == "private"


# Object tagging

def tag_pairs(result):
    return sorted((t.key, t.value) for t in (result.tag_set.tags or []))


def test_object_tagging(client, bucket):
    put(client, bucket, "tagged", b"x", tagging="project=emu&stage=test")
    assert head(client, bucket, "tagged").tagging_count == 2
    got = client.get_object_tagging(oss.GetObjectTaggingRequest(bucket=bucket, key="tagged"))
    assert tag_pairs(got) == [("project", "emu"), ("stage", "test")]

    client.put_object_tagging(oss.PutObjectTaggingRequest(
        bucket=bucket, key="tagged",
        tagging=oss.Tagging(tag_set=oss.TagSet(tags=[oss.Tag(key="only", value="one")]))))
    got = client.get_object_tagging(oss.GetObjectTaggingRequest(bucket=bucket, key="tagged"))
    assert tag_pairs(got) == [("only", "one")]

    deleted = client.delete_object_tagging(oss.DeleteObjectTaggingRequest(bucket=bucket, key="tagged"))
    assert deleted.status_code == 204
    got = client.get_object_tagging(oss.GetObjectTaggingRequest(bucket=bucket, key="tagged"))
    assert tag_pairs(got) == []


# Symlinks

def test_symlink(client, bucket):
    payload = b"the target's bytes"
    put(client, bucket, "target.txt", payload)
    client.put_symlink(oss.PutSymlinkRequest(bucket=bucket, key="link", target="target.txt", metadata={"via": "link"}))
    got = client.get_symlink(oss.GetSymlinkRequest(bucket=bucket, key="link"))
    assert got.target == "target.txt"
    assert got.metadata == {"via": "link"}
    assert get(client, bucket, "link") == payload
    assert head(client, bucket, "link").object_type == "Symlink"
    e = raises(lambda: client.get_symlink(oss.GetSymlinkRequest(bucket=bucket, key="target.txt")))
    assert (e.status_code, e.code) == (400, "NotSymlink")
