#!/usr/bin/env python3
"""Benchmark: list 10,000 LiveChannels of one bucket page by page with oss2.

Starts the emulator (release build unless OSS_EMULATOR_BINARY is set),
creates the channels with PutLiveChannel from a few client threads, then
pages through them with oss2.LiveChannelIterator and prints the figures. Run it with the project's
venv: .venv/bin/python scripts/bench-list-channels.py [COUNT]
"""
import json
import os
import subprocess
import sys
import tempfile
import time

from concurrent.futures import ThreadPoolExecutor

import oss2
from oss2.models import LiveChannelInfo, LiveChannelInfoTarget

from benchlib import binary

WORKERS = 8

COUNT = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000


def main():
    with tempfile.TemporaryDirectory() as data:
        ready = os.path.join(data, "ready.json")
        args = [binary(), "--data-dir", os.path.join(data, "d"), "--port", "0", "--rtmp-port", "0",
                "--ready-file", ready, "--log-level", "warning"]
        process = subprocess.Popen(args + ["--bucket", "bench"], stdout=subprocess.DEVNULL)
        try:
            while not os.path.exists(ready):
                if process.poll() is not None:
                    sys.exit("emulator exited early")
                time.sleep(0.01)
            endpoint = json.load(open(ready))["http"]
            auth = oss2.Auth("oss-emulator-key", "oss-emulator-secret")
            bucket = oss2.Bucket(auth, endpoint, "bench")
            info = LiveChannelInfo(target=LiveChannelInfoTarget())
            started = time.monotonic()

            def create(worker):
                client = oss2.Bucket(auth, endpoint, "bench")
                for i in range(worker, COUNT, WORKERS):
                    client.create_live_channel(f"ch-{i:05d}", info)

            with ThreadPoolExecutor(WORKERS) as pool:
                list(pool.map(create, range(WORKERS)))
            created = time.monotonic() - started
            print(f"create {COUNT} channels with PutLiveChannel from {WORKERS} client threads: {created * 1000:.0f} ms "
                  f"({COUNT / created:.0f}/s)")
            for max_keys in (100, 1000):
                started = time.monotonic()
                names = [c.name for c in oss2.LiveChannelIterator(bucket, max_keys=max_keys)]
                elapsed = time.monotonic() - started
                assert len(names) == COUNT, len(names)
                pages = (COUNT + max_keys - 1) // max_keys
                print(f"list {COUNT} channels, {max_keys} per page: {elapsed * 1000:.0f} ms "
                      f"({pages} pages, {elapsed * 1000 / pages:.1f} ms per page, including oss2's XML parsing)")
            process.terminate()
            process.wait()
            started = time.monotonic()
            os.unlink(ready)
            process = subprocess.Popen(args, stdout=subprocess.DEVNULL)
            while not os.path.exists(ready):
                time.sleep(0.01)
            print(f"restart with {COUNT} channels loaded from disk: {(time.monotonic() - started) * 1000:.0f} ms")
        finally:
            process.terminate()
            process.wait()


if __name__ == "__main__":
    main()
