"""Importing a scheme from a legacy system: check everything, then write all or nothing.

The accounts file (``handle, display_name, email, balance[, min_balance, max_balance,
kind]``) and the optional offers file (``handle, title[, description, category]``) are
checked row by row, against each other and against the scheme; every problem is
collected and the import is refused with all of them (``import_invalid``) before a
single row is written. A valid import writes persons (found by email or created),
memberships, accounts, the opening balances as posted transfers against the scheme's
``opening-balances`` account, offers and an ``Import`` record, and only flushes.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from lets_platform.audit.operations import record
from lets_platform.db import db, utcnow
from lets_platform.errors import _error
from lets_platform.identity.models import Person
from lets_platform.tenancy.models import Scheme
from lets_tenants.imports.models import Import
from lets_tenants.imports.parsing import Problem, Table, read_csv
from lets_tenants.imports.validation import Checked, NewOffer, check_accounts, check_offers
from lets_tenants.imports.writing import post_opening_balances, write_accounts, write_offers
from lets_tenants.membership.operations import SchemeNotOpen

ImportInvalid = _error(
    "import_invalid", 422, "The import has problems; nothing was written. Fix every row listed."
)

ImportConflict = _error(
    "import_conflict", 409, "Another change took a handle or email of the import meanwhile."
)

ACCOUNT_COLUMNS = (
    ("handle", "display_name", "email", "balance"),
    ("min_balance", "max_balance", "kind"),
)
OFFER_COLUMNS = (("handle", "title"), ("description", "category"))
#: At most this many problems are listed (``errors_total`` counts them all).
MAX_LISTED = 1000


@dataclass(frozen=True)
class Summary:
    """What an import wrote, or would write (``dry_run``)."""

    dry_run: bool
    members: int
    central_accounts: int
    offers: int
    opening_transfers: int
    total_credit: int
    accounts_sha256: str
    offers_sha256: str | None
    record: Import | None = None
    created_at: datetime | None = None


def import_scheme(
    scheme: Scheme,
    *,
    accounts: bytes,
    offers: bytes | None = None,
    actor: Person | None,
    dry_run: bool = False,
) -> Summary:
    """Import members, accounts with opening balances, and offers into ``scheme``.

    Args:
        accounts, offers: the files as uploaded (UTF-8 CSV, a BOM allowed).
        dry_run: check everything and report what would be written; write nothing.
    Returns:
        the counts and the files' SHA-256. The scheme stays zero-sum: the opening
        balances sum to zero and each is posted as a transfer, so every balance equals
        the sum of its transfers.
    Raises:
        scheme_not_open: the scheme is not active.
        import_conflict: a concurrent change took a handle or email after the checks
            (the database's unique constraints catch it); nothing is written.
        import_invalid: with ``errors``, every problem found (file, line, column, code,
            message; at most ``MAX_LISTED``, ``errors_total`` counts them); nothing is
            written.
    """
    if scheme.status != "active":
        raise SchemeNotOpen(f"{scheme.slug} is {scheme.status} and takes no import.")
    checked, new_offers, existing = _check(scheme, accounts, offers)
    summary = Summary(
        dry_run=dry_run,
        members=sum(1 for a in checked.accounts if a.kind == "member"),
        central_accounts=sum(1 for a in checked.accounts if a.kind == "central"),
        offers=len(new_offers),
        opening_transfers=sum(1 for a in checked.accounts if a.balance),
        total_credit=sum(a.balance for a in checked.accounts if a.balance > 0),
        accounts_sha256=hashlib.sha256(accounts).hexdigest(),
        offers_sha256=hashlib.sha256(offers).hexdigest() if offers is not None else None,
    )
    if dry_run:
        return summary
    try:
        done = _write(scheme, summary, checked, new_offers, existing, actor)
    except IntegrityError:
        raise ImportConflict(
            "A handle or email of the file was taken by another change while the import "
            "ran; nothing was written. Run it again to see which."
        ) from None
    return replace(summary, record=done, created_at=done.created_at)


def _write(
    scheme: Scheme,
    summary: Summary,
    checked: Checked,
    new_offers: list[NewOffer],
    existing: dict[str, int],
    actor: Person | None,
) -> Import:
    ids, memberships = write_accounts(scheme, checked.accounts, checked.persons, actor)
    done = _record(scheme, summary, actor)
    post_opening_balances(
        scheme,
        checked.accounts,
        ids,
        actor=actor,
        memo=f"Opening balance brought from the legacy system (import {done.id})",
    )
    write_offers(scheme, new_offers, {**existing, **memberships})
    db.session.flush()
    return done


def _check(
    scheme: Scheme, accounts: bytes, offers: bytes | None
) -> tuple[Checked, list[NewOffer], dict[str, int]]:
    """Every check, on both files; raises ``import_invalid`` with all problems found.
    Returns the accounts, the offers and the ids of existing members the offers name."""
    account_table = read_csv("accounts", accounts, *ACCOUNT_COLUMNS)
    every_row_read = not account_table.problems
    checked = check_accounts(scheme, account_table)
    if every_row_read and checked.balances_valid and account_table.rows:
        _check_zero_sum(scheme, account_table, checked.total)
    problems = list(account_table.problems)
    new_offers: list[NewOffer] = []
    existing: dict[str, int] = {}
    if offers is not None:
        offer_table = read_csv("offers", offers, *OFFER_COLUMNS)
        new_offers, existing = check_offers(scheme, offer_table, checked)
        problems += offer_table.problems
    if problems:
        _refuse(problems)
    return checked, new_offers, existing


def _check_zero_sum(scheme: Scheme, table: Table, total: int) -> None:
    if total != 0:
        table.problem(
            None,
            "balance",
            "balances_not_zero",
            f"The balances sum to {scheme.currency.format(total)}, not zero; a LETS always "
            "sums to zero. Check the file against the legacy system's totals.",
        )


def _refuse(problems: list[Problem]) -> None:
    """Raise ``import_invalid`` with the problems by file and line (whole-file ones last)."""
    problems = sorted(problems, key=lambda p: (p.file != "accounts", p.line is None, p.line or 0))
    listed = [p.as_dict() for p in problems[:MAX_LISTED]]
    summary = "; ".join(
        f"{p.file}" + (f" line {p.line}" if p.line else "") + f": {p.code}" for p in problems[:5]
    )
    more = f" and {len(problems) - 5} more" if len(problems) > 5 else ""
    raise ImportInvalid(
        f"{len(problems)} problem(s): {summary}{more}.",
        errors=listed,
        errors_total=len(problems),
    )


def _record(scheme: Scheme, summary: Summary, actor: Person | None) -> Import:
    facts = {
        "members": summary.members,
        "central_accounts": summary.central_accounts,
        "offers": summary.offers,
        "total_credit": summary.total_credit,
        "accounts_sha256": summary.accounts_sha256,
        "offers_sha256": summary.offers_sha256,
    }
    actor_id = actor.id if actor else None
    done = Import(scheme_id=scheme.id, actor_id=actor_id, created_at=utcnow(), **facts)
    db.session.add(done)
    db.session.flush()
    record("scheme.imported", f"import:{done.id}", actor_id=actor_id, scheme_id=scheme.id, **facts)
    return done


def list_imports(scheme: Scheme) -> list[Import]:
    return list(
        db.session.scalars(
            select(Import).where(Import.scheme_id == scheme.id).order_by(Import.id.desc())
        )
    )
