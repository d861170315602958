"""Finding the member someone means by what they typed: a handle, or (part of) a name."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, or_, select

from lets_platform.db import db
from lets_platform.tenancy.models import Scheme
from lets_tenants.accounts.models import Account
from lets_tenants.membership.models import Membership

#: At most this many matches are offered to choose from.
MAX_MATCHES = 10


@dataclass
class Found:
    """The one account meant, or the members it could be (none, or several)."""

    account: Account | None = None
    matches: list[Membership] = field(default_factory=list)


def find_member(scheme: Scheme, typed: str, *, not_handle: str | None = None) -> Found:
    """An exact handle (or a central account's name) wins; else active members whose
    handle or name contains what was typed, ignoring case (excluding ``not_handle``)."""
    text = (typed or "").strip()
    if text.startswith("@"):
        text = text[1:]
    if not text:
        return Found()
    exact = db.session.scalar(
        select(Account).where(
            Account.scheme_id == scheme.id,
            func.lower(Account.name) == text.lower(),
            Account.kind != "federation",
        )
    )
    if exact is not None:
        return Found(account=exact)
    pattern = f"%{text.lower()}%"
    matches = list(
        db.session.scalars(
            select(Membership)
            .where(
                Membership.scheme_id == scheme.id,
                Membership.status == "active",
                or_(
                    func.lower(Membership.handle).like(pattern),
                    func.lower(Membership.display_name).like(pattern),
                ),
            )
            .order_by(Membership.display_name)
            .limit(MAX_MATCHES + 1)
        )
    )
    matches = [m for m in matches if m.handle != not_handle]
    if len(matches) == 1:
        account = db.session.scalar(
            select(Account).where(
                Account.scheme_id == scheme.id, Account.membership_id == matches[0].id
            )
        )
        return Found(account=account, matches=matches)
    return Found(matches=matches[:MAX_MATCHES])
