"""Checking every row of an import against the file itself and the scheme, before anything
is written. Each check adds a ``Problem``; the result is a ``Plan`` only when none did."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from lets_platform.db import db
from lets_platform.errors import LetsError
from lets_platform.identity.models import Person
from lets_platform.identity.operations import normalise_email
from lets_platform.money import parse_signed
from lets_platform.tenancy.models import Scheme
from lets_tenants.accounts.models import Account
from lets_tenants.accounts.operations import check_name, reserved
from lets_tenants.directory.models import MAX_CATEGORY, MAX_DESCRIPTION, MAX_TITLE
from lets_tenants.imports.parsing import Row, Table
from lets_tenants.membership.models import Membership

MAX_NAME = 120
MAX_EMAIL = 254
CHUNK = 500


@dataclass(frozen=True)
class NewAccount:
    line: int
    handle: str
    kind: str
    display_name: str
    #: Lower-cased; None for a central account.
    email: str | None
    balance: int
    min_balance: int
    max_balance: int | None


@dataclass
class Checked:
    """What the accounts file holds once checked, and what the scheme already has."""

    accounts: list[NewAccount] = field(default_factory=list)
    #: email -> id of the persons who exist already.
    persons: dict[str, int] = field(default_factory=dict)
    #: Whether every row's balance could be read, and what they sum to (minor units).
    balances_valid: bool = True
    total: int = 0


def check_accounts(scheme: Scheme, table: Table) -> Checked:
    """Check each row and the rows against each other and the scheme; report into ``table``."""
    checked = Checked()
    taken = set(db.session.scalars(select(Account.name).where(Account.scheme_id == scheme.id)))
    seen_handles: dict[str, int] = {}
    seen_emails: dict[str, int] = {}
    for row in table.rows:
        account = _check_row(scheme, table, row, checked)
        if account is None:
            continue
        if _unique(table, row, "handle", account.handle, seen_handles) and account.handle in taken:
            table.problem(row.line, "handle", "handle_taken", f"{account.handle!r} is taken.")
        if account.email is not None:
            _unique(table, row, "email", account.email, seen_emails)
        checked.accounts.append(account)
    _check_persons(scheme, table, checked)
    return checked


def _unique(table: Table, row: Row, column: str, value: str, seen: dict[str, int]) -> bool:
    if value in seen:
        table.problem(
            row.line,
            column,
            f"{column}_duplicated",
            f"{value!r} is also on line {seen[value]}.",
        )
        return False
    seen[value] = row.line
    return True


def _check_row(scheme: Scheme, table: Table, row: Row, checked: Checked) -> NewAccount | None:
    before = len(table.problems)
    cells = row.cells
    kind = cells.get("kind") or "member"
    if kind not in ("member", "central"):
        table.problem(row.line, "kind", "kind_invalid", f"{kind!r} is not member or central.")
    handle = _handle(table, row)
    name = cells["display_name"]
    if not name:
        table.problem(row.line, "display_name", "display_name_missing", "A name is required.")
    elif len(name) > MAX_NAME:
        table.problem(row.line, "display_name", "display_name_too_long", f"Over {MAX_NAME}.")
    email = _email(table, row, kind)
    balance = _amount(scheme, table, row, "balance", required=True)
    if balance is None:
        checked.balances_valid = False
    else:
        checked.total += balance
    floor, ceiling = _limits(scheme, table, row, kind)
    if len(table.problems) > before or handle is None or balance is None or floor is None:
        return None
    return _within_limits(
        scheme, table, NewAccount(row.line, handle, kind, name, email, balance, floor, ceiling)
    )


def _handle(table: Table, row: Row) -> str | None:
    handle = row.cells["handle"]
    try:
        check_name(handle)
    except LetsError:
        table.problem(
            row.line,
            "handle",
            "handle_invalid",
            f"{handle!r}: 1-40 lower-case letters, digits, '.', '_' or '-'.",
        )
        return None
    reason = reserved(handle)
    if reason is not None:
        table.problem(row.line, "handle", "handle_reserved", reason)
        return None
    return handle


def _email(table: Table, row: Row, kind: str) -> str | None:
    email = row.cells.get("email", "")
    if kind == "central":
        if email:
            table.problem(row.line, "email", "email_not_allowed", "A central account has no owner.")
        return None
    try:
        normalised: str | None = normalise_email(email)
    except LetsError:
        normalised = None
    if normalised is None or len(normalised) > MAX_EMAIL:
        table.problem(row.line, "email", "email_invalid", f"{email!r} is not an email address.")
        return None
    return normalised


def _amount(
    scheme: Scheme, table: Table, row: Row, column: str, *, required: bool = False
) -> int | None:
    text = row.cells.get(column, "")
    if not text and not required:
        return None
    try:
        return parse_signed(text or None, scheme.currency_decimals)
    except LetsError as exc:
        table.problem(row.line, column, exc.code, exc.detail)
        return None


def _limits(scheme: Scheme, table: Table, row: Row, kind: str) -> tuple[int | None, int | None]:
    """The row's floor and ceiling: given, or the scheme's defaults for a member and
    (0, none) for a central account. The floor is None when it is not valid."""
    member = kind == "member"
    floor = _amount(scheme, table, row, "min_balance")
    if floor is None and not row.cells.get("min_balance"):
        floor = scheme.default_min_balance if member else 0
    elif floor is not None and floor > 0:
        table.problem(row.line, "min_balance", "limit_invalid", "The credit limit must be <= 0.")
        floor = None
    ceiling = _amount(scheme, table, row, "max_balance")
    if ceiling is None and not row.cells.get("max_balance"):
        ceiling = scheme.default_max_balance if member else None
    elif ceiling is not None and ceiling < 0:
        table.problem(row.line, "max_balance", "limit_invalid", "The upper limit must be >= 0.")
    return floor, ceiling


def _within_limits(scheme: Scheme, table: Table, account: NewAccount) -> NewAccount | None:
    money = scheme.currency
    if account.balance < account.min_balance:
        table.problem(
            account.line,
            "balance",
            "balance_below_credit_limit",
            f"The balance is below the credit limit {money.format(account.min_balance)}.",
        )
        return None
    if account.max_balance is not None and account.balance > account.max_balance:
        table.problem(
            account.line,
            "balance",
            "balance_above_upper_limit",
            f"The balance is above the upper limit {money.format(account.max_balance)}.",
        )
        return None
    return account


def _check_persons(scheme: Scheme, table: Table, checked: Checked) -> None:
    """Find the persons who exist already; refuse those who are members of the scheme."""
    lines = {a.email: a.line for a in checked.accounts if a.email is not None}
    emails = list(lines)
    for start in range(0, len(emails), CHUNK):
        chunk = emails[start : start + CHUNK]
        found = db.session.execute(select(Person.email, Person.id).where(Person.email.in_(chunk)))
        checked.persons.update({email: pid for email, pid in found if email is not None})
    by_id = {pid: email for email, pid in checked.persons.items()}
    ids = list(by_id)
    for start in range(0, len(ids), CHUNK):
        members = select(Membership.person_id).where(
            Membership.scheme_id == scheme.id, Membership.person_id.in_(ids[start : start + CHUNK])
        )
        for person_id in db.session.scalars(members):
            email = by_id[person_id]
            table.problem(lines[email], "email", "already_member", f"{email} is a member already.")


@dataclass(frozen=True)
class NewOffer:
    line: int
    handle: str
    title: str
    description: str
    category: str | None


#: column -> (longest allowed, required)
OFFER_TEXTS = {
    "title": (MAX_TITLE, True),
    "description": (MAX_DESCRIPTION, False),
    "category": (MAX_CATEGORY, False),
}


def check_offers(
    scheme: Scheme, table: Table, checked: Checked
) -> tuple[list[NewOffer], dict[str, int]]:
    """Check the offers; each names a member of this import or of the scheme. Returns the
    offers and the membership ids of the existing members they name."""
    importing = {a.handle for a in checked.accounts if a.kind == "member"}
    wanted = {row.cells["handle"] for row in table.rows} - importing
    existing = _existing_members(scheme, wanted)
    offers = []
    for row in table.rows:
        before = len(table.problems)
        handle = row.cells["handle"]
        if handle not in importing and handle not in existing:
            table.problem(
                row.line,
                "handle",
                "handle_unknown",
                f"{handle!r} is not a member in this import or in {scheme.slug}.",
            )
        for column, (longest, required) in OFFER_TEXTS.items():
            _text(table, row, column, longest, required)
        if len(table.problems) == before:
            cells = row.cells
            offers.append(
                NewOffer(
                    row.line,
                    handle,
                    cells["title"],
                    cells.get("description", ""),
                    cells.get("category") or None,
                )
            )
    return offers, existing


def _text(table: Table, row: Row, column: str, longest: int, required: bool) -> None:
    value = row.cells.get(column, "")
    if required and not value:
        table.problem(row.line, column, f"{column}_missing", f"A {column} is required.")
    elif len(value) > longest:
        table.problem(row.line, column, f"{column}_too_long", f"At most {longest} characters.")


def _existing_members(scheme: Scheme, handles: set[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    names = sorted(handles)
    for start in range(0, len(names), CHUNK):
        rows = db.session.execute(
            select(Membership.handle, Membership.id).where(
                Membership.scheme_id == scheme.id,
                Membership.status == "active",
                Membership.handle.in_(names[start : start + CHUNK]),
            )
        )
        found.update({handle: mid for handle, mid in rows})
    return found
