"""Test helpers for the web pages: a browser on the test client that keeps to one app
context per request, reads CSRF tokens out of forms, and a live server on loopback."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import Flask
from werkzeug.serving import make_server

from lets_platform.db import db

_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_token(html: str) -> str:
    """The CSRF token of the first form on a page."""
    found = _CSRF.search(html)
    if found is None:
        raise AssertionError("the page has no form with a CSRF token")
    return found.group(1)


class Browser:
    """A cookie-keeping client; each request runs in an app context of its own, as in
    production, after the test's session has committed (so it holds no lock)."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.client = app.test_client()

    def open(self, method: str, path: str, **kwargs: Any) -> Any:
        db.session.commit()
        with self.app.app_context():
            return self.client.open(path, method=method, **kwargs)

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
