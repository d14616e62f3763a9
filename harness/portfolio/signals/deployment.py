"""Production deployment: is the model served, packaged and shipped, or only trained?

Three signals: serving code (an application with routes, read from the code), the files that
deploy it (containers, orchestration, a platform, a CI step that ships), and a README that
describes a system in production. The take-home checks of the Dockerfile, input validation
and the saved model count here too (`scoring.py`).
"""

from __future__ import annotations

import re

from harness.checks import evidence
from harness.checks.statements import statements
from harness.models import Evidence
from harness.portfolio.facts import ci_files
from harness.portfolio.repo import Repo
from harness.portfolio.serving import Route
from harness.portfolio.signals.depth import plural
from harness.portfolio.signals.registry import Judged, judged, signal, without_python

SHOWN = 5
MAX_MANIFESTS = 500
"""YAML files read at most when looking for Kubernetes manifests."""
KUBE_KIND = re.compile(
    r"^kind:\s*[\"']?(Deployment|Service|StatefulSet|DaemonSet|Job|CronJob|Ingress|Pod"
    r"|ReplicaSet|HorizontalPodAutoscaler|InferenceService|ServingRuntime|Rollout|Kustomization"
    r"|Gateway|VirtualService|ScaledObject)\b",
    re.MULTILINE,
)
API_VERSION = re.compile(r"^apiVersion:\s*\S+", re.MULTILINE)
COMPOSE = re.compile(r"^(docker-)?compose(\.[\w-]+)?\.ya?ml$", re.IGNORECASE)
PLATFORM_FILES = {
    "procfile": "Procfile (Heroku-style)",
    "fly.toml": "Fly.io",
    "render.yaml": "Render",
    "railway.json": "Railway",
    "railway.toml": "Railway",
    "vercel.json": "Vercel",
    "netlify.toml": "Netlify",
    "serverless.yml": "Serverless Framework",
    "serverless.yaml": "Serverless Framework",
    "pulumi.yaml": "Pulumi",
    "cdk.json": "AWS CDK",
    "skaffold.yaml": "Skaffold",
    "bentofile.yaml": "BentoML",
    "mlproject": "MLflow project",
    "apprunner.yaml": "AWS App Runner",
    "dockerrun.aws.json": "Elastic Beanstalk",
    "chart.yaml": "Helm chart",
    "app.yaml": "Google App Engine",
    "cloudbuild.yaml": "Cloud Build",
}
PRODUCTION = re.compile(
    r"\b(?:in|into|to) production\b|\bproduction[- ](?:traffic|users?|systems?|environments?"
    r"|clusters?|deployments?|workloads?|services?)\b|\b(?:is|are|was|were|been|gets?|got)"
    r" (?:deployed|live)\b|\bdeployed (?:to|on|at|in|behind)\b|\bgo(?:es|ne)? live\b",
    re.IGNORECASE,
)
"""What says a system runs for real: "in production", "deployed to", "production traffic";
a topic ("deployment thinking") is not."""
TERRAFORM = re.compile(r'^\s*resource\s+"[\w-]+"', re.MULTILINE)
SAM = re.compile(r"AWSTemplateFormatVersion|AWS::Serverless")
SHIPS = re.compile(
    r"docker(?:/build-push-action|\s+push|\s+compose\s+push)|kubectl\s+(?:apply|rollout|set)"
    r"|helm\s+(?:upgrade|install)|gcloud\s+(?:run|app|functions)\s+deploy|aws\s+(?:ecs|lambda"
    r"|deploy|s3\s+sync)|fly(?:ctl)?\s+deploy|heroku|serverless\s+deploy|sam\s+deploy"
    r"|terraform\s+apply|az\s+(?:webapp|containerapp)|railway\s+up|cdk\s+deploy"
    r"|render-deploy|environment:\s*production",
    re.IGNORECASE,
)


@signal("portfolio.serving", area="deployment", title="Serving code", weight=1.5)
def serving(repo: Repo) -> Judged:
    """Looks for serving code by what it does, in the syntax trees of the non-test code: an
    application object (FastAPI, Flask, Starlette, aiohttp, Sanic, Litestar, Falcon, gRPC,
    BentoML, Ray Serve, Gradio, ...) and its routes (`@app.post("/predict")`, `add_url_rule`,
    Django's `path()`), and whether a route reaches a model (calls `predict`, `generate`, ...,
    or its module loads one). A file named `serve.py` proves nothing; routes do.

    Why it matters: a model behind an API is one another team can call; a model only a
    notebook can run has not left the author's laptop. Score: routes serving a model 1.0,
    routes that serve no model 0.7, an application without routes 0.35, a web framework only
    imported 0.15, nothing 0.

    Evidence: where each application is made, and the routes with their handlers."""
    if (absent := without_python(repo, notebooks_count=True)) is not None:
        return absent
    found = repo.serving
    routes, apps = found.routes, found.apps
    shown: list[Evidence] = [
        evidence.code(repo.context, app.path, app.line).model_copy(
            update={"value": f"{app.framework} application"}
        )
        for app in apps[:2]
    ]
    shown += [_route_evidence(repo, route) for route in _interesting(routes)[:SHOWN]]
    if routes:
        where = (found.model_routes or routes)[0].path
        what = "serves the model" if found.serves_model(where) else "serves an API"
        listed = ", ".join(_route_name(r) for r in _interesting(routes)[:4])
        said = (
            f"{where} {what} with {found.framework(where)} "
            f"({plural(len(routes), 'route')}: {listed})"
        )
        state = "serves_model" if found.serves_model() else "api"
        return judged(1.0 if state == "serves_model" else 0.7, state, said, *shown)
    if apps:
        said = f"{apps[0].path} makes a {apps[0].framework} application, but no routes were found"
        return judged(0.35, "app_only", said, *shown)
    imported = [
        c
        for c in repo.context.inventory.capabilities
        if c.category == "serving" and c.path.endswith(".py")
    ]
    if imported:
        use = imported[0]
        shown = [
            evidence.code(repo.context, use.path, use.line).model_copy(update={"value": use.module})
        ]
        return judged(
            0.15,
            "imported",
            f"{use.path} imports {use.module}, but makes no application with routes",
            *shown,
        )
    files = len(repo.shipped)
    return judged(
        0.0,
        "none",
        "no serving code: no web application or model server",
        evidence.text(f"no application object or route in {plural(files, 'module')}"),
    )


def _interesting(routes: tuple[Route, ...]) -> list[Route]:
    """Routes that use a model first, then the others, health checks last."""
    return sorted(routes, key=lambda r: (not r.uses_model, r.health, r.path, r.line))


def _route_name(route: Route) -> str:
    return f"{route.method} {route.url}".strip() if route.url else route.handler or route.method


def _route_evidence(repo: Repo, route: Route) -> Evidence:
    note = f"{_route_name(route)} -> {route.handler or 'handler'}" + (
        " (calls the model)" if route.uses_model else ""
    )
    return evidence.code(repo.context, route.path, route.line).model_copy(update={"value": note})


@signal(
    "portfolio.containers", area="deployment", title="Container and deployment files", weight=1.0
)
def containers(repo: Repo) -> Judged:
    """Looks for the files that deploy a system, recognised by name and by content: a
    Dockerfile (or Containerfile), compose files, Kubernetes manifests (any YAML with an
    `apiVersion` and a workload `kind`: Deployment, Service, Job, InferenceService, ...), a
    Helm chart, platform files (Procfile, fly.toml, render.yaml, serverless.yml, App Engine,
    App Runner, ...), Terraform resources and SAM templates, and a CI step that ships it
    (`docker push`, `kubectl apply`, `helm upgrade`, `gcloud run deploy`, ...).

    Why it matters: these files are the difference between "it runs on my machine" and a
    system someone operates. Score: a container image 0.35, compose 0.15, orchestration or a
    platform 0.35, a CI step that deploys 0.15.

    Evidence: each file found, with what it is."""
    docker = [p for p in repo.paths if _is_dockerfile(p)]
    compose = [p for p in repo.paths if COMPOSE.match(p.rsplit("/", 1)[-1])]
    platform = _platform_files(repo)
    shipping = _shipping_steps(repo)
    score = (
        0.35 * bool(docker) + 0.15 * bool(compose) + 0.35 * bool(platform) + 0.15 * bool(shipping)
    )
    shown = [evidence.file(p, "container image") for p in docker[:3]]
    shown += [evidence.file(p, "compose file") for p in compose[:2]]
    shown += [evidence.file(p, what) for p, what in platform[:SHOWN]]
    shown += [evidence.snippet(p, line, text) for p, line, text in shipping[:2]]
    parts = [
        f"{plural(len(docker), 'Dockerfile')}" if docker else "",
        "compose" if compose else "",
        ", ".join(sorted({what for _, what in platform})[:3]),
        "a CI step that deploys" if shipping else "",
    ]
    said = "; ".join(part for part in parts if part)
    if not said:
        return judged(
            0.0,
            "none",
            "no container or deployment files",
            evidence.text(f"no deployment file among {plural(len(repo.paths), 'file')}"),
        )
    state = "deployed" if platform or shipping else "container"
    if state == "container":
        said += ", but nothing that deploys them (no orchestration, platform or CI step)"
    return judged(score, state, said, *shown)


def quoted(text: str, limit: int = 160) -> str:
    """A sentence cut at a word near `limit`, with an ellipsis when cut."""
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def _is_dockerfile(path: str) -> bool:
    name = path.rsplit("/", 1)[-1].lower()
    return name.startswith(("dockerfile", "containerfile")) or name.endswith(".dockerfile")


def _platform_files(repo: Repo) -> list[tuple[str, str]]:
    """(path, what) for orchestration and platform files, by name or by their content."""
    found: list[tuple[str, str]] = []
    yaml_read = 0
    for path in repo.paths:
        name = path.rsplit("/", 1)[-1].lower()
        if name in PLATFORM_FILES and _platform_content(repo, path, name):
            found.append((path, PLATFORM_FILES[name]))
        elif name.endswith((".yaml", ".yml")) and yaml_read < MAX_MANIFESTS:
            yaml_read += 1
            what = _manifest(repo.text(path) or "")
            if what:
                found.append((path, what))
        elif name.endswith(".tf") and TERRAFORM.search(repo.text(path) or ""):
            found.append((path, "Terraform"))
    return found


def _platform_content(repo: Repo, path: str, name: str) -> bool:
    """A name alone is not enough where it is common: App Engine's app.yaml has a runtime."""
    if name == "app.yaml":
        return re.search(r"^runtime:", repo.text(path) or "", re.MULTILINE) is not None
    return True


def _manifest(text: str) -> str:
    if API_VERSION.search(text) and (kind := KUBE_KIND.search(text)):
        return f"Kubernetes {kind.group(1)}"
    return "AWS SAM / CloudFormation" if SAM.search(text) else ""


def _shipping_steps(repo: Repo) -> list[tuple[str, int, str]]:
    """Lines of CI configuration that ship the system (path, line, text)."""
    found = []
    for path in ci_files(repo):
        for number, line in enumerate((repo.text(path) or "").splitlines(), 1):
            if SHIPS.search(line) and not line.lstrip().startswith("#"):
                found.append((path, number, line.strip()))
    return found


@signal(
    "portfolio.readme_production", area="deployment", title="A README about production", weight=0.5
)
def readme_production(repo: Repo) -> Judged:
    """Looks at the README, sentence by sentence, with the write-up reader the take-home
    checks use: sentences that say the system is deployed or runs in production ("in
    production", "deployed to", "production traffic"; a plan, "would deploy", a denial, "not
    deployed", or deployment as a topic does not count), and those about serving, monitoring
    and containers.

    Why it matters: a README that describes a system in production (where it runs, who
    calls it, how it is watched) is what a reviewer reads first; one that describes a
    notebook's results is another kind of work. Score: a sentence about production 0.6 (1.0
    with serving or monitoring said too), only serving or monitoring 0.4, none 0; no README 0.

    Evidence: the sentences found."""
    writeup = repo.context.inventory.writeup
    if writeup is None:
        return judged(0.0, "no_readme", "no README at the top of the repository")
    said = [s for s in statements(repo.context) if not _table_row(s.text)]
    production = [s for s in said if "deployment" in s.reading.makes and PRODUCTION.search(s.text)]
    running = [s for s in said if s.reading.makes & {"serving", "monitoring"}]
    shown = [evidence.text(s.text[:300], writeup.path) for s in [*production[:2], *running[:2]]]
    if production:
        score = 1.0 if running else 0.6
        return judged(
            score,
            "production",
            f'the README says it runs in production: "{quoted(production[0].text)}"',
            *shown,
        )
    if running:
        return judged(
            0.4,
            "serving",
            f"the README describes serving or monitoring, not "
            f'production: "{quoted(running[0].text)}"',
            *shown,
        )
    return judged(
        0.0,
        "none",
        f"{writeup.path} says nothing about running it in production",
        evidence.file(writeup.path, f"{writeup.summary.words} words"),
    )


def _table_row(text: str) -> bool:
    """A Markdown table's row (`| a | b |`): its cells are labels, not a sentence, so a
    column named "production deployment" says nothing about where the system runs."""
    return text.count("|") >= 2
