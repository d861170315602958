"""Hostile input is refused once, where a request is read, before any view sees it.

Every request passes one hook (the first of the app's ``before_request`` functions) that
refuses, whatever the route:

- a body larger than ``LETS_MAX_CONTENT_LENGTH`` (413 ``payload_too_large``);
- a NUL byte or a lone surrogate in the path, a query or form parameter (name or value),
  a header, or any string of a JSON body, keys included (400 ``invalid_characters``):
  PostgreSQL's text cannot hold NUL, and a lone surrogate cannot be encoded at all;
- a JSON body that does not parse (400 ``invalid_json``), that nests deeper than
  ``MAX_JSON_DEPTH`` (400 ``json_too_deep``; 100,000 ``[`` used to be a RecursionError),
  or that holds an integer outside a signed 64-bit integer or a number that is not finite
  (422 ``number_out_of_range``).

A JSON body is parsed here, once, by the app's JSON provider (``read_json``); the views'
argument parser (``lets_platform.api.Parser``) and ``request.get_json`` reuse that parse.
Integer query parameters are bounded to 64 bits where their schemas are declared
(``lets_platform.fields.bound_integers``), and so is the ``int`` URL converter.

The answer is a problem document (an HTML error page for a browser asking for a page), or
the OAuth error format (RFC 6749 §5.2) on the OAuth endpoints (``/oauth/...``), whose
clients read no problem documents.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

from flask import Flask, Response, jsonify, request
from flask.json.provider import DefaultJSONProvider
from werkzeug.exceptions import BadRequest, RequestEntityTooLarge
from werkzeug.routing import IntegerConverter

from lets_platform.errors import LetsError, _error, answer

InvalidCharacters = _error(
    "invalid_characters", 400, "Text may not contain NUL bytes or lone surrogates."
)
InvalidJson = _error("invalid_json", 400, "The body is not valid JSON.")
JsonTooDeep = _error("json_too_deep", 400, "The JSON body nests too deeply.")
NumberOutOfRange = _error(
    "number_out_of_range", 422, "A number is outside a signed 64-bit integer, or not finite."
)
PayloadTooLarge = _error("payload_too_large", 413, "The request body is too large.")

INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
#: No request body of the API nests more than a few levels; this leaves room to spare.
MAX_JSON_DEPTH = 32
#: The default of ``LETS_MAX_CONTENT_LENGTH``: imports' CSV files are the largest bodies.
DEFAULT_MAX_CONTENT_LENGTH = 10 * 1024 * 1024

_UNREADABLE = re.compile("[\x00\ud800-\udfff]")
_OAUTH_PREFIX = "/oauth/"


def unreadable(text: str) -> bool:
    """Whether ``text`` holds a NUL byte or a lone surrogate."""
    return _UNREADABLE.search(text) is not None


def _integer(text: str) -> int:
    # refuse before converting: int() of a very long literal is slow, then a ValueError
    if len(text.lstrip("-")) > 19:
        raise NumberOutOfRange(f"{text[:24]}... is outside a signed 64-bit integer.")
    value = int(text)
    if not INT64_MIN <= value <= INT64_MAX:
        raise NumberOutOfRange(f"{text} is outside a signed 64-bit integer.")
    return value


def _float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise NumberOutOfRange(f"{text[:24]} is not a finite number.")
    return value


def _constant(name: str) -> Any:
    raise NumberOutOfRange(f"{name} is not a JSON number.")


def read_json(data: str | bytes) -> Any:
    """Parse a JSON document and refuse what the hub never accepts (see the module doc)."""
    try:
        value = json.loads(data, parse_int=_integer, parse_float=_float, parse_constant=_constant)
    except RecursionError:
        raise JsonTooDeep(f"A JSON body may nest at most {MAX_JSON_DEPTH} levels.") from None
    check_value(value)
    return value


def check_value(value: Any) -> None:
    """Refuse NUL bytes and lone surrogates in every string (keys too) of a parsed JSON
    value, and nesting deeper than ``MAX_JSON_DEPTH``; without recursion."""
    stack = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, str):
            if unreadable(item):
                raise InvalidCharacters("A string of the JSON body holds a NUL or a surrogate.")
        elif isinstance(item, dict | list):
            if depth >= MAX_JSON_DEPTH:
                raise JsonTooDeep(f"A JSON body may nest at most {MAX_JSON_DEPTH} levels.")
            if isinstance(item, dict):
                stack.extend((key, depth) for key in item)
                stack.extend((child, depth + 1) for child in item.values())
            else:
                stack.extend((child, depth + 1) for child in item)


class JSONProvider(DefaultJSONProvider):
    """Flask's JSON, whose ``loads`` (``request.get_json``) is ``read_json``."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        return read_json(s)


class Int64Converter(IntegerConverter):
    """``<int:...>`` in a route: at most a signed 64-bit integer (else 404, no such page)."""

    def __init__(self, map: Any, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", INT64_MAX)
        super().__init__(map, *args, **kwargs)


def init_app(app: Flask) -> None:
    app.config.setdefault("LETS_MAX_CONTENT_LENGTH", DEFAULT_MAX_CONTENT_LENGTH)
    app.config["MAX_CONTENT_LENGTH"] = int(app.config["LETS_MAX_CONTENT_LENGTH"])
    app.json = JSONProvider(app)
    # the ``int`` converter is bounded in create_app, before the first route is added
    # first: before CSRF, rate limits and the areas' own hooks read anything
    app.before_request_funcs.setdefault(None, []).insert(0, refuse_hostile_input)


def refuse_hostile_input() -> Response | None:
    try:
        _check_request()
    except RequestEntityTooLarge:
        return _refusal(PayloadTooLarge(_too_large()))
    except LetsError as error:
        return _refusal(error)
    return None


def _too_large() -> str:
    limit = request.max_content_length
    return f"A request body may be at most {limit} bytes." if limit else "The body is too large."


def _check_request() -> None:
    limit = request.max_content_length
    if limit is not None and (request.content_length or 0) > limit:
        raise RequestEntityTooLarge()
    if unreadable(request.path):
        raise InvalidCharacters("The path holds a NUL or a surrogate.")
    for name, value in request.headers.items():
        if unreadable(name) or unreadable(value):
            raise InvalidCharacters(f"The header {name!r} holds a NUL.")
    for where, values in (("query", request.args), ("form", request.form)):
        for name, value in values.items(multi=True):
            if unreadable(name) or unreadable(value):
                raise InvalidCharacters(f"A {where} parameter holds a NUL or a surrogate.")
    for name, upload in request.files.items(multi=True):
        if unreadable(name) or unreadable(upload.filename or ""):
            raise InvalidCharacters("An uploaded file's name holds a NUL or a surrogate.")
    if request.is_json and request.get_data(cache=True):
        try:
            request.get_json(cache=True)  # parsed by read_json; views reuse the parse
        except BadRequest as exc:  # Flask's, raised from werkzeug's that says why
            why = getattr(exc.__cause__, "description", None) or exc.description
            raise InvalidJson(f"The body is not valid JSON. {why}") from None


def _refusal(error: LetsError) -> Response:
    if request.path.startswith(_OAUTH_PREFIX):
        response = jsonify(error="invalid_request", error_description=error.detail)
        response.status_code = error.status
        response.headers["Cache-Control"] = "no-store"
        response.headers["Pragma"] = "no-cache"
        return response
    return answer(error.to_problem(), error.headers())  # a browser asking for a page: HTML
