"""The nine LiveChannel operations through the real Python SDK, with V1 and V4 signatures."""
import time

import oss2
import pytest
import requests
from oss2.models import LiveChannelInfo, LiveChannelInfoTarget

from conftest import KEY_ID, KEY_SECRET

AUTHS = {
    "v1": lambda: oss2.Auth(KEY_ID, KEY_SECRET),
    "v4": lambda: oss2.AuthV4(KEY_ID, KEY_SECRET),
}


@pytest.fixture(params=sorted(AUTHS))
def bucket(request, emulator):
    b = oss2.Bucket(AUTHS[request.param](), emulator.endpoint, "live-" + request.param, region="cn-hangzhou")
    b.create_bucket()
    return b


def channel_info(playlist="test.m3u8", description="lobby", status="enabled", frag_duration=5, frag_count=3):
    target = LiveChannelInfoTarget(playlist_name=playlist, frag_duration=frag_duration, frag_count=frag_count)
    return LiveChannelInfo(status=status, description=description, target=target)


def test_create_and_get(bucket, emulator):
    result = bucket.create_live_channel("cam1", channel_info())
    host = emulator.endpoint.split("//", 1)[1]
    assert result.publish_url == f"rtmp://{host}/{bucket.bucket_name}/live/cam1"
    assert result.play_url == f"http://{host}/{bucket.bucket_name}/cam1/test.m3u8"

    info = bucket.get_live_channel("cam1")
    assert info.description == "lobby"
    assert info.status == "enabled"
    assert info.target.type == "HLS"
    assert info.target.frag_duration == "5"
    assert info.target.frag_count == "3"
    assert info.target.playlist_name == "test.m3u8"


def test_defaults_fill_empty_elements(bucket):
    # oss2 sends <PlaylistName /> and an empty <Description />.
    bucket.create_live_channel("defaults", LiveChannelInfo(target=LiveChannelInfoTarget()))
    info = bucket.get_live_channel("defaults")
    assert info.target.playlist_name == "playlist.m3u8"
    assert info.description == ""


def test_recreate_overwrites_idle_channel(bucket):
    bucket.create_live_channel("again", channel_info(description="first"))
    bucket.create_live_channel("again", channel_info(description="second", frag_count=7))
    info = bucket.get_live_channel("again")
    assert info.description == "second" and info.target.frag_count == "7"


def test_status_stat_and_history(bucket):
    bucket.create_live_channel("cam2", channel_info())
    assert bucket.get_live_channel_stat("cam2").status == "Idle"
    bucket.put_live_channel_status("cam2", "disabled")
    bucket.put_live_channel_status("cam2", "disabled")  # idempotent
    assert bucket.get_live_channel("cam2").status == "disabled"
    assert bucket.get_live_channel_stat("cam2").status == "Disabled"
    bucket.put_live_channel_status("cam2", "enabled")
    assert bucket.get_live_channel_stat("cam2").status == "Idle"
    assert bucket.get_live_channel_history("cam2").records == []


def test_list_paginates_in_byte_order(bucket):
    names = [f"list-{i:03d}" for i in range(205)] + ["other"]
    for name in names:
        bucket.create_live_channel(name, channel_info())
    first = bucket.list_live_channel(prefix="list-")
    assert first.max_keys == 100
    assert first.is_truncated
    assert first.next_marker == "list-099"
    assert [c.name for c in first.channels] == names[:100]
    channel = first.channels[0]
    assert channel.status == "enabled" and channel.description == "lobby"
    assert channel.publish_url.endswith("/live/list-000") and channel.play_url.endswith("/list-000/test.m3u8")

    every = [c.name for c in oss2.LiveChannelIterator(bucket, prefix="list-", max_keys=37)]
    assert every == names[:205]

    tail = bucket.list_live_channel(prefix="list-", marker="list-199", max_keys=10)
    assert [c.name for c in tail.channels] == [f"list-{i}" for i in range(200, 205)]
    assert not tail.is_truncated


def test_delete(bucket):
    bucket.create_live_channel("gone", channel_info())
    bucket.delete_live_channel("gone")
    with pytest.raises(oss2.exceptions.NoSuchLiveChannel) as err:
        bucket.get_live_channel("gone")
    assert err.value.status == 404
    with pytest.raises(oss2.exceptions.NoSuchLiveChannel):
        bucket.delete_live_channel("gone")
    # Deleting one channel among others leaves the others listed, in order.
    for name in ("del-a", "del-b", "del-c"):
        bucket.create_live_channel(name, channel_info())
    bucket.delete_live_channel("del-b")
    assert [c.name for c in bucket.list_live_channel(prefix="del-").channels] == ["del-a", "del-c"]


def test_errors_have_the_sdk_exception_classes(bucket):
    for call in (lambda: bucket.get_live_channel("missing"),
                 lambda: bucket.get_live_channel_stat("missing"),
                 lambda: bucket.get_live_channel_history("missing"),
                 lambda: bucket.put_live_channel_status("missing", "enabled")):
        with pytest.raises(oss2.exceptions.NoSuchLiveChannel) as err:
            call()
        assert err.value.status == 404

    for bad in (channel_info(frag_duration=0), channel_info(frag_count=101), channel_info(playlist="a.m3u"),
                channel_info(description="d" * 129), channel_info(playlist="x/y.m3u8")):
        with pytest.raises(oss2.exceptions.InvalidArgument) as err:
            bucket.create_live_channel("bad", bad)
        assert err.value.status == 400

    bucket.create_live_channel("cam3", channel_info())
    with pytest.raises(oss2.exceptions.InvalidArgument):
        bucket.put_live_channel_status("cam3", "paused")


def test_vod_without_segments_is_invalid_argument(bucket):
    bucket.create_live_channel("vod", channel_info())
    now = int(time.time())
    with pytest.raises(oss2.exceptions.InvalidArgument) as err:
        bucket.post_vod_playlist("vod", "vod.m3u8", start_time=now - 3600, end_time=now)
    assert "No ts file found in specified time span." in err.value.message
    with pytest.raises(oss2.exceptions.InvalidArgument):
        bucket.get_vod_playlist("vod", start_time=now - 3600, end_time=now)
    with pytest.raises(oss2.exceptions.InvalidArgument):
        bucket.post_vod_playlist("vod", "vod.m3u8", start_time=now, end_time=now - 10)
    with pytest.raises(oss2.exceptions.InvalidArgument):
        bucket.post_vod_playlist("vod", "vod.m3u8", start_time=now - 86401, end_time=now)
    with pytest.raises(oss2.exceptions.NoSuchLiveChannel):
        bucket.post_vod_playlist("nochannel", "vod.m3u8", start_time=now - 60, end_time=now)


def test_malformed_xml(emulator):
    bucket = emulator.bucket("live-xml")
    bucket.create_bucket()
    url = bucket.sign_url("PUT", "cam", 60, params={"live": ""})
    r = requests.put(url, data=b"<LiveChannelConfiguration><Target>", timeout=5)
    assert r.status_code == 400 and b"<Code>MalformedXML</Code>" in r.content


def test_live_calls_need_a_signature_even_on_public_buckets(emulator):
    owner = emulator.bucket("live-public")
    owner.create_bucket(oss2.BUCKET_ACL_PUBLIC_READ_WRITE)
    owner.create_live_channel("cam", channel_info())
    anonymous = emulator.bucket("live-public", auth=oss2.AnonymousAuth())
    with pytest.raises(oss2.exceptions.AccessDenied):
        anonymous.delete_live_channel("cam")
    with pytest.raises(oss2.exceptions.AccessDenied):
        anonymous.get_live_channel("cam")


def test_bucket_with_channels_is_not_empty(emulator):
    bucket = emulator.bucket("live-keep")
    bucket.create_bucket()
    bucket.create_live_channel("cam", channel_info())
    with pytest.raises(oss2.exceptions.BucketNotEmpty):
        bucket.delete_bucket()
    bucket.delete_live_channel("cam")
    bucket.delete_bucket()


def test_channels_survive_restart(data_dir):
    from conftest import RunningEmulator
    first = RunningEmulator(data_dir).start()
    try:
        b = first.bucket("live-durable")
        b.create_bucket()
        b.create_live_channel("cam", channel_info(description="kept"))
        b.put_live_channel_status("cam", "disabled")
    finally:
        first.stop()
    second = RunningEmulator(data_dir).start()
    try:
        info = second.bucket("live-durable").get_live_channel("cam")
        assert info.description == "kept" and info.status == "disabled"
    finally:
        second.stop()


def test_channel_flag_creates_channel(data_dir):
    from conftest import RunningEmulator
    running = RunningEmulator(data_dir, ["--channel", "flagged/cam"]).start()
    try:
        info = running.bucket("flagged").get_live_channel("cam")
        assert info.target.playlist_name == "playlist.m3u8"
    finally:
        running.stop()


def test_oss_url_style(data_dir):
    from conftest import RunningEmulator
    running = RunningEmulator(data_dir, ["--url-style", "oss"]).start()
    try:
        b = running.bucket("styled")
        b.create_bucket()
        result = b.create_live_channel("cam", channel_info())
        host = running.endpoint.split("//", 1)[1]
        assert result.publish_url == f"rtmp://styled.{host}/live/cam"
        assert result.play_url == f"http://styled.{host}/cam/test.m3u8"
    finally:
        running.stop()
