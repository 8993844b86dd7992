"""Multipart upload, and the SDK's uploader and downloader managers, through the V2 Python SDK."""
import hashlib
import os

import alibabacloud_oss_v2 as oss
import pytest

from sdk_v2 import bucket, client, crc64, multipart_etag, read_body, service_error  # noqa: F401

PART = 100 * 1024  # the smallest part OSS takes for all but the last


def initiate(client, bucket, key, **kwargs):
    result = client.initiate_multipart_upload(oss.InitiateMultipartUploadRequest(bucket=bucket, key=key, **kwargs))
    assert result.bucket == bucket and result.key == key
    assert result.upload_id
    return result.upload_id


def upload_parts(client, bucket, key, upload_id, parts):
    uploaded = []
    for number, data in enumerate(parts, start=1):
        result = client.upload_part(oss.UploadPartRequest(
            bucket=bucket, key=key, upload_id=upload_id, part_number=number, body=data))
        assert result.etag == '"' + hashlib.md5(data).hexdigest().upper() + '"'
        assert result.hash_crc64 == crc64(data)
        uploaded.append(oss.UploadPart(part_number=number, etag=result.etag))
    return uploaded


def complete(client, bucket, key, upload_id, uploaded, **kwargs):
    return client.complete_multipart_upload(oss.CompleteMultipartUploadRequest(
        bucket=bucket, key=key, upload_id=upload_id,
        complete_multipart_upload=oss.CompleteMultipartUpload(parts=uploaded), **kwargs))


def raises(call):
    with pytest.raises(oss.exceptions.OperationError) as err:
        call()
    return service_error(err)


def test_multipart_upload_round_trip(client, bucket):
    parts = [os.urandom(PART), os.urandom(PART + 17), os.urandom(5)]
    upload_id = initiate(client, bucket, "mp.bin", metadata={"origin": "multipart"}, content_type="application/x-mp")
    uploaded = upload_parts(client, bucket, "mp.bin", upload_id, parts)
    done = complete(client, bucket, "mp.bin", upload_id, uploaded)
    whole = b"".join(parts)
    assert done.status_code == 200
    assert done.bucket == bucket and done.key == "mp.bin"
    assert done.etag == multipart_etag(parts)
    assert done.hash_crc64 == crc64(whole)

    h = client.head_object(oss.HeadObjectRequest(bucket=bucket, key="mp.bin"))
    assert h.object_type == "Multipart"
    assert h.content_length == len(whole)
    assert h.etag == done.etag
    assert h.metadata == {"origin": "multipart"}
    assert h.content_type == "application/x-mp"
    assert read_body(client.get_object(oss.GetObjectRequest(bucket=bucket, key="mp.bin"))) == whole
    # The upload is gone once completed.
    e = raises(lambda: client.list_parts(oss.ListPartsRequest(bucket=bucket, key="mp.bin", upload_id=upload_id)))
    assert (e.status_code, e.code) == (404, "NoSuchUpload")


def test_list_parts_paginator(client, bucket):
    parts = [os.urandom(PART) for _ in range(5)]
    upload_id = initiate(client, bucket, "lp")
    uploaded = upload_parts(client, bucket, "lp", upload_id, parts)
    pages = list(client.list_parts_paginator(limit=2).iter_page(
        oss.ListPartsRequest(bucket=bucket, key="lp", upload_id=upload_id)))
    assert len(pages) == 3
    assert all(p.is_truncated for p in pages[:-1]) and not pages[-1].is_truncated
    listed = [part for page in pages for part in page.parts]
    assert [p.part_number for p in listed] == [1, 2, 3, 4, 5]
    assert [p.etag for p in listed] == [u.etag for u in uploaded]
    assert [p.size for p in listed] == [PART] * 5
    assert [p.hash_crc64 for p in listed] == [crc64(p) for p in parts]
    assert all(p.last_modified is not None for p in listed)
    client.abort_multipart_upload(oss.AbortMultipartUploadRequest(bucket=bucket, key="lp", upload_id=upload_id))


def test_list_multipart_uploads_paginator_and_abort(client, bucket):
    started = sorted((key, initiate(client, bucket, key)) for key in ["a/1", "a/2", "b/1", "c", "c"])
    pages = list(client.list_multipart_uploads_paginator(limit=2).iter_page(
        oss.ListMultipartUploadsRequest(bucket=bucket)))
    assert len(pages) == 3
    listed = [(u.key, u.upload_id) for page in pages for u in page.uploads]
    assert sorted(listed) == started
    assert [k for k, _ in listed] == sorted(k for k, _ in started)

    prefixed = client.list_multipart_uploads(oss.ListMultipartUploadsRequest(bucket=bucket, prefix="a/"))
    assert sorted(u.key for u in prefixed.uploads) == ["a/1", "a/2"]

    key, upload_id = started[0]
    aborted = client.abort_multipart_upload(oss.AbortMultipartUploadRequest(bucket=bucket, key=key, upload_id=upload_id))
    assert aborted.status_code == 204
    remaining = client.list_multipart_uploads(oss.ListMultipartUploadsRequest(bucket=bucket))
    assert upload_id not in [u.upload_id for u in remaining.uploads]
    assert len(remaining.uploads) == 4
    e = raises(lambda: client.upload_part(oss.UploadPartRequest(
        bucket=bucket, key=key, upload_id=upload_id, part_number=1, body=b"late")))
    assert (e.status_code, e.code) == (404, "NoSuchUpload")
    e = raises(lambda: client.abort_multipart_upload(oss.AbortMultipartUploadRequest(
        bucket=bucket, key=key, upload_id=upload_id)))
    assert (e.status_code, e.code) == (404, "NoSuchUpload")
    assert not client.is_object_exist(bucket, key)


def test_complete_errors(client, bucket):
    parts = [os.urandom(PART), os.urandom(PART)]
    upload_id = initiate(client, bucket, "bad")
    uploaded = upload_parts(client, bucket, "bad", upload_id, parts)

    wrong_etag = [uploaded[0], oss.UploadPart(part_number=2, etag='"0123456789ABCDEF0123456789ABCDEF"')]
    e = raises(lambda: complete(client, bucket, "bad", upload_id, wrong_etag))
    assert (e.status_code, e.code) == (400, "InvalidPart")

    e = raises(lambda: complete(client, bucket, "bad", upload_id, list(reversed(uploaded))))
    assert (e.status_code, e.code) == (400, "InvalidPartOrder")

    small = [os.urandom(10), os.urandom(10)]
    upload_small = initiate(client, bucket, "small")
    uploaded_small = upload_parts(client, bucket, "small", upload_small, small)
    e = raises(lambda: complete(client, bucket, "small", upload_small, uploaded_small))
    assert (e.status_code, e.code) == (400, "EntityTooSmall")

    e = raises(lambda: complete(client, bucket, "bad", "no-such-upload-id", uploaded))
    assert (e.status_code, e.code) == (404, "NoSuchUpload")

    # The failed attempts left the upload intact.
    done = complete(client, bucket, "bad", upload_id, uploaded)
    assert done.etag == multipart_etag(parts)


def test_complete_all_parts_by_header(client, bucket):
    parts = [os.urandom(PART), os.urandom(PART), b"tail"]
    upload_id = initiate(client, bucket, "all")
    upload_parts(client, bucket, "all", upload_id, parts)
    done = client.complete_multipart_upload(oss.CompleteMultipartUploadRequest(
        bucket=bucket, key="all", upload_id=upload_id, complete_all="yes"))
    assert done.etag == multipart_etag(parts)
    assert read_body(client.get_object(oss.GetObjectRequest(bucket=bucket, key="all"))) == b"".join(parts)


def test_uploader_and_downloader_with_parallel_parts(client, bucket, tmp_path):
    payload = os.urandom(30 * 1024 * 1024 + 12345)
    source = tmp_path / "thirty.bin"
    source.write_bytes(payload)

    uploader = client.uploader(part_size=5 * 1024 * 1024, parallel_num=3)
    uploaded = uploader.upload_file(oss.PutObjectRequest(bucket=bucket, key="big/thirty.bin"), str(source))
    assert uploaded.upload_id  # went multipart: 7 parts
    assert uploaded.etag.endswith('-7"')
    assert uploaded.hash_crc64 == crc64(payload)
    h = client.head_object(oss.HeadObjectRequest(bucket=bucket, key="big/thirty.bin"))
    assert h.content_length == len(payload)
    assert h.object_type == "Multipart"

    target = tmp_path / "back.bin"
    downloader = client.downloader(part_size=4 * 1024 * 1024, parallel_num=3)
    # The downloader fetches ranges in parallel and checks the combined CRC-64 against the object's.
    downloaded = downloader.download_file(oss.GetObjectRequest(bucket=bucket, key="big/thirty.bin"), str(target))
    assert downloaded.written == len(payload)
    assert hashlib.sha256(target.read_bytes()).hexdigest() == hashlib.sha256(payload).hexdigest()


def test_uploader_small_file_goes_in_one_put(client, bucket, tmp_path):
    payload = os.urandom(300_000)
    source = tmp_path / "small.bin"
    source.write_bytes(payload)
    uploaded = client.uploader().upload_file(oss.PutObjectRequest(bucket=bucket, key="small.bin"), str(source))
    assert uploaded.upload_id is None
    assert uploaded.etag == '"' + hashlib.md5(payload).hexdigest().upper() + '"'
    assert read_body(client.get_object(oss.GetObjectRequest(bucket=bucket, key="small.bin"))) == payload
