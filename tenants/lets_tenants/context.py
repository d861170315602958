"""What every scheme-scoped handler starts with: the caller, the scheme, and the permission."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask, current_app, request
from sqlalchemy import Table, text
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Dialect
from sqlalchemy.orm.attributes import set_committed_value

from lets_platform import permissions
from lets_platform.auth import authenticated_as, current_person, personal_token
from lets_platform.db import alone, db, persistent
from lets_platform.identity.models import Person
from lets_platform.identity.operations import token_digest
from lets_platform.tenancy import scope
from lets_platform.tenancy.models import Scheme
from lets_platform.tenancy.operations import get_scheme
from lets_tenants.accounts.models import Account
from lets_tenants.accounts.operations import accounts_named
from lets_tenants.membership.models import Membership

WriteGuard = Callable[[Scheme], None]
_GUARDS = "lets_write_guards"


def guard_writes(app: Flask, check: WriteGuard) -> None:
    """Make every write to a scheme in ``app`` pass ``check`` before its permission is
    looked at (the federation's migration: a closed scheme is read-only)."""
    guards: list[WriteGuard] = app.extensions.setdefault(_GUARDS, [])
    if check not in guards:
        guards.append(check)


def check_writable(scheme: Scheme) -> None:
    """Raise the named error of the first write guard that refuses ``scheme``."""
    for check in current_app.extensions.get(_GUARDS, []):
        check(scheme)


def scheme_for(slug: str, action: str) -> tuple[Person, Scheme]:
    """Authenticate, load the scheme by slug, and require ``action`` in it (for a write,
    the scheme must also pass the write guards)."""
    person = current_person()
    scheme = get_scheme(slug)
    _require(person, scheme, action)
    return person, scheme


def scheme_and_parties(
    slug: str, action: str, payer: str, payee: str
) -> tuple[Person, Scheme, dict[str, Account]]:
    """``scheme_for``, then the two accounts named (``accounts_named``), with the same
    checks in the same order. On PostgreSQL, for a personal token, the four lookups are
    one round trip of their own (``lets_enter``, migration 0012), which leaves the session
    without a transaction; otherwise, and whenever that call finds no caller or no scheme
    (for the Python lookups to name), the lookups are the session's."""
    found = _entered(slug, payer, payee) if _dialect().name == _ENTER_DIALECT else None
    if found is None:
        person, scheme = scheme_for(slug, action)
        return person, scheme, accounts_named(scheme, payer, payee)
    person, scheme, parties = found
    _require(person, scheme, action)
    return person, scheme, parties


def _require(person: Person, scheme: Scheme, action: str) -> None:
    if request.method not in ("GET", "HEAD", "OPTIONS"):
        check_writable(scheme)
    permissions.require(person, action, scheme.id)


def _dialect() -> Dialect:
    return db.session.get_bind().dialect


#: Where entering is one call.
_ENTER_DIALECT = "postgresql"
#: The rows ``lets_enter`` answers after the roles, in order: its OUT parameter, the model.
_ROWS: tuple[tuple[str, Any], ...] = (
    ("person", Person),
    ("scheme", Scheme),
    ("payer", Account),
    ("payer_membership", Membership),
    ("payee", Account),
    ("payee_membership", Membership),
)
#: Each row's columns by name: a table's columns in the database need not be in the
#: model's order (a later migration may have added one).
_ENTER = text(
    "SELECT t.roles, "
    + ", ".join(f"(t.{out}).{c.name}" for out, model in _ROWS for c in model.__table__.c)
    + " FROM lets_enter(CAST(:digest AS text), CAST(:slug AS text),"
    " CAST(:scope_prefix AS text), CAST(:payer AS text), CAST(:payee AS text)) AS t"
).compile(dialect=postgresql.psycopg.dialect())
_ENTER_SQL = str(_ENTER)


def _entered(slug: str, payer: str, payee: str) -> tuple[Person, Scheme, dict[str, Account]] | None:
    token = personal_token()
    if token is None:
        return None
    parameters = {"digest": token_digest(token), "slug": slug, "payer": payer, "payee": payee}
    row = alone(_ENTER_SQL, _ENTER.construct_params({**parameters, **scope.entering_parameters()}))
    if row is None:
        return None
    rows = _split(row)
    if rows["person"] is None or rows["scheme"] is None:
        return None
    # the scheme's rows are visible in the session's next transaction too (recorded before
    # any row joins the session, which would begin its transaction: no round trip now)
    scope.entered(rows["scheme"]["id"], applied=False)
    person = persistent(Person, **rows["person"])
    scheme = persistent(Scheme, **rows["scheme"])
    authenticated_as(person)
    permissions.roles_found(person, scheme.id, rows["roles"])
    parties: dict[str, Account] = {}
    for side in ("payer", "payee"):
        if rows[side] is not None:
            account = persistent(Account, **rows[side])
            membership = rows[f"{side}_membership"]
            if membership is not None:
                membership = persistent(Membership, **membership)
            set_committed_value(account, "membership", membership)
            parties[account.name] = account
    return person, scheme, parties


def _split(row: tuple[Any, ...]) -> dict[str, Any]:
    """The roles, and each row as a dict of its columns typed as the model types them (None
    for a row that was not found)."""
    rows: dict[str, Any] = {"roles": frozenset(row[0] or ())}
    at = 1
    for out, model in _ROWS:
        columns = _columns(model)
        values = row[at : at + len(columns)]
        at += len(columns)
        typed = {k: v if p is None else p(v) for (k, p), v in zip(columns, values, strict=True)}
        rows[out] = typed if typed["id"] is not None else None
    return rows


_COLUMNS: dict[Any, list[tuple[str, Any]]] = {}


def _columns(model: Any) -> list[tuple[str, Any]]:
    """A table's columns in order, each with what turns psycopg's value into the model's."""
    if model not in _COLUMNS:
        table: Table = model.__table__
        dialect = postgresql.psycopg.dialect()
        _COLUMNS[model] = [(c.key, c.type.result_processor(dialect, None)) for c in table.c]
    return _COLUMNS[model]
