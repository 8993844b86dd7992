"""Bucket CORS rules, hotlink protection (referer), static website and
server-side encryption through the real Python SDK (oss2), with browsers'
requests (preflights, Referer, anonymous reads) made by plain `requests`."""
import oss2
import pytest
import requests
from oss2.models import BucketCors, BucketReferer, BucketWebsite, CorsRule, ServerSideEncryptionRule

from conftest import RunningEmulator
from sdk_v2 import client_for, new_bucket


@pytest.fixture
def bucket(emulator):
    b = emulator.bucket("servingcfg")
    b.create_bucket(oss2.BUCKET_ACL_PUBLIC_READ)
    return b


def url(emulator, key=""):
    return f"{emulator.endpoint}/servingcfg/{key}"


def preflight(emulator, origin, method, headers=None):
    sent = {"Origin": origin, "Access-Control-Request-Method": method}
    if headers:
        sent["Access-Control-Request-Headers"] = headers
    return requests.options(url(emulator, "obj"), headers=sent)


def test_cors_rules_replace_the_permissive_default(emulator, bucket):
    bucket.put_object("obj", b"data")
    # Without rules every origin is allowed.
    assert preflight(emulator, "http://any.test", "DELETE").status_code == 200

    rule = CorsRule(allowed_origins=["https://*.example.com"], allowed_methods=["GET", "HEAD"],
                    allowed_headers=["x-oss-*"], expose_headers=["ETag"], max_age_seconds=300)
    bucket.put_bucket_cors(BucketCors([rule], response_vary=True))

    allowed = preflight(emulator, "https://app.example.com", "GET", "x-oss-date")
    assert allowed.status_code == 200
    assert allowed.headers["Access-Control-Allow-Origin"] == "https://app.example.com"
    assert allowed.headers["Access-Control-Allow-Methods"] == "GET, HEAD"
    assert allowed.headers["Access-Control-Allow-Headers"] == "x-oss-date"
    assert allowed.headers["Access-Control-Max-Age"] == "300"
    assert allowed.headers["Vary"] == "Origin"

    for origin, method, headers in [("https://evil.test", "GET", None),
                                    ("https://app.example.com", "PUT", None),
                                    ("https://app.example.com", "GET", "authorization")]:
        refused = preflight(emulator, origin, method, headers)
        assert refused.status_code == 403
        assert "<Code>AccessForbidden</Code>" in refused.text
        assert "CORSResponse: This CORS request is not allowed" in refused.text

    # Actual requests: headers only when a rule allows the origin.
    ok = requests.get(url(emulator, "obj"), headers={"Origin": "https://app.example.com"})
    assert ok.headers["Access-Control-Allow-Origin"] == "https://app.example.com"
    assert ok.headers["Access-Control-Expose-Headers"] == "ETag"
    other = requests.get(url(emulator, "obj"), headers={"Origin": "https://evil.test"})
    assert other.status_code == 200 and "Access-Control-Allow-Origin" not in other.headers
    assert other.headers["Vary"] == "Origin"

    bucket.delete_bucket_cors()
    with pytest.raises(oss2.exceptions.NoSuchCors):
        bucket.get_bucket_cors()
    assert preflight(emulator, "http://any.test", "DELETE").status_code == 200


def test_referer_is_enforced_for_anonymous_and_presigned_reads(emulator, bucket):
    bucket.put_object("img.png", b"png")
    bucket.put_bucket_referer(BucketReferer(False, ["http://*.example.com"], black_referers=["http://bad.example.com"]))

    good = requests.get(url(emulator, "img.png"), headers={"Referer": "http://www.example.com/page?x=1"})
    assert good.status_code == 200 and good.content == b"png"
    for referer, ec in [(None, "0003-00000501"), ("http://other.test/", "0003-00000503"),
                        ("http://bad.example.com", "0003-00000502")]:
        denied = requests.get(url(emulator, "img.png"), headers={"Referer": referer} if referer else {})
        assert denied.status_code == 403
        assert "<Code>AccessDenied</Code>" in denied.text
        assert "You are denied by bucket referer policy." in denied.text
        assert f"<EC>{ec}</EC>" in denied.text

    signed_url = bucket.sign_url("GET", "img.png", 60)
    assert requests.get(signed_url).status_code == 403
    assert requests.get(signed_url, headers={"Referer": "http://a.example.com"}).status_code == 200
    # A request signed in its Authorization header is not checked.
    assert bucket.get_object("img.png").read() == b"png"

    # An empty whitelist turns hotlink protection off.
    bucket.put_bucket_referer(BucketReferer(False, []))
    assert requests.get(url(emulator, "img.png")).status_code == 200


def test_website_index_and_error_documents(emulator, bucket):
    bucket.put_object("index.html", b"<h1>home</h1>")
    bucket.put_object("404.html", b"<h1>missing</h1>")
    bucket.put_bucket_website(BucketWebsite("index.html", "404.html"))

    root = requests.get(url(emulator))
    assert root.status_code == 200 and root.content == b"<h1>home</h1>"
    directory = requests.get(url(emulator, "docs/"))
    assert directory.status_code == 200 and directory.content == b"<h1>home</h1>"
    missing = requests.get(url(emulator, "nothing.html"))
    assert missing.status_code == 404 and missing.content == b"<h1>missing</h1>"

    # Signed clients: a directory answers the index, a missing key stays NoSuchKey.
    assert bucket.get_object("docs/").read() == b"<h1>home</h1>"
    with pytest.raises(oss2.exceptions.NoSuchKey):
        bucket.get_object("nothing.html")
    # A signed GET of the root is still ListObjects.
    assert {o.key for o in oss2.ObjectIterator(bucket)} == {"index.html", "404.html"}

    bucket.delete_bucket_website()
    assert requests.get(url(emulator, "nothing.html")).status_code == 404
    assert "<Code>NoSuchKey</Code>" in requests.get(url(emulator, "nothing.html")).text


def test_sse_headers_are_echoed_and_bucket_default_applies(emulator, bucket):
    put = bucket.put_object("kms", b"a", headers={"x-oss-server-side-encryption": "KMS",
                                                   "x-oss-server-side-data-encryption": "SM4"})
    assert put.headers["x-oss-server-side-encryption"] == "KMS"
    assert put.headers["x-oss-server-side-data-encryption"] == "SM4"
    key_id = put.headers["x-oss-server-side-encryption-key-id"]
    head = bucket.head_object("kms")
    assert head.headers["x-oss-server-side-encryption"] == "KMS"
    assert head.headers["x-oss-server-side-encryption-key-id"] == key_id
    assert bucket.get_object("kms").headers["x-oss-server-side-data-encryption"] == "SM4"

    rule = ServerSideEncryptionRule()
    rule.sse_algorithm = oss2.SERVER_SIDE_ENCRYPTION_SM4
    bucket.put_bucket_encryption(rule)
    plain = bucket.put_object("default", b"b")
    assert plain.headers["x-oss-server-side-encryption"] == "SM4"
    assert bucket.head_object("default").headers["x-oss-server-side-encryption"] == "SM4"
    assert bucket.get_bucket_info().bucket_encryption_rule.sse_algorithm == "SM4"
    # The request's own choice wins over the bucket's.
    own = bucket.put_object("own", b"c", headers={"x-oss-server-side-encryption": "AES256"})
    assert own.headers["x-oss-server-side-encryption"] == "AES256"
    assert bucket.get_object("own").read() == b"c"

    with pytest.raises(oss2.exceptions.InvalidEncryptionAlgorithmError):
        bucket.put_object("bad", b"d", headers={"x-oss-server-side-encryption": "DES"})


def test_settings_survive_a_restart(data_dir):
    first = RunningEmulator(data_dir).start()
    try:
        b = first.bucket("servingcfg")
        b.create_bucket()
        b.put_bucket_cors(BucketCors([CorsRule(allowed_origins=["*"], allowed_methods=["GET"])]))
        b.put_bucket_referer(BucketReferer(False, ["http://a.test"]))
        b.put_bucket_website(BucketWebsite("index.html", "error.html"))
        rule = ServerSideEncryptionRule()
        rule.sse_algorithm = "KMS"
        rule.kms_master_keyid = "key-1"
        b.put_bucket_encryption(rule)
    finally:
        first.stop()
    second = RunningEmulator(data_dir).start()
    try:
        b = second.bucket("servingcfg")
        assert b.get_bucket_cors().rules[0].allowed_methods == ["GET"]
        assert b.get_bucket_referer().referers == ["http://a.test"]
        assert b.get_bucket_website().index_file == "index.html"
        assert b.get_bucket_encryption().kms_master_keyid == "key-1"
    finally:
        second.stop()


def test_v2_sdk_round_trips_the_configurations(emulator):
    """The V2 SDK (alibabacloud-oss-v2) reads back what it put."""
    import alibabacloud_oss_v2 as oss

    c = client_for(emulator)
    b = new_bucket(c)
    c.put_bucket_cors(oss.PutBucketCorsRequest(bucket=b, cors_configuration=oss.CORSConfiguration(
        cors_rules=[oss.CORSRule(allowed_origins=["*"], allowed_methods=["GET"], allowed_headers=["*"], max_age_seconds=10)],
        response_vary=True)))
    r = c.get_bucket_cors(oss.GetBucketCorsRequest(bucket=b))
    assert r.cors_configuration.cors_rules[0].allowed_methods == ["GET"]
    assert r.cors_configuration.response_vary is True
    c.put_bucket_referer(oss.PutBucketRefererRequest(bucket=b, referer_configuration=oss.RefererConfiguration(
        allow_empty_referer=False, allow_truncate_query_string=True, truncate_path=True,
        referer_list=oss.RefererList(referers=["http://a.test"]),
        referer_blacklist=oss.RefererBlacklist(referers=["http://b.test"]))))
    r = c.get_bucket_referer(oss.GetBucketRefererRequest(bucket=b))
    assert r.referer_configuration.referer_list.referers == ["http://a.test"]
    assert r.referer_configuration.truncate_path is True
    c.put_bucket_website(oss.PutBucketWebsiteRequest(bucket=b, website_configuration=oss.WebsiteConfiguration(
        index_document=oss.IndexDocument(suffix="index.html", support_sub_dir=True, type=0),
        error_document=oss.ErrorDocument(key="e.html", http_status=404))))
    r = c.get_bucket_website(oss.GetBucketWebsiteRequest(bucket=b))
    assert r.website_configuration.index_document.support_sub_dir is True
    assert r.website_configuration.error_document.http_status == 404
    c.put_bucket_encryption(oss.PutBucketEncryptionRequest(bucket=b, server_side_encryption_rule=oss.ServerSideEncryptionRule(
        apply_server_side_encryption_by_default=oss.ApplyServerSideEncryptionByDefault(sse_algorithm="KMS", kms_master_key_id="k1"))))
    r = c.get_bucket_encryption(oss.GetBucketEncryptionRequest(bucket=b))
    assert r.server_side_encryption_rule.apply_server_side_encryption_by_default.kms_master_key_id == "k1"
