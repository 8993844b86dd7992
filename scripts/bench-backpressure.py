#!/usr/bin/env python3
"""Benchmark: memory of pushes when the disk is slower than the streams. Not a test.

Starts the emulator (release build unless OSS_EMULATOR_BINARY is set) twice
and pushes STREAMS copies of a 1080p FLV (scripts/make-bench-input.sh) as fast
as they go with the emulator's own publisher: once with a normal disk, once
with every segment write slowed by a fault rule (`storage:write`, `delayMs`).
Prints the server's peak RSS, the push time and the media written for both:
with back-pressure the slow disk slows the publishers instead of growing
memory. Run: .venv/bin/python scripts/bench-backpressure.py [STREAMS] [DELAY_MS]
"""
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

from benchlib import ROOT, binary, rss_mb

STREAMS = int(sys.argv[1]) if len(sys.argv) > 1 else 8
DELAY_MS = int(sys.argv[2]) if len(sys.argv) > 2 else 400
INPUT = os.path.join(ROOT, ".build-bench", "bench-1080p-120s.flv")


def admin(endpoint, path, body=None, method="GET"):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(endpoint + path, data=data, method=method,
                                     headers={"X-Emulator-Admin": "1", "Content-Type": "application/json"})
    return json.loads(urllib.request.urlopen(request, timeout=30).read() or b"{}")


def run(exe, slow):
    with tempfile.TemporaryDirectory() as data:
        ready = os.path.join(data, "ready.json")
        server = subprocess.Popen([exe, "--data-dir", os.path.join(data, "d"), "--port", "0", "--rtmp-port", "0",
                                   "--ready-file", ready, "--log-level", "warning", "--bucket", "bpress:public-read-write"]
                                  + sum((["--channel", f"bpress/c{n}"] for n in range(1, STREAMS + 1)), []),
                                  stdout=subprocess.DEVNULL)
        try:
            while not os.path.exists(ready):
                if server.poll() is not None:
                    sys.exit(f"the emulator exited with {server.returncode}")
                time.sleep(0.05)
            endpoints = json.load(open(ready))
            if slow:
                admin(endpoints["http"], "/_emulator/faults",
                      {"operation": "storage:write", "bucket": "bpress", "key": "*.ts", "delayMs": DELAY_MS}, "POST")
            peak = [rss_mb(server.pid)]
            done = threading.Event()

            def sample():
                while not done.is_set():
                    peak[0] = max(peak[0], rss_mb(server.pid))
                    time.sleep(0.1)
            sampler = threading.Thread(target=sample)
            sampler.start()
            start = time.monotonic()
            subprocess.run([exe, "push", "--quiet", "--streams", str(STREAMS), INPUT, endpoints["rtmp"] + "/bpress/live/c{n}"],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=1800)
            elapsed = time.monotonic() - start
            done.set()
            sampler.join()
            time.sleep(1)
            written = sum(1 for _ in os.scandir(os.path.join(data, "d", "bpress", "c1")) if _.name.endswith(".ts"))
            return peak[0], elapsed, written
        finally:
            server.terminate()
            server.wait(timeout=60)


def main():
    if not os.path.exists(INPUT):
        subprocess.run(["bash", os.path.join(ROOT, "scripts", "make-bench-input.sh"), INPUT], check=True)
    exe = binary()
    size = os.path.getsize(INPUT) / 1e6
    print(f"{STREAMS} streams of {size:.0f} MB pushed as fast as they go; load average {os.getloadavg()[0]:.2f}")
    for slow in (False, True):
        peak, elapsed, written = run(exe, slow)
        label = f"disk slowed by {DELAY_MS} ms per segment write" if slow else "normal disk"
        print(f"  {label:45s} peak RSS {peak:7.1f} MB, push {elapsed:6.1f} s, segments of c1 {written}")
    print(f"  without back-pressure the slowed run would hold up to {STREAMS} × {size:.0f} MB of unwritten segments;"
          f" with it, about {STREAMS} × 8 MiB at most")
    print(f"load average {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
