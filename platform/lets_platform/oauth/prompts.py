"""What an authorization request's ``prompt`` and ``max_age`` ask of the provider (OpenID
Connect Core 3.1.2.1): whether the person must sign in again, or be asked to consent, and
where the browser goes on to once they have signed in."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import parse_qsl, urlencode, urlsplit

from authlib.oauth2.rfc6749 import InvalidRequestError


@dataclass(frozen=True)
class Prompt:
    #: The words of ``prompt``: none, login, consent, select_account.
    words: frozenset[str]
    #: Seconds since the person signed in beyond which they must sign in again.
    max_age: int | None

    @property
    def silent(self) -> bool:
        """``prompt=none``: answer at once, never show a page."""
        return "none" in self.words

    @property
    def asks_consent(self) -> bool:
        """``prompt=consent``: show the consent page even if consent was remembered."""
        return "consent" in self.words

    def needs_sign_in(self, auth_time: datetime, now: datetime) -> bool:
        """``prompt=login``, or a sign-in older than ``max_age``: sign in again."""
        too_old = self.max_age is not None and (now - auth_time).total_seconds() > self.max_age
        return "login" in self.words or too_old


def read(values: Mapping[str, str], redirect_uri: str | None, state: str | None) -> Prompt:
    """The request's prompt; a ``max_age`` that is not a whole number of seconds is
    refused (``invalid_request``, sent back to the client)."""
    words = frozenset((values.get("prompt") or "").split())
    raw = values.get("max_age")
    if raw is None or raw == "":
        return Prompt(words, None)
    if not (raw.isascii() and raw.isdigit()):
        raise InvalidRequestError(
            "max_age must be a whole number of seconds.", redirect_uri=redirect_uri, state=state
        )
    return Prompt(words, int(raw))


def after_sign_in(path: str) -> str:
    """The authorization request to go back to once the person has signed in: the same,
    without what asked for the sign-in (``prompt=login``, ``max_age``), which it satisfies,
    so that it is not asked again and again."""
    parts = urlsplit(path)
    kept = []
    for key, value in parse_qsl(parts.query, keep_blank_values=True):
        if key == "max_age":
            continue
        if key == "prompt":
            value = " ".join(word for word in value.split() if word != "login")
            if not value:
                continue
        kept.append((key, value))
    return parts.path + ("?" + urlencode(kept) if kept else "")
