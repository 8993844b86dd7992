"""PostObject: browser form uploads built with `requests` (files=...), signed
with V1 (HMAC-SHA1) and V4 (OSS4-HMAC-SHA256) policies, or anonymous on a
public-read-write bucket."""
import base64
import datetime
import hashlib
import hmac
import json
import urllib.parse
import xml.etree.ElementTree as ET

import oss2
import pytest
import requests

from conftest import KEY_ID, KEY_SECRET

REGION = "cn-hangzhou"


def policy(conditions, expires_in=600):
    expiration = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=expires_in))
    document = {"expiration": expiration.strftime("%Y-%m-%dT%H:%M:%S.000Z"), "conditions": conditions}
    return base64.b64encode(json.dumps(document).encode()).decode()


def v1_fields(encoded_policy, secret=KEY_SECRET):
    signature = base64.b64encode(hmac.new(secret.encode(), encoded_policy.encode(), hashlib.sha1).digest()).decode()
    return {"OSSAccessKeyId": KEY_ID, "policy": encoded_policy, "Signature": signature}


def v4_fields(conditions, secret=KEY_SECRET, expires_in=600):
    now = datetime.datetime.now(datetime.timezone.utc)
    day = now.strftime("%Y%m%d")
    credential = f"{KEY_ID}/{day}/{REGION}/oss/aliyun_v4_request"
    date = now.strftime("%Y%m%dT%H%M%SZ")
    extra = [{"x-oss-signature-version": "OSS4-HMAC-SHA256"}, {"x-oss-credential": credential}, {"x-oss-date": date}]
    encoded = policy(conditions + extra, expires_in)
    key = hmac.new(("aliyun_v4" + secret).encode(), day.encode(), hashlib.sha256).digest()
    for part in (REGION, "oss", "aliyun_v4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    signature = hmac.new(key, encoded.encode(), hashlib.sha256).hexdigest()
    return {"policy": encoded, "x-oss-signature-version": "OSS4-HMAC-SHA256", "x-oss-credential": credential,
            "x-oss-date": date, "x-oss-signature": signature}


def post(emulator, bucket, fields, content=b"form content", filename="photo.txt"):
    # The file part goes last, as OSS requires; requests puts files after data.
    return requests.post(f"{emulator.endpoint}/{bucket}", data=fields, files={"file": (filename, content)},
                         allow_redirects=False)


@pytest.fixture
def bucket(emulator):
    b = emulator.bucket("post-form")
    b.create_bucket()
    return b


def error_of(response):
    root = ET.fromstring(response.content)
    return root.findtext("Code"), root.findtext("Message")


def test_v1_signed_upload_default_204(emulator, bucket):
    fields = {"key": "uploads/${filename}", "x-oss-meta-owner": "alice", "Content-Type": "text/x-form",
              **v1_fields(policy([{"bucket": "post-form"}, ["starts-with", "$key", "uploads/"]]))}
    response = post(emulator, "post-form", fields)
    assert response.status_code == 204, response.text
    assert response.headers["ETag"] == '"%s"' % hashlib.md5(b"form content").hexdigest().upper()
    stored = bucket.get_object("uploads/photo.txt")
    assert stored.read() == b"form content"
    assert stored.headers["x-oss-meta-owner"] == "alice"
    assert stored.headers["Content-Type"] == "text/x-form"


def test_v4_signed_upload_201_post_response(emulator, bucket):
    fields = {"key": "v4/object.bin", "success_action_status": "201",
              **v4_fields([["eq", "$key", "v4/object.bin"], ["content-length-range", 1, 100]])}
    response = post(emulator, "post-form", fields)
    assert response.status_code == 201, response.text
    root = ET.fromstring(response.content)
    assert root.tag == "PostResponse"
    assert root.findtext("Bucket") == "post-form"
    assert root.findtext("Key") == "v4/object.bin"
    assert root.findtext("ETag") == response.headers["ETag"]
    assert root.findtext("Location").endswith("/post-form/v4/object.bin")
    assert bucket.get_object("v4/object.bin").read() == b"form content"


def test_success_status_200(emulator, bucket):
    fields = {"key": "ok200", "success_action_status": "200", **v1_fields(policy([]))}
    response = post(emulator, "post-form", fields)
    assert response.status_code == 200
    assert response.content == b""


def test_redirect_303(emulator, bucket):
    fields = {"key": "redirected", "success_action_redirect": "http://app.example/done?x=1", **v1_fields(policy([]))}
    response = post(emulator, "post-form", fields)
    assert response.status_code == 303
    location = urllib.parse.urlparse(response.headers["Location"])
    assert location.netloc == "app.example"
    query = urllib.parse.parse_qs(location.query)
    assert query["x"] == ["1"] and query["bucket"] == ["post-form"] and query["key"] == ["redirected"]
    assert query["etag"] == [response.headers["ETag"]]


def test_expired_policy(emulator, bucket):
    response = post(emulator, "post-form", {"key": "late", **v1_fields(policy([], expires_in=-60))})
    assert response.status_code == 403
    assert error_of(response) == ("AccessDenied", "Invalid according to Policy: Policy expired.")
    assert not bucket.object_exists("late")


def test_failed_condition(emulator, bucket):
    response = post(emulator, "post-form", {"key": "other/k", **v1_fields(policy([["starts-with", "$key", "uploads/"]]))})
    assert response.status_code == 403
    code, message = error_of(response)
    assert code == "AccessDenied"
    assert message.startswith("Invalid according to Policy: Policy Condition failed:")


def test_content_length_range(emulator, bucket):
    fields = {"key": "big", **v1_fields(policy([["content-length-range", 0, 4]]))}
    response = post(emulator, "post-form", fields, content=b"12345")
    assert response.status_code == 403
    assert "content-length-range" in error_of(response)[1]
    assert post(emulator, "post-form", fields, content=b"1234").status_code == 204


def test_in_condition_on_content_type(emulator, bucket):
    conditions = [["in", "$content-type", ["image/png", "image/jpeg"]]]
    fields = {"key": "typed", "Content-Type": "text/plain", **v1_fields(policy(conditions))}
    assert post(emulator, "post-form", fields).status_code == 403
    fields["Content-Type"] = "image/png"
    assert post(emulator, "post-form", {**fields, **v1_fields(policy(conditions))}).status_code == 204


def test_bad_signature_v1_and_v4(emulator, bucket):
    response = post(emulator, "post-form", {"key": "k", **v1_fields(policy([]), secret="wrong")})
    assert response.status_code == 403
    assert error_of(response)[0] == "SignatureDoesNotMatch"
    response = post(emulator, "post-form", {"key": "k", **v4_fields([], secret="wrong")})
    assert response.status_code == 403
    assert error_of(response)[0] == "SignatureDoesNotMatch"


def test_missing_file_is_400(emulator, bucket):
    fields = {"key": "nofile", **v1_fields(policy([]))}
    response = requests.post(f"{emulator.endpoint}/post-form", files={name: (None, value) for name, value in fields.items()})
    assert response.status_code == 400
    assert error_of(response)[0] == "InvalidArgument"


def test_anonymous_only_on_public_read_write(emulator, bucket):
    response = post(emulator, "post-form", {"key": "anon"})
    assert response.status_code == 403
    assert error_of(response)[0] == "AccessDenied"
    bucket.put_bucket_acl(oss2.BUCKET_ACL_PUBLIC_READ_WRITE)
    assert post(emulator, "post-form", {"key": "anon"}).status_code == 204
    assert bucket.get_object("anon").read() == b"form content"


def test_large_file_streams_through(emulator, bucket):
    content = bytes(range(256)) * 4096 + b"--tail\r\n--"
    fields = {"key": "large.bin", "x-oss-storage-class": "IA", **v1_fields(policy([]))}
    response = post(emulator, "post-form", fields, content=content)
    assert response.status_code == 204, response.text
    assert bucket.get_object("large.bin").read() == content
    assert bucket.head_object("large.bin").headers["x-oss-storage-class"] == "IA"


def test_form_callback(emulator, bucket):
    from test_upload_callback import CallbackServer, b64json
    server = CallbackServer()
    try:
        callback = b64json({"callbackUrl": server.url, "callbackBody": "object=${object}&who=${x:who}"})
        fields = {"key": "cb", "callback": callback, "x:who": "bob", **v1_fields(policy([]))}
        response = post(emulator, "post-form", fields)
        assert response.status_code == 200
        assert response.json() == {"ok": True}
        assert urllib.parse.parse_qs(server.requests[0]["body"].decode()) == {"object": ["cb"], "who": ["bob"]}
    finally:
        server.close()
