"""The request journal (`/_emulator/requests`, `/_emulator/stats`) as a test
sees it after real oss2 calls."""
import os

import oss2
import requests

from conftest import KEY_SECRET


def journal(emulator, **query):
    answer = requests.get(f"{emulator.endpoint}/_emulator/requests", params=query, timeout=5)
    assert answer.status_code == 200, answer.text
    return answer.json()["requests"]


def test_a_resumable_upload_shows_its_parts_and_a_failed_read_its_code(emulator, tmp_path):
    bucket = emulator.bucket("journal-upload")
    bucket.create_bucket()
    before = max([r["sequence"] for r in journal(emulator)] or [0])
    path = tmp_path / "file.bin"
    path.write_bytes(os.urandom(5 * 1024 * 1024))
    oss2.resumable_upload(bucket, "up/file.bin", str(path), multipart_threshold=1024 * 1024, part_size=1024 * 1024,
                          num_threads=2, store=oss2.ResumableStore(root=str(tmp_path / "checkpoints")))
    parts = journal(emulator, after=before, operation="UploadPart", bucket="journal-upload")
    assert len(parts) == 5
    assert all(p["status"] == 200 and p["bytesIn"] == 1024 * 1024 and p["key"] == "up/file.bin" for p in parts)
    assert all(p["auth"] in ("v1", "v4") for p in parts)
    operations = [r["operation"] for r in journal(emulator, after=before, bucket="journal-upload")]
    assert operations[0] == "InitiateMultipartUpload" and "CompleteMultipartUpload" in operations

    url = bucket.sign_url("GET", "up/missing", 60)
    assert requests.get(url, timeout=5).status_code == 404
    failed = journal(emulator, operation="GetObject", bucket="journal-upload")[-1]
    assert failed["status"] == 404 and failed["errorCode"] == "NoSuchKey" and failed["auth"].startswith("presigned")
    # Nothing secret is kept: no signature or key secret in the whole journal.
    text = requests.get(f"{emulator.endpoint}/_emulator/requests", timeout=5).text
    assert "Signature" not in text and KEY_SECRET not in text

    stats = requests.get(f"{emulator.endpoint}/_emulator/stats", timeout=5).json()["operations"]
    assert stats["UploadPart"]["byStatus"]["200"] >= 5
