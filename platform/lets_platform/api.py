"""The REST framework: flask-smorest set-up, OpenAPI at /api/v1/openapi.json, commit at the edge."""

from __future__ import annotations

import http
from typing import Any

import flask_smorest
from apispec import BasePlugin
from flask import Flask, Response, g, send_from_directory
from flask_smorest import Api
from flask_smorest.utils import prepare_response
from marshmallow import INCLUDE, Schema, fields
from sqlalchemy.exc import SQLAlchemyError
from swagger_ui_bundle import swagger_ui_path
from webargs import core
from webargs.flaskparser import FlaskParser

from lets_platform.db import db
from lets_platform.errors import PROBLEM_TYPE_BASE, TemporarilyUnavailable, problem_response
from lets_platform.fields import bound_integers
from lets_platform.tenancy import scope

API_PREFIX = "/api/v1"
PROBLEM_JSON = "application/problem+json"


class Problem(Schema):
    """What every error answers (``lets_platform.errors``), as ``application/problem+json``
    (RFC 9457); some carry more members, such as ``errors`` (field -> messages)."""

    class Meta:
        unknown = INCLUDE

    type = fields.String(
        required=True, metadata={"example": PROBLEM_TYPE_BASE + "validation_failed"}
    )
    title = fields.String(required=True, metadata={"example": "The request is not valid."})
    status = fields.Integer(required=True, metadata={"example": 422})
    detail = fields.String(required=True, metadata={"example": "amount: required"})
    code = fields.String(
        required=True,
        metadata={"example": "validation_failed", "description": "stable; see the README"},
    )
    errors = fields.Dict(
        keys=fields.String(),
        metadata={"description": "validation_failed: the messages of each field"},
    )


class ProblemPlugin(BasePlugin):
    """Every operation's error answers are documented as what the server sends: problem
    documents. Runs on each operation as it is added, so operations added later are
    documented alike without anything of their own."""

    def operation_helper(
        self, path: str | None = None, operations: dict | None = None, **kwargs: Any
    ) -> None:
        for operation in (operations or {}).values():
            responses = operation.get("responses", {}) if isinstance(operation, dict) else {}
            responses.setdefault("default", "DEFAULT_ERROR")
            for status, response in responses.items():
                is_error = status == "default" or str(status)[:1] in ("4", "5")
                content = response.get("content") if isinstance(response, dict) else None
                if is_error and content and "application/json" in content:
                    content[PROBLEM_JSON] = content.pop("application/json")


class LetsApi(Api):
    """flask-smorest's Api whose error responses are problem documents (``Problem``)."""

    ERROR_SCHEMA = Problem

    def _register_responses(self) -> None:
        for status in http.HTTPStatus:
            response: dict[str, Any] = {"description": status.phrase}
            if status >= 400:
                response["schema"] = self.ERROR_SCHEMA
            prepare_response(response, self.spec, PROBLEM_JSON)
            self.spec.components.response(status.name, response, lazy=True)
        response = {"description": "An error, as a problem document", "schema": Problem}
        prepare_response(response, self.spec, PROBLEM_JSON)
        self.spec.components.response(self.DEFAULT_ERROR_RESPONSE_NAME, response, lazy=True)


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
        """As flask-smorest's; a body none of whose fields is required is documented as
        optional (the server takes a request without one)."""
        if isinstance(schema, type):
            schema = schema()
        if kwargs.get("location", "json") == "json" and "required" not in kwargs:
            kwargs["required"] = any(field.required for field in schema.fields.values())
        return super().arguments(bound_integers(schema), *args, **kwargs)

    def media(self, status: int, *types: str, description: str | None = None) -> Any:
        """Document that the answer ``status`` may also come as ``types`` (``text/csv``,
        ``application/pdf``), besides the JSON its schema describes."""

        def decorate(view: Any) -> Any:
            for kind in types:
                schema = {"type": "string", **({} if kind.startswith("text/") else _BINARY)}
                view = self.alt_response(
                    status, schema=schema, content_type=kind, description=description
                )(view)
            return view

        return decorate


_BINARY = {"format": "binary"}


def init_app(app: Flask) -> None:
    app.config.setdefault("API_TITLE", "lets")
    app.config.setdefault("API_VERSION", "v1")
    app.config.setdefault("OPENAPI_VERSION", "3.0.3")
    app.config.setdefault("OPENAPI_URL_PREFIX", API_PREFIX)
    app.config.setdefault("OPENAPI_JSON_PATH", "openapi.json")
    app.config.setdefault("OPENAPI_SWAGGER_UI_PATH", "docs")
    # Swagger UI's scripts and styles come from an installed package (swagger-ui-bundle),
    # served here, so that the page works on a machine without internet
    app.config.setdefault("OPENAPI_SWAGGER_UI_URL", f"{API_PREFIX}/docs/assets/")
    app.add_url_rule(
        f"{API_PREFIX}/docs/assets/<path:filename>", "swagger_ui_assets", swagger_ui_asset
    )
    app.config.setdefault(
        "API_SPEC_OPTIONS",
        {
            "components": {
                "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            },
            "security": [{"bearer": []}],
        },
    )
    app.extensions["lets_api"] = LetsApi(app, spec_kwargs={"extra_plugins": [ProblemPlugin()]})
    app.before_request(forget_the_caller)
    app.after_request(commit_at_the_edge)


def swagger_ui_asset(filename: str) -> Response:
    return send_from_directory(swagger_ui_path, filename, max_age=86400)


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
