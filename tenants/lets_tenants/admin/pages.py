"""What the organisers' pages show and do, as plain values: each function calls the same
operation the API does and shapes its answer like the API's schema, so a template reads
the same fields a client of the API reads.

Pages find the signed-in person themselves; ``scheme_page`` then does what the API's
``scheme_for`` does for a bearer token: load the scheme, refuse writes to a closed one,
and require the action.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm.attributes import set_committed_value

from lets_platform import permissions
from lets_platform.audit import operations as audit_ops
from lets_platform.audit.schemas import entry_out
from lets_platform.charts import BarChart, bar_chart
from lets_platform.db import db
from lets_platform.identity.models import Person, RoleGrant
from lets_platform.oauth import operations as oauth_ops
from lets_platform.oauth.api import client_out
from lets_platform.permissions import SCHEME_ROLES
from lets_platform.tenancy.models import Scheme
from lets_platform.tenancy.operations import get_scheme
from lets_tenants.accounts import operations as account_ops
from lets_tenants.accounts.models import Account
from lets_tenants.accounts.schemas import account_out
from lets_tenants.activity.operations import activity
from lets_tenants.context import check_writable
from lets_tenants.imports import operations as import_ops
from lets_tenants.imports.schemas import import_out, summary_out
from lets_tenants.ledger import entries
from lets_tenants.ledger import operations as ledger_ops
from lets_tenants.ledger.schemas import transfer_out
from lets_tenants.membership import invitations
from lets_tenants.membership import operations as member_ops
from lets_tenants.membership.models import Membership

#: What lets someone into the organisers' pages at all: any one of these in the scheme.
ADMIN_ACTIONS = (
    "members.add",
    "roles.read",
    "accounts.manage",
    "transfers.enter_on_behalf",
    "audit.read",
    "imports.run",
    "oauth.clients.manage",
    "windup.read",
)


def scheme_page(person: Person, slug: str, action: str, *, write: bool = False) -> Scheme:
    """The scheme ``slug`` for ``person``, who must be allowed ``action`` there; a write
    must also pass the scheme's write guards (a closed scheme is read-only)."""
    scheme = get_scheme(slug)
    if write:
        check_writable(scheme)
    permissions.require(person, action, scheme.id)
    return scheme


def admin_scheme(person: Person, slug: str) -> Scheme:
    """The scheme, for someone who may do at least one organiser's task in it."""
    scheme = get_scheme(slug)
    if not any(permissions.can(person, action, scheme.id) for action in ADMIN_ACTIONS):
        raise permissions.NotPermitted("Only the scheme's organisers may see these pages.")
    return scheme


def may(person: Person, scheme: Scheme) -> dict[str, bool]:
    """Which organiser's tasks ``person`` may do here, for the pages to offer only those."""
    actions = (
        *ADMIN_ACTIONS,
        "accounts.read_any",
        "accounts.open_central",
        "transfers.read_all",
        "transfers.correct",
        "roles.grant",
        "windup.choose_on_behalf",
    )
    return {action: permissions.can(person, action, scheme.id) for action in actions}


# Members


def _roles(scheme: Scheme, listed: list[Membership]) -> dict[int, list[str]]:
    """The live roles besides ``member`` of these members, by membership id (one query)."""
    by_person = {m.person_id: m.id for m in listed}
    rows = db.session.execute(
        select(RoleGrant.person_id, RoleGrant.role)
        .where(
            RoleGrant.scheme_id == scheme.id,
            RoleGrant.revoked_at.is_(None),
            RoleGrant.role != "member",
            RoleGrant.person_id.in_(by_person),
        )
        .order_by(RoleGrant.role)
    )
    roles: dict[int, list[str]] = {}
    for person_id, role in rows:
        roles.setdefault(by_person[person_id], []).append(role)
    return roles


def members(
    scheme: Scheme,
    *,
    with_accounts: bool,
    search: str | None = None,
    after: str | None = None,
    limit: int = 100,
) -> tuple[list[dict[str, Any]], str | None]:
    """A page of members by handle (those matching ``search``), with their roles and (for
    readers of accounts) account; and the handle the next page starts after."""
    listed, next_after = member_ops.page_of_members(scheme, search=search, after=after, limit=limit)
    ids = [m.id for m in listed]
    accounts = {}
    if with_accounts and ids:
        found = db.session.scalars(
            select(Account).where(Account.scheme_id == scheme.id, Account.membership_id.in_(ids))
        )
        accounts = {a.membership_id: account_out(scheme, a) for a in found}
    roles = _roles(scheme, listed)
    # their persons in one query, not one each
    list(db.session.scalars(select(Person).where(Person.id.in_({m.person_id for m in listed}))))
    rows = [
        {
            "handle": m.handle,
            "display_name": m.display_name,
            "email": m.person.email,
            "status": m.status,
            "roles": [SCHEME_ROLES[r] for r in roles.get(m.id, [])],
            "account": accounts.get(m.id),
        }
        for m in listed
    ]
    return rows, next_after


def member(scheme: Scheme, handle: str, *, with_account: bool) -> dict[str, Any]:
    """A member, their roles and (for readers of accounts) their account."""
    found: Membership = member_ops.get_member(scheme, handle)
    account = account_ops.get_account(scheme, handle) if with_account else None
    return {
        "handle": found.handle,
        "display_name": found.display_name,
        "email": found.person.email,
        "has_password": found.person.password_hash is not None,
        "joined_at": found.joined_at,
        "roles": _roles(scheme, [found]).get(found.id, []),
        "account": account_out(scheme, account) if account is not None else None,
    }


def add_member(person: Person, scheme: Scheme, data: dict[str, Any]) -> tuple[Membership, bool]:
    """Add a member (``members.add``) as the API does: with an email, and ``invite``, they
    are mailed an invitation to set a password. Returns the membership and whether."""
    membership = member_ops.add_member(
        scheme,
        email=data["email"],
        display_name=data["display_name"],
        handle=data["handle"],
        min_balance=data.get("min_balance"),
        max_balance=data.get("max_balance"),
        actor=person,
    )
    invited = bool(data.get("invite")) and invitations.should_invite(membership.person)
    if invited:
        invitations.invite_member(scheme, membership.handle, actor=person)
    return membership, invited


def invite(person: Person, scheme: Scheme, handle: str, email: str | None) -> str:
    """Mail the member an invitation (giving a paper member ``email`` first); the address."""
    link = invitations.invite_member(scheme, handle, actor=person, email=email)
    return str(link.email)


def change_account(person: Person, scheme: Scheme, name: str, **changes: Any) -> Account:
    return account_ops.change_account(scheme, name, actor=person, **changes)


def grant_role(person: Person, scheme: Scheme, handle: str, role: str) -> None:
    member_ops.grant_scheme_role(scheme, handle, role, actor=person)


def revoke_role(person: Person, scheme: Scheme, handle: str, role: str) -> None:
    member_ops.revoke_scheme_role(scheme, handle, role, actor=person)


# Central and budget accounts


def central_accounts(scheme: Scheme) -> list[dict[str, Any]]:
    found = db.session.scalars(
        select(Account)
        .where(Account.scheme_id == scheme.id, Account.kind != "member")
        .order_by(Account.kind, Account.name)
    )
    return [account_out(scheme, a) for a in found]


def open_central(person: Person, scheme: Scheme, data: dict[str, Any]) -> Account:
    return account_ops.open_central_account(
        scheme,
        data["name"],
        data["title"] or "",
        min_balance=data["min_balance"],
        max_balance=data.get("max_balance"),
        actor=person,
    )


# Transfers


def transfers(
    scheme: Scheme, *, account: str | None = None, cursor: str | None = None, limit: int = 25
) -> tuple[list[dict[str, Any]], str | None]:
    """The scheme's transfers (or one account's), newest first, a page at a time."""
    target = account_ops.get_account(scheme, account) if account else None
    rows, after = ledger_ops.list_transfers(scheme, account=target, limit=limit, cursor=cursor)
    # the page's accounts and who entered its rows in two queries, not one per row
    ids = {t.payer_id for t in rows} | {t.payee_id for t in rows}
    found = select(Account).where(Account.scheme_id == scheme.id, Account.id.in_(ids))
    accounts = {a.id: a for a in db.session.scalars(found)}
    people = {t.entered_by_id for t in rows if t.entered_by_id}
    list(db.session.scalars(select(Person).where(Person.id.in_(people))))
    for t in rows:
        set_committed_value(t, "payer", accounts[t.payer_id])
        set_committed_value(t, "payee", accounts[t.payee_id])
    return [transfer_out(scheme, t) for t in rows], after


def transfer(scheme: Scheme, transfer_id: str) -> dict[str, Any]:
    return transfer_out(scheme, ledger_ops.get_transfer(scheme, transfer_id))


def enter(person: Person, scheme: Scheme, data: dict[str, Any]) -> dict[str, Any]:
    """Enter a transfer for a member from paper; the same id enters it once."""
    result = entries.enter(
        person,
        scheme,
        payer=data["payer"].strip(),
        payee=data["payee"].strip(),
        amount=data["amount"].strip(),
        memo=data.get("memo") or "",
        channel=data["channel"],
        id=data.get("id") or None,
    )
    return transfer_out(scheme, result.transfer)


def correct(
    person: Person, scheme: Scheme, transfer_id: str, data: dict[str, Any]
) -> dict[str, Any]:
    result = entries.correct(
        person,
        scheme,
        transfer_id,
        amount=data.get("amount"),
        memo=data.get("memo") or "",
        id=data.get("id") or None,
    )
    return transfer_out(scheme, result.transfer)


# Imports


def run_import(
    person: Person, scheme: Scheme, accounts: bytes, offers: bytes | None, *, dry_run: bool
) -> dict[str, Any]:
    """Check (``dry_run``) or write an import; ``import_invalid`` carries every problem."""
    summary = import_ops.import_scheme(
        scheme, accounts=accounts, offers=offers, actor=person, dry_run=dry_run
    )
    return summary_out(scheme, summary)


def imports(scheme: Scheme) -> list[dict[str, Any]]:
    return [import_out(scheme, done) for done in import_ops.list_imports(scheme)]


# The audit log and OAuth clients


def audit(scheme: Scheme, before: int | None = None, limit: int = 50) -> list[dict[str, Any]]:
    found = audit_ops.entries(scheme_id=scheme.id, limit=limit, before=before)
    actors, schemes = audit_ops.names_for(found)
    return [entry_out(e, actors, schemes) for e in found]


def clients(scheme: Scheme) -> list[dict[str, Any]]:
    return [client_out(c, scheme) for c in oauth_ops.list_clients(scheme)]


def register_client(person: Person, scheme: Scheme, data: dict[str, Any]) -> dict[str, Any]:
    """Register the scheme's client; the answer has the secret, shown this once."""
    uris = [line.strip() for line in data["redirect_uris"].splitlines() if line.strip()]
    client, secret = oauth_ops.register_client(
        name=data["name"],
        redirect_uris=uris,
        scopes=" ".join(data["scopes"]),
        scheme=scheme,
        actor=person,
    )
    return {**client_out(client, scheme), "client_secret": secret}


# Charts


def activity_charts(scheme: Scheme, months: int = 12) -> dict[str, Any]:
    """Trading volume and active traders per month, as two charts and one table."""
    found = activity(scheme, months)
    fmt = scheme.currency.format
    volume = bar_chart(
        "volume",
        f"Trading volume per month ({scheme.currency_name})",
        f"The value of the trades of each of the last {months} months.",
        [(_month_name(m.month), m.volume, fmt(m.volume)) for m in found],
    )
    traders = bar_chart(
        "traders",
        "Active traders per month",
        f"How many members paid or were paid in each of the last {months} months.",
        [(_month_name(m.month), m.active_traders, str(m.active_traders)) for m in found],
    )
    rows = [
        [_month_name(m.month), str(m.trades), fmt(m.volume), str(m.active_traders)] for m in found
    ]
    charts: list[BarChart] = [volume, traders]
    return {
        "charts": charts,
        "head": ["Month", "Trades", f"Volume ({scheme.currency_code})", "Active traders"],
        "rows": rows,
    }


_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def _month_name(month: str) -> str:
    """ "2026-03" as "Mar 2026"."""
    return f"{_MONTHS[int(month[5:]) - 1]} {month[:4]}"
