"""Writing a checked import in bulk: persons, memberships, accounts, member roles, the
opening-balance transfers and offers, a few statements per table whatever the size."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from sqlalchemy import insert, select, text

from lets_platform.db import db, utcnow
from lets_platform.identity.models import Person, RoleGrant
from lets_platform.tenancy.models import Scheme
from lets_tenants.accounts.models import Account
from lets_tenants.accounts.operations import OPENING_ACCOUNT, open_central_account
from lets_tenants.directory.categories import named_category
from lets_tenants.directory.models import Listing
from lets_tenants.directory.operations import DEFAULT_DAYS
from lets_tenants.imports.validation import NewAccount, NewOffer
from lets_tenants.ledger.models import Transfer
from lets_tenants.membership.models import Membership


def write_accounts(
    scheme: Scheme, accounts: list[NewAccount], persons: dict[str, int], actor: Person | None
) -> tuple[dict[str, int], dict[str, int]]:
    """Create the persons not yet known, the memberships (with the member role) and the
    accounts, at their opening balances. Returns the new accounts' and memberships' ids
    by name (handle)."""
    now = utcnow()
    members = [a for a in accounts if a.kind == "member"]
    person_ids = {**persons, **_new_persons(members, persons, now)}
    memberships = _insert(
        Membership,
        [
            {"scheme_id": scheme.id, "person_id": person_ids[a.email or ""]}
            | {"handle": a.handle, "display_name": a.display_name}
            | {"status": "active", "joined_at": now}
            for a in members
        ],
        "handle",
    )
    granted_by = actor.id if actor else None
    grants = [
        {"person_id": person_ids[a.email or ""], "scheme_id": scheme.id, "role": "member"}
        | {"granted_by_id": granted_by, "granted_at": now}
        for a in members
    ]
    _insert(RoleGrant, grants)
    rows = [_account_row(scheme, a, memberships.get(a.handle), now) for a in accounts]
    return _insert(Account, rows, "name"), memberships


def _new_persons(members: list[NewAccount], known: dict[str, int], now: Any) -> dict[str, int]:
    """Insert the persons no one knows yet by email; returns their ids by email."""
    rows = [
        {"email": a.email, "display_name": a.display_name, "is_admin": False}
        | {"created_at": now, "failed_logins": 0}
        for a in members
        if a.email not in known
    ]
    return _insert(Person, rows, "email")


def _account_row(
    scheme: Scheme, account: NewAccount, membership_id: int | None, now: Any
) -> dict[str, Any]:
    return {
        "scheme_id": scheme.id,
        "name": account.handle,
        "kind": account.kind,
        "title": account.display_name,
        "membership_id": membership_id,
        "balance": account.balance,
        "held": 0,
        "min_balance": account.min_balance,
        "max_balance": account.max_balance,
        "status": "active",
        "created_at": now,
    }


def _insert(
    model: Any, rows: list[dict[str, Any]], key: str | None = None, value: str = "id"
) -> dict[Any, int]:
    """INSERT ``rows`` in one statement; returns ``key -> value`` of the new rows.

    On PostgreSQL each column travels as one array and ``unnest`` makes the rows on the
    server (an executemany of 10,000 rows spends most of its time building statements in
    the driver); elsewhere a plain Core executemany (the ORM's bulk path costs several
    times as much per row). Rows name every column that has no database default.
    """
    if not rows:
        return {}
    table = model.__table__
    dialect = db.session.get_bind().dialect
    returning = f" RETURNING {key}, {value}" if key is not None else ""
    if dialect.name == "postgresql":
        names = list(rows[0])
        arrays = ", ".join(
            f"CAST(:{n} AS {table.c[n].type.compile(dialect=dialect)}[])" for n in names
        )
        statement = text(
            f"INSERT INTO {table.name} ({', '.join(names)}) SELECT * FROM unnest({arrays})"
            + returning
        )
        result = db.session.execute(statement, {n: [row[n] for row in rows] for n in names})
    elif key is not None:
        result = db.session.execute(insert(table).returning(table.c[key], table.c[value]), rows)
    else:
        db.session.execute(insert(table), rows)
        return {}
    return {k: v for k, v in result} if key is not None else {}


def post_opening_balances(
    scheme: Scheme,
    accounts: list[NewAccount],
    ids: dict[str, int],
    *,
    actor: Person | None,
    memo: str,
) -> int:
    """Post each non-zero opening balance as a transfer between the account and the
    scheme's ``opening-balances`` central account (opened if new).

    Args:
        accounts: the new accounts, already inserted at their opening balances by
            ``write_accounts``, whose balances sum to zero.
    Returns:
        how many transfers were posted. The ledger's invariants hold afterwards: every
        balance equals the sum of its posted transfers (the opening account's is zero),
        and the scheme still sums to zero.
    """
    moving = [a for a in accounts if a.balance != 0]
    if not moving:
        return 0
    opening = _opening_account(scheme, actor)
    now = utcnow()
    rows = []
    for account in moving:
        payer, payee = (opening, ids[account.handle])
        if account.balance < 0:
            payer, payee = payee, payer
        rows.append(
            {
                "id": uuid.uuid4(),
                "scheme_id": scheme.id,
                "payer_id": payer,
                "payee_id": payee,
                "amount": abs(account.balance),
                "memo": memo,
                "state": "posted",
                "kind": "payment",
                "channel": "paper",
                "entered_by_id": actor.id if actor else None,
                "created_at": now,
                "posted_at": now,
            }
        )
    _insert(Transfer, rows)
    return len(rows)


def _opening_account(scheme: Scheme, actor: Person | None) -> int:
    found = db.session.scalar(
        select(Account.id).where(Account.scheme_id == scheme.id, Account.name == OPENING_ACCOUNT)
    )
    if found is not None:
        return found
    title = "Opening balances brought in by imports"
    return open_central_account(scheme, OPENING_ACCOUNT, title, actor=actor).id


def write_offers(scheme: Scheme, offers: Iterable[NewOffer], memberships: dict[str, int]) -> int:
    """Insert the offers as the directory's listings (offers visible to the scheme, in the
    category their free text names, made if the scheme has none such); ``memberships``
    gives each handle's membership id."""
    now = utcnow()
    expires = now.date() + timedelta(days=DEFAULT_DAYS)
    categories: dict[str | None, int] = {}
    rows = []
    for o in offers:
        if o.category not in categories:
            categories[o.category] = named_category(scheme, o.category).id
        rows.append(
            {
                "scheme_id": scheme.id,
                "membership_id": memberships[o.handle],
                "kind": "offer",
                "title": o.title,
                "description": o.description,
                "category_id": categories[o.category],
                "per_hour": False,
                "area": "",
                "tags": "",
                "visibility": "scheme",
                "status": "active",
                "expires_on": expires,
                "created_at": now,
                "updated_at": now,
            }
        )
    _insert(Listing, rows)
    return len(rows)
