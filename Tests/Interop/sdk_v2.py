"""Clients of the V2 Python SDK (alibabacloud-oss-v2) pointed at a running emulator.

The SDK signs with V4 by default; the tests keep that default. It also picks
path-style addressing by itself when the endpoint host is an IP address
(`_resolve_address_style` in its client), so `use_path_style` need not be set
for `http://127.0.0.1:PORT`."""
import hashlib
import uuid

import alibabacloud_oss_v2 as oss
import pytest

from conftest import KEY_ID, KEY_SECRET

REGION = "cn-hangzhou"


def client_for(emulator, secret=KEY_SECRET, **settings):
    cfg = oss.config.load_default()
    cfg.region = REGION
    cfg.endpoint = emulator.endpoint
    cfg.credentials_provider = oss.credentials.StaticCredentialsProvider(KEY_ID, secret)
    for name, value in settings.items():
        setattr(cfg, name, value)
    return oss.Client(cfg)


def new_bucket(client, prefix="v2"):
    name = f"{prefix}-{uuid.uuid4().hex[:16]}"
    client.put_bucket(oss.PutBucketRequest(bucket=name))
    return name


def service_error(excinfo):
    """The ServiceError an SDK call raised, wrapped in its OperationError."""
    err = excinfo.value
    if isinstance(err, oss.exceptions.OperationError):
        err = err.unwrap()
    assert isinstance(err, oss.exceptions.ServiceError), repr(err)
    return err


def crc64(data):
    crc = oss.crc.Crc64(0)
    crc.update(data)
    return str(crc.sum64())


def etag_of(data):
    """The ETag OSS gives a simple upload: the upper-case hex MD5, quoted."""
    return '"' + hashlib.md5(data).hexdigest().upper() + '"'


def multipart_etag(parts):
    """The ETag OSS gives a completed multipart upload: MD5 over the parts' binary MD5s, then `-N`."""
    joined = b"".join(hashlib.md5(p).digest() for p in parts)
    return '"' + hashlib.md5(joined).hexdigest().upper() + f'-{len(parts)}"'


def read_body(result):
    with result.body as body:
        return body.read()


@pytest.fixture
def client(emulator):
    return client_for(emulator)


@pytest.fixture
def bucket(client):
    return new_bucket(client)
