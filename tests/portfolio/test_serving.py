"""Serving code is recognised by what the code does, whatever the files are called."""

from __future__ import annotations

from textwrap import dedent

from harness.checks.source import Source, parse
from harness.portfolio.serving import read_serving


def source(path: str, text: str) -> Source:
    code = dedent(text)
    tree = parse(code)
    assert tree is not None
    return Source(path, tree, tuple(code.splitlines()))


def test_a_flask_blueprint_in_a_file_named_anything_serves_the_model() -> None:
    found = read_serving(
        [
            source(
                "lib/helpers.py",
                """
        import pickle
        from flask import Blueprint, jsonify, request

        bp = Blueprint("scores", __name__)
        clf = pickle.load(open("m.pkl", "rb"))

        @bp.route("/v1/score", methods=["POST"])
        def score():
            return jsonify(clf.predict([request.json["x"]]).tolist())
    """,
            )
        ]
    )
    assert [(r.method, r.url, r.handler, r.uses_model) for r in found.routes] == [
        ("ANY", "/v1/score", "score", True)
    ]
    assert found.framework("lib/helpers.py") == "Flask"
    assert found.serves_model()


def test_a_file_named_serve_py_without_routes_serves_nothing() -> None:
    found = read_serving(
        [
            source(
                "serve.py",
                """
        def serve(model, rows):
            for row in rows:
                print(model.predict([row]))
    """,
            )
        ]
    )
    assert found.apps == () and found.routes == ()
    assert not found.serves_model()


def test_routers_aiohttp_and_django_routes_are_routes() -> None:
    found = read_serving([
        source("api/routes.py", """
            from fastapi import APIRouter
            router = APIRouter()

            @router.get("/healthz")
            async def alive():
                return {"ok": True}
        """),
        source("web/app.py", """
            from aiohttp import web

            async def predict(request):
                return web.json_response({})

            app = web.Application()
            app.router.add_get("/predict", predict)
            app.router.add_route("POST", "/batch", predict)
        """),
        source("site/urls.py", """
            from django.urls import path
            from . import views
            urlpatterns = [path("predict/", views.predict)]
        """),
    ])  # fmt: skip
    assert sorted((r.path, r.url) for r in found.routes) == [
        ("api/routes.py", "/healthz"), ("site/urls.py", "predict/"),
        ("web/app.py", "/batch"), ("web/app.py", "/predict"),
    ]  # fmt: skip
    assert [r.url for r in found.health_routes] == ["/healthz"]
    assert {a.framework for a in found.apps} == {"FastAPI", "aiohttp/tornado"}
    assert not found.serves_model()


def test_a_common_name_counts_only_on_its_framework() -> None:
    """`App()` and `server()` make an application only on falcon and grpc; a `path()` call
    is a route only where Django is imported."""
    found = read_serving(
        [
            source(
                "tools.py",
                """
        from mylib import App, server, path
        app = App()
        grpc_like = server()
        path("x/", print)
    """,
            )
        ]
    )
    assert found.apps == () and found.routes == ()
