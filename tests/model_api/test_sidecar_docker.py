"""The model API's sidecar in real Docker: hardened like every harness container, reached by
a client container joined to its network namespace (as a stage will be), the log read back
on the host and nothing left behind."""

from __future__ import annotations

import json
import os
import time
from typing import Any

import pytest
from docker.errors import NotFound

from harness.errors import SandboxError
from harness.model_api import analysis, server
from harness.model_api.sidecar import LOG_DIR, PORT, SERVER_DIR, DockerSidecar
from harness.sandbox import docker as engine
from tests.model_api.kit import api_config

pytestmark = pytest.mark.docker

CLIENT = r"""
import json, os, socket, urllib.error, urllib.request
base, key = os.environ["OPENAI_BASE_URL"], os.environ["OPENAI_API_KEY"]
assert base == os.environ["GRADE_MODEL_API_BASE_URL"] and key == os.environ["GRADE_MODEL_API_KEY"]
report = {"statuses": []}
for text in ("refund my invoice, json", "my package tracking is broken, json", "hello, json"):
    body = json.dumps({"model": "route-mini",
                       "messages": [{"role": "user", "content": text}]}).encode()
    request = urllib.request.Request(base + "/chat/completions", data=body,
        headers={"Authorization": "Bearer " + key, "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            answer = json.loads(response.read())
            report["statuses"].append(response.status)
            report.setdefault("contents", []).append(answer["choices"][0]["message"]["content"])
    except urllib.error.HTTPError as err:
        report["statuses"].append(err.code)
report["sees_log"] = os.path.exists("/log") or os.path.exists("/opt/model_api")
try:
    socket.create_connection(("1.1.1.1", 53), timeout=2)
    report["outside"] = "reached"
except OSError as err:
    report["outside"] = type(err).__name__
print("REPORT " + json.dumps(report), flush=True)
"""


STALLED_CLIENT = r"""
import json, os, urllib.request
body = json.dumps({"model": "route-mini", "messages": [{"role": "user", "content": "hi"}]})
request = urllib.request.Request(os.environ["OPENAI_BASE_URL"] + "/chat/completions",
    data=body.encode(), headers={"Authorization": "Bearer " + os.environ["OPENAI_API_KEY"]})
print("SENT", flush=True)
urllib.request.urlopen(request).read()  # no timeout: it waits as long as the server holds it
"""


def run_client(client: Any, image: str, sidecar: DockerSidecar) -> dict[str, Any]:
    """A stage-like container in the sidecar's network namespace runs CLIENT."""
    access = sidecar.access
    spec = engine.ContainerSpec(
        image=image,
        command=("python3", "-c", CLIENT),
        limits=engine.Limits(timeout_s=60, memory_mb=256, pids=32),
        tmpfs={"/tmp": "size=16m,mode=1777"},
        environment=access.environment(),
        network_mode=access.network_mode or "none",
        role="test-client",
    )
    outcome = engine.run_container(client, spec)
    text = outcome.log.head() + outcome.log.tail()
    lines = [line for line in text.splitlines() if line.startswith("REPORT ")]
    assert outcome.exit_code == 0 and lines, text
    report: dict[str, Any] = json.loads(lines[-1][len("REPORT ") :])
    return report


def test_a_stage_in_the_sidecars_namespace_reaches_the_api_and_only_it(
    docker_client: Any, sandbox_image: str, no_leftovers: None
) -> None:
    exact = {name: {**spec, "error_rate": 0.0} for name, spec in server.PUBLIC_MODELS.items()}
    config = api_config(
        models=exact, faults=[{"kind": "server_error", "from_request": 2, "requests": 1}]
    )
    with DockerSidecar(docker_client, sandbox_image, config) as sidecar:
        assert sidecar.access.base_url == f"http://127.0.0.1:{PORT}/v1"
        container_id = container_of(sidecar, docker_client).id
        report = run_client(docker_client, sandbox_image, sidecar)
        while_running = sidecar.log_path.read_text().splitlines()
        served = sidecar.stop()
    assert report["statuses"] == [200, 200, 500]
    assert json.loads(report["contents"][0]) == {"queue": "billing", "urgency": "normal"}
    assert report["sees_log"] is False  # neither the log nor the config is in the stage
    assert report["outside"] != "reached"
    assert len(while_running) == 3  # flushed line by line
    assert served.log.problems == ()
    assert [(r.status, r.fault) for r in served.log.chat] == [
        (200, None),
        (200, None),
        (500, "server_error"),
    ]
    assert all(r.user_agent.startswith("Python-urllib") for r in served.log.chat)
    assert "listening on" in served.server_output
    with pytest.raises(NotFound):
        docker_client.containers.get(container_id)
    facts = analysis.analyse(served.log, 3, analysis.Terms.from_config(config))
    assert facts["cost"].measured["billed_requests"] == 2


def test_the_sidecar_is_hardened_like_every_harness_container(
    docker_client: Any, sandbox_image: str, no_leftovers: None
) -> None:
    with DockerSidecar(docker_client, sandbox_image, api_config()) as sidecar:
        attrs = container_of(sidecar, docker_client).attrs
    host = attrs["HostConfig"]
    assert host["NetworkMode"] == "none"
    assert host["ReadonlyRootfs"] is True
    assert host["CapDrop"] == ["ALL"]
    assert "no-new-privileges" in host["SecurityOpt"]
    assert attrs["Config"]["User"] == engine.SANDBOX_USER
    assert attrs["Config"]["Labels"][engine.ROLE_LABEL] == "model-api"
    assert attrs["Config"]["Cmd"][:3] == ["python3", "-I", "-S"]
    mounts = {m["Destination"]: m["RW"] for m in attrs["Mounts"]}
    assert mounts == {SERVER_DIR: False, LOG_DIR: True}


def test_a_config_the_server_would_refuse_fails_before_any_container(
    docker_client: Any, sandbox_image: str, no_leftovers: None
) -> None:
    broken = api_config(faults=[{"kind": "meteor"}])
    with pytest.raises(SandboxError, match="unknown kind 'meteor'"):
        DockerSidecar(docker_client, sandbox_image, broken).__enter__()


def test_a_stalled_request_still_held_when_the_sidecar_stops_is_logged(
    docker_client: Any, sandbox_image: str, no_leftovers: None
) -> None:
    config = api_config(
        faults=[{"kind": "stall", "from_request": 0, "requests": 1}], stall_limit_s=600
    )
    with DockerSidecar(docker_client, sandbox_image, config) as sidecar:
        waiting = engine.start_container(
            docker_client,
            engine.ContainerSpec(
                image=sandbox_image,
                command=("python3", "-c", STALLED_CLIENT),
                limits=engine.Limits(timeout_s=60, memory_mb=128, pids=16),
                environment=sidecar.access.environment(),
                network_mode=sidecar.access.network_mode or "none",
                role="test-client",
            ),
        )
        try:
            _wait_for(lambda: b"SENT" in waiting.logs())
            time.sleep(1.0)
            assert sidecar.log_path.read_text() == ""  # held: not logged yet
            served = sidecar.stop()
        finally:
            engine.remove_container(waiting)
    (stalled,) = served.log.chat
    assert stalled.fault == "stall" and stalled.interrupted and stalled.status is None
    assert stalled.held_s >= 1.0


SDK_CLIENT = r"""
import json
try:
    from openai import OpenAI
except ImportError:
    print("NO_SDK", flush=True)
    raise SystemExit(0)
answer = OpenAI().chat.completions.create(  # the address and key from the environment only
    model="route-mini", messages=[{"role": "user", "content": "refund my invoice, json"}])
print("REPORT " + json.dumps({"content": answer.choices[0].message.content}), flush=True)
"""


def test_the_openai_sdk_in_the_image_works_with_the_environment_and_waits_out_a_429(
    docker_client: Any, sandbox_image: str, no_leftovers: None
) -> None:
    config = api_config(faults=[{"kind": "rate_limit", "from_request": 0, "for_s": 1.2}])
    with DockerSidecar(docker_client, sandbox_image, config) as sidecar:
        spec = engine.ContainerSpec(
            image=sandbox_image,
            command=("python3", "-c", SDK_CLIENT),
            limits=engine.Limits(timeout_s=60, memory_mb=512, pids=64),
            tmpfs={"/tmp": "size=64m,mode=1777"},
            environment={"HOME": "/tmp", **sidecar.access.environment()},
            network_mode=sidecar.access.network_mode or "none",
            role="test-client",
        )
        outcome = engine.run_container(docker_client, spec)
        served = sidecar.stop()
    text = outcome.log.head() + outcome.log.tail()
    if "NO_SDK" in text:
        message = f"{sandbox_image} has no openai SDK: rebuild it with `grade sandbox build`"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    assert outcome.exit_code == 0, text
    assert [(r.status, r.user_agent.split("/")[0]) for r in served.log.chat] == [
        (429, "OpenAI"),
        (200, "OpenAI"),
    ]
    facts = analysis.analyse(served.log, 1, analysis.Terms.from_config(config))
    assert facts["retry_after"].ok is True


def container_of(sidecar: DockerSidecar, client: Any) -> Any:
    return client.containers.get((sidecar.access.network_mode or "").split(":", 1)[1])


def _wait_for(condition: Any, seconds: float = 20.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError("the condition never held")
