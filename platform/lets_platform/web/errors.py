"""Error pages for browsers: a page in plain words for 403, 404, 405, 500 and the rest,
and the sign-in page for 401, instead of the API's problem+json.

A request gets a page when it is not under the API and its ``Accept`` header takes HTML
(every browser's does); anything else keeps problem+json.
"""

from __future__ import annotations

from typing import Any

from flask import (
    Response,
    current_app,
    g,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)

from lets_platform.web.access import is_page_request

#: Where ``lets_platform.web.exempt_csrf`` keeps the endpoints servers call.
EXEMPT = "lets_csrf_exempt"

#: status -> (heading, advice) in plain words; the problem's detail goes between them.
PAGES: dict[int, tuple[str, str]] = {
    400: ("The request could not be accepted", "Go back, reload the page and try again."),
    403: ("You cannot see this page", "If you think you should, ask your scheme's organisers."),
    404: ("Page not found", "If you typed the web address, check it is correct."),
    405: ("This page cannot be used that way", "Go back and use the page's buttons and links."),
    409: ("This cannot be done now", "Go back and check what has changed."),
    410: (
        "This link does not work any more",
        "Ask for a new one: from the sign-in page for "
        "a password, from your organisers for an invitation.",
    ),
    422: ("Some details are not right", "Go back and check what you entered."),
    429: ("Too many tries", "Wait a few minutes, then try again."),
    500: ("Sorry, there is a problem with the service", "Try again later; the problem is logged."),
    503: ("Sorry, the service is busy", "Try again in a few minutes."),
}
#: Details the API writes for programs; a page says it in its own words instead.
_GENERIC = {404: "There is no page at this address.", 405: "", 500: ""}


def wants_page() -> bool:
    """A browser asking for a page: HTML preferred to JSON (``*/*`` alone is a program),
    on a page that is not a server-to-server endpoint (OAuth token, userinfo)."""
    if not is_page_request() or request.endpoint in current_app.extensions.get(EXEMPT, ()):
        return False
    return request.accept_mimetypes.best_match(["application/json", "text/html"]) == "text/html"


def render(body: dict[str, Any]) -> Response | None:
    """The problem ``body`` as a page, or None when the caller wants problem+json."""
    if not wants_page():
        return None
    status = int(body["status"])
    if status == 401:
        target = url_for("web.login", next=request.full_path.rstrip("?"))
        return make_response(redirect(target))
    if status >= 500:  # the database may be what failed: the page asks nothing of it
        g.person, g._lets_web_places = None, []
    heading, advice = PAGES.get(status, PAGES[500 if status >= 500 else 400])
    detail = _GENERIC.get(status, body.get("detail") or "")
    if body.get("code") == "csrf_failed":
        detail = "The form was sent without its security check, or the page was open too long."
    page = render_template("error.html", heading=heading, detail=detail, advice=advice)
    return make_response(page, status)
