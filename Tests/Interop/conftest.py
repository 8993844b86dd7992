"""Runs the built oss-live-emulator binary and hands tests real oss2 clients.

The binary path comes from OSS_EMULATOR_BINARY (scripts/test.sh sets it)."""
import json
import os
import signal
import subprocess
import tempfile
import time

import oss2
import pytest

KEY_ID = "test-key-id"
KEY_SECRET = "test-key-secret"
START_TIMEOUT = 20.0


def binary():
    path = os.environ.get("OSS_EMULATOR_BINARY")
    if not path:
        here = os.path.dirname(os.path.abspath(__file__))
        path = os.path.join(here, "..", "..", ".build", "debug", "oss-live-emulator")
    if not os.path.exists(path):
        raise RuntimeError(f"emulator binary not found at {path}; build it with `swift build`")
    return path


class RunningEmulator:
    """One emulator process listening on a free port."""

    def __init__(self, data_dir, extra_args=(), env=None, cwd=None):
        self.data_dir = data_dir
        self.extra_args = list(extra_args)
        self.env = env
        self.cwd = cwd
        self.process = None
        self.endpoint = None
        self.stderr_path = None

    def start(self):
        ready = tempfile.mktemp(prefix="oss-emulator-ready-", suffix=".json")
        self.stderr_path = tempfile.mktemp(prefix="oss-emulator-stderr-")
        args = [binary(), "--port", "0", "--rtmp-port", "0", "--data-dir", self.data_dir,
                "--access-key-id", KEY_ID, "--access-key-secret", KEY_SECRET,
                "--ready-file", ready] + self.extra_args
        env = dict(os.environ)
        env.update(self.env or {})
        self.process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=open(self.stderr_path, "w"), env=env,
                                        cwd=self.cwd)
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if os.path.exists(ready):
                with open(ready) as f:
                    info = json.load(f)
                os.unlink(ready)
                self.endpoint = info["http"]
                self.rtmp = info["rtmp"]
                return self
            if self.process.poll() is not None:
                raise RuntimeError(f"emulator exited with {self.process.returncode}: {self.stderr()}")
            time.sleep(0.02)
        self.process.kill()
        raise RuntimeError("emulator did not become ready: " + self.stderr())

    def stderr(self):
        try:
            with open(self.stderr_path) as f:
                return f.read()
        except OSError:
            return ""

    def stop(self, sig=signal.SIGTERM):
        if self.process and self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return self.process.returncode

    def auth(self):
        return oss2.Auth(KEY_ID, KEY_SECRET)

    def service(self):
        return oss2.Service(self.auth(), self.endpoint)

    def bucket(self, name, auth=None):
        return oss2.Bucket(auth or self.auth(), self.endpoint, name)


@pytest.fixture
def data_dir():
    with tempfile.TemporaryDirectory(prefix="oss-emulator-data-") as d:
        yield d


@pytest.fixture
def emulator(data_dir):
    running = RunningEmulator(data_dir).start()
    yield running
    running.stop()
