"""Named errors and their rendering as ``application/problem+json``.

Every rule the hub enforces raises one ``LetsError`` subclass with a stable ``code``;
one set of handlers turns them, and every other failure, into problem documents.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, ClassVar

from flask import Flask, Response, current_app, has_request_context, json, request
from sqlalchemy.exc import DBAPIError, OperationalError
from werkzeug.exceptions import HTTPException

log = logging.getLogger(__name__)

PROBLEM_TYPE_BASE = "https://lets.example/problems/"


class LetsError(Exception):
    """Base of all named errors. Subclasses set ``code``, ``status`` and ``title``."""

    code: ClassVar[str] = "error"
    status: ClassVar[int] = 400
    title: ClassVar[str] = "The request could not be carried out."

    def __init__(self, detail: str | None = None, **extra: Any) -> None:
        super().__init__(detail or self.title)
        self.detail = detail or self.title
        self.extra = extra

    def to_problem(self) -> dict[str, Any]:
        return problem(self.status, self.code, self.title, self.detail, **self.extra)

    def headers(self) -> dict[str, str]:
        """Headers the answer carries besides the problem: every 401 says how to
        authenticate (RFC 6750 §3), and why a bearer token that was sent is refused."""
        if self.status != 401:
            return {}
        if _bearer_token_sent():
            return {"WWW-Authenticate": bearer_challenge(error="invalid_token")}
        return {"WWW-Authenticate": bearer_challenge()}


#: The protection space of the hub's bearer tokens, named in every challenge.
REALM = "lets"


def bearer_challenge(**params: str) -> str:
    """A ``WWW-Authenticate`` challenge for bearer tokens, e.g. ``Bearer realm="lets",
    error="insufficient_scope", scope="ledger:write"``."""
    return ", ".join([f'Bearer realm="{REALM}"', *(f'{k}="{v}"' for k, v in params.items())])


def _bearer_token_sent() -> bool:
    if not has_request_context():
        return False
    kind, _, token = request.headers.get("Authorization", "").partition(" ")
    return kind.lower() == "bearer" and bool(token.strip())


def _error(code: str, status: int, title: str) -> type[LetsError]:
    name = "".join(part.capitalize() for part in code.split("_"))
    return type(name, (LetsError,), {"code": code, "status": status, "title": title})


# Input and identity
ValidationFailed = _error("validation_failed", 422, "The request body or query is not valid.")
NotFound = _error("not_found", 404, "No such resource.")
Unauthenticated = _error("unauthenticated", 401, "A valid bearer token is required.")
NotPermitted = _error("not_permitted", 403, "You may not do this.")
Conflict = _error("conflict", 409, "The resource is not in a state that allows this.")
TemporarilyUnavailable = _error(
    "temporarily_unavailable", 503, "The hub is busy or the database is unreachable; try again."
)

# Ledger, in the order they are checked (TigerBeetle style: the first that applies wins)
AccountsMustBeDifferent = _error(
    "accounts_must_be_different", 422, "Payer and payee must be different accounts."
)
AmountInvalid = _error(
    "amount_invalid",
    422,
    "The amount must be a decimal string with at most the currency's decimals.",
)
AmountMustBePositive = _error("amount_must_be_positive", 422, "The amount must be more than zero.")
AmountTooLarge = _error("amount_too_large", 422, "The amount is larger than any account may hold.")
PayerNotFound = _error("payer_not_found", 404, "The payer account does not exist in this scheme.")
PayeeNotFound = _error("payee_not_found", 404, "The payee account does not exist in this scheme.")
AccountClosed = _error("account_closed", 409, "The account is closed.")
AccountSuspended = _error("account_suspended", 409, "The account is suspended.")
SchemeNotTrading = _error("scheme_not_trading", 409, "The scheme is not trading.")
ExistsWithDifferentFields = _error(
    "exists_with_different_fields",
    409,
    "The id is taken: by an object with different fields, or by one you may not read.",
)
ExceedsCreditLimit = _error(
    "exceeds_credit_limit", 422, "The payment would take the payer below their credit limit."
)
ExceedsUpperLimit = _error(
    "exceeds_upper_limit", 422, "The payment would take the payee above their upper limit."
)


def problem(status: int, code: str, title: str, detail: str, **extra: Any) -> dict[str, Any]:
    return {
        "type": PROBLEM_TYPE_BASE + code,
        "title": title,
        "status": status,
        "detail": detail,
        "code": code,
        **extra,
    }


def problem_response(body: dict[str, Any], headers: dict[str, str] | None = None) -> Response:
    return Response(
        json.dumps(body),
        status=body["status"],
        mimetype="application/problem+json",
        headers=headers,
    )


_HTTP_CODES = {
    400: "bad_request",
    401: "unauthenticated",
    403: "not_permitted",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_failed",
    429: "too_many_requests",
}


def http_problem(exc: HTTPException) -> dict[str, Any]:
    """Map a werkzeug/flask-smorest HTTP error (including webargs 422s) to a problem."""
    status = exc.code or 500
    code = _HTTP_CODES.get(status, "http_error")
    extra: dict[str, Any] = {}
    data = getattr(exc, "data", None) or {}
    messages = data.get("messages") if isinstance(data, dict) else None
    if messages:
        # webargs nests errors by location ("json", "query"); keep the field messages.
        extra["errors"] = (
            {k: v for loc in messages.values() for k, v in loc.items()}
            if all(isinstance(v, dict) for v in messages.values())
            else messages
        )
    message = data.get("message") if isinstance(data, dict) else None
    detail = message or exc.description or exc.name
    if code == "validation_failed":
        detail = (
            "The request is not valid: "
            + "; ".join(
                f"{k}: {' '.join(map(str, v)) if isinstance(v, list) else v}"
                for k, v in (extra.get("errors") or {}).items()
            )
            if extra.get("errors")
            else detail
        )
    return problem(status, code, exc.name, str(detail), **extra)


#: Where the web pages put their renderer of problems as HTML pages for browsers.
PAGE_RENDERER = "lets_error_page"
PageRenderer = Callable[[dict[str, Any]], Response | None]


def answer(body: dict[str, Any], headers: dict[str, str] | None = None) -> Response:
    """The problem as problem+json, or as an HTML page when a browser asked for a page
    (the renderer ``lets_platform.web`` installs decides; the API always gets JSON)."""
    render: PageRenderer | None = current_app.extensions.get(PAGE_RENDERER)
    page = render(body) if render is not None and has_request_context() else None
    return page if page is not None else problem_response(body, headers)


def register_handlers(app: Flask) -> None:
    @app.errorhandler(LetsError)
    def _lets_error(exc: LetsError) -> Response:
        return answer(exc.to_problem(), exc.headers())

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException) -> Response:
        return answer(http_problem(exc))

    @app.errorhandler(OperationalError)
    def _db_down(exc: DBAPIError) -> Response:
        log.warning("database unavailable: %s", exc)
        return answer(TemporarilyUnavailable().to_problem())

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception) -> Response:
        log.exception("unexpected error")
        return answer(
            problem(500, "internal_error", "Internal error", "Something went wrong; it was logged.")
        )
