"""HTTPS through the emulator as proxy (CONNECT, TLS with the emulator's CA),
SSE headers, and oss2's CryptoBucket with AliKMSProvider against the KMS
emulation, all offline."""
import os

import oss2
import pytest
import requests

from conftest import KEY_ID, KEY_SECRET, RunningEmulator

HTTPS_ENDPOINT = "https://oss-cn-hangzhou.aliyuncs.com"


def ca_path(emulator):
    return os.path.join(emulator.data_dir, ".oss", "tls", "ca.pem")


@pytest.fixture
def via_proxy(emulator, monkeypatch):
    """The process environment an SDK user sets: proxy and CA bundle."""
    monkeypatch.setenv("HTTPS_PROXY", emulator.endpoint)
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", ca_path(emulator))
    monkeypatch.setenv("ALIBABA_CLOUD_CA_BUNDLE", ca_path(emulator))
    return emulator


def https_bucket(emulator, name):
    return oss2.Bucket(oss2.Auth(KEY_ID, KEY_SECRET), HTTPS_ENDPOINT, name, proxies={"https": emulator.endpoint})


def test_ca_is_served_and_survives_restart(data_dir):
    first = RunningEmulator(data_dir).start()
    try:
        served = requests.get(first.endpoint + "/_emulator/ca.pem").text
        assert served.startswith("-----BEGIN CERTIFICATE-----")
        assert served == open(ca_path(first)).read()
    finally:
        first.stop()
    second = RunningEmulator(data_dir).start()
    try:
        assert requests.get(second.endpoint + "/_emulator/ca.pem").text == served
    finally:
        second.stop()


def test_ca_is_made_in_a_data_dir_given_relative(data_dir, monkeypatch):
    """`scripts/run.sh` passes `--data-dir ./oss-data`: the CA goes inside it, and HTTPS works."""
    parent, name = os.path.split(data_dir)
    emulator = RunningEmulator("./" + name, cwd=parent).start()
    try:
        served = requests.get(emulator.endpoint + "/_emulator/ca.pem")
        assert served.status_code == 200, emulator.stderr()
        assert served.text == open(os.path.join(data_dir, ".oss", "tls", "ca.pem")).read()
        assert "CONNECT tunnels disabled" not in emulator.stderr()
        monkeypatch.setenv("REQUESTS_CA_BUNDLE", os.path.join(data_dir, ".oss", "tls", "ca.pem"))
        bucket = https_bucket(emulator, "relative-tls")
        bucket.create_bucket()
        bucket.put_object("a.txt", b"over tls")
        assert bucket.get_object("a.txt").read() == b"over tls"
    finally:
        emulator.stop()


def test_https_endpoint_through_the_proxy(via_proxy):
    bucket = https_bucket(via_proxy, "tls-bucket")
    bucket.create_bucket()
    bucket.put_object("a.txt", b"over tls")
    assert bucket.get_object("a.txt").read() == b"over tls"
    big = os.urandom(300 * 1024)  # spooled to disk and sent in many TLS records
    bucket.put_object("big.bin", big)
    assert bucket.get_object("big.bin").read() == big
    assert [o.key for o in oss2.ObjectIterator(bucket)] == ["a.txt", "big.bin"]


def test_sse_headers_are_stored_and_echoed(via_proxy):
    bucket = https_bucket(via_proxy, "sse-bucket")
    bucket.create_bucket()
    put = bucket.put_object("kms", b"", headers={"x-oss-server-side-encryption": "KMS"})
    default_id = put.headers["x-oss-server-side-encryption-key-id"]
    head = bucket.head_object("kms")
    assert head.headers["x-oss-server-side-encryption"] == "KMS"
    assert head.headers["x-oss-server-side-encryption-key-id"] == default_id
    bucket.put_object("named", b"x", headers={"x-oss-server-side-encryption": "KMS",
                                              "x-oss-server-side-encryption-key-id": "1111"})
    assert bucket.get_object("named").headers["x-oss-server-side-encryption-key-id"] == "1111"
    bucket.put_object("aes", b"x", headers={"x-oss-server-side-encryption": "AES256"})
    head = bucket.head_object("aes")
    assert head.headers["x-oss-server-side-encryption"] == "AES256"
    assert "x-oss-server-side-encryption-key-id" not in head.headers
    assert "x-oss-server-side-encryption" not in bucket.put_object("plain", b"x").headers
    with pytest.raises(oss2.exceptions.ServerError) as refused:
        bucket.put_object("bad", b"x", headers={"x-oss-server-side-encryption": "DES"})
    assert refused.value.status == 400
    assert refused.value.code == "InvalidEncryptionAlgorithmError"


def test_crypto_bucket_with_kms_provider(via_proxy):
    bucket = https_bucket(via_proxy, "crypto-bucket")
    bucket.create_bucket()
    bucket.put_object("kms-id-object", b"", headers={"x-oss-server-side-encryption": "KMS"})
    cmk_id = bucket.head_object("kms-id-object").headers["x-oss-server-side-encryption-key-id"]
    provider = oss2.AliKMSProvider(KEY_ID, KEY_SECRET, "cn-hangzhou", cmk_id, passphrase="pass")
    crypto = oss2.CryptoBucket(oss2.Auth(KEY_ID, KEY_SECRET), HTTPS_ENDPOINT, "crypto-bucket",
                               crypto_provider=provider)
    content = os.urandom(100 * 1024)
    crypto.put_object("secret.bin", content)
    assert crypto.get_object("secret.bin").read() == content
    stored = bucket.get_object("secret.bin")
    assert stored.read() != content  # the SDK encrypted it client-side
    assert stored.headers["x-oss-meta-client-side-encryption-wrap-alg"] == "KMS/ALICLOUD"
    # Another passphrase is another encryption context: KMS refuses to unwrap the key.
    other = oss2.CryptoBucket(oss2.Auth(KEY_ID, KEY_SECRET), HTTPS_ENDPOINT, "crypto-bucket",
                              crypto_provider=oss2.AliKMSProvider(KEY_ID, KEY_SECRET, "cn-hangzhou", cmk_id, passphrase="other"))
    with pytest.raises(oss2.exceptions.OpenApiServerError) as refused:
        other.get_object("secret.bin").read()
    assert refused.value.status == 400
    assert refused.value.code == "InvalidParameter"


def test_kms_checks_the_signature(via_proxy):
    https_bucket(via_proxy, "kms-auth").create_bucket()
    provider = oss2.AliKMSProvider(KEY_ID, "wrong-secret", "cn-hangzhou", "some-cmk")
    crypto = oss2.CryptoBucket(oss2.Auth(KEY_ID, KEY_SECRET), HTTPS_ENDPOINT, "kms-auth", crypto_provider=provider)
    with pytest.raises(oss2.exceptions.OpenApiServerError) as refused:
        crypto.put_object("x", b"x")
    # KMS answers SignatureDoesNotMatch with its string to sign; the SDK, finding
    # it equal to its own, reports the secret as wrong.
    assert refused.value.code == "InvalidAccessKeySecret"


def test_connect_to_other_hosts_is_refused(emulator):
    with pytest.raises(requests.exceptions.ProxyError) as refused:
        requests.get("https://example.com/", proxies={"https": emulator.endpoint}, timeout=10)
    assert "403" in str(refused.value)
