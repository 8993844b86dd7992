#!/usr/bin/env python3
"""How many real-time streams one emulator process sustains, with load from
one `oss-live-emulator push --streams N --realtime --loop` process.

For each N it starts a fresh emulator (release build, ephemeral data, N
channels in a public-read-write bucket), publishes N copies of a fixture in
real time for --seconds, and prints the CPU both processes used and how far
the publisher fell behind its schedule. A run "keeps up" when no stream fell
behind by more than a second (the publisher waits on TCP backpressure, so a
server that cannot keep up shows as lag) and every stream ended cleanly.

Usage: scripts/bench-push.py [--seconds 30] [--fixture F] [N ...]   (default N: 250 500 1000 2000)
The figures depend on the machine and on whatever else runs on it.
"""
import argparse
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def rss_mb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def start_emulator(binary, streams, workdir):
    ready = os.path.join(workdir, "ready.json")
    env = dict(os.environ)
    env["OSS_EMULATOR_CHANNEL"] = ",".join(f"bench/c{n}" for n in range(1, streams + 1))
    emulator = subprocess.Popen(
        [binary, "--ephemeral", "--port", "0", "--rtmp-port", "0", "--log-level", "warning",
         "--bucket", "bench:public-read-write", "--ready-file", ready],
        stdout=subprocess.DEVNULL, stderr=open(os.path.join(workdir, "emulator.log"), "w"), env=env)
    deadline = time.monotonic() + 60
    while not os.path.exists(ready):
        if emulator.poll() is not None or time.monotonic() > deadline:
            raise SystemExit("emulator did not start; see " + os.path.join(workdir, "emulator.log"))
        time.sleep(0.05)
    with open(ready) as f:
        return emulator, json.load(f)["rtmp"]


def ramp_allowance(streams):
    """Seconds added to a run for every stream to get its publish accepted;
    the server admits publishes at a few hundred a second."""
    return max(5, streams // 100)


def run(binary, fixture, streams, seconds):
    with tempfile.TemporaryDirectory(prefix="bench-push-") as workdir:
        emulator, rtmp = start_emulator(binary, streams, workdir)
        try:
            emulator_cpu0 = cpu_seconds(emulator.pid)
            children0 = resource.getrusage(resource.RUSAGE_CHILDREN)
            started = time.monotonic()
            push = subprocess.Popen(
                [binary, "push", fixture, f"{rtmp}/bench/live/c{{n}}", "--streams", str(streams),
                 "--realtime", "--loop", "--duration", str(seconds + ramp_allowance(streams))],
                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
            peak_rss = 0.0
            while push.poll() is None:
                peak_rss = max(peak_rss, rss_mb(emulator.pid))
                time.sleep(0.5)
            _, err = push.communicate()
            wall = time.monotonic() - started
            children = resource.getrusage(resource.RUSAGE_CHILDREN)
            push_cpu = (children.ru_utime - children0.ru_utime) + (children.ru_stime - children0.ru_stime)
            emulator_cpu = cpu_seconds(emulator.pid) - emulator_cpu0
        finally:
            stopping = time.monotonic()
            emulator.terminate()
            try:
                emulator.wait(timeout=300)
            except subprocess.TimeoutExpired:
                emulator.kill()
                emulator.wait()
            stop_seconds = time.monotonic() - stopping
    # Progress lines come every 5 s: the first with every stream publishing.
    ramp = next((re.search(r"wall (\d+):(\d+):(\d+)", l) for l in err.splitlines()
                 if l.startswith(f"push: {streams} publishing")), None)
    ramp_seconds = int(ramp.group(2)) * 60 + int(ramp.group(3)) if ramp else None
    summary = [l for l in err.splitlines() if "stream(s):" in l]
    line = summary[-1] if summary else err.strip().splitlines()[-1:] or ["(no summary)"]
    line = line if isinstance(line, str) else line[0]
    published = int(re.search(r"(\d+) published", line).group(1)) if "published" in line else 0
    clean = int(re.search(r"(\d+) ended cleanly", line).group(1)) if "ended cleanly" in line else 0
    behind = int(re.search(r"(\d+) fell behind", line).group(1)) if "fell behind" in line else streams
    lag = int(re.search(r"max lag (\d+) ms", line).group(1)) if "max lag" in line else -1
    keeps_up = published == streams and clean == streams and behind == 0
    return {"streams": streams, "wall": wall, "emulator_cpu": emulator_cpu / wall * 100,
            "rss": peak_rss, "lag": lag, "behind": behind, "clean": clean, "keeps_up": keeps_up,
            "ramp": ramp_seconds, "summary": line, "push_cpu": push_cpu / wall * 100, "stop": stop_seconds}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("counts", nargs="*", type=int, default=[250, 500, 1000, 2000])
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--fixture", default=os.path.join(ROOT, "fixtures", "av-640x360-30fps.flv"))
    parser.add_argument("--binary", default=None, help="oss-live-emulator to use (default: release build)")
    args = parser.parse_args()
    binary = args.binary
    if binary is None:
        subprocess.run(["swift", "build", "-c", "release", "--product", "oss-live-emulator"], cwd=ROOT, check=True,
                       stdout=subprocess.DEVNULL)
        bin_dir = subprocess.run(["swift", "build", "-c", "release", "--show-bin-path"], cwd=ROOT, check=True,
                                 capture_output=True, text=True).stdout.strip()
        binary = os.path.join(bin_dir, "oss-live-emulator")
    cores = os.cpu_count()
    print(f"{cores} cores; fixture {os.path.basename(args.fixture)}; {args.seconds:.0f} s per run after the ramp-up; "
          f"publisher and emulator on the same machine")
    print(f"{'streams':>8} {'emulator CPU':>13} {'push CPU':>9} {'emulator RSS':>13} {'max lag':>9} {'behind':>7} {'clean':>6} {'all live by':>12} {'SIGTERM→exit':>13}  keeps up")
    best = 0
    for n in args.counts:
        r = run(binary, args.fixture, n, args.seconds)
        print(f"{n:>8} {r['emulator_cpu']:>12.0f}% {r['push_cpu']:>8.0f}% {r['rss']:>10.0f} MB {r['lag']:>6} ms {r['behind']:>7} {r['clean']:>6} {('%d s' % r['ramp']) if r['ramp'] is not None else '-':>12} {r['stop']:>11.1f} s  "
              f"{'yes' if r['keeps_up'] else 'no'}", flush=True)
        if r["keeps_up"]:
            best = max(best, n)
        else:
            print(f"         {r['summary']}")
    print(f"RESULT_REALTIME_STREAMS={best}")


if __name__ == "__main__":
    sys.exit(main())
