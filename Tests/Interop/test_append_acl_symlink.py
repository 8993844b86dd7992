"""AppendObject, object ACLs, symlinks and presigned PUT through the real
Python SDK (oss2), with anonymous access checked by plain `requests`."""
import os
import threading
import urllib.parse

import oss2
import pytest
import requests
from oss2.exceptions import (AccessDenied, NoSuchKey, ObjectNotAppendable,
                             PositionNotEqualToLength, ServerError)

from conftest import KEY_ID, KEY_SECRET


@pytest.fixture
def bucket(emulator):
    b = emulator.bucket("appendacl")
    b.create_bucket()
    return b


def v4(emulator, name):
    return oss2.Bucket(oss2.AuthV4(KEY_ID, KEY_SECRET), emulator.endpoint, name, region="cn-hangzhou")


def test_append_sequence_checks_crc_across_appends(bucket):
    parts = [os.urandom(512), os.urandom(128), os.urandom(300 * 1024)]  # the last one is spooled to disk
    result = bucket.append_object("log.bin", 0, parts[0], init_crc=0)
    assert result.next_position == 512
    position, crc = result.next_position, result.crc
    for part in parts[1:]:
        # init_crc makes oss2 check the answer's CRC of the whole object.
        result = bucket.append_object("log.bin", position, part, init_crc=crc)
        assert result.next_position == position + len(part)
        position, crc = result.next_position, result.crc
    whole = b"".join(parts)
    assert bucket.get_object("log.bin").read() == whole

    head = bucket.head_object("log.bin")
    assert head.object_type == "Appendable"
    assert head.headers["x-oss-next-append-position"] == str(len(whole))
    assert head.etag.endswith("00000000") and len(head.etag) == 32
    assert head.server_crc == crc


def test_append_refusals(bucket):
    bucket.append_object("a", 0, b"abc")
    with pytest.raises(PositionNotEqualToLength) as wrong:
        bucket.append_object("a", 0, b"x")
    assert wrong.value.next_position == 3
    with pytest.raises(PositionNotEqualToLength) as ahead:
        bucket.append_object("absent", 7, b"x")
    assert ahead.value.next_position == 0

    bucket.put_object("normal", b"abc")
    with pytest.raises(ObjectNotAppendable):
        bucket.append_object("normal", 3, b"more")

    # PutObject over an appendable object makes it Normal.
    bucket.put_object("a", b"fresh")
    assert bucket.head_object("a").object_type == "Normal"
    with pytest.raises(ObjectNotAppendable):
        bucket.append_object("a", 5, b"x")


def test_concurrent_appends_at_one_position_have_one_winner(bucket):
    bucket.append_object("race", 0, b"0123")
    outcomes = []

    def attempt(n):
        try:
            bucket.append_object("race", 4, bytes([65 + n]) * 4)
            outcomes.append("won")
        except PositionNotEqualToLength as e:
            outcomes.append(e.next_position)

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert outcomes.count("won") == 1
    assert sorted(o for o in outcomes if o != "won") == [8] * 5
    assert len(bucket.get_object("race").read()) == 8


def test_first_append_headers_are_kept(bucket):
    bucket.append_object("meta.txt", 0, b"a", headers={"x-oss-meta-origin": "first", "Content-Type": "text/csv"})
    bucket.append_object("meta.txt", 1, b"b", headers={"x-oss-meta-origin": "second", "Content-Type": "image/png"})
    head = bucket.head_object("meta.txt")
    assert head.headers["x-oss-meta-origin"] == "first"
    assert head.content_type == "text/csv"


def test_object_acl_round_trip_and_anonymous_access(emulator, bucket):
    bucket.put_object("k", b"data")
    assert bucket.get_object_acl("k").acl == oss2.OBJECT_ACL_DEFAULT
    for acl in (oss2.OBJECT_ACL_PRIVATE, oss2.OBJECT_ACL_PUBLIC_READ, oss2.OBJECT_ACL_PUBLIC_READ_WRITE,
                oss2.OBJECT_ACL_DEFAULT):
        bucket.put_object_acl("k", acl)
        assert bucket.get_object_acl("k").acl == acl
    with pytest.raises(ServerError) as bad:
        bucket.put_object_acl("k", "public")
    assert bad.value.status == 400 and bad.value.code == "InvalidArgument"
    with pytest.raises(NoSuchKey):
        bucket.get_object_acl("absent")

    url = f"{emulator.endpoint}/appendacl/k"
    assert requests.get(url).status_code == 403  # private bucket, default object ACL
    bucket.put_object_acl("k", oss2.OBJECT_ACL_PUBLIC_READ)
    anonymous = requests.get(url)
    assert anonymous.status_code == 200 and anonymous.content == b"data"
    assert requests.put(url, data=b"x").status_code == 403
    assert requests.delete(url).status_code == 403

    anon = oss2.Bucket(oss2.AnonymousAuth(), emulator.endpoint, "appendacl")
    bucket.put_object_acl("k", oss2.OBJECT_ACL_PUBLIC_READ_WRITE)
    anon.put_object("k", b"written by anyone")
    assert bucket.get_object("k").read() == b"written by anyone"

    # The object's private ACL wins over a public-read bucket.
    bucket.put_bucket_acl(oss2.BUCKET_ACL_PUBLIC_READ)
    bucket.put_object("secret", b"s", headers={"x-oss-object-acl": "private"})
    with pytest.raises(AccessDenied):
        anon.get_object("secret")
    bucket.put_object("open", b"o")
    assert anon.get_object("open").read() == b"o"


def test_symlinks(emulator, bucket):
    target = "dir/目标 +1.txt"
    bucket.put_object(target, b"hello")
    bucket.put_symlink(target, "link", headers={"x-oss-meta-key1": "value1"})
    assert bucket.get_symlink("link").target_key == target

    head = bucket.head_object("link")
    assert head.content_length == 5
    assert head.etag == "5D41402ABC4B2A76B9719D911017C592"
    assert head.headers["x-oss-meta-key1"] == "value1"
    assert head.object_type == "Symlink"
    got = bucket.get_object("link")
    assert got.read() == b"hello"  # oss2 also checks the CRC-64 it was sent
    assert bucket.get_object("link", byte_range=(1, 3)).read() == b"ell"

    with pytest.raises(ServerError) as not_link:
        bucket.get_symlink(target)
    assert not_link.value.status == 400 and not_link.value.code == "NotSymlink"
    with pytest.raises(NoSuchKey):
        bucket.get_symlink("nothing")

    bucket.put_symlink("missing-target", "dangling")
    with pytest.raises(ServerError) as dangling:
        bucket.get_object("dangling")
    assert dangling.value.status == 404 and dangling.value.code == "SymlinkTargetNotExist"

    # Deleting the link leaves the target.
    bucket.delete_object("link")
    assert bucket.get_object(target).read() == b"hello"

    with pytest.raises(ServerError) as exists:
        bucket.put_symlink(target, "dangling", headers={"x-oss-forbid-overwrite": "true"})
    assert exists.value.status == 409 and exists.value.code == "FileAlreadyExists"

    # An anonymous read through a link needs the link and the target readable.
    bucket.put_symlink(target, "public-link", headers={"x-oss-object-acl": "public-read"})
    url = f"{emulator.endpoint}/appendacl/public-link"
    assert requests.get(url).status_code == 403
    bucket.put_object_acl(target, oss2.OBJECT_ACL_PUBLIC_READ)
    assert requests.get(url).content == b"hello"


@pytest.mark.parametrize("signer", ["v1", "v4"])
def test_presigned_put_content_type(emulator, bucket, signer):
    b = bucket if signer == "v1" else v4(emulator, "appendacl")
    url = b.sign_url("PUT", "photo.jpg", 600)
    assert b.put_object_with_url(url, b"jpeg").status == 200
    assert bucket.head_object("photo.jpg").content_type == "application/octet-stream"

    url = b.sign_url("PUT", "photo.jpg", 600, headers={"Content-Type": "image/jpeg"})
    assert b.put_object_with_url(url, b"jpeg", headers={"Content-Type": "image/jpeg"}).status == 200
    assert bucket.head_object("photo.jpg").content_type == "image/jpeg"

    # A header-signed PUT still gets the type oss2 guesses from the name.
    bucket.put_object("other.jpg", b"x")
    assert bucket.head_object("other.jpg").content_type == "image/jpeg"
