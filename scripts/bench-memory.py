#!/usr/bin/env python3
"""Benchmark: does RSS come back after load? Not a test.

Starts the emulator (release build unless OSS_EMULATOR_BINARY is set),
reads its RSS once it has settled, then runs rounds of load (parallel
PUT/GET/DELETE of 256 KiB objects through oss2, and pushes of a fixture on
20 channels at once with the emulator's own publisher), and prints RSS at
the peak and every second after the load ends. Then it compares with a
fresh process started on a copy of the data the load left (what that data
costs by itself) and with the level after /_emulator/reset drops it.
Run: .venv/bin/python scripts/bench-memory.py [ROUNDS]
     .venv/bin/python scripts/bench-memory.py --ffmpeg K [--seconds S]
The second form's load is K real-time ffmpeg publishers (the 360p fixture,
looped) for S seconds (default 30) on K channels: at K = 200 they saturate a
2-core machine, the case where RSS used to stay high after the load.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor

import oss2
from oss2.models import LiveChannelInfo, LiveChannelInfoTarget

from benchlib import ROOT, binary, rss_mb, rss_parts

parser = argparse.ArgumentParser(description="Does RSS come back after load?")
parser.add_argument("rounds", nargs="?", type=int, default=12, help="rounds of SDK + push load (default 12)")
parser.add_argument("--ffmpeg", type=int, metavar="K", help="instead: K real-time ffmpeg publishers")
parser.add_argument("--seconds", type=int, default=30, help="how long the ffmpeg publishers run (default 30)")
ARGS = parser.parse_args()
ROUNDS = ARGS.rounds
FIXTURE = os.path.join(ROOT, "fixtures", "av-640x360-30fps.flv")


def sdk_and_push_load(pid, exe, bucket, endpoints, baseline):
    """ROUNDS rounds: 200 PUT/GET/DELETE cycles of 256 KiB objects through oss2
    on 16 threads while `push --streams 20` pushes the fixture on 20 channels."""
    body = os.urandom(256 * 1024)
    peak = baseline

    def cycle(i):
        key = f"obj-{i}"
        bucket.put_object(key, body)
        bucket.get_object(key).read()
        bucket.delete_object(key)

    with ThreadPoolExecutor(16) as pool:
        for round_number in range(ROUNDS):
            pusher = subprocess.Popen([exe, "push", "--quiet", "--streams", "20", FIXTURE,
                                       endpoints["rtmp"] + "/memory/live/c{n}"], stdout=subprocess.DEVNULL)
            list(pool.map(cycle, range(round_number * 200, round_number * 200 + 200)))
            pusher.wait(timeout=120)
            peak = max(peak, rss_mb(pid))
    return peak


def ffmpeg_load(pid, rtmp, count, seconds, baseline):
    """`count` ffmpeg publishers (-re, looped) on channels c1..c<count> for `seconds`."""
    peak = baseline
    publishers = [subprocess.Popen(["ffmpeg", "-nostdin", "-loglevel", "error", "-re", "-stream_loop", "-1", "-i", FIXTURE,
                                    "-c", "copy", "-t", str(seconds), "-f", "flv", f"{rtmp}/memory/live/c{n}"],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                  for n in range(1, count + 1)]
    deadline = time.monotonic() + seconds + 60
    while any(p.poll() is None for p in publishers) and time.monotonic() < deadline:
        peak = max(peak, rss_mb(pid))
        time.sleep(0.5)
    for p in publishers:
        if p.poll() is None:
            p.kill()
        p.wait()
    return max(peak, rss_mb(pid))


def start_emulator(exe, data_dir, ready):
    return subprocess.Popen([exe, "--data-dir", data_dir, "--port", "0", "--rtmp-port", "0",
                             "--ready-file", ready, "--log-level", "warning",
                             "--access-key-id", "K", "--access-key-secret", "S"],
                            stdout=subprocess.DEVNULL)


def fresh_process_rss(exe, data_dir, scratch):
    """RSS of a new emulator on a copy of `data_dir`, 3 s after it is ready."""
    copy = os.path.join(scratch, "copy")
    shutil.copytree(data_dir, copy, symlinks=True)  # the copied lock file is not locked
    ready = os.path.join(scratch, "copy-ready.json")
    server = start_emulator(exe, copy, ready)
    try:
        while not os.path.exists(ready):
            time.sleep(0.05)
        time.sleep(3)
        return rss_mb(server.pid), rss_parts(server.pid)
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(copy, ignore_errors=True)


def main():
    exe = binary()
    with tempfile.TemporaryDirectory() as data:
        ready = os.path.join(data, "ready.json")
        server = start_emulator(exe, os.path.join(data, "d"), ready)
        try:
            while not os.path.exists(ready):
                time.sleep(0.05)
            endpoints = json.load(open(ready))
            bucket = oss2.Bucket(oss2.Auth("K", "S"), endpoints["http"], "memory")
            bucket.create_bucket(oss2.BUCKET_ACL_PUBLIC_READ_WRITE)
            for n in range(1, max(21, (ARGS.ffmpeg or 0) + 1)):
                bucket.create_live_channel(f"c{n}", LiveChannelInfo(target=LiveChannelInfoTarget(frag_duration=1)))
            time.sleep(3)
            baseline = rss_mb(server.pid)
            print(f"load average {os.getloadavg()[0]:.2f}; RSS after start: {baseline:.1f} MB ({rss_parts(server.pid)})")
            if ARGS.ffmpeg:
                peak = ffmpeg_load(server.pid, endpoints["rtmp"], ARGS.ffmpeg, ARGS.seconds, baseline)
                print(f"peak RSS with {ARGS.ffmpeg} ffmpeg publishers for {ARGS.seconds} s: {peak:.1f} MB")
            else:
                peak = sdk_and_push_load(server.pid, exe, bucket, endpoints, baseline)
                print(f"peak RSS during {ROUNDS} rounds: {peak:.1f} MB")
            for second in range(1, 11):
                time.sleep(1)
                now = rss_mb(server.pid)
                print(f"  {second:2d} s after: {now:.1f} MB ({(now / baseline - 1) * 100:+.0f} % of the start level)")
            after = rss_mb(server.pid)
            print(f"  that is {rss_parts(server.pid)}")
            # What stays is the data the load left (segment objects in the
            # index, channel histories), the pages of code the load ran, and
            # what malloc cannot hand back (pages still holding something).
            objects = sum(1 for _ in oss2.ObjectIterator(bucket))
            fresh, fresh_parts = fresh_process_rss(exe, os.path.join(data, "d"), data)
            print(f"  a fresh process on a copy of the data ({objects} objects): {fresh:.1f} MB ({fresh_parts}); "
                  f"after the load: {(after / fresh - 1) * 100:+.0f} % of that")
            import urllib.request
            urllib.request.urlopen(urllib.request.Request(endpoints["http"] + "/_emulator/reset", method="POST",
                                                          headers={"X-Emulator-Admin": "1"}), timeout=30).read()
            time.sleep(5)
            now = rss_mb(server.pid)
            print(f"  after a reset (dropping the {objects} objects the pushes left) and 5 s: {now:.1f} MB "
                  f"({(now / baseline - 1) * 100:+.0f} %)")
            print(f"load average {os.getloadavg()[0]:.2f}")
        finally:
            server.terminate()
            server.wait(timeout=30)


if __name__ == "__main__":
    main()
