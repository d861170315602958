"""The time the hub goes by, injectable so that tests move it instead of sleeping.

Code that decides by the time (login lock-out, token and code expiry, ID-token claims)
asks ``clock.now()``; an app may carry a ``FakeClock`` in ``app.extensions["lets_clock"]``.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask import Flask, current_app, has_app_context

EXTENSION = "lets_clock"


class SystemClock:
    """The real time, timezone-aware UTC."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class FakeClock:
    """A clock that stands still until a test moves it."""

    def __init__(self, start: datetime | None = None) -> None:
        self.current = start or datetime(2026, 1, 1, 12, 0, tzinfo=UTC)

    def now(self) -> datetime:
        return self.current

    def advance(self, **delta: float) -> datetime:
        """Move forward by ``timedelta(**delta)``, e.g. ``advance(minutes=10)``."""
        self.current += timedelta(**delta)
        return self.current


SYSTEM = SystemClock()


def now() -> datetime:
    """The current time by the app's clock (the system clock unless one is installed)."""
    if has_app_context():
        clock = current_app.extensions.get(EXTENSION)
        if clock is not None:
            return clock.now()
    return SYSTEM.now()


def install(app: Flask, clock: SystemClock | FakeClock | None) -> None:
    """Make ``clock`` the app's clock; ``None`` goes back to the system clock."""
    if clock is None:
        app.extensions.pop(EXTENSION, None)
    else:
        app.extensions[EXTENSION] = clock
