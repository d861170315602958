"""Which schemes' rows the current unit of work may see: PostgreSQL's second wall.

Every tenant table has a row-level security policy that shows a row only when its
``scheme_id`` is in the transaction-local setting ``lets.schemes`` (a comma-separated
list of scheme ids, or ``*`` for operators' commands and system jobs). The setting is
made with ``set_config(..., true)`` when a transaction begins and again when a request
enters a scheme mid-transaction, so it never outlives the transaction and is safe with
connection pools. Queries are scoped by ``scheme_id`` in the code as well (the first
wall); the policies catch whatever the code would miss.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from flask import has_app_context
from sqlalchemy import String, bindparam, case, cast, event, func, text
from sqlalchemy.orm import Session

from lets_platform.db import db

ALL = "*"
SETTING = "lets.schemes"
_scope: ContextVar[str] = ContextVar("lets_scope", default="")
_SET = text(f"SELECT set_config('{SETTING}', :scope, true)")


def current() -> str:
    return _scope.get()


def reset(value: str = "") -> None:
    """Start from ``value`` (nothing visible by default); called as each request begins."""
    _scope.set(value)


def allow_all() -> None:
    """Operators' commands, migrations and system jobs see every scheme."""
    _set(ALL)


@contextmanager
def everywhere() -> Iterator[None]:
    """See every scheme's rows for one lookup of a person's own rows across their schemes
    (the pages' scheme switcher, ``/api/v1/me``), then what the unit of work saw before."""
    before = current()
    _set(ALL)
    try:
        yield
    finally:
        _set(before)


def allow(*scheme_ids: int) -> None:
    """Let the current unit of work see these schemes' rows too (one statement for all)."""
    value = widened(*scheme_ids)
    if value != current():
        _set(value)


def widened(*scheme_ids: int) -> str:
    """What the setting becomes when the unit of work also sees these schemes' rows."""
    now = current()
    if now == ALL:
        return now
    seen = now.split(",") if now else []
    for scheme_id in scheme_ids:
        if str(scheme_id) not in seen:
            seen.append(str(scheme_id))
    return ",".join(seen)


def entering(scheme_id: Any) -> Any:
    """A column to select beside a scheme's row (its id column given), on PostgreSQL: the
    lookup of a scheme and the widening of the setting to it in one statement, so entering
    a scheme costs no round trip of its own. Bind it with ``entering_parameters()``."""
    return func.set_config(
        SETTING,
        case(
            (bindparam("scope_prefix") == ALL, ALL),
            else_=bindparam("scope_prefix") + cast(scheme_id, String),
        ),
        True,
    )


def entering_parameters() -> dict[str, str]:
    """The parameters of ``entering`` for the unit of work as it is now."""
    now = current()
    return {"scope_prefix": ALL if now == ALL else (f"{now}," if now else "")}


def entered(scheme_id: int, applied: bool) -> None:
    """Record that the unit of work sees ``scheme_id``'s rows: already applied to the
    transaction by ``entering`` (``applied``), or to be applied now (``allow``)."""
    if applied:
        _scope.set(widened(scheme_id))
    else:
        allow(scheme_id)


def _set(value: str) -> None:
    _scope.set(value)
    if not has_app_context():
        return
    session = db.session()
    if session.in_transaction() and _is_postgresql(session):
        session.execute(_SET, {"scope": value})


def _is_postgresql(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


@event.listens_for(Session, "after_begin")
def _apply_on_begin(session: Session, _transaction: Any, connection: Any) -> None:
    value = current()
    if value and connection.dialect.name == "postgresql":
        connection.execute(_SET, {"scope": value})
