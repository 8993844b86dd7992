"""Objects, listings and errors through the V2 Python SDK (alibabacloud-oss-v2)."""
import base64
import datetime
import hashlib
import os
import time

import alibabacloud_oss_v2 as oss
import pytest
import requests

from sdk_v2 import bucket, client, client_for, crc64, etag_of, new_bucket, read_body, service_error  # noqa: F401


def test_put_get_head_delete_round_trip(client, bucket):
    payload = os.urandom(300_000)
    put = client.put_object(oss.PutObjectRequest(
        bucket=bucket, key="dir/data.bin", body=payload,
        metadata={"author": "someone", "purpose": "round-trip"},
        content_type="application/x-test", cache_control="no-cache"))
    assert put.status_code == 200
    assert put.etag == etag_of(payload)
    assert put.hash_crc64 == crc64(payload)
    assert len(put.request_id) > 0

    head = client.head_object(oss.HeadObjectRequest(bucket=bucket, key="dir/data.bin"))
    assert head.content_length == len(payload)
    assert head.etag == put.etag
    assert head.hash_crc64 == put.hash_crc64
    assert head.metadata == {"author": "someone", "purpose": "round-trip"}
    assert head.content_type == "application/x-test"
    assert head.cache_control == "no-cache"
    assert head.object_type == "Normal"
    assert head.storage_class == "Standard"
    assert head.last_modified is not None

    got = client.get_object(oss.GetObjectRequest(bucket=bucket, key="dir/data.bin"))
    assert got.content_length == len(payload)
    assert got.etag == put.etag
    assert got.hash_crc64 == put.hash_crc64
    assert got.metadata["author"] == "someone"
    assert read_body(got) == payload

    deleted = client.delete_object(oss.DeleteObjectRequest(bucket=bucket, key="dir/data.bin"))
    assert deleted.status_code == 204
    assert not client.is_object_exist(bucket, "dir/data.bin")


def test_put_returns_the_content_md5_of_the_body(client, bucket):
    payload = b"checked by md5"
    put = client.put_object(oss.PutObjectRequest(bucket=bucket, key="m.txt", body=payload))
    assert put.content_md5 == base64.b64encode(hashlib.md5(payload).digest()).decode()


def test_empty_object_and_unicode_key(client, bucket):
    key = "目录/空 文件+#?.txt"
    put = client.put_object(oss.PutObjectRequest(bucket=bucket, key=key, body=b""))
    assert put.etag == etag_of(b"")
    assert put.hash_crc64 == "0"
    got = client.get_object(oss.GetObjectRequest(bucket=bucket, key=key))
    assert read_body(got) == b""
    listed = client.list_objects_v2(oss.ListObjectsV2Request(bucket=bucket))
    assert [o.key for o in listed.contents] == [key]


def test_range_get(client, bucket):
    payload = bytes(range(256)) * 40
    client.put_object(oss.PutObjectRequest(bucket=bucket, key="r.bin", body=payload))
    got = client.get_object(oss.GetObjectRequest(bucket=bucket, key="r.bin", range_header="bytes=100-1099"))
    assert got.status_code == 206
    assert got.content_range == f"bytes 100-1099/{len(payload)}"
    assert got.content_length == 1000
    assert read_body(got) == payload[100:1100]

    tail = client.get_object(oss.GetObjectRequest(bucket=bucket, key="r.bin", range_header="bytes=-10"))
    assert read_body(tail) == payload[-10:]

    # OSS ignores an unsatisfiable range and returns the whole object, unless
    # the client asks for standard behaviour.
    whole = client.get_object(oss.GetObjectRequest(bucket=bucket, key="r.bin", range_header="bytes=999999-"))
    assert whole.status_code == 200
    assert read_body(whole) == payload
    with pytest.raises(oss.exceptions.OperationError) as err:
        client.get_object(oss.GetObjectRequest(
            bucket=bucket, key="r.bin", range_header="bytes=999999-", range_behavior="standard"))
    e = service_error(err)
    assert (e.status_code, e.code) == (416, "InvalidRange")


def test_get_object_to_file_and_put_object_from_file(client, bucket, tmp_path):
    payload = os.urandom(1_500_000)
    source = tmp_path / "source.bin"
    source.write_bytes(payload)
    put = client.put_object_from_file(oss.PutObjectRequest(bucket=bucket, key="f.bin"), str(source))
    assert put.hash_crc64 == crc64(payload)

    target = tmp_path / "target.bin"
    # get_object_to_file checks the CRC-64 header against the bytes it wrote.
    got = client.get_object_to_file(oss.GetObjectRequest(bucket=bucket, key="f.bin"), str(target))
    assert got.hash_crc64 == crc64(payload)
    assert target.read_bytes() == payload


def test_open_file_reads_and_seeks(client, bucket):
    payload = os.urandom(200_000)
    client.put_object(oss.PutObjectRequest(bucket=bucket, key="seek.bin", body=payload))
    with client.open_file(bucket, "seek.bin") as f:
        f.seek(150_000)
        assert f.read(1000) == payload[150_000:151_000]
        f.seek(0)
        assert f.read() == payload


def test_get_object_meta(client, bucket):
    payload = b"meta only"
    client.put_object(oss.PutObjectRequest(bucket=bucket, key="meta.txt", body=payload))
    meta = client.get_object_meta(oss.GetObjectMetaRequest(bucket=bucket, key="meta.txt"))
    assert meta.content_length == len(payload)
    assert meta.etag == etag_of(payload)
    assert meta.hash_crc64 == crc64(payload)
    assert meta.last_modified is not None


def test_delete_multiple_objects(client, bucket):
    for key in ("a", "b", "c"):
        client.put_object(oss.PutObjectRequest(bucket=bucket, key=key, body=key.encode()))
    result = client.delete_multiple_objects(oss.DeleteMultipleObjectsRequest(
        bucket=bucket, objects=[oss.DeleteObject(key="a"), oss.DeleteObject(key="c"), oss.DeleteObject(key="missing")]))
    assert sorted(d.key for d in result.deleted_objects) == ["a", "c", "missing"]
    listed = client.list_objects_v2(oss.ListObjectsV2Request(bucket=bucket))
    assert [o.key for o in listed.contents] == ["b"]


def test_list_objects_v2_paginator(client, bucket):
    keys = sorted(f"obj/{i:04d}" for i in range(250))
    for key in keys:
        client.put_object(oss.PutObjectRequest(bucket=bucket, key=key, body=key.encode()))
    pages = list(client.list_objects_v2_paginator(limit=40).iter_page(oss.ListObjectsV2Request(bucket=bucket)))
    assert len(pages) == 7
    assert [p.key_count for p in pages] == [40] * 6 + [10]
    assert all(p.is_truncated for p in pages[:-1]) and not pages[-1].is_truncated
    listed = [o.key for p in pages for o in p.contents]
    assert listed == keys
    first = pages[0].contents[0]
    assert first.size == len(b"obj/0000")
    assert first.etag == etag_of(b"obj/0000")
    assert first.object_type == "Normal"
    assert first.storage_class == "Standard"


def test_list_objects_v2_paginator_with_prefix_and_delimiter(client, bucket):
    keys = ["top.txt"] + [f"photos/{y}/{i}.jpg" for y in (2021, 2022, 2023) for i in range(3)] + \
        [f"photos/readme-{i}" for i in range(4)] + ["videos/a.mp4"]
    for key in keys:
        client.put_object(oss.PutObjectRequest(bucket=bucket, key=key, body=b"x"))
    request = oss.ListObjectsV2Request(bucket=bucket, prefix="photos/", delimiter="/")
    pages = list(client.list_objects_v2_paginator(limit=2).iter_page(request))
    assert len(pages) > 1
    objects = [o.key for p in pages for o in p.contents or []]
    prefixes = [c.prefix for p in pages for c in p.common_prefixes or []]
    assert objects == [f"photos/readme-{i}" for i in range(4)]
    assert prefixes == ["photos/2021/", "photos/2022/", "photos/2023/"]

    top = client.list_objects_v2(oss.ListObjectsV2Request(bucket=bucket, delimiter="/"))
    assert [o.key for o in top.contents] == ["top.txt"]
    assert [c.prefix for c in top.common_prefixes] == ["photos/", "videos/"]


def test_list_objects_v1_paginator(client, bucket):
    keys = sorted(f"k{i:03d}" for i in range(25))
    for key in keys:
        client.put_object(oss.PutObjectRequest(bucket=bucket, key=key, body=b"1"))
    pages = list(client.list_objects_paginator(limit=7).iter_page(oss.ListObjectsRequest(bucket=bucket)))
    assert len(pages) == 4
    assert [o.key for p in pages for o in p.contents] == keys


def test_list_buckets_paginator(client):
    names = sorted(new_bucket(client, prefix="pager") for _ in range(7))
    pages = list(client.list_buckets_paginator(limit=3).iter_page(oss.ListBucketsRequest(prefix="pager-")))
    assert len(pages) == 3
    assert all(p.is_truncated for p in pages[:-1]) and not pages[-1].is_truncated
    listed = [b.name for p in pages for b in p.buckets]
    assert listed == names
    first = pages[0].buckets[0]
    assert first.location.startswith("oss-")
    assert first.creation_date is not None


def test_bucket_exists_and_info(client, bucket):
    assert client.is_bucket_exist(bucket)
    assert not client.is_bucket_exist("v2-no-such-bucket-here")
    # Creating a bucket its owner already has succeeds, as on OSS.
    assert client.put_bucket(oss.PutBucketRequest(bucket=bucket)).status_code == 200
    info = client.get_bucket_info(oss.GetBucketInfoRequest(bucket=bucket))
    assert info.bucket_info.name == bucket
    assert info.bucket_info.storage_class == "Standard"


def test_errors_carry_code_and_status(client, bucket):
    cases = [
        (lambda: client.get_object(oss.GetObjectRequest(bucket=bucket, key="missing")), 404, "NoSuchKey"),
        # HEAD has no body: the SDK reads the error from the x-oss-err header.
        (lambda: client.head_object(oss.HeadObjectRequest(bucket=bucket, key="missing")), 404, "NoSuchKey"),
        (lambda: client.get_object(oss.GetObjectRequest(bucket="v2-no-such-bucket-here", key="k")), 404, "NoSuchBucket"),
        (lambda: client.put_object(oss.PutObjectRequest(
            bucket=bucket, key="md5", body=b"abc", content_md5="1B2M2Y8AsgTpgAmY7PhCfg==")), 400, "InvalidDigest"),
    ]
    for index, (call, status, code) in enumerate(cases):
        with pytest.raises(oss.exceptions.OperationError, match=code) as err:
            call()
        e = service_error(err)
        assert (e.status_code, e.code) == (status, code), (index, e)
        assert e.request_id


def test_preconditions_and_forbid_overwrite(client, bucket):
    client.put_object(oss.PutObjectRequest(bucket=bucket, key="p", body=b"v1"))
    with pytest.raises(oss.exceptions.OperationError) as err:
        client.get_object(oss.GetObjectRequest(bucket=bucket, key="p", if_match='"00000000000000000000000000000000"'))
    assert (service_error(err).status_code, service_error(err).code) == (412, "PreconditionFailed")

    with pytest.raises(oss.exceptions.OperationError) as err:
        client.put_object(oss.PutObjectRequest(bucket=bucket, key="p", body=b"v2", forbid_overwrite=True))
    assert (service_error(err).status_code, service_error(err).code) == (409, "FileAlreadyExists")
    assert read_body(client.get_object(oss.GetObjectRequest(bucket=bucket, key="p"))) == b"v1"


def test_wrong_secret_is_refused(emulator, bucket):
    wrong = client_for(emulator, secret="not-the-secret")
    with pytest.raises(oss.exceptions.OperationError) as err:
        wrong.get_object(oss.GetObjectRequest(bucket=bucket, key="k"))
    e = service_error(err)
    assert (e.status_code, e.code) == (403, "SignatureDoesNotMatch")


def test_v1_signing_also_works(emulator, bucket):
    v1 = client_for(emulator, signature_version="v1")
    v1.put_object(oss.PutObjectRequest(bucket=bucket, key="v1.txt", body=b"signed with v1"))
    assert read_body(v1.get_object(oss.GetObjectRequest(bucket=bucket, key="v1.txt"))) == b"signed with v1"


def test_sdk_has_no_live_channel_calls(client):
    # The V2 SDK has no LiveChannel API; LiveChannel is covered with oss2.
    assert not [name for name in dir(client) if "live" in name.lower()]


# Presigned URLs, used by a plain HTTP client

def test_presigned_get_and_put(client, bucket):
    put_url = client.presign(oss.PutObjectRequest(bucket=bucket, key="pre/signed.txt", content_type="text/plain"))
    assert put_url.method == "PUT"
    assert "x-oss-signature-version=OSS4-HMAC-SHA256" in put_url.url
    r = requests.put(put_url.url, data=b"uploaded by url", headers=put_url.signed_headers, timeout=10)
    assert r.status_code == 200, r.text
    assert r.headers["ETag"] == etag_of(b"uploaded by url")

    get_url = client.presign(oss.GetObjectRequest(
        bucket=bucket, key="pre/signed.txt", response_content_disposition="attachment; filename=x.txt"))
    r = requests.get(get_url.url, timeout=10)
    assert r.status_code == 200
    assert r.content == b"uploaded by url"
    assert r.headers["Content-Type"] == "text/plain"
    assert r.headers["Content-Disposition"] == "attachment; filename=x.txt"


def test_presigned_url_expires_and_cannot_be_altered(client, bucket):
    client.put_object(oss.PutObjectRequest(bucket=bucket, key="k", body=b"secret"))
    url = client.presign(oss.GetObjectRequest(bucket=bucket, key="k"), expires=datetime.timedelta(seconds=3)).url
    altered = url.replace("/k?", "/other?")
    r = requests.get(altered, timeout=10)
    assert r.status_code == 403
    assert b"<Code>SignatureDoesNotMatch</Code>" in r.content
    time.sleep(4.5)
    r = requests.get(url, timeout=10)
    assert r.status_code == 403
    assert b"<Code>AccessDenied</Code>" in r.content
    assert b"expired" in r.content


def test_presigned_url_with_v1_signing(emulator, bucket, client):
    client.put_object(oss.PutObjectRequest(bucket=bucket, key="v1", body=b"v1 url"))
    url = client_for(emulator, signature_version="v1").presign(oss.GetObjectRequest(bucket=bucket, key="v1")).url
    assert "Signature=" in url
    r = requests.get(url, timeout=10)
    assert r.status_code == 200
    assert r.content == b"v1 url"
