"""Bucket configuration with real oss2: lifecycle rules that run when the
emulator's clock moves, bucket tags and the ListBuckets tag filter, bucket
policy on anonymous requests, GetBucketStat figures, and the settings kept
across a restart."""
import datetime
import json

import oss2
import pytest
import requests
from oss2.models import (AbortMultipartUpload, BucketLifecycle, LifecycleExpiration, LifecycleRule,
                         StorageTransition, Tagging, TaggingRule)

from conftest import RunningEmulator

ADMIN = {"X-Emulator-Admin": "1"}


@pytest.fixture
def server(tmp_path):
    # Sweeps only on demand, so the test decides when rules run.
    running = RunningEmulator(str(tmp_path / "data"), extra_args=["--lifecycle-interval", "0"]).start()
    yield running
    running.stop()


def admin(server, path, **body):
    answer = requests.post(f"{server.endpoint}/_emulator/{path}", json=body or None, headers=ADMIN, timeout=10)
    assert answer.status_code == 200, answer.text
    return answer.json()


def tags(pairs):
    rule = TaggingRule()
    for key, value in pairs.items():
        rule.add(key, value)
    return Tagging(rule)


def keys(bucket):
    return sorted(o.key for o in oss2.ObjectIterator(bucket))


def test_lifecycle_rules_run_when_the_clock_moves(server):
    bucket = server.bucket("lifecycle-sweep")
    bucket.create_bucket()
    expire = LifecycleRule("expire-logs", "logs/", status=LifecycleRule.ENABLED, expiration=LifecycleExpiration(days=3))
    cool = LifecycleRule("cool-media", "media/", status=LifecycleRule.ENABLED,
                         storage_transitions=[StorageTransition(days=1, storage_class=oss2.BUCKET_STORAGE_CLASS_IA),
                                              StorageTransition(days=5, storage_class=oss2.BUCKET_STORAGE_CLASS_ARCHIVE)])
    abort = LifecycleRule("abort-uploads", "uploads/", status=LifecycleRule.ENABLED,
                          abort_multipart_upload=AbortMultipartUpload(days=2))
    bucket.put_bucket_lifecycle(BucketLifecycle([expire, cool, abort]))
    for key in ["logs/a.log", "logs/b.log", "media/v.mp4", "keep/x.txt"]:
        bucket.put_object(key, b"content")
    upload_id = bucket.init_multipart_upload("uploads/big.bin").upload_id
    other_upload = bucket.init_multipart_upload("elsewhere/big.bin").upload_id

    # Nothing is due yet.
    swept = admin(server, "lifecycle", bucket="lifecycle-sweep")
    assert swept["buckets"] == [{"bucket": "lifecycle-sweep", "expired": 0, "transitioned": 0, "aborted": 0}]

    admin(server, "clock", advance=2 * 86400 + 60)
    swept = admin(server, "lifecycle")
    assert swept["buckets"] == [{"bucket": "lifecycle-sweep", "expired": 0, "transitioned": 1, "aborted": 0}]
    assert bucket.head_object("media/v.mp4").headers["x-oss-storage-class"] == "IA"

    admin(server, "clock", advance=2 * 86400)
    swept = admin(server, "lifecycle")
    assert swept["buckets"] == [{"bucket": "lifecycle-sweep", "expired": 2, "transitioned": 0, "aborted": 1}]
    assert keys(bucket) == ["keep/x.txt", "media/v.mp4"]
    uploads = [u.upload_id for u in oss2.MultipartUploadIterator(bucket)]
    assert uploads == [other_upload] and upload_id not in uploads
    assert bucket.head_object("keep/x.txt").headers.get("x-oss-storage-class", "Standard") == "Standard"

    admin(server, "clock", advance=3 * 86400)
    admin(server, "lifecycle")
    assert bucket.head_object("media/v.mp4").headers["x-oss-storage-class"] == "Archive"
    with pytest.raises(oss2.exceptions.OssError) as archived:
        bucket.get_object("media/v.mp4")
    assert archived.value.code == "InvalidObjectState"

    events = requests.get(f"{server.endpoint}/_emulator/events?after=0", headers=ADMIN, stream=True, timeout=5)
    text = ""
    for chunk in events.iter_content(chunk_size=None):
        text += chunk.decode()
        if text.count("lifecycle-applied") >= 3:
            break
    events.close()
    assert '"type":"lifecycle-applied"' in text.replace(" ", "") and '"expired":2' in text.replace(" ", "")


def test_lifecycle_tag_and_size_filters_leave_other_objects(server):
    bucket = server.bucket("lifecycle-filter")
    bucket.create_bucket()
    rule = LifecycleRule("tagged", "", status=LifecycleRule.ENABLED, expiration=LifecycleExpiration(days=1))
    rule.tagging = tags({"temp": "yes"})
    bucket.put_bucket_lifecycle(BucketLifecycle([rule]))
    bucket.put_object("a.tmp", b"x", headers={"x-oss-tagging": "temp=yes"})
    bucket.put_object("b.tmp", b"x", headers={"x-oss-tagging": "temp=no"})
    bucket.put_object("c.tmp", b"x")
    admin(server, "clock", advance=3 * 86400)
    admin(server, "lifecycle")
    assert keys(bucket) == ["b.tmp", "c.tmp"]


def test_lifecycle_validation_errors_reach_oss2(server):
    bucket = server.bucket("lifecycle-errors")
    bucket.create_bucket()
    with pytest.raises(oss2.exceptions.NoSuchLifecycle):
        bucket.get_bucket_lifecycle()
    rule = LifecycleRule("r", "p/", status=LifecycleRule.ENABLED, expiration=LifecycleExpiration(days=3))
    rule.storage_transitions = [StorageTransition(days=4, storage_class=oss2.BUCKET_STORAGE_CLASS_IA)]
    with pytest.raises(oss2.exceptions.InvalidArgument):
        bucket.put_bucket_lifecycle(BucketLifecycle([rule]))
    with pytest.raises(oss2.exceptions.MalformedXml):
        bucket.put_bucket_lifecycle("<This is a bad xml></bad as I am>")
    dated = LifecycleRule("d", "p/", status=LifecycleRule.ENABLED,
                          expiration=LifecycleExpiration(created_before_date=datetime.date(2016, 12, 25)))
    bucket.put_bucket_lifecycle(BucketLifecycle([dated]))
    assert bucket.get_bucket_lifecycle().rules[0].expiration.created_before_date == datetime.date(2016, 12, 25)


def test_bucket_tags_filter_list_buckets(server):
    tagged = server.bucket("tags-one")
    tagged.create_bucket()
    other = server.bucket("tags-two")
    other.create_bucket()
    tagged.put_bucket_tagging(tags({"team": "media", "env": "dev"}))
    other.put_bucket_tagging(tags({"team": "web"}))
    names = lambda **params: [b.name for b in server.service().list_buckets(params=params).buckets]
    assert names(**{"tag-key": "team", "tag-value": "media"}) == ["tags-one"]
    assert names(**{"tag-key": "team"}) == ["tags-one", "tags-two"]
    assert names(**{"tag-key": "nothing"}) == []
    tagged.delete_bucket_tagging(params={"tagging": "env"})
    assert tagged.get_bucket_tagging().tag_set.tagging_rule == {"team": "media"}
    with pytest.raises(oss2.exceptions.OssError) as refused:
        tagged.put_bucket_tagging(tags({"k%d" % i: "v" for i in range(21)}))
    assert refused.value.code == "InvalidTag"


def test_policy_governs_anonymous_reads(server):
    bucket = server.bucket("policy-anon")
    bucket.create_bucket(oss2.BUCKET_ACL_PRIVATE)
    bucket.put_object("public/a.txt", b"open")
    bucket.put_object("private/b.txt", b"closed")
    anonymous = server.bucket("policy-anon", auth=oss2.AnonymousAuth())
    with pytest.raises(oss2.exceptions.AccessDenied):
        anonymous.get_object("public/a.txt")
    policy = {"Version": "1", "Statement": [
        {"Effect": "Allow", "Principal": ["*"], "Action": ["oss:GetObject"], "Resource": ["acs:oss:*:*:policy-anon/public/*"]}]}
    bucket.put_bucket_policy(json.dumps(policy))
    assert json.loads(bucket.get_bucket_policy().policy) == policy
    assert anonymous.get_object("public/a.txt").read() == b"open"
    with pytest.raises(oss2.exceptions.AccessDenied):
        anonymous.get_object("private/b.txt")
    with pytest.raises(oss2.exceptions.AccessDenied):
        anonymous.put_object("public/new.txt", b"x")

    # A Deny wins over a public-read ACL.
    bucket.put_bucket_acl(oss2.BUCKET_ACL_PUBLIC_READ)
    assert anonymous.get_object("private/b.txt").read() == b"closed"
    policy["Statement"].append(
        {"Effect": "Deny", "Principal": ["*"], "Action": ["oss:Get*"], "Resource": ["acs:oss:*:*:policy-anon/private/*"]})
    bucket.put_bucket_policy(json.dumps(policy))
    with pytest.raises(oss2.exceptions.AccessDenied):
        anonymous.get_object("private/b.txt")

    with pytest.raises(oss2.exceptions.OssError) as invalid:
        bucket.put_bucket_policy("{not json")
    assert invalid.value.code == "InvalidPolicyDocument"
    bucket.delete_bucket_policy()
    with pytest.raises(oss2.exceptions.NoSuchBucketPolicy):
        bucket.get_bucket_policy()


def test_bucket_stat_counts_what_the_bucket_holds(server):
    bucket = server.bucket("stat-figures")
    bucket.create_bucket()
    bucket.put_object("a.txt", b"1234567")
    bucket.put_object("b.txt", b"123", headers={"x-oss-storage-class": "IA"})
    upload = bucket.init_multipart_upload("big.bin").upload_id
    bucket.upload_part("big.bin", upload, 1, b"part")
    stat = bucket.get_bucket_stat()
    assert (stat.object_count, stat.storage_size_in_bytes) == (2, 10)
    assert (stat.standard_object_count, stat.standard_storage) == (1, 7)
    assert (stat.infrequent_access_object_count, stat.infrequent_access_real_storage) == (1, 3)
    assert stat.infrequent_access_storage == 64 * 1024  # billed minimum
    assert (stat.multi_part_upload_count, stat.multipart_part_count, stat.live_channel_count) == (1, 1, 0)


def test_settings_survive_a_restart(tmp_path):
    data = str(tmp_path / "data")
    first = RunningEmulator(data).start()
    try:
        bucket = first.bucket("kept-settings")
        bucket.create_bucket(oss2.BUCKET_ACL_PRIVATE, oss2.models.BucketCreateConfig(oss2.BUCKET_STORAGE_CLASS_IA),
                             headers={"x-oss-resource-group-id": "rg-test-1"})
        first.bucket("log-target").create_bucket()
        bucket.put_bucket_tagging(tags({"k": "v"}))
        bucket.put_bucket_logging(oss2.models.BucketLogging("log-target", "logs/"))
        bucket.set_bucket_storage_capacity(oss2.models.BucketUserQos(100))
        bucket.put_bucket_lifecycle(BucketLifecycle([
            LifecycleRule("r", "x/", status=LifecycleRule.ENABLED, expiration=LifecycleExpiration(days=7))]))
    finally:
        first.stop()
    second = RunningEmulator(data).start()
    try:
        bucket = second.bucket("kept-settings")
        info = bucket.get_bucket_info()
        assert (info.storage_class, info.resource_group_id, info.versioning_status) == ("IA", "rg-test-1", None)
        assert bucket.get_bucket_tagging().tag_set.tagging_rule == {"k": "v"}
        logging = bucket.get_bucket_logging()
        assert (logging.target_bucket, logging.target_prefix) == ("log-target", "logs/")
        assert bucket.get_bucket_storage_capacity().storage_capacity == 100
        assert bucket.get_bucket_lifecycle().rules[0].expiration.days == 7
    finally:
        second.stop()


def test_unserved_sub_resources_and_versioning_answer_501(server):
    bucket = server.bucket("not-served")
    bucket.create_bucket()
    for name in ["accessmonitor", "qosInfo", "regions"]:
        with pytest.raises(oss2.exceptions.ServerError) as refused:
            bucket._get_bucket_config(name)
        assert refused.value.status == 501 and name in refused.value.message + str(refused.value.details)
    with pytest.raises(oss2.exceptions.ServerError) as versioning:
        bucket.get_bucket_versioning()
    assert versioning.value.status == 501 and "versioning" in versioning.value.message.lower()
    with pytest.raises(oss2.exceptions.InvalidTargetBucketForLogging if hasattr(oss2.exceptions, "InvalidTargetBucketForLogging")
                       else oss2.exceptions.OssError):
        bucket.put_bucket_logging(oss2.models.BucketLogging("no-such-target", "p/"))
    # Listing parameters still list.
    bucket.put_object("a/b", b"x")
    assert [o.key for o in bucket.list_objects(prefix="a/", delimiter="", marker="").object_list] == ["a/b"]
