"""Pieces the Python benchmark scripts share: the emulator binary to run and
/proc readings of a process."""
import os
import subprocess

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def binary():
    """OSS_EMULATOR_BINARY, else the release build (built here)."""
    if os.environ.get("OSS_EMULATOR_BINARY"):
        return os.environ["OSS_EMULATOR_BINARY"]
    subprocess.run(["swift", "build", "-c", "release", "--package-path", ROOT], check=True, stdout=subprocess.DEVNULL)
    path = subprocess.run(["swift", "build", "-c", "release", "--package-path", ROOT, "--show-bin-path"],
                          check=True, capture_output=True, text=True).stdout.strip()
    return os.path.join(path, "oss-live-emulator")


def rss_mb(pid, field="VmRSS"):
    """Resident set size of a process, MB (`field`: VmRSS, or its parts
    RssAnon, memory the process wrote, and RssFile, pages of the program and
    its libraries that it has run)."""
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return 0.0


def rss_parts(pid):
    """'anon X MB + file Y MB' for a process."""
    return f"anonymous {rss_mb(pid, 'RssAnon'):.1f} MB + program and libraries {rss_mb(pid, 'RssFile'):.1f} MB"
