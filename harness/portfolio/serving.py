"""Serving code, recognised by what it does: a web application object with routes.

Read from the syntax trees of the non-test code, never from file names: an application is a
call that makes one (`FastAPI()`, `Flask(__name__)`, `APIRouter()`, `Blueprint(...)`,
`Starlette(...)`, `web.Application()`, `Sanic(...)`, `Litestar(...)`, `falcon.App()`,
`Bottle()`, `gr.Interface(...)`, `grpc.server(...)`, ...), and a route is a function decorated
with one of its methods and a path (`@app.post("/predict")`, `@bp.route("/x", methods=[...])`),
or registered by a call (`add_url_rule`, `add_api_route`, `router.add_get`, Django's `path()`
in `urlpatterns`). A route that reaches a model (it calls `predict`, `predict_proba`,
`generate`, ..., or its module loads one with `joblib.load`, `torch.load`, `from_pretrained`,
`InferenceSession`, ...) is serving the model; a health route (`/health`, `/ready`, ...) is
what an orchestrator probes.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TypeGuard

from harness.checks.source import Source, call_name
from harness.readers.python_source import imports_of

APPS = {
    "FastAPI": "FastAPI", "APIRouter": "FastAPI", "Flask": "Flask", "Blueprint": "Flask",
    "Quart": "Quart", "Starlette": "Starlette", "Sanic": "Sanic", "Litestar": "Litestar",
    "Bottle": "Bottle", "Application": "aiohttp/tornado", "RouteTableDef": "aiohttp",
    "App": "Falcon", "API": "Falcon", "LitServer": "LitServe", "Interface": "Gradio",
    "Blocks": "Gradio", "server": "gRPC", "Robyn": "Robyn", "Django": "Django",
}  # fmt: skip
"""A call that makes an application, and the framework it belongs to."""
APP_MODULES = {
    "App": ("falcon",), "API": ("falcon",), "Application": ("web", "tornado", "aiohttp"),
    "server": ("grpc",), "Interface": ("gr", "gradio"), "Blocks": ("gr", "gradio"),
}  # fmt: skip
"""Calls whose name is too common alone: they count only on these modules."""
METHODS = frozenset({
    "get", "post", "put", "delete", "patch", "route", "api_route", "websocket", "head",
    "options", "view",
})  # fmt: skip
REGISTERING = frozenset({
    "add_url_rule", "add_api_route", "add_route", "add_get", "add_post", "add_put",
    "add_api_websocket_route",
})  # fmt: skip
SERVICE_DECORATORS = frozenset({"service", "api", "deployment", "ingress"})
"""`@bentoml.service`, `@bentoml.api`, `@serve.deployment` (Ray Serve): a service by decorator."""
SERVICE_MODULES = frozenset({"bentoml", "serve"})
MODEL_CALLS = frozenset({
    "predict", "predict_proba", "predict_log_proba", "decision_function", "generate", "infer",
    "inference", "forward", "classify", "embed", "score_samples", "kneighbors",
})  # fmt: skip
LOAD_CALLS = frozenset({
    "load_model", "from_pretrained", "InferenceSession", "load_learner", "pipeline",
})  # fmt: skip
LOAD_MODULES = frozenset({
    "joblib", "pickle", "torch", "cloudpickle", "dill", "skops", "mlflow", "keras", "tf", "xgb",
    "lgb", "onnx", "pyfunc",
})  # fmt: skip
SERVICER = re.compile(r"^add_\w+Servicer_to_server$")
"""gRPC's generated registration of a servicer: a service's routes."""
HEALTH = re.compile(
    r"/(health|healthz|healthcheck|ready|readyz|readiness|live|livez|liveness"
    r"|ping|status)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Route:
    """One route: where it is declared, its method and path, and its handler."""

    path: str
    line: int
    method: str
    url: str
    handler: str
    uses_model: bool

    @property
    def health(self) -> bool:
        return bool(HEALTH.search(self.url))


@dataclass(frozen=True)
class App:
    """An application object: where it is made, and by which framework."""

    path: str
    line: int
    name: str
    framework: str


@dataclass(frozen=True)
class Serving:
    """Every application and route found in the non-test code."""

    apps: tuple[App, ...]
    routes: tuple[Route, ...]
    loads_model: tuple[tuple[str, int], ...]
    """Where a module loads a model (path, line)."""

    @property
    def model_routes(self) -> tuple[Route, ...]:
        return tuple(route for route in self.routes if route.uses_model)

    def serves_model(self, path: str | None = None) -> bool:
        """A route (in `path`, or anywhere) calls a model, or its module loads one."""
        routes = [r for r in self.routes if path is None or r.path == path]
        loading = {where for where, _ in self.loads_model}
        return any(r.uses_model or r.path in loading for r in routes)

    @property
    def health_routes(self) -> tuple[Route, ...]:
        return tuple(route for route in self.routes if route.health)

    def framework(self, path: str) -> str:
        """The framework of the first application made in `path` (or anywhere)."""
        here = [app for app in self.apps if app.path == path] or list(self.apps)
        return here[0].framework if here else "a web framework"


def read_serving(sources: list[Source]) -> Serving:
    """Applications, routes and model loads across the given (non-test) sources."""
    apps: list[App] = []
    routes: list[Route] = []
    loads: list[tuple[str, int]] = []
    for source in sources:
        made = list(_apps(source))
        names = {app.name for app in made}
        module_loads = [node.lineno for node in ast.walk(source.tree) if _loads_model(node)]
        apps += made
        routes += _routes(source, names, _imports_django(source))
        loads += [(source.path, line) for line in module_loads]
    return Serving(tuple(apps), tuple(routes), tuple(loads))


def _apps(source: Source) -> Iterator[App]:
    for node in ast.walk(source.tree):
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call):
            framework = _app_framework(node.value)
            for target in node.targets:
                if framework and isinstance(target, ast.Name | ast.Attribute):
                    yield App(source.path, node.lineno, _name(target), framework)
        elif isinstance(node, ast.ClassDef) and _is_service_class(node):
            yield App(source.path, node.lineno, node.name, _decorator_module(node) or "a service")


def _app_framework(call: ast.Call) -> str:
    name = call_name(call)
    if name not in APPS:
        return ""
    needs = APP_MODULES.get(name)
    if needs is not None and _base(call.func) not in needs:
        return ""
    return APPS[name]


def _routes(source: Source, apps: set[str], django: bool) -> Iterator[Route]:
    registering = REGISTERING | ({"path", "re_path"} if django else set())
    for node in ast.walk(source.tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            for decorator in node.decorator_list:
                found = _decorated_route(decorator, apps)
                if found is not None:
                    method, url = found
                    yield Route(
                        source.path, node.lineno, method, url, node.name, _calls_model(node)
                    )
        elif isinstance(node, ast.Call) and SERVICER.match(call_name(node)):
            yield Route(source.path, node.lineno, "RPC", call_name(node)[4:-10], "", False)
        elif isinstance(node, ast.Call) and call_name(node) in registering:
            route = _registered(source, node)
            if route is not None:
                yield route


def _imports_django(source: Source) -> bool:
    return any(use.module == "django" for use in imports_of(source.tree))


def _decorated_route(decorator: ast.expr, apps: set[str]) -> tuple[str, str] | None:
    """`@app.post("/predict")` -> ("POST", "/predict"); `@bentoml.api` -> ("API", "")."""
    call = decorator if isinstance(decorator, ast.Call) else None
    func = call.func if call else decorator
    if not isinstance(func, ast.Attribute):
        return None
    base = _base(func)
    if func.attr in SERVICE_DECORATORS and base in SERVICE_MODULES:
        return func.attr.upper(), ""
    url = _first_string(call) if call else None
    if func.attr not in METHODS or (base not in apps and not (url or "").startswith("/")):
        return None
    method = "ANY" if func.attr in ("route", "api_route", "view") else func.attr.upper()
    return method, url or ""


def _registered(source: Source, node: ast.Call) -> Route | None:
    """`app.add_url_rule("/x", view_func=f)`, `router.add_get("/x", f)`,
    `router.add_route("GET", "/x", f)`, Django's `path("x/", view)`."""
    strings = [
        a.value for a in node.args[:2] if isinstance(a, ast.Constant) and isinstance(a.value, str)
    ]
    url = next((s for s in strings if s.startswith("/")), strings[0] if strings else None)
    if url is None:
        return None
    name = call_name(node)
    handler = next((ast.unparse(arg) for arg in node.args[len(strings) :][:1]), "")
    method = (
        name.removeprefix("add_").upper()
        if name.startswith("add_get") or name in ("add_post", "add_put")
        else "ANY"
    )
    return Route(source.path, node.lineno, method, url, handler, False)


def _is_service_class(node: ast.ClassDef) -> bool:
    return any(
        isinstance(d, ast.Attribute | ast.Call) and _decorator_module(node)
        for d in node.decorator_list
    )


def _decorator_module(node: ast.ClassDef) -> str:
    for decorator in node.decorator_list:
        func = decorator.func if isinstance(decorator, ast.Call) else decorator
        if isinstance(func, ast.Attribute) and func.attr in SERVICE_DECORATORS:
            base = _base(func)
            if base in SERVICE_MODULES:
                return "BentoML" if base == "bentoml" else "Ray Serve"
    return ""


def _calls_model(function: ast.AST) -> bool:
    """The handler calls a model's method (`model.predict(...)`) or loads one."""
    for node in ast.walk(function):
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Attribute) and func.attr in MODEL_CALLS:
                return True
            if _loads_model(node):
                return True
    return False


def _loads_model(node: ast.AST) -> TypeGuard[ast.Call]:
    """`joblib.load(...)`, `torch.load(...)`, `mlflow.pyfunc.load_model(...)`,
    `AutoModel.from_pretrained(...)`, `ort.InferenceSession(...)`."""
    if not isinstance(node, ast.Call):
        return False
    name = call_name(node)
    if name in LOAD_CALLS:
        return True
    return name == "load" and _base(node.func) in LOAD_MODULES


def _base(func: ast.expr) -> str:
    """`app` in `app.get`, `web` in `web.Application`, "" for a bare name."""
    if not isinstance(func, ast.Attribute):
        return ""
    value = func.value
    while isinstance(value, ast.Attribute):
        if isinstance(value.value, ast.Name) and value.attr in ("pyfunc", "keras", "sklearn"):
            return value.attr
        value = value.value
    if isinstance(value, ast.Call):
        return _base(value.func) or call_name(value)
    return value.id if isinstance(value, ast.Name) else ""


def _name(target: ast.Name | ast.Attribute) -> str:
    return target.id if isinstance(target, ast.Name) else target.attr


def _first_string(call: ast.Call | None) -> str | None:
    if call is None:
        return None
    for arg in [*call.args[:1], *(k.value for k in call.keywords if k.arg in ("path", "rule"))]:
        if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
            return arg.value
    return None
