"""OSS API fidelity through the real Python SDK (oss2): V4 and STS signatures,
anonymous access, proxy mode with a real OSS domain, ListObjectsV2, URL-encoded
listings, ranges, CRC-64, Content-MD5, user metadata, multi-delete, chunked
uploads and clock skew."""
import base64
import email.utils
import hashlib
import hmac
import os
import socket
import subprocess
import time
import urllib.parse
import xml.etree.ElementTree as ET

import oss2
import pytest
import requests

from conftest import KEY_ID, KEY_SECRET, RunningEmulator, binary

REGION = "cn-hangzhou"
OSS_DOMAIN_ENDPOINT = "http://oss-cn-hangzhou.aliyuncs.com"
STS_KEY_ID = "STS.fidelity-temporary-id"
STS_SECRET = "fidelity-temporary-secret"
STS_TOKEN = "CAIS+fidelity/token=="


@pytest.fixture
def sts_emulator(data_dir):
    """An emulator that also accepts one STS credential (AK:SK:TOKEN)."""
    running = RunningEmulator(data_dir, ["--credential", f"{STS_KEY_ID}:{STS_SECRET}:{STS_TOKEN}"]).start()
    yield running
    running.stop()


def v4_bucket(emulator, name, region=REGION, **kwargs):
    return oss2.Bucket(oss2.AuthV4(KEY_ID, KEY_SECRET), emulator.endpoint, name, region=region, **kwargs)


def proxied_bucket(emulator, name, auth=None, **kwargs):
    """oss2 configured exactly as for real OSS, reaching the emulator through an HTTP proxy setting."""
    return oss2.Bucket(auth or oss2.Auth(KEY_ID, KEY_SECRET), OSS_DOMAIN_ENDPOINT, name,
                       proxies={"http": emulator.endpoint}, **kwargs)


def signed_v1(method, emulator, bucket, key="", params=None, headers=None, data=b"", date=None):
    """A V1-signed request built by hand, so the test controls every header (Date included)."""
    headers = dict(headers or {})
    headers["Date"] = date or email.utils.formatdate(usegmt=True)
    params = params or {}
    resource = f"/{bucket}/{key}"
    signed = sorted(k for k in params if k in ("delete", "acl", "continuation-token"))
    if signed:
        resource += "?" + "&".join(k if not params[k] else f"{k}={params[k]}" for k in signed)
    oss_headers = "".join(f"{k.lower()}:{v}\n" for k, v in sorted(headers.items(), key=lambda kv: kv[0].lower())
                          if k.lower().startswith("x-oss-"))
    string_to_sign = "\n".join([method, headers.get("Content-MD5", ""), headers.get("Content-Type", ""),
                                headers["Date"], oss_headers + resource])
    signature = base64.b64encode(hmac.new(KEY_SECRET.encode(), string_to_sign.encode(), hashlib.sha1).digest())
    headers["Authorization"] = f"OSS {KEY_ID}:{signature.decode()}"
    url = f"{emulator.endpoint}/{bucket}/{oss2.compat.urlquote(key, '')}"
    return requests.request(method, url, params=params, headers=headers, data=data, timeout=10)


# --- signatures and credentials ---------------------------------------------------------------

@pytest.mark.parametrize("region", ["cn-hangzhou", "eu-central-1"])
def test_auth_v4_header_signatures(emulator, region):
    bucket = v4_bucket(emulator, "v4-" + region, region=region)
    bucket.create_bucket()
    payload = os.urandom(70_000)
    bucket.put_object("dir/v4 object+1.bin", payload, headers={"x-oss-meta-kind": "v4"})
    assert bucket.get_object("dir/v4 object+1.bin").read() == payload
    assert bucket.head_object("dir/v4 object+1.bin").headers["x-oss-meta-kind"] == "v4"
    assert [o.key for o in bucket.list_objects_v2(prefix="dir/").object_list] == ["dir/v4 object+1.bin"]
    assert bucket.get_bucket_acl().acl == oss2.BUCKET_ACL_PRIVATE

    wrong = oss2.Bucket(oss2.AuthV4(KEY_ID, "not-the-secret"), emulator.endpoint, bucket.bucket_name, region=region)
    with pytest.raises(oss2.exceptions.SignatureDoesNotMatch) as err:
        wrong.get_object("dir/v4 object+1.bin")
    assert "OSS4-HMAC-SHA256" in err.value.details["StringToSign"]


def test_auth_v4_presigned_urls(emulator):
    bucket = v4_bucket(emulator, "v4-presign")
    bucket.create_bucket()
    bucket.put_object("ch1/playlist.m3u8", b"#EXTM3U\n")

    url = bucket.sign_url("GET", "ch1/playlist.m3u8", 60)
    assert "x-oss-signature-version=OSS4-HMAC-SHA256" in url and "x-oss-credential=" in url
    r = requests.get(url, timeout=5)
    assert r.status_code == 200 and r.content == b"#EXTM3U\n"

    put_url = bucket.sign_url("PUT", "uploaded.txt", 60)
    assert requests.put(put_url, data=b"via presigned put", timeout=5).status_code == 200
    assert bucket.get_object("uploaded.txt").read() == b"via presigned put"

    # oss2's own presigned-URL calls (with its CRC-64 check) on V4 URLs.
    payload = os.urandom(50_000)
    bucket.put_object_with_url(bucket.sign_url("PUT", "with-url.bin", 60), payload)
    assert bucket.get_object_with_url(bucket.sign_url("GET", "with-url.bin", 60)).read() == payload

    tampered = url.replace("x-oss-signature=", "x-oss-signature=0")
    r = requests.get(tampered, timeout=5)
    assert r.status_code == 403 and b"<Code>SignatureDoesNotMatch</Code>" in r.content
    other_key = url.replace("ch1/playlist.m3u8", "ch1/other.m3u8").replace("ch1%2Fplaylist.m3u8", "ch1%2Fother.m3u8")
    assert other_key != url
    assert requests.get(other_key, timeout=5).status_code == 403


@pytest.mark.parametrize("version", [oss2.AUTH_VERSION_1, oss2.AUTH_VERSION_4])
def test_sts_credentials(sts_emulator, version):
    region = {"region": REGION} if version == oss2.AUTH_VERSION_4 else {}
    auth = oss2.StsAuth(STS_KEY_ID, STS_SECRET, STS_TOKEN, auth_version=version)
    bucket = oss2.Bucket(auth, sts_emulator.endpoint, "sts-" + version, **region)
    bucket.create_bucket()
    bucket.put_object("a.txt", b"sts")
    assert bucket.get_object("a.txt").read() == b"sts"

    # A presigned URL carries the token as a query parameter.
    r = requests.get(bucket.sign_url("GET", "a.txt", 60), timeout=5)
    assert r.status_code == 200 and r.content == b"sts"

    wrong_token = oss2.Bucket(oss2.StsAuth(STS_KEY_ID, STS_SECRET, "CAIS+another-token", auth_version=version),
                              sts_emulator.endpoint, bucket.bucket_name, **region)
    with pytest.raises(oss2.exceptions.ServerError) as err:
        wrong_token.get_object("a.txt")
    assert err.value.status == 403 and err.value.code == "InvalidSecurityToken"
    r = requests.get(wrong_token.sign_url("GET", "a.txt", 60), timeout=5)
    assert r.status_code == 403 and b"<Code>InvalidSecurityToken</Code>" in r.content

    no_token = oss2.Bucket(oss2.Auth(STS_KEY_ID, STS_SECRET), sts_emulator.endpoint, bucket.bucket_name)
    with pytest.raises(oss2.exceptions.AccessDenied):
        no_token.get_object("a.txt")

    # The long-term pair configured beside it still works.
    assert sts_emulator.bucket(bucket.bucket_name).get_object("a.txt").read() == b"sts"


def test_credentials_from_environment(data_dir):
    env = {"OSS_EMULATOR_CREDENTIAL": f"first-id:first-secret,{STS_KEY_ID}:{STS_SECRET}:{STS_TOKEN}"}
    running = RunningEmulator(data_dir, env=env).start()
    try:
        first = oss2.Bucket(oss2.Auth("first-id", "first-secret"), running.endpoint, "env-creds")
        first.create_bucket()
        sts = oss2.Bucket(oss2.StsAuth(STS_KEY_ID, STS_SECRET, STS_TOKEN), running.endpoint, "env-creds")
        sts.put_object("k", b"v")
        assert first.get_object("k").read() == b"v"
    finally:
        running.stop()


@pytest.mark.parametrize("spec", ["only-an-id", "id:do-not-print-me:", f"{KEY_ID}:do-not-print-me"])
def test_bad_credential_flag_fails(spec):
    args = [binary(), "--ephemeral", "--port", "0", "--access-key-id", KEY_ID, "--access-key-secret", KEY_SECRET,
            "--credential", spec]
    result = subprocess.run(args, capture_output=True, text=True, timeout=20)
    assert result.returncode != 0
    assert "--credential" in result.stderr
    assert "do-not-print-me" not in result.stderr + result.stdout


def test_anonymous_access(emulator):
    owner = emulator.bucket("anon")
    owner.create_bucket(oss2.BUCKET_ACL_PUBLIC_READ)
    owner.put_object("pub.txt", b"public", headers={"x-oss-meta-who": "owner"})
    anonymous = oss2.Bucket(oss2.AnonymousAuth(), emulator.endpoint, "anon")
    assert anonymous.get_object("pub.txt").read() == b"public"
    assert anonymous.head_object("pub.txt").headers["x-oss-meta-who"] == "owner"
    assert anonymous.get_object_meta("pub.txt").content_length == 6
    for denied in (lambda: anonymous.put_object("x", b"x"), lambda: anonymous.delete_object("pub.txt"),
                   lambda: anonymous.list_objects(), lambda: anonymous.get_bucket_acl(),
                   lambda: anonymous.put_bucket_acl(oss2.BUCKET_ACL_PUBLIC_READ_WRITE)):
        with pytest.raises(oss2.exceptions.AccessDenied):
            denied()
    with pytest.raises(oss2.exceptions.NoSuchKey):  # HEAD error decoded from x-oss-err
        anonymous.head_object("missing.txt")

    owner.put_bucket_acl(oss2.BUCKET_ACL_PUBLIC_READ_WRITE)
    anonymous.put_object("by-anyone.txt", b"w")
    anonymous.delete_object("pub.txt")
    assert [o.key for o in oss2.ObjectIterator(owner)] == ["by-anyone.txt"]
    with pytest.raises(oss2.exceptions.AccessDenied):  # LiveChannel calls always need a signature
        anonymous.list_live_channel()
    with pytest.raises(oss2.exceptions.AccessDenied):
        anonymous.create_bucket()


def test_request_time_too_skewed(emulator):
    emulator.bucket("skew").create_bucket()
    old = email.utils.formatdate(time.time() - 20 * 60, usegmt=True)
    r = signed_v1("GET", emulator, "skew", date=old)
    assert r.status_code == 403
    assert b"<Code>RequestTimeTooSkewed</Code>" in r.content
    future = email.utils.formatdate(time.time() + 20 * 60, usegmt=True)
    assert b"RequestTimeTooSkewed" in signed_v1("GET", emulator, "skew", date=future).content
    recent = email.utils.formatdate(time.time() - 10 * 60, usegmt=True)
    assert signed_v1("GET", emulator, "skew", date=recent).status_code == 200
    assert signed_v1("GET", emulator, "skew", date="yesterday").status_code == 403


# --- addressing -----------------------------------------------------------------------------------

@pytest.mark.parametrize("auth_version", ["v1", "v4"])
def test_proxy_mode_with_an_oss_domain_endpoint(emulator, auth_version):
    auth = oss2.AuthV4(KEY_ID, KEY_SECRET) if auth_version == "v4" else oss2.Auth(KEY_ID, KEY_SECRET)
    region = {"region": REGION} if auth_version == "v4" else {}
    bucket = proxied_bucket(emulator, "proxied-" + auth_version, auth=auth, **region)
    bucket.create_bucket()
    bucket.put_object("live/cam/index.m3u8", b"#EXTM3U\n")
    assert bucket.get_object("live/cam/index.m3u8").read() == b"#EXTM3U\n"
    assert [o.key for o in bucket.list_objects(prefix="live/").object_list] == ["live/cam/index.m3u8"]
    info = bucket.get_bucket_info()
    assert info.name == bucket.bucket_name and info.extranet_endpoint == "oss-cn-hangzhou.aliyuncs.com"

    service = oss2.Service(auth, OSS_DOMAIN_ENDPOINT, proxies={"http": emulator.endpoint}, **region)
    assert bucket.bucket_name in [b.name for b in service.list_buckets().buckets]

    # The same bucket seen path style on the emulator's own address.
    assert emulator.bucket(bucket.bucket_name).get_object("live/cam/index.m3u8").read() == b"#EXTM3U\n"

    url = bucket.sign_url("GET", "live/cam/index.m3u8", 60)
    assert url.startswith("http://" + bucket.bucket_name + ".oss-cn-hangzhou.aliyuncs.com/")
    r = requests.get(url, proxies={"http": emulator.endpoint}, timeout=5)
    assert r.status_code == 200 and r.content == b"#EXTM3U\n"


def test_proxy_mode_path_style_on_an_oss_domain(emulator):
    bucket = proxied_bucket(emulator, "proxied-path", is_path_style=True)
    bucket.create_bucket()
    bucket.put_object("a b/c.txt", b"path style")
    assert bucket.get_object("a b/c.txt").read() == b"path style"
    assert [o.key for o in bucket.list_objects_v2().object_list] == ["a b/c.txt"]
    virtual = proxied_bucket(emulator, "proxied-path")
    assert virtual.get_object("a b/c.txt").read() == b"path style"


def test_emulator_endpoints_only_on_the_base_host(emulator):
    proxies = {"http": emulator.endpoint}
    assert requests.get(emulator.endpoint + "/_emulator/health", timeout=5).status_code == 200
    for url in ["http://oss-cn-hangzhou.aliyuncs.com/_emulator/health",
                "http://somebucket.oss-cn-hangzhou.aliyuncs.com/_emulator/health"]:
        r = requests.get(url, proxies=proxies, timeout=5)
        assert r.status_code != 200 and b"<Error>" in r.content, url
    port = emulator.endpoint.rsplit(":", 1)[1]
    r = requests.get(f"http://127.0.0.1:{port}/_emulator/health", headers={"Host": f"somebucket.localhost:{port}"},
                     timeout=5)
    assert r.status_code != 200


def test_virtual_hosted_base_host(data_dir):
    running = RunningEmulator(data_dir, ["--base-host", "oss.test"]).start()
    try:
        auth = oss2.Auth(KEY_ID, KEY_SECRET)
        bucket = oss2.Bucket(auth, "http://oss.test", "vhost", proxies={"http": running.endpoint})
        bucket.create_bucket()
        bucket.put_object("a/b.txt", b"virtual")
        assert running.bucket("vhost").get_object("a/b.txt").read() == b"virtual"
        service = oss2.Service(auth, "http://oss.test", proxies={"http": running.endpoint})
        assert [b.name for b in service.list_buckets().buckets] == ["vhost"]
        r = requests.get("http://oss.test/_emulator/health", proxies={"http": running.endpoint}, timeout=5)
        assert r.status_code == 200
    finally:
        running.stop()


# --- listing --------------------------------------------------------------------------------------

def test_list_objects_v2(emulator):
    bucket = emulator.bucket("listing-v2")
    bucket.create_bucket()
    keys = [f"logs/{i:02d}.txt" for i in range(7)] + ["media/a.ts", "media/b.ts", "top.txt"]
    for key in keys:
        bucket.put_object(key, b"x")

    first = bucket.list_objects_v2(prefix="logs/", max_keys=3)
    assert [o.key for o in first.object_list] == ["logs/00.txt", "logs/01.txt", "logs/02.txt"]
    assert first.is_truncated and first.next_continuation_token
    assert all(o.owner is None for o in first.object_list)
    second = bucket.list_objects_v2(prefix="logs/", max_keys=3, continuation_token=first.next_continuation_token)
    assert [o.key for o in second.object_list] == ["logs/03.txt", "logs/04.txt", "logs/05.txt"]
    third = bucket.list_objects_v2(prefix="logs/", max_keys=3, continuation_token=second.next_continuation_token)
    assert [o.key for o in third.object_list] == ["logs/06.txt"] and not third.is_truncated

    after = bucket.list_objects_v2(start_after="logs/05.txt", fetch_owner=True)
    assert [o.key for o in after.object_list] == ["logs/06.txt", "media/a.ts", "media/b.ts", "top.txt"]
    assert all(o.owner is not None and o.owner.id for o in after.object_list)
    assert all(o.type == "Normal" and o.storage_class == "Standard" for o in after.object_list)

    grouped = bucket.list_objects_v2(delimiter="/")
    assert grouped.prefix_list == ["logs/", "media/"]
    assert [o.key for o in grouped.object_list] == ["top.txt"]

    assert [o.key for o in oss2.ObjectIteratorV2(bucket, max_keys=2)] == sorted(keys)
    for bad in (0, 1001):
        with pytest.raises(oss2.exceptions.ServerError) as err:
            bucket.list_objects_v2(max_keys=bad)
        assert err.value.status == 400 and err.value.code == "InvalidArgument"


def test_continuation_token_survives_go_style_unescaping(emulator):
    """Go unescapes NextContinuationToken with url.QueryUnescape ('+' becomes a space) whenever it
    asked for encoding-type=url, which it always does; the token must come back URL-encoded."""
    bucket = emulator.bucket("go-tokens")
    bucket.create_bucket()
    keys = ["~~~1", "~~~2", "~~~3"]  # their Base64 holds '+'
    for key in keys:
        bucket.put_object(key, b"x")
    seen, token = [], None
    for _ in range(len(keys) + 1):
        params = {"list-type": "2", "max-keys": "1", "encoding-type": "url"}
        if token is not None:
            params["continuation-token"] = token
        r = signed_v1("GET", emulator, "go-tokens", params=params)
        assert r.status_code == 200, r.content
        root = ET.fromstring(r.content)
        seen += [urllib.parse.unquote_plus(k.text) for k in root.iter("Key")]
        if root.findtext("IsTruncated") != "true":
            break
        token = urllib.parse.unquote_plus(root.findtext("NextContinuationToken"))
    assert seen == keys


def test_url_encoded_listing_of_odd_keys(emulator):
    bucket = emulator.bucket("odd-keys")
    bucket.create_bucket()
    keys = ["a b/c d.txt", "plus+sign", "uni/čaj ☕.txt", "pct%41", "amp&lt;<tag>", "tab\tkey", "q?x=1#f"]
    for key in keys:
        bucket.put_object(key, key.encode())
    expected = sorted(keys, key=lambda k: k.encode())
    # oss2 asks for encoding-type=url in both versions and decodes what comes back.
    assert [o.key for o in oss2.ObjectIterator(bucket)] == expected
    assert [o.key for o in oss2.ObjectIteratorV2(bucket)] == expected
    # Paging hands the decoded NextMarker / token back (form-encoded by requests).
    assert [o.key for o in oss2.ObjectIterator(bucket, max_keys=2)] == expected
    assert [o.key for o in oss2.ObjectIteratorV2(bucket, max_keys=2)] == expected
    assert [o.key for o in oss2.ObjectIteratorV2(bucket, start_after="a b/c d.txt")] == expected[1:]
    grouped = bucket.list_objects_v2(prefix="uni/", delimiter="/")
    assert [o.key for o in grouped.object_list] == ["uni/čaj ☕.txt"]
    # oss2 form-encodes query values (a space arrives as '+'), and signs them with %20 under V4.
    assert bucket.list_objects(delimiter=" ").prefix_list == ["a ", "uni/čaj "]
    assert [o.key for o in bucket.list_objects_v2(prefix="a b").object_list] == ["a b/c d.txt"]
    assert [o.key for o in bucket.list_objects_v2(prefix="plus+").object_list] == ["plus+sign"]
    v4 = v4_bucket(emulator, "odd-keys")
    assert [o.key for o in v4.list_objects_v2(prefix="a b/c d").object_list] == ["a b/c d.txt"]
    assert [o.key for o in v4.list_objects(prefix="uni/čaj ☕").object_list] == ["uni/čaj ☕.txt"]
    for key in keys:
        assert bucket.get_object(key).read() == key.encode()

    raw = signed_v1("GET", emulator, "odd-keys", params={"encoding-type": "url", "prefix": "plus"})
    assert b"<EncodingType>url</EncodingType>" in raw.content
    assert b"<Key>plus%2Bsign</Key>" in raw.content
    raw = signed_v1("GET", emulator, "odd-keys", params={"prefix": "a b"})
    assert b"<Key>a b/c d.txt</Key>" in raw.content and b"EncodingType" not in raw.content


# --- reads ---------------------------------------------------------------------------------------

def test_range_reads(emulator):
    bucket = emulator.bucket("ranges")
    bucket.create_bucket()
    payload = bytes(range(256)) * 4  # 1024 bytes
    bucket.put_object("r.bin", payload)

    closed = bucket.get_object("r.bin", byte_range=(10, 19))
    assert closed.status == 206 and closed.read() == payload[10:20]
    assert closed.headers["Content-Range"] == "bytes 10-19/1024"
    opened = bucket.get_object("r.bin", byte_range=(1000, None))
    assert opened.read() == payload[1000:] and opened.headers["Content-Range"] == "bytes 1000-1023/1024"
    suffix = bucket.get_object("r.bin", byte_range=(None, 5))
    assert suffix.read() == payload[-5:] and suffix.headers["Content-Range"] == "bytes 1019-1023/1024"

    # Out of range without x-oss-range-behavior: OSS ignores the Range and sends it all.
    for byte_range in [(1024, 2000), (500, 5000), (None, 2000)]:
        whole = bucket.get_object("r.bin", byte_range=byte_range)
        assert whole.status == 200 and whole.read() == payload, byte_range
        assert "Content-Range" not in whole.headers

    standard = {"x-oss-range-behavior": "standard"}
    clamped = bucket.get_object("r.bin", byte_range=(500, 5000), headers=standard)
    assert clamped.status == 206 and clamped.read() == payload[500:]
    assert clamped.headers["Content-Range"] == "bytes 500-1023/1024"
    with pytest.raises(oss2.exceptions.ServerError) as err:
        bucket.get_object("r.bin", byte_range=(1024, 2000), headers=standard)
    assert err.value.status == 416 and err.value.code == "InvalidRange"


def test_conditional_reads(emulator):
    bucket = emulator.bucket("conditional")
    bucket.create_bucket()
    bucket.put_object("ch/playlist.m3u8", b"#EXTM3U\n")
    head = bucket.head_object("ch/playlist.m3u8")
    quoted = '"' + head.etag + '"'
    with pytest.raises(oss2.exceptions.NotModified):
        bucket.get_object("ch/playlist.m3u8", headers={"If-None-Match": quoted})
    with pytest.raises(oss2.exceptions.NotModified):
        bucket.get_object("ch/playlist.m3u8", headers={"If-Modified-Since": head.headers["Last-Modified"]})
    with pytest.raises(oss2.exceptions.PreconditionFailed):
        bucket.get_object("ch/playlist.m3u8", headers={"If-Match": '"0123"'})
    with pytest.raises(oss2.exceptions.PreconditionFailed):
        bucket.head_object("ch/playlist.m3u8", headers={"If-Unmodified-Since": "Mon, 01 Jan 2001 00:00:00 GMT"})
    assert bucket.get_object("ch/playlist.m3u8", headers={"If-Match": quoted}).read() == b"#EXTM3U\n"
    assert bucket.get_object("ch/playlist.m3u8", headers={"If-None-Match": '"0123"'}).read() == b"#EXTM3U\n"
    # A browser revalidating the playlist gets 304 without a body.
    r = requests.get(bucket.sign_url("GET", "ch/playlist.m3u8", 60), headers={"If-None-Match": quoted}, timeout=5)
    assert r.status_code == 304 and r.content == b"" and r.headers["ETag"] == quoted


def test_resumable_download_with_ranges_and_crc(emulator, tmp_path):
    bucket = emulator.bucket("resumable")
    bucket.create_bucket()
    payload = os.urandom(2_500_000)
    bucket.put_object("big.bin", payload)
    target = tmp_path / "big.bin"
    oss2.resumable_download(bucket, "big.bin", str(target), multiget_threshold=100_000, part_size=400_000,
                            num_threads=3, store=oss2.ResumableDownloadStore(root=str(tmp_path)))
    assert target.read_bytes() == payload


def test_crc64_verification_paths(emulator, tmp_path):
    bucket = emulator.bucket("crc")
    bucket.create_bucket()
    payload = os.urandom(200_000)
    put = bucket.put_object("blob.bin", payload)
    crc = oss2.utils.Crc64()
    crc.update(payload)
    assert put.crc == crc.crc64.crcValue
    assert int(put.headers["x-oss-hash-crc64ecma"]) == crc.crc64.crcValue

    target = tmp_path / "blob.bin"
    bucket.get_object_to_file("blob.bin", str(target))
    assert target.read_bytes() == payload
    assert bucket.head_object("blob.bin").server_crc == crc.crc64.crcValue

    # Change the stored bytes behind the emulator's back: its recorded CRC no longer matches,
    # and oss2 must notice when it checks the download.
    stored = os.path.join(emulator.data_dir, "crc", "blob.bin")
    with open(stored, "r+b") as f:
        f.seek(1000)
        f.write(bytes([payload[1000] ^ 0xFF]))
    with pytest.raises(oss2.exceptions.InconsistentError):
        bucket.get_object_to_file("blob.bin", str(tmp_path / "corrupt.bin"))
    # A ranged read is not checked against the whole-object CRC.
    assert bucket.get_object("blob.bin", byte_range=(0, 99)).read() == payload[:100]


def test_content_md5(emulator):
    bucket = emulator.bucket("md5")
    bucket.create_bucket()
    body = b"integrity matters"
    good = base64.b64encode(hashlib.md5(body).digest()).decode()
    assert bucket.put_object("ok.txt", body, headers={"Content-MD5": good}).status == 200
    bad = base64.b64encode(hashlib.md5(b"something else").digest()).decode()
    with pytest.raises(oss2.exceptions.ServerError) as err:
        bucket.put_object("bad.txt", body, headers={"Content-MD5": bad})
    assert err.value.status == 400 and err.value.code == "InvalidDigest"
    with pytest.raises(oss2.exceptions.ServerError) as err:
        bucket.put_object("bad.txt", body, headers={"Content-MD5": "not base64!"})
    assert err.value.status == 400 and err.value.code == "InvalidDigest"
    assert not bucket.object_exists("bad.txt")


def test_user_metadata_and_content_type(emulator):
    bucket = emulator.bucket("meta")
    bucket.create_bucket()
    bucket.put_object("m.txt", b"m", headers={"x-oss-meta-Author": "Ann", "x-oss-meta-project-id": "42",
                                             "Content-Type": "text/x-custom", "Cache-Control": "max-age=60",
                                             "Content-Disposition": "attachment"})
    head = bucket.head_object("m.txt")
    assert head.headers["x-oss-meta-author"] == "Ann" and head.headers["x-oss-meta-project-id"] == "42"
    assert head.content_type == "text/x-custom"
    got = bucket.get_object("m.txt")
    assert got.headers["Cache-Control"] == "max-age=60" and got.headers["Content-Disposition"] == "attachment"
    assert got.headers["x-oss-meta-author"] == "Ann"
    overridden = bucket.get_object("m.txt", params={"response-content-type": "application/json"})
    assert overridden.headers["Content-Type"] == "application/json"

    # oss2 guesses a Content-Type itself; a client that sends none gets OSS's guess by extension.
    assert signed_v1("PUT", emulator, "meta", "video/seg.ts", data=b"\x47").status_code == 200
    assert bucket.head_object("video/seg.ts").content_type == "video/MP2T"
    bucket.put_object("m.txt", b"replaced")
    assert "x-oss-meta-author" not in bucket.head_object("m.txt").headers


# --- writes --------------------------------------------------------------------------------------

def test_batch_delete_objects(emulator):
    bucket = emulator.bucket("multi-delete")
    bucket.create_bucket()
    keys = ["a.txt", "dir/b c.txt", "uni/ž+.txt", "missing-is-fine"]
    for key in keys[:3]:
        bucket.put_object(key, b"x")
    result = bucket.batch_delete_objects(keys)
    assert sorted(result.deleted_keys) == sorted(keys)
    assert list(oss2.ObjectIterator(bucket)) == []

    for key in keys[:3]:
        bucket.put_object(key, b"x")
    body = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Delete><Quiet>true</Quiet>"
            "<Object><Key>a.txt</Key></Object><Object><Key>dir/b c.txt</Key></Object></Delete>").encode()
    md5 = base64.b64encode(hashlib.md5(body).digest()).decode()
    r = signed_v1("POST", emulator, "multi-delete", params={"delete": ""}, data=body,
                  headers={"Content-MD5": md5, "Content-Type": "application/xml"})
    assert r.status_code == 200, r.content
    assert b"<DeleteResult" in r.content and b"<Deleted>" not in r.content
    assert [o.key for o in oss2.ObjectIterator(bucket)] == ["uni/ž+.txt"]

    bad_md5 = base64.b64encode(hashlib.md5(b"other").digest()).decode()
    r = signed_v1("POST", emulator, "multi-delete", params={"delete": ""}, data=body,
                  headers={"Content-MD5": bad_md5, "Content-Type": "application/xml"})
    assert r.status_code == 400 and b"InvalidDigest" in r.content

    with pytest.raises(oss2.exceptions.ServerError) as err:
        many = [f"k{i}" for i in range(1001)]
        bucket.batch_delete_objects(many)
    assert err.value.status == 400 and err.value.code == "MalformedXML"


def test_chunked_upload(emulator):
    bucket = emulator.bucket("chunked")
    bucket.create_bucket()
    parts = [os.urandom(n) for n in (1, 4096, 100_000, 7, 65_536)]

    def generate():
        yield from parts

    # A generator body makes requests send Transfer-Encoding: chunked; oss2 checks the returned CRC-64.
    result = bucket.put_object("streamed.bin", generate())
    assert result.status == 200
    assert bucket.get_object("streamed.bin").read() == b"".join(parts)
    assert bucket.head_object("streamed.bin").content_length == sum(map(len, parts))


def test_expect_100_continue(emulator):
    emulator.bucket("continue").create_bucket(oss2.BUCKET_ACL_PUBLIC_READ_WRITE)
    host, port = emulator.endpoint.rsplit("/", 1)[1].split(":")
    with socket.create_connection((host, int(port)), timeout=5) as s:
        s.sendall(b"PUT /continue/c.txt HTTP/1.1\r\nHost: " + host.encode() +
                  b"\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n")
        interim = s.recv(4096)
        assert interim.startswith(b"HTTP/1.1 100 Continue\r\n"), interim
        s.sendall(b"hello")
        final = s.recv(4096)
        assert final.startswith(b"HTTP/1.1 200 "), final
    assert emulator.bucket("continue").get_object("c.txt").read() == b"hello"
