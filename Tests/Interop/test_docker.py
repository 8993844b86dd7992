"""docker/Dockerfile checked against the code, since Docker cannot run here:
binary name, subcommands, flags, environment variables, ports, data volume,
health check; then the image's command line run as the container would run it
(environment included), health-checked, and stopped with SIGTERM."""
import json
import os
import re
import signal
import subprocess
import tempfile
import time

import pytest

from conftest import binary

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
DOCKERFILE = os.path.join(ROOT, "docker", "Dockerfile")
ENV_PREFIX = "OSS_EMULATOR_"


def instructions():
    """(INSTRUCTION, arguments) of the Dockerfile, continuation lines joined."""
    with open(DOCKERFILE) as f:
        text = f.read()
    lines, current = [], ""
    for raw in text.splitlines():
        line = raw.strip()
        if not current and (not line or line.startswith("#")):
            continue
        if line.startswith("#"):
            continue
        if line.endswith("\\"):
            current += line[:-1] + " "
            continue
        current += line
        lines.append(current)
        current = ""
    result = []
    for line in lines:
        word, _, rest = line.partition(" ")
        result.append((word.upper(), rest.strip()))
    return result


def final_stage():
    """The instructions of the last stage (the runtime image)."""
    stages, current = [], []
    for instruction in instructions():
        if instruction[0] == "FROM" and current:
            stages.append(current)
            current = []
        current.append(instruction)
    stages.append(current)
    return stages[-1], stages[:-1]


def environment(stage):
    env = {}
    for word, rest in stage:
        if word == "ENV":
            for key, value in re.findall(r"(\w+)=(\"[^\"]*\"|\S+)", rest):
                env[key] = value.strip('"')
    return env


def exec_form(stage, word):
    values = [rest for w, rest in stage if w == word]
    assert len(values) == 1, f"exactly one {word} expected"
    return json.loads(values[0])


def help_text(*args):
    result = subprocess.run([binary(), *args, "--help"], capture_output=True, text=True, timeout=20)
    assert result.returncode == 0, result.stderr
    return result.stdout


def options_of(text):
    return set(re.findall(r"^\s+(--[a-z0-9-]+)", text, re.MULTILINE))


def subcommands_of(text):
    block = text.split("SUBCOMMANDS:", 1)[1]
    return set(re.findall(r"^\s+([a-z][a-z0-9-]*)", block, re.MULTILINE))


def package_products():
    with open(os.path.join(ROOT, "Package.swift")) as f:
        return re.findall(r'\.executable\(name: "([^"]+)"', f.read())


def test_binary_name_matches_the_package_product():
    stage, builders = final_stage()
    product = package_products()[0]
    assert product == os.path.basename(binary())
    build_commands = " ".join(rest for s in builders for w, rest in s if w == "RUN")
    assert f"--product {product}" in build_commands
    assert "--static-swift-stdlib" in build_commands
    copies = [rest for w, rest in stage if w == "COPY"]
    assert any(rest.startswith("--from=build") and rest.endswith(f"/usr/local/bin/{product}") for rest in copies)
    assert exec_form(stage, "ENTRYPOINT") == [product]
    healthcheck = [rest for w, rest in stage if w == "HEALTHCHECK"]
    assert len(healthcheck) == 1
    command = json.loads(healthcheck[0].split("CMD", 1)[1])
    assert command[0] == product


def test_subcommands_and_flags_exist():
    stage, _ = final_stage()
    top = subcommands_of(help_text())
    cmd = exec_form(stage, "CMD")
    assert cmd[0] in top and cmd[0] == "serve"
    serve_options = options_of(help_text("serve"))
    for argument in cmd[1:]:
        if argument.startswith("--"):
            assert argument in serve_options, argument
    assert cmd[cmd.index("--host") + 1] == "0.0.0.0"
    healthcheck = json.loads([rest for w, rest in stage if w == "HEALTHCHECK"][0].split("CMD", 1)[1])
    assert healthcheck[1] in top
    health_options = options_of(help_text(healthcheck[1]))
    assert all(a in health_options for a in healthcheck[2:] if a.startswith("--"))


def test_environment_variables_name_serve_options():
    stage, _ = final_stage()
    env = environment(stage)
    serve_options = options_of(help_text("serve"))
    names = [k for k in env if k.startswith(ENV_PREFIX)]
    assert names, "the image configures the emulator through OSS_EMULATOR_* variables"
    for name in names:
        flag = "--" + name[len(ENV_PREFIX):].lower().replace("_", "-")
        assert flag in serve_options, f"{name} has no matching serve option {flag}"
    assert env["OSS_EMULATOR_HOST"] == "0.0.0.0"


def test_ports_and_volume_agree_with_the_defaults():
    stage, _ = final_stage()
    env = environment(stage)
    exposed = {int(p.split("/")[0]) for w, rest in stage if w == "EXPOSE" for p in rest.split()}
    assert exposed == {int(env["OSS_EMULATOR_PORT"]), int(env["OSS_EMULATOR_RTMP_PORT"])}
    serve = " ".join(help_text("serve").split())
    # The container's ports are the documented defaults, so the README's URLs hold in both.
    assert re.search(r"--port <port> [^-]*\(default %s\)" % env["OSS_EMULATOR_PORT"], serve), serve
    assert re.search(r"--rtmp-port <rtmp-port> [^-]*\(default %s\)" % env["OSS_EMULATOR_RTMP_PORT"], serve), serve
    volumes = [rest for w, rest in stage if w == "VOLUME"]
    assert volumes == [env["OSS_EMULATOR_DATA_DIR"]]
    user = [rest for w, rest in stage if w == "USER"]
    assert user and user[-1] not in ("root", "0")
    assert [rest for w, rest in stage if w == "STOPSIGNAL"] == ["SIGTERM"]


def listening_addresses(port):
    """Local IPv4 addresses (hex, as /proc shows them) with a socket listening on `port`."""
    found = set()
    with open("/proc/net/tcp") as f:
        for line in f.readlines()[1:]:
            fields = line.split()
            address, hex_port = fields[1].split(":")
            if fields[3] == "0A" and int(hex_port, 16) == port:
                found.add(address)
    return found


def test_the_image_command_runs_passes_its_health_check_and_stops_on_sigterm():
    stage, _ = final_stage()
    env = dict(os.environ)
    env.update(environment(stage))
    with tempfile.TemporaryDirectory(prefix="oss-emulator-docker-") as data:
        ready = os.path.join(data, "ready.json")
        # As in the container, except where this machine differs: free ports,
        # a writable data directory, and the ready file to learn the ports.
        env.update({"OSS_EMULATOR_PORT": "0", "OSS_EMULATOR_RTMP_PORT": "0",
                    "OSS_EMULATOR_DATA_DIR": os.path.join(data, "data"), "OSS_EMULATOR_READY_FILE": ready})
        command = [binary()] + exec_form(stage, "ENTRYPOINT")[1:] + exec_form(stage, "CMD")
        process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            deadline = time.monotonic() + 20
            while not os.path.exists(ready):
                assert process.poll() is None, process.stderr.read()
                assert time.monotonic() < deadline, "emulator did not start"
                time.sleep(0.05)
            with open(ready) as f:
                endpoints = json.load(f)
            port = endpoints["http"].rsplit(":", 1)[1]
            rtmp_port = endpoints["rtmp"].rsplit(":", 1)[1]
            # Both listen on every interface, as a container's published ports need.
            assert listening_addresses(int(port)) == {"00000000"}
            assert listening_addresses(int(rtmp_port)) == {"00000000"}
            healthcheck = json.loads([rest for w, rest in stage if w == "HEALTHCHECK"][0].split("CMD", 1)[1])
            check_env = dict(env, OSS_EMULATOR_PORT=port)
            result = subprocess.run([binary()] + healthcheck[1:], env=check_env, capture_output=True, text=True, timeout=10)
            assert result.returncode == 0, result.stderr
            assert "answered 200" in result.stdout
            process.send_signal(signal.SIGTERM)
            assert process.wait(timeout=10) == 0
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
    # And once it is gone the same check fails.
    result = subprocess.run([binary()] + healthcheck[1:], env=check_env, capture_output=True, text=True, timeout=10)
    assert result.returncode != 0 and "unhealthy" in result.stderr
