#!/usr/bin/env python3
"""Helpers for scripts/bench-vs-peers.sh (standard library only).

  cpu PID...                      CPU seconds (utime+stime) summed over the PIDs
  rss PID...                      "VmRSS_MB VmHWM_MB", each summed over the PIDs
  watch SECONDS PID...            samples for SECONDS: "cpu_seconds peak_VmRSS_MB"
  until WATCHED PID...            samples until process WATCHED exits: "cpu_seconds peak_VmRSS_MB"
  settle PID...                   waits until the PIDs use no more CPU (at most 15 s)
  freeport                        a free TCP port on 127.0.0.1
  channels ENDPOINT BUCKET PREFIX FIRST LAST KEY SECRET [FRAG]
                                  PutLiveChannel PREFIX<FIRST> … PREFIX<LAST> (V1-signed,
                                  8 keep-alive connections), FragDuration FRAG (default 2)
  putcost ENDPOINT BUCKET PID KEY SECRET TOTAL MEASURED
                                  PutLiveChannel TOTAL channels; one connection times the
                                  first MEASURED and the last MEASURED ones: prints TSV
                                  lines "metric<TAB>value" (ms and server CPU ms per request)
  wrk OUTPUT_FILE                 parses `wrk --latency` output: "req_per_s p99_ms errors"
  table RESULTS.tsv               the summary table (medians, min–max, ratios)
"""
import base64
import email.utils
import hashlib
import hmac
import http.client
import os
import re
import socket
import statistics
import sys
import threading
import time
import urllib.parse

TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pids):
    total = 0.0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / TICKS
        except FileNotFoundError:
            pass
    return total


def status_mb(pids, key):
    total = 0.0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/status") as f:
                for line in f:
                    if line.startswith(key + ":"):
                        total += int(line.split()[1]) / 1024
        except FileNotFoundError:
            pass
    return total


def alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def freeport():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Client:
    """One keep-alive connection sending V1-signed OSS requests."""

    def __init__(self, endpoint, key, secret):
        url = urllib.parse.urlparse(endpoint)
        self.conn = http.client.HTTPConnection(url.hostname, url.port, timeout=60)
        self.key, self.secret = key, secret

    def put_live_channel(self, bucket, name, frag):
        body = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><LiveChannelConfiguration>"
                "<Description></Description><Status>enabled</Status><Target><Type>HLS</Type>"
                f"<FragDuration>{frag}</FragDuration><FragCount>3</FragCount>"
                "<PlaylistName>playlist.m3u8</PlaylistName></Target></LiveChannelConfiguration>").encode()
        date = email.utils.formatdate(usegmt=True)
        ctype = "application/xml"
        to_sign = f"PUT\n\n{ctype}\n{date}\n/{bucket}/{name}?live"
        sig = base64.b64encode(hmac.new(self.secret.encode(), to_sign.encode(), hashlib.sha1).digest()).decode()
        self.conn.request("PUT", f"/{bucket}/{name}?live", body,
                          {"Date": date, "Content-Type": ctype, "Authorization": f"OSS {self.key}:{sig}"})
        response = self.conn.getresponse()
        data = response.read()
        if response.status != 200:
            sys.exit(f"PutLiveChannel {bucket}/{name}: HTTP {response.status}: {data[:300]!r}")


def channels(endpoint, bucket, prefix, first, last, key, secret, frag=2, workers=8):
    errors = []

    def work(w):
        try:
            client = Client(endpoint, key, secret)
            for i in range(first + w, last + 1, workers):
                client.put_live_channel(bucket, f"{prefix}{i}", frag)
        except BaseException as e:  # noqa: BLE001 - reported below
            errors.append(e)

    threads = [threading.Thread(target=work, args=(w,)) for w in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        sys.exit(f"channels: {errors[0]}")


def putcost(endpoint, bucket, pid, key, secret, total, measured):
    client = Client(endpoint, key, secret)

    def timed(first, last):
        cpu0, t0 = cpu_seconds([pid]), time.monotonic()
        for i in range(first, last + 1):
            client.put_live_channel(bucket, f"ch{i}", 2)
        wall, cpu = time.monotonic() - t0, cpu_seconds([pid]) - cpu0
        n = last - first + 1
        return wall * 1000 / n, cpu * 1000 / n

    first_ms, first_cpu = timed(1, measured)
    if total - measured > measured:
        channels(endpoint, bucket, "ch", measured + 1, total - measured, key, secret)
    last_ms, last_cpu = timed(total - measured + 1, total)
    print(f"ms_first\t{first_ms:.3f}\ncpu_ms_first\t{first_cpu:.3f}\n"
          f"ms_last\t{last_ms:.3f}\ncpu_ms_last\t{last_cpu:.3f}")


def parse_wrk(path):
    text = open(path).read()
    rps = re.search(r"Requests/sec:\s+([\d.]+)", text)
    p99 = re.search(r"^\s+99%\s+([\d.]+)(us|ms|s)\s*$", text, re.M)
    errors = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
    socket_errors = re.search(r"Socket errors:.*", text)
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}
    print(f"{float(rps.group(1)) if rps else -1:.0f} "
          f"{float(p99.group(1)) * scale[p99.group(2)] if p99 else -1:.3f} "
          f"{int(errors.group(1)) if errors else 0}")
    if socket_errors:
        print(socket_errors.group(0), file=sys.stderr)


# row key -> (row label, metric label, better)
def table(path):
    rows = {}
    order = []
    for line in open(path):
        parts = line.rstrip("\n").split("\t")
        if len(parts) != 5 or parts[0] == "row":
            continue
        row, metric, server, _round, value = parts
        key = (row, metric)
        if key not in rows:
            rows[key] = {}
            order.append(key)
        rows[key].setdefault(server, []).append(float(value))

    def cell(values):
        if not values:
            return "-"
        med = statistics.median(values)
        if all(v == int(v) for v in values) and med == int(med):
            fmt = lambda v: f"{v:.0f}"  # noqa: E731 - counts
        else:
                fmt = (lambda v: f"{v:.0f}") if med >= 100 else (lambda v: f"{v:.2f}") if med < 10 else (lambda v: f"{v:.1f}")
        spread = f" ({fmt(min(values))}–{fmt(max(values))})" if len(values) > 1 else ""
        return f"{fmt(med)}{spread} n={len(values)}"

    head = ("row", "metric", "emulator median (min–max)", "nginx median (min–max)", "emu/nginx")
    lines = []
    for key in sorted(order, key=lambda k: (int(re.match(r"\d+", k[0]).group(0)), order.index(k))):
        by = rows[key]
        emu, peer = by.get("emulator", []), by.get("nginx", [])
        ratio = "-"
        if emu and peer and statistics.median(peer) != 0:
            ratio = f"{statistics.median(emu) / statistics.median(peer):.2f}"
        lines.append((key[0], key[1], cell(emu), cell(peer), ratio))
    widths = [max(len(str(r[i])) for r in [head] + lines) for i in range(5)]
    for n, r in enumerate([head] + lines):
        print("  ".join(str(c).ljust(widths[i]) for i, c in enumerate(r)).rstrip())
        if n == 0:
            print("  ".join("-" * w for w in widths))


def main():
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "cpu":
        print(f"{cpu_seconds(args):.3f}")
    elif cmd == "rss":
        print(f"{status_mb(args, 'VmRSS'):.1f} {status_mb(args, 'VmHWM'):.1f}")
    elif cmd == "watch":
        seconds, pids = float(args[0]), args[1:]
        cpu0, peak = cpu_seconds(pids), status_mb(pids, "VmRSS")
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            time.sleep(min(0.5, max(0.0, end - time.monotonic())))
            peak = max(peak, status_mb(pids, "VmRSS"))
        print(f"{cpu_seconds(pids) - cpu0:.3f} {peak:.1f}")
    elif cmd == "until":
        watched, pids = args[0], args[1:]
        cpu0, peak = cpu_seconds(pids), status_mb(pids, "VmRSS")
        while alive(watched):
            time.sleep(0.5)
            peak = max(peak, status_mb(pids, "VmRSS"))
        print(f"{cpu_seconds(pids) - cpu0:.3f} {peak:.1f}")
    elif cmd == "settle":
        last, deadline = cpu_seconds(args), time.monotonic() + 15
        while time.monotonic() < deadline:
            time.sleep(1)
            now = cpu_seconds(args)
            if now - last < 0.02:
                break
            last = now
    elif cmd == "freeport":
        print(freeport())
    elif cmd == "channels":
        endpoint, bucket, prefix, first, last, key, secret = args[:7]
        channels(endpoint, bucket, prefix, int(first), int(last), key, secret, int(args[7]) if len(args) > 7 else 2)
    elif cmd == "putcost":
        endpoint, bucket, pid, key, secret, total, measured = args
        putcost(endpoint, bucket, pid, key, secret, int(total), int(measured))
    elif cmd == "wrk":
        parse_wrk(args[0])
    elif cmd == "table":
        table(args[0])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
