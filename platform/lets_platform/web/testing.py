"""Test helpers for the web pages: a browser on the test client that keeps to one app
context per request, reads CSRF tokens out of forms and signs in, and a live server on
loopback (for Playwright). See the conventions in ``lets_platform.web``."""

from __future__ import annotations

import os
import re
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from flask import Flask
from werkzeug.serving import make_server

from lets_platform.db import db
from lets_platform.tenancy import scope

_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_token(html: str) -> str:
    """The CSRF token of the first form on a page."""
    found = _CSRF.search(html)
    if found is None:
        raise AssertionError("the page has no form with a CSRF token")
    return found.group(1)


#: The password ``Browser.sign_in`` gives a person who has none yet.
PASSWORD = "a long test password"


class Browser:
    """A cookie-keeping client that asks for HTML as a browser does; each request runs in
    an app context of its own, as in production, after the test's session has committed
    (so it holds no lock)."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.client = app.test_client()

    def open(self, method: str, path: str, **kwargs: Any) -> Any:
        db.session.commit()
        headers = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
        headers.update(kwargs.pop("headers", None) or {})
        before = scope.current()
        try:
            with self.app.app_context():
                return self.client.open(path, method=method, headers=headers, **kwargs)
        finally:
            scope.reset(before)

    def submit(self, path: str, data: dict[str, Any], *, form_page: str | None = None) -> Any:
        """Open the page with the form (``form_page``, else ``path``), then send ``data``
        to ``path`` with the page's CSRF token, as pressing its button would."""
        page = self.get(form_page or path)
        assert page.status_code == 200, (page.status_code, page.text[:500])
        return self.post(path, data={**data, "csrf_token": csrf_token(page.text)})

    def sign_in(self, person: Any, password: str | None = None) -> Any:
        """Sign ``person`` in through the login form; one without a password (or given
        none) gets ``PASSWORD`` first."""
        from lets_platform.identity.operations import hash_password

        if password is None:
            person.password_hash = hash_password(PASSWORD)
            password = PASSWORD
        response = self.log_in(person.email, password)
        assert response.status_code == 302, response.text[:500]
        return response

    def get(self, path: str, **kwargs: Any) -> Any:
        return self.open("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> Any:
        return self.open("POST", path, **kwargs)

    def log_in(self, email: str, password: str, next: str | None = None) -> Any:
        """Fill in and send the login form, CSRF token included."""
        page = self.get("/login" + (f"?next={next}" if next else ""))
        form = {"email": email, "password": password, "csrf_token": csrf_token(page.text)}
        if next:
            form["next"] = next
        return self.post("/login", data=form)


@contextmanager
def live_server(app: Flask) -> Iterator[str]:
    """Serve ``app`` on a free loopback port in a thread; yields its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join()
        server.server_close()


# Helpers for Playwright pages (tests/browser/)

#: Where ``screenshot`` saves its pictures (CI keeps them as artifacts).
SHOTS = Path(os.environ.get("LETS_SCREENSHOTS") or Path(tempfile.gettempdir()) / "lets-screenshots")


def sign_in_page(page: Any, person: Any, password: str = PASSWORD) -> None:
    """Give ``person`` ``password`` and sign them in through the login page.

    The test's session must hold no transaction while the page works (on SQLite a reader
    blocks the server's writes): read what you need, then ``db.session.commit()``."""
    from lets_platform.identity.operations import hash_password

    email = person.email
    person.password_hash = hash_password(password)
    db.session.commit()
    page.goto("/login")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def screenshot(page: Any, name: str, widths: tuple[int, ...] = (390, 1280)) -> list[Path]:
    """Full-page pictures of the page at each width; returns their paths."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    saved = []
    for width in widths:
        page.set_viewport_size({"width": width, "height": 900})
        path = SHOTS / f"{name}-{width}.png"
        page.screenshot(path=str(path), full_page=True)
        saved.append(path)
    page.set_viewport_size({"width": 1280, "height": 900})
    return saved


def no_horizontal_scroll(page: Any) -> bool:
    """Nothing on the page is wider than the window."""
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


def axe_violations(page: Any, impacts: tuple[str, ...] = ("serious", "critical")) -> list[str]:
    """Run axe-core (shipped by axe-playwright-python) on the page: the WCAG 2.x A and AA
    rules' violations of these impacts, as ``rule: first target`` lines (empty: none)."""
    import axe_playwright_python

    script = Path(axe_playwright_python.__file__).parent / "axe.min.js"
    page.add_script_tag(path=str(script))
    found = page.evaluate(
        """async () => (await axe.run(document, {runOnly: {type: "tag",
             values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]}})).violations
           .map(v => ({id: v.id, impact: v.impact, target: String(v.nodes[0].target)}))"""
    )
    return [f"{v['id']}: {v['target']}" for v in found if v["impact"] in impacts]
