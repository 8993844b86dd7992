"""Upload callbacks through oss2: after PutObject (header or presigned URL)
the emulator POSTs the callback body to a local server and relays its JSON
answer (200), or answers 203 CallbackFailed when the server fails."""
import base64
import json
import socket
import threading
import time
import urllib.parse
import xml.etree.ElementTree as ET
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import oss2
import pytest
import requests


class CallbackServer:
    """A local callback server: records each request and answers as told."""

    def __init__(self, status=200, body=b'{"ok": true}', delay=0.0):
        self.requests = []
        self.status, self.body, self.delay = status, body, delay
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length", "0"))
                outer.requests.append({"path": self.path, "headers": dict(self.headers),
                                       "body": self.rfile.read(length)})
                if outer.delay:
                    time.sleep(outer.delay)
                self.send_response(outer.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(outer.body)))
                self.end_headers()
                self.wfile.write(outer.body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}/cb?from=oss"

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def server():
    running = CallbackServer()
    yield running
    running.close()


def b64json(value):
    return base64.b64encode(json.dumps(value).encode()).decode()


def callback_headers(url, body, body_type=None, variables=None, host=None):
    document = {"callbackUrl": url, "callbackBody": body}
    if body_type:
        document["callbackBodyType"] = body_type
    if host:
        document["callbackHost"] = host
    headers = {"x-oss-callback": b64json(document)}
    if variables:
        headers["x-oss-callback-var"] = b64json(variables)
    return headers


def unused_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_form_body_with_custom_variables(emulator, server):
    bucket = emulator.bucket("cb-form")
    bucket.create_bucket()
    headers = callback_headers(server.url, "bucket=${bucket}&object=${object}&size=${size}&etag=${etag}"
                               "&mime=${mimeType}&v=${x:my_var}",
                               variables={"x:my_var": "a b&c"}, host="app.example")
    result = bucket.put_object("dir/hello.txt", b"hello", headers=headers)
    assert result.status == 200
    assert json.loads(result.resp.read()) == {"ok": True}
    assert len(server.requests) == 1
    sent = server.requests[0]
    assert sent["path"] == "/cb?from=oss"
    assert sent["headers"]["Host"] == "app.example"
    assert sent["headers"]["Content-Type"] == "application/x-www-form-urlencoded"
    form = urllib.parse.parse_qs(sent["body"].decode())
    assert form["bucket"] == ["cb-form"]
    assert form["object"] == ["dir/hello.txt"]
    assert form["size"] == ["5"]
    assert form["mime"] == ["text/plain"]
    assert form["v"] == ["a b&c"]
    assert form["etag"][0] == result.etag
    assert bucket.get_object("dir/hello.txt").read() == b"hello"


def test_json_body(emulator, server):
    bucket = emulator.bucket("cb-json")
    bucket.create_bucket()
    headers = callback_headers(server.url, '{"object":${object},"size":${size},"var":${x:quote}}',
                               body_type="application/json", variables={"x:quote": 'say "hi"'})
    result = bucket.put_object("k.bin", b"12345678", headers=headers)
    assert result.status == 200
    sent = server.requests[0]
    assert sent["headers"]["Content-Type"] == "application/json"
    assert json.loads(sent["body"]) == {"object": "k.bin", "size": "8", "var": 'say "hi"'}


def test_complete_multipart_upload_with_callback(emulator, server):
    bucket = emulator.bucket("cb-multipart")
    bucket.create_bucket()
    upload_id = bucket.init_multipart_upload("big.bin").upload_id
    first, second = b"a" * (100 * 1024), b"tail"
    parts = [oss2.models.PartInfo(1, bucket.upload_part("big.bin", upload_id, 1, first).etag),
             oss2.models.PartInfo(2, bucket.upload_part("big.bin", upload_id, 2, second).etag)]
    headers = callback_headers(server.url, "object=${object}&size=${size}&etag=${etag}")
    result = bucket.complete_multipart_upload("big.bin", upload_id, parts, headers=headers)
    assert result.status == 200
    assert json.loads(result.resp.read()) == {"ok": True}
    form = urllib.parse.parse_qs(server.requests[0]["body"].decode())
    assert form["object"] == ["big.bin"]
    assert form["size"] == [str(len(first) + len(second))]
    assert form["etag"][0].endswith("-2")
    assert bucket.get_object("big.bin").read() == first + second


def test_complete_multipart_upload_with_failing_callback_keeps_the_object(emulator):
    bucket = emulator.bucket("cb-multipart-down")
    bucket.create_bucket()
    upload_id = bucket.init_multipart_upload("k").upload_id
    parts = [oss2.models.PartInfo(1, bucket.upload_part("k", upload_id, 1, b"only").etag)]
    headers = callback_headers(f"http://127.0.0.1:{unused_port()}/cb", "object=${object}")
    result = bucket.complete_multipart_upload("k", upload_id, parts, headers=headers)
    assert result.status == 203
    assert ET.fromstring(result.resp.read()).findtext("Code") == "CallbackFailed"
    assert bucket.get_object("k").read() == b"only"
    assert list(oss2.MultipartUploadIterator(bucket)) == []


def test_server_down_is_203_callback_failed(emulator):
    bucket = emulator.bucket("cb-down")
    bucket.create_bucket()
    headers = callback_headers(f"http://127.0.0.1:{unused_port()}/cb", "object=${object}")
    result = bucket.put_object("kept", b"data", headers=headers)
    assert result.status == 203
    error = ET.fromstring(result.resp.read())
    assert error.findtext("Code") == "CallbackFailed"
    # The object is written all the same.
    assert bucket.get_object("kept").read() == b"data"


def test_server_error_is_203(emulator):
    failing = CallbackServer(status=500, body=b'{"error": 1}')
    try:
        bucket = emulator.bucket("cb-500")
        bucket.create_bucket()
        result = bucket.put_object("k", b"x", headers=callback_headers(failing.url, "object=${object}"))
        assert result.status == 203
        error = ET.fromstring(result.resp.read())
        assert error.findtext("Code") == "CallbackFailed"
        assert "500" in error.findtext("Message")
        assert result.etag
    finally:
        failing.close()


def test_non_json_answer_is_203(emulator):
    plain = CallbackServer(body=b"not json")
    try:
        bucket = emulator.bucket("cb-plain")
        bucket.create_bucket()
        result = bucket.put_object("k", b"x", headers=callback_headers(plain.url, "object=${object}"))
        assert result.status == 203
    finally:
        plain.close()


def test_second_url_is_tried(emulator, server):
    bucket = emulator.bucket("cb-two")
    bucket.create_bucket()
    urls = f"http://127.0.0.1:{unused_port()}/a;{server.url}"
    result = bucket.put_object("k", b"x", headers=callback_headers(urls, "object=${object}"))
    assert result.status == 200
    assert len(server.requests) == 1


def test_slow_server_times_out(emulator):
    slow = CallbackServer(delay=7)
    try:
        bucket = emulator.bucket("cb-slow")
        bucket.create_bucket()
        started = time.monotonic()
        result = bucket.put_object("k", b"x", headers=callback_headers(slow.url, "object=${object}"))
        elapsed = time.monotonic() - started
        assert result.status == 203
        assert "timeout" in ET.fromstring(result.resp.read()).findtext("Message")
        assert 4.5 <= elapsed < 7
    finally:
        slow.close()


def test_other_requests_are_served_while_a_callback_waits(emulator):
    slow = CallbackServer(delay=2)
    try:
        bucket = emulator.bucket("cb-busy")
        bucket.create_bucket()
        done = {}
        thread = threading.Thread(target=lambda: done.setdefault(
            "status", bucket.put_object("k", b"x", headers=callback_headers(slow.url, "o=${object}")).status))
        thread.start()
        time.sleep(0.3)
        started = time.monotonic()
        for _ in range(5):
            bucket.put_object("other", b"y")
        assert time.monotonic() - started < 1.5
        thread.join()
        assert done["status"] == 200
    finally:
        slow.close()


@pytest.mark.parametrize("headers", [
    {"x-oss-callback": "%%%not-base64"},
    {"x-oss-callback": base64.b64encode(b"{not json").decode()},
    {"x-oss-callback": b64json({"callbackBody": "a=${object}"})},
    {"x-oss-callback": b64json({"callbackUrl": "ftp://x/y", "callbackBody": "a"})},
    {"x-oss-callback": b64json({"callbackUrl": "http://127.0.0.1:1/", "callbackBody": ""})},
    {"x-oss-callback": b64json({"callbackUrl": "http://127.0.0.1:1/", "callbackBody": "{bad ${object}",
                                "callbackBodyType": "application/json"})},
    {"x-oss-callback": b64json({"callbackUrl": "http://127.0.0.1:1/", "callbackBody": "a"}),
     "x-oss-callback-var": "not base64 json"},
])
def test_invalid_callback_is_400_before_writing(emulator, headers):
    bucket = emulator.bucket("cb-bad")
    bucket.create_bucket()
    with pytest.raises(oss2.exceptions.OssError) as raised:
        bucket.put_object("never", b"x", headers=headers)
    assert raised.value.status == 400
    assert raised.value.code == "InvalidArgument"
    assert not bucket.object_exists("never")


def test_presigned_url_with_callback(emulator, server):
    bucket = emulator.bucket("cb-presign")
    bucket.create_bucket()
    params = {"callback": b64json({"callbackUrl": server.url, "callbackBody": "object=${object}&v=${x:v}"}),
              "callback-var": b64json({"x:v": "1"})}
    url = bucket.sign_url("PUT", "signed", 60, params=params)
    response = requests.put(url, data=b"abc")
    assert response.status_code == 200
    assert response.json() == {"ok": True}
    assert urllib.parse.parse_qs(server.requests[0]["body"].decode()) == {"object": ["signed"], "v": ["1"]}


def test_presigned_url_with_unreachable_callback_host(emulator):
    # The oss2 suite's test_sign_url_with_callback: an unresolvable host is a 203.
    bucket = emulator.bucket("cb-presign-down")
    bucket.create_bucket()
    params = {"callback": b64json({"callbackUrl": "http://cbsrv.oss.demo.invalid", "callbackBody": "b=${bucket}"})}
    url = bucket.sign_url("PUT", "k", 60, params=params)
    assert requests.put(url).status_code == 203


def test_callback_is_signed_with_the_published_key(emulator, server):
    from Crypto.Hash import MD5
    from Crypto.PublicKey import RSA
    from Crypto.Signature import pkcs1_15

    bucket = emulator.bucket("cb-signed")
    bucket.create_bucket()
    url = f"http://127.0.0.1:{server.port}/cb%20path?a=1&b=2"
    assert bucket.put_object("k", b"x", headers=callback_headers(url, "object=${object}")).status == 200
    sent = server.requests[0]
    key_url = base64.b64decode(sent["headers"]["x-oss-pub-key-url"]).decode()
    assert key_url.startswith(emulator.endpoint + "/_emulator/callback-keys/")
    public_key = RSA.import_key(requests.get(key_url).content)
    # OSS signs the URL-decoded path, the query, a newline and the body.
    path, _, query = sent["path"].partition("?")
    message = urllib.parse.unquote(path).encode() + b"?" + query.encode() + b"\n" + sent["body"]
    signature = base64.b64decode(sent["headers"]["Authorization"])
    pkcs1_15.new(public_key).verify(MD5.new(message), signature)
    with pytest.raises(ValueError):
        pkcs1_15.new(public_key).verify(MD5.new(message + b"tampered"), signature)
    assert requests.get(emulator.endpoint + "/_emulator/callback-keys/0000000000000000.pem").status_code in (401, 404)
