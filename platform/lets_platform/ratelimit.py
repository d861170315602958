"""Rate limits per client address on the doors people guess at: signing in, the OAuth token
endpoint and password-reset requests (flask-limiter; counted in Redis when one is set).

A view takes one of the named limits with ``@limited(name, answer=...)``; for example the
password-reset page's view that sends the mail::

    @bp.route("/password-reset", methods=["POST"])
    @limited(PASSWORD_RESET, answer=lambda message: render_template("...", error=message))
    def request_reset(): ...

Each name's size is configuration (``LIMITS``: its ``LETS_RATE_LIMIT_*`` variable, read at
every request), and tries under one name share one count per address. Past it the view is
not run: the answer is a 429 with ``Retry-After``, its body made by ``answer`` from a
readable message (a page for people; ``problem_answer`` or ``oauth_error`` for programs).
The limits are applied to the views registered by the time the app is built (``init_app``
runs last in ``create_app``).
``LETS_TRUSTED_PROXIES`` says how many proxies in front of the hub to believe about the
client's address (``X-Forwarded-For``); by default none, so the header cannot be forged.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from functools import partial
from typing import Any, TypeVar, cast

from flask import Flask, Response, current_app, jsonify, make_response
from flask.typing import ResponseReturnValue
from flask_limiter import Limiter, RateLimitExceeded, RequestLimit
from flask_limiter.util import get_remote_address
from werkzeug.middleware.proxy_fix import ProxyFix

from lets_platform.errors import problem, problem_response

LOGIN = "login"
OAUTH_TOKEN = "oauth_token"
PASSWORD_RESET = "password_reset"
MESSAGES = "messages"

#: Each named limit, the variable that sizes it and its default (flask-limiter's notation;
#: several limits joined by ";" all apply).
LIMITS: dict[str, tuple[str, str]] = {
    LOGIN: ("LETS_RATE_LIMIT_LOGIN", "10 per minute; 100 per hour"),
    OAUTH_TOKEN: ("LETS_RATE_LIMIT_OAUTH_TOKEN", "60 per minute; 1000 per hour"),
    PASSWORD_RESET: ("LETS_RATE_LIMIT_PASSWORD_RESET", "5 per minute; 20 per hour"),
    MESSAGES: ("LETS_RATE_LIMIT_MESSAGES", "10 per minute; 200 per day"),
}

#: What a refused request gets: its body, from the message (status and headers are added).
Answer = Callable[[str], ResponseReturnValue]
View = TypeVar("View", bound=Callable[..., Any])

_MARK = "_lets_rate_limit"
_EXTENSION = "lets_limiter"


def problem_answer(message: str) -> Response:
    """For API clients: problem+json ``too_many_requests``."""
    return problem_response(problem(429, "too_many_requests", "Too many requests.", message))


def oauth_error(message: str) -> Response:
    """For OAuth clients: the OAuth error format (RFC 6749 §5.2), never cached."""
    response = jsonify(error="too_many_requests", error_description=message)
    response.headers["Cache-Control"] = "no-store"
    response.headers["Pragma"] = "no-cache"
    return response


def limited(name: str, *, answer: Answer = problem_answer) -> Callable[[View], View]:
    """Put the view under the named limit (one of ``LIMITS``), refused with ``answer``."""
    if name not in LIMITS:
        raise KeyError(f"no rate limit is named {name!r}; the names are {', '.join(LIMITS)}")

    def mark(view: View) -> View:
        setattr(view, _MARK, (name, answer))
        return view

    return mark


def init_app(app: Flask) -> None:
    """Apply the named limits to the views that carry one: call it once every area's views
    are registered. The count is kept in ``LETS_RATE_LIMIT_STORAGE_URL``, else in the Redis
    of ``LETS_REDIS_URL``, else in memory (one process)."""
    for variable, default in LIMITS.values():
        app.config.setdefault(variable, default)
    proxies = int(app.config.get("LETS_TRUSTED_PROXIES") or 0)
    if proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)  # type: ignore[method-assign]
    storage = (
        app.config.get("LETS_RATE_LIMIT_STORAGE_URL") or app.config.get("LETS_REDIS_URL") or ""
    )
    limiter = Limiter(
        get_remote_address,
        storage_uri=storage or "memory://",
        strategy="moving-window",
        key_prefix=app.config.get("LETS_REDIS_NAMESPACE") or "lets",
    )
    # flask-limiter adds hooks that run for every request unless it finds itself among the
    # app's limiters already; the limited views check in their own wrappers, so the others
    # (every API call) are spared them.
    app.extensions.setdefault("limiter", set()).add(limiter)
    limiter.init_app(app)
    _apply(app, limiter)
    limiter.request_filter(_switched_off)
    app.extensions[_EXTENSION] = limiter
    app.register_error_handler(RateLimitExceeded, _too_many_requests)


def _apply(app: Flask, limiter: Limiter) -> None:
    """Wrap every marked view in its named limit."""
    for endpoint, view in list(app.view_functions.items()):
        mark = getattr(view, _MARK, None)
        if mark is None:
            continue
        name, answer = mark
        limit = limiter.shared_limit(
            partial(_size, name), scope=name, on_breach=partial(_refuse, answer)
        )
        app.view_functions[endpoint] = cast(Callable[..., Any], limit(view))


def _size(name: str) -> str:
    return str(current_app.config[LIMITS[name][0]])


def _switched_off() -> bool:
    return not current_app.config.get("LETS_RATE_LIMITS_ENABLED", True)


def _refuse(answer: Answer, limit: RequestLimit) -> Response:
    wait = max(1, math.ceil(limit.window[0] - time.time()))  # when the oldest try expires
    response = make_response(answer(_message(wait)))
    response.status_code = 429
    response.headers["Retry-After"] = str(wait)
    return response


def _message(wait: int) -> str:
    minutes = math.ceil(wait / 60)
    later = f"{wait} seconds" if wait < 60 else f"{minutes} minute{'s' if minutes > 1 else ''}"
    return f"Too many tries from your address in a short time. Try again in {later}."


def _too_many_requests(error: RateLimitExceeded) -> Response:
    """The answer ``_refuse`` made (the default HTTP error handler would replace it)."""
    if isinstance(error.response, Response):
        return error.response
    return problem_answer(str(error.description))
