"""Deployment thinking: did they build or describe how it is served, monitored, and fails?

Six checks: the Dockerfile, serving code and a declared `serve` command, the live probe of
that service, input validation at the boundary, the saved model artefact, and what the
write-up says about running it. Code is read through its syntax tree, never run. Here:
the Dockerfile, serving and the probe; `deploy_code` holds validation, artefacts and
operations.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from harness.checks import evidence
from harness.checks.context import CheckContext
from harness.checks.prose import writeup_path
from harness.checks.registry import Judgement, check, graded, skipped
from harness.checks.source import shipped_uses
from harness.checks.statements import describing, statements
from harness.models import Evidence

SHOWN = 4


def writeup_sentences(context: CheckContext) -> list[str]:
    """The write-up's prose as sentences: each list item on its own, the lines of a
    paragraph joined, code blocks, headings, lone labels and bold marks left out."""
    return [statement.text for statement in statements(context)]


def passage(sentence: str) -> str:
    return sentence if len(sentence) <= 300 else sentence[:297] + "..."


# --- deploy.dockerfile ----------------------------------------------------------------------

SECRET_NAME = re.compile(
    r"(?:^|_)(?:api_?key|secret(?:_key)?|password|passwd|token|access_?key|private_?key"
    r"|auth_?token|client_?secret|credentials?)$",
    re.IGNORECASE,
)
INSTALLS_REQUIREMENTS = re.compile(
    r"pip3? install[^&;]*(-r\s|--requirement|\s\.(\s|$|\[)|-e\s)|poetry install|uv sync"
    r"|uv pip install[^&;]*-r\s|pipenv install|conda env (create|update)|micromamba"
)
DOCKER_PROPERTIES = (
    "pinned base image",
    "non-root USER",
    "installs from requirements",
    "CMD starts the service",
    "HEALTHCHECK",
)
"""What a good serving Dockerfile does; each is worth a fifth of 0.75. A secret in ENV or
ARG is not a sixth property but a cap."""


@dataclass(frozen=True)
class Instruction:
    """One Dockerfile instruction, continuation lines joined."""

    keyword: str
    arguments: str
    line: int


@check("deploy.dockerfile", dimension="deployment", title="Dockerfile")
def dockerfile(context: CheckContext) -> Judgement:
    """Looks at the submission's Dockerfile (the top-level one, else the first found) and
    what it does well or badly: a pinned base image (a version tag or a digest, not
    `:latest` or no tag), a non-root `USER` in the final stage, no secrets in `ENV`/`ARG`,
    dependencies installed from a requirements file (or the project itself), a `CMD` or
    `ENTRYPOINT` that starts a server rather than training (the model is built or mounted,
    not trained at start-up), and a `HEALTHCHECK`.

    Why it matters: a container is how a model reaches production. A missing Dockerfile is
    not "not applicable": deployment thinking is what is judged, so it scores 0, except
    that a write-up describing how it is or would be containerised earns 0.4 (the thinking,
    not yet the work; "no Docker" is not a description). A Dockerfile earns 0.25 for
    existing and 0.15 for each of the five other habits, so a one-line `FROM` earns about
    what the words alone do; a secret set in `ENV`/`ARG` caps the score at 0.4.

    Evidence: the Dockerfile's line for each habit found (a secret's value redacted), and
    what is missing."""
    chosen = _chosen_dockerfile(context.inventory.dockerfiles)
    if chosen is None:
        return _no_dockerfile(context)
    instructions = parse_dockerfile(context.text(chosen) or "")
    found = _docker_properties(instructions)
    secrets = [i for i in instructions if i.keyword in ("ENV", "ARG") and _sets_secret(i)]
    missing = [name for name, line in found.items() if line is None]
    score = 0.25 + 0.75 * (1 - len(missing) / len(DOCKER_PROPERTIES))
    score = min(score, 0.4) if secrets else score
    message = f"{chosen}: " + (
        f"missing {', '.join(missing)}" if missing else "all five good habits"
    )
    message += f"; secrets set in ENV/ARG ({', '.join(map(_variable, secrets))})" if secrets else ""
    shown = [
        evidence.code(context, chosen, line).model_copy(update={"value": name})
        for name, line in found.items()
        if line is not None
    ]
    shown += [
        evidence.snippet(chosen, i.line, f"{i.keyword} {_variable(i)}=[redacted]")
        for i in secrets[:SHOWN]
    ]
    shown.append(evidence.text("missing: " + (", ".join(missing) or "nothing"), chosen))
    return graded(score, message, *shown)


def _chosen_dockerfile(paths: tuple[str, ...]) -> str | None:
    return min(paths, key=lambda p: (p.count("/"), p != "Dockerfile", p)) if paths else None


def _no_dockerfile(context: CheckContext) -> Judgement:
    looked = evidence.text(
        f"no Dockerfile in the submission (looked for files named Dockerfile* among "
        f"{context.inventory.files} files)"
    )
    described = describing(context, "containers")
    if described:
        quoted = evidence.text(passage(described[0].text), writeup_path(context))
        return graded(0.4, "no Dockerfile; the write-up describes containerising", looked, quoted)
    return graded(0.0, "no Dockerfile, and the write-up does not describe a container", looked)


def parse_dockerfile(text: str) -> list[Instruction]:
    """Instructions in order, comments dropped, `\\` continuations joined."""
    found: list[Instruction] = []
    pending: tuple[int, str] | None = None
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or (line.startswith("#") and pending is None):
            continue
        start, joined = pending or (number, "")
        joined = f"{joined} {line.removesuffix(chr(92))}".strip()
        pending = (start, joined) if line.endswith("\\") else None
        if pending is None:
            keyword, _, arguments = joined.partition(" ")
            found.append(Instruction(keyword.upper(), arguments.strip(), start))
    return found


def _docker_properties(instructions: list[Instruction]) -> dict[str, int | None]:
    """Per property, the line that shows it (None: not there)."""
    final = _final_stage(instructions)
    run = [i for i in instructions if i.keyword == "RUN"]
    start = [i for i in final if i.keyword in ("CMD", "ENTRYPOINT")]
    users = [i for i in final if i.keyword == "USER"]
    checks = [i for i in final if i.keyword == "HEALTHCHECK" and i.arguments.upper() != "NONE"]
    return {
        "pinned base image": _pinned_base(instructions),
        "non-root USER": users[-1].line if users and not _is_root(users[-1]) else None,
        "installs from requirements": _first(
            i for i in run if INSTALLS_REQUIREMENTS.search(i.arguments)
        ),
        "CMD starts the service": (
            start[-1].line if start and "train" not in start[-1].arguments.lower() else None
        ),
        "HEALTHCHECK": checks[-1].line if checks else None,
    }


def _final_stage(instructions: list[Instruction]) -> list[Instruction]:
    starts = [n for n, i in enumerate(instructions) if i.keyword == "FROM"]
    return instructions[starts[-1] :] if starts else instructions


def _first(instructions: Iterator[Instruction]) -> int | None:
    return next((i.line for i in instructions), None)


def _pinned_base(instructions: list[Instruction]) -> int | None:
    """The last FROM's line if every base image is pinned (earlier stages by name are fine)."""
    stages: set[str] = set()
    line = None
    for instruction in (i for i in instructions if i.keyword == "FROM"):
        words = [w for w in instruction.arguments.split() if not w.startswith("--")]
        if not words:
            return None
        image = words[0]
        if image.lower() not in stages and not _pinned(image):
            return None
        if len(words) >= 3 and words[1].lower() == "as":
            stages.add(words[2].lower())
        line = instruction.line
    return line


def _pinned(image: str) -> bool:
    if "@sha256:" in image or image == "scratch":
        return True
    name = image.rsplit("/", 1)[-1]
    tag = name.partition(":")[2]
    return bool(tag) and tag != "latest" and any(ch.isdigit() for ch in tag)


def _is_root(user: Instruction) -> bool:
    return user.arguments.split(":")[0].strip() in ("root", "0", "")


def _sets_secret(instruction: Instruction) -> bool:
    """An ENV or ARG that gives a secret-looking name a value (`${ARG}` passed on is not)."""
    pairs = re.findall(r"([A-Za-z_][A-Za-z0-9_]*)(?:=|\s+)(\S+)", instruction.arguments)
    if instruction.keyword == "ENV" and "=" not in instruction.arguments:
        pairs = pairs[:1]
    values = [(name, value.strip("\"'")) for name, value in pairs]
    return any(SECRET_NAME.search(name) and v and not v.startswith("$") for name, v in values)


def _variable(instruction: Instruction) -> str:
    """The first variable an ENV or ARG sets, without its value."""
    return re.split(r"[=\s]", instruction.arguments, maxsplit=1)[0]


# --- deploy.serving -------------------------------------------------------------------------


@check("deploy.serving", dimension="deployment", title="Serving code")
def serving(context: CheckContext) -> Judgement:
    """Looks at whether the submission can be served: a web framework or model server
    imported in its (non-test, non-notebook) code (FastAPI, Flask, uvicorn, BentoML, ...,
    from the inventory's capabilities), and a `serve` command declared in assessment.toml so
    the harness can start and probe it.

    Why it matters: a model only a batch script can call is half-deployed; a declared,
    working service is what another team can integrate. Score: both 1.0; a `serve` command
    without a known framework 0.75 (the probe shows whether it works); serving code without a
    `serve` command 0.5; neither, but the write-up describes an API or service (one it has or
    would build; "no service yet" does not count, nor a pump's service history), 0.2.

    Evidence: the import lines of the serving code, and the declared command."""
    uses = shipped_uses(context, "serving")
    command = context.contract.commands.serve
    found: list[Evidence] = [
        evidence.code(context, use.path, use.line).model_copy(update={"value": use.module})
        for use in uses[:SHOWN]
    ]
    if command:
        found.append(evidence.text(f'serve = "{command}"', "assessment.toml"))
    score, message = _serving_score(context, bool(uses), command is not None, found)
    return graded(score, message, *found)


def _serving_score(
    context: CheckContext, has_code: bool, declared: bool, found: list[Evidence]
) -> tuple[float, str]:
    if has_code and declared:
        return 1.0, "serving code and a declared serve command the harness can probe"
    if declared:
        return 0.75, "a serve command is declared; no known web framework is imported"
    if has_code:
        return 0.5, "serving code, but no serve command in assessment.toml to probe it"
    described = describing(context, "serving")
    found.append(evidence.text("no web framework imported and no serve command declared"))
    if described:
        found.append(evidence.text(passage(described[0].text), writeup_path(context)))
        return 0.2, "no serving code; the write-up describes a service"
    return 0.0, "no serving code and no serve command"


# --- deploy.probe ---------------------------------------------------------------------------


@check("deploy.probe", dimension="deployment", title="The live service probe")
def probe(context: CheckContext) -> Judgement:
    """Looks at the live probe of the `serve` stage: whether the service became healthy and
    how fast, whether a valid request got a 200, whether malformed requests (not JSON, an
    empty object, wrong types, missing fields) were refused with a 4xx (a 5xx or no answer
    is bad), whether it was still alive afterwards, and its p50/p95 latency. Skipped when no
    `serve` command was declared, or the harness did not run the stage (it says why).

    Why it matters: this is behaviour, not words: a service that crashes on a bad request
    or answers garbage with a 500 will page someone at night. Score: healthy 0.3 (0 if it
    never started), valid request 0.3, malformed requests refused 0.25 (by share), alive
    after 0.15; a p95 over 300 ms costs 0.05, over 1 s 0.1.

    Evidence: each measured value as a metric, and the serve log."""
    if not context.contract.commands.serve:
        return skipped(
            "no serve command declared, so there was no service to probe",
            evidence.text("assessment.toml [commands] has no serve", "assessment.toml"),
        )
    stage = context.stage("serve")
    report = context.probe
    if stage.verdict == "not_run":
        return skipped(
            f"serve was declared but not run: {stage.reason}", evidence.log(context, "serve")
        )
    if report is None or not report.healthy:
        reason = stage.reason or "it never answered its health check"
        return graded(0.0, f"the service did not start: {reason}", evidence.log(context, "serve"))
    score, problems = _probe_score(
        report.valid_status(),
        report.malformed_statuses(),
        report.alive_after,
        _latency(report.raw, "p95"),
    )
    message = f"healthy after {report.time_to_healthy_s:g} s; " + (
        "; ".join(problems)
        if problems
        else "valid request answered, malformed ones refused with 4xx"
    )
    return graded(score, message, *_probe_evidence(context), evidence.log(context, "serve"))


def _probe_score(
    valid: int | None, malformed: dict[str, int | None], alive: bool, p95: float | None
) -> tuple[float, list[str]]:
    problems = []
    answered = valid is not None and 200 <= valid < 300
    if not answered:
        problems.append(f"a valid request got {valid or 'no answer'}")
    refused = [name for name, status in malformed.items() if status and 400 <= status < 500]
    if len(refused) < len(malformed):
        bad = sorted(set(malformed) - set(refused))
        problems.append("malformed requests not refused with 4xx: " + ", ".join(bad))
    if not alive:
        problems.append("it stopped answering during the probe")
    slow = 0.1 if p95 is not None and p95 > 1000 else 0.05 if p95 is not None and p95 > 300 else 0
    if slow:
        problems.append(f"slow: p95 {p95:g} ms")
    share = len(refused) / len(malformed) if malformed else 0.0
    return 0.3 + 0.3 * answered + 0.25 * share + 0.15 * alive - slow, problems


def _latency(raw: dict[str, object], key: str) -> float | None:
    latency = raw.get("latency_ms")
    value = latency.get(key) if isinstance(latency, dict) else None
    return float(value) if isinstance(value, int | float) else None


def _probe_evidence(context: CheckContext) -> list[Evidence]:
    report = context.probe
    assert report is not None
    found = [
        evidence.metric(
            "time_to_healthy_s", report.time_to_healthy_s, "seconds to a healthy answer"
        ),
        evidence.metric("valid_status", report.valid_status(), "HTTP status of a valid request"),
    ]
    found += [
        evidence.metric(f"malformed_{name}", status, f"HTTP status of a malformed request ({name})")
        for name, status in report.malformed_statuses().items()
    ]
    found += [
        evidence.metric(f"latency_{key}_ms", _latency(report.raw, key), f"{key} latency in ms")
        for key in ("p50", "p95")
    ]
    found.append(evidence.metric("alive_after", "yes" if report.alive_after else "no"))
    return found
