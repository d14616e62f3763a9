"""The `serve` stage: the candidate's service, started with no network, probed from inside.

The service runs like every stage, with `network_mode=none`. The harness probes it from a
second container of its own that joins the service's network namespace
(`network_mode=container:<id>`) and talks to 127.0.0.1: neither container has any route
out. A bridge network is never used: even an internal one reaches every service the host
binds on all interfaces. The probe measures time to healthy, the health answer, a valid
request, malformed requests (4xx is right; 5xx or no answer is not), whether the service is
still alive afterwards, and p50/p95 latency over a bounded number of requests.
"""

from __future__ import annotations

import csv
import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness.models import StageResult
from harness.sandbox import docker as engine
from harness.sandbox.stages import PATHS, StageRun, StageRunner, not_run, stage_result

PROBE_MARK = "GRADE_PROBE "
SAMPLE_ROWS = 5
LATENCY_REQUESTS = 20
PROBE_SCRIPT = r"""
import http.client, json, statistics, sys, time
args = json.loads(sys.argv[1])

def call(method, path, raw=None, timeout=5.0):
    start = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", args["port"], timeout=timeout)
    try:
        headers = {"Content-Type": "application/json"} if raw is not None else {}
        conn.request(method, path, body=raw, headers=headers)
        response = conn.getresponse()
        text = response.read(65536).decode("utf-8", "replace")
        return {"status": response.status, "ms": (time.perf_counter() - start) * 1000,
                "body": text[:300]}
    except Exception as err:
        return {"status": None, "ms": (time.perf_counter() - start) * 1000,
                "error": (type(err).__name__ + ": " + str(err))[:300]}
    finally:
        conn.close()

report = {"time_to_healthy_s": None}
began = time.monotonic()
while time.monotonic() - began < args["startup_s"]:
    health = call("GET", args["health"], timeout=2.0)
    if health["status"] == 200:
        report["time_to_healthy_s"] = round(time.monotonic() - began, 3)
        report["health"] = health
        break
    time.sleep(0.25)
if report["time_to_healthy_s"] is not None:
    body = json.dumps(args["records"]).encode()
    report["valid"] = call("POST", args["predict"], body)
    wrong = [{key: "not-a-value" for key in args["records"][0]}] if args["records"] else [1]
    report["malformed"] = {
        "not_json": call("POST", args["predict"], b"{not json"),
        "empty_object": call("POST", args["predict"], b"{}"),
        "wrong_types": call("POST", args["predict"], json.dumps(wrong).encode()),
        "missing_fields": call("POST", args["predict"], json.dumps([{"x": 1}]).encode()),
    }
    times = [call("POST", args["predict"], body)["ms"] for _ in range(args["requests"])]
    times.sort()
    report["latency_ms"] = {"p50": round(statistics.median(times), 2),
                            "p95": round(times[max(0, int(len(times) * 0.95) - 1)], 2)}
    report["alive_after"] = call("GET", args["health"], timeout=2.0)["status"] == 200
print("GRADE_PROBE " + json.dumps(report), flush=True)
"""


@dataclass(frozen=True)
class ProbeReport:
    """What the probe measured, as it reported it (None where it never got that far)."""

    time_to_healthy_s: float | None
    raw: dict[str, Any]

    @property
    def healthy(self) -> bool:
        return self.time_to_healthy_s is not None

    def valid_status(self) -> int | None:
        status = self.raw.get("valid", {}).get("status")
        return int(status) if isinstance(status, int) else None

    def malformed_statuses(self) -> dict[str, int | None]:
        return {name: call.get("status") for name, call in self.raw.get("malformed", {}).items()}

    @property
    def alive_after(self) -> bool:
        return bool(self.raw.get("alive_after"))


@dataclass(frozen=True)
class ServeRun:
    """The serve stage's result and the probe's report."""

    run: StageRun
    probe: ProbeReport | None


def run_serve(runner: StageRunner, startup_s: float = 30.0, **extra_env: str) -> ServeRun:
    """Start the service, probe it, stop it. Needs a trained `{artifacts}`."""
    contract = runner.inputs.contract
    if not contract.commands.serve or contract.serve is None:
        return ServeRun(not_run("no serve command in assessment.toml"), None)
    spec = runner.spec("serve", contract.commands.serve, **extra_env)
    with runner.timed("serve"):  # the service joins the model API's namespace, if any
        started = time.monotonic()
        service = engine.start_container(runner.client, spec)
        try:
            probe = _probe(runner, service, startup_s)  # joins the service's: both reach 127.0.0.1
            alive = _running(service)
            outcome = engine.stop_container(service, started)
        finally:
            engine.remove_container(service)
    return ServeRun(StageRun(_serve_result(outcome, probe, alive, startup_s)), probe)


def _probe(runner: StageRunner, service: Any, startup_s: float) -> ProbeReport | None:
    contract = runner.inputs.contract
    assert contract.serve is not None
    arguments = {
        "port": int(PATHS["port"]),
        "health": contract.serve.health,
        "predict": contract.serve.predict,
        "records": sample_records(runner.inputs.features),
        "startup_s": startup_s,
        "requests": LATENCY_REQUESTS,
    }
    spec = engine.ContainerSpec(
        image=runner.inputs.image,
        command=("python3", "-c", PROBE_SCRIPT, json.dumps(arguments)),
        limits=engine.Limits(timeout_s=startup_s + 90, memory_mb=256, pids=32),
        tmpfs={"/tmp": "size=16m,mode=1777"},
        network_mode=f"container:{service.id}",
        role="probe",
    )
    outcome = engine.run_container(runner.client, spec)
    return parse_probe(outcome.log.head() + outcome.log.tail())


def parse_probe(log: str) -> ProbeReport | None:
    """The probe's report from its last marked line; None if it never printed one."""
    lines = [line for line in log.splitlines() if line.startswith(PROBE_MARK)]
    if not lines:
        return None
    try:
        raw = json.loads(lines[-1][len(PROBE_MARK) :])
    except json.JSONDecodeError:
        return None
    return ProbeReport(time_to_healthy_s=raw.get("time_to_healthy_s"), raw=raw)


def sample_records(features: Path, rows: int = SAMPLE_ROWS) -> list[dict[str, Any]]:
    """The first rows of a features CSV as JSON records (numbers as numbers, blanks null)."""
    with features.open(newline="", encoding="utf-8") as stream:
        reader = csv.DictReader(stream)
        return [
            {key: _json_value(value) for key, value in row.items()}
            for _, row in zip(range(rows), reader, strict=False)
        ]


def _json_value(text: str | None) -> Any:
    if text is None or text == "":
        return None
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            continue
    return text


def _running(container: Any) -> bool:
    try:
        container.reload()
    except Exception:  # gone already counts as not running
        return False
    return bool(container.attrs.get("State", {}).get("Running"))


def _serve_result(
    outcome: engine.ContainerOutcome, probe: ProbeReport | None, alive: bool, startup_s: float
) -> StageResult:
    if probe is None or not probe.healthy:
        if not alive and outcome.exit_code not in (None, 137):
            return stage_result(outcome, "failed", f"exited with code {outcome.exit_code}")
        return stage_result(outcome, "timeout", f"never answered health within {startup_s:g} s")
    if not probe.alive_after:
        return stage_result(outcome, "failed", "stopped answering during the probe")
    statuses = probe.malformed_statuses()
    bad = sorted(name for name, status in statuses.items() if status is None or status >= 500)
    valid = probe.valid_status()
    reason = f"healthy after {probe.time_to_healthy_s:g} s; valid request {valid}"
    if bad:
        reason += f"; malformed requests not refused cleanly: {', '.join(bad)}"
    return stage_result(outcome, "ok", reason)
