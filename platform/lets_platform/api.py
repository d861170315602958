"""The REST framework: flask-smorest set-up, OpenAPI at /api/v1/openapi.json, commit at the edge."""

from __future__ import annotations

from typing import Any

import flask_smorest
from flask import Flask, Response, g
from flask_smorest import Api
from sqlalchemy.exc import SQLAlchemyError
from webargs import core
from webargs.flaskparser import FlaskParser

from lets_platform.db import db
from lets_platform.errors import TemporarilyUnavailable, problem_response
from lets_platform.fields import bound_integers
from lets_platform.tenancy import scope

API_PREFIX = "/api/v1"


class Parser(FlaskParser):
    """webargs' parser, taking a JSON body as the edge parsed and checked it
    (``lets_platform.edge``: once, by ``request.get_json``) instead of parsing it again
    with the standard library's json, which knows no limits."""

    def _raw_load_json(self, req: Any) -> Any:
        if not req.is_json or not req.get_data(cache=True):
            return core.missing
        return req.get_json(cache=True)


class Blueprint(flask_smorest.Blueprint):
    """flask-smorest's blueprint, whose argument schemas are built once, where a route
    declares them: given a schema class, webargs builds an instance (deep-copying every
    declared field) for every request it parses. Marshmallow schemas keep no state while
    loading, so one instance serves every request and thread. Every integer it declares
    is bounded to 64 bits (``fields.bound_integers``)."""

    ARGUMENTS_PARSER = Parser()

    def arguments(self, schema: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(schema, type):
            schema = schema()
        return super().arguments(bound_integers(schema), *args, **kwargs)


def init_app(app: Flask) -> None:
    app.config.setdefault("API_TITLE", "lets")
    app.config.setdefault("API_VERSION", "v1")
    app.config.setdefault("OPENAPI_VERSION", "3.0.3")
    app.config.setdefault("OPENAPI_URL_PREFIX", API_PREFIX)
    app.config.setdefault("OPENAPI_JSON_PATH", "openapi.json")
    app.config.setdefault("OPENAPI_SWAGGER_UI_PATH", "docs")
    app.config.setdefault("OPENAPI_SWAGGER_UI_URL", "https://cdn.jsdelivr.net/npm/swagger-ui-dist/")
    app.config.setdefault(
        "API_SPEC_OPTIONS",
        {
            "components": {
                "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            },
            "security": [{"bearer": []}],
        },
    )
    app.extensions["lets_api"] = Api(app)
    app.before_request(forget_the_caller)
    app.after_request(commit_at_the_edge)


def register(app: Flask, blueprint: Blueprint) -> None:
    """Add an area's REST blueprint to the app and to its OpenAPI document."""
    app.extensions["lets_api"].register_blueprint(blueprint)


#: Request-scoped values kept on ``flask.g``; cleared when a request starts in case the app
#: context is shared (tests, or a request pushed inside an existing context).
REQUEST_SCOPED = ("person", "_lets_roles", "_lets_schemes")


def forget_the_caller() -> None:
    for key in REQUEST_SCOPED:
        g.pop(key, None)
    scope.reset()


def commit_at_the_edge(response: Response) -> Response:
    """Commit the request's unit of work if it succeeded, else roll it back.

    Operations only flush; this is the one place a request's changes become durable.
    """
    if response.status_code >= 400:
        db.session.rollback()
        return response
    try:
        db.session.commit()
    except SQLAlchemyError:
        db.session.rollback()
        return problem_response(TemporarilyUnavailable().to_problem())
    return response
