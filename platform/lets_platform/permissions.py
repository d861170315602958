"""Who may do what: one matrix of actions to roles, checked in one place.

Roles follow the schemes' constitutions. They are granted per scheme (the committee, the
administration, mediators, members) or platform-wide: the national administrator
(``Person.is_admin``), who may do in every scheme whatever its organisers may, and the
regional organiser, granted for one regional network and acting in its schemes.
Acts on one's own account (paying from it, reading its statement) are further checked
against the account's owner by the ledger. The matrix is written out in
docs/PERMISSIONS.md, and a test keeps the two the same.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import g, has_request_context
from sqlalchemy import bindparam, select

from lets_platform.db import db
from lets_platform.errors import LetsError, NotPermitted, bearer_challenge
from lets_platform.identity.models import Person, RoleGrant
from lets_platform.tenancy.models import Scheme

#: Roles granted in one scheme, with what people call them.
SCHEME_ROLES: dict[str, str] = {
    "member": "Member",
    "chair": "Chair (committee)",
    "vice_chair": "Vice-chair (committee)",
    "secretary": "Secretary (committee)",
    "treasurer": "Treasurer (committee)",
    "committee_member": "Committee member (elected, no office)",
    "organiser": "Organiser (runs the scheme)",
    "coordinator": "Coordinator (administration)",
    "membership_secretary": "Membership secretary (administration)",
    "directory_editor": "Directory editor (administration)",
    "events_organiser": "Events organiser (administration)",
    "local_organiser": "Local organiser of a branch or neighbourhood group (administration)",
    "project_administrator": "Project administrator (administration)",
    "mediator": "Mediator (mediation group)",
}
#: Granted for one regional network (``RoleGrant.network_id``).
REGIONAL_ORGANISER = "regional_organiser"
COMMITTEE = frozenset({"chair", "vice_chair", "secretary", "treasurer", "committee_member"})
RUNS_SCHEME = frozenset({"organiser", "coordinator"})
EVERYONE = frozenset(SCHEME_ROLES) | {REGIONAL_ORGANISER}
MONEY = RUNS_SCHEME | {"treasurer"}
OVERSIGHT = MONEY | {"chair", "vice_chair", "mediator", REGIONAL_ORGANISER}
#: Everyone who holds a membership of the scheme (every scheme role but the regional one).
MEMBERS = EVERYONE - {REGIONAL_ORGANISER}

#: action -> roles that may do it. The national administrator may do everything.
MATRIX: dict[str, frozenset[str]] = {
    "scheme.provision": frozenset(),
    "scheme.read": EVERYONE,
    "members.list": EVERYONE,
    "members.add": RUNS_SCHEME | {"membership_secretary", "local_organiser", REGIONAL_ORGANISER},
    "roles.read": RUNS_SCHEME | COMMITTEE | {"membership_secretary", REGIONAL_ORGANISER},
    "roles.grant": RUNS_SCHEME | {"chair", "secretary"},
    "accounts.read_any": OVERSIGHT,
    "accounts.open_central": MONEY,
    "accounts.manage": MONEY,
    "accounts.pay_central": MONEY | {"project_administrator"},
    "transfers.pay_own": EVERYONE - {REGIONAL_ORGANISER},
    "transfers.enter_on_behalf": MONEY | {"local_organiser"},
    "transfers.correct": MONEY,
    "transfers.read_all": OVERSIGHT,
    "invoices.send_own": EVERYONE - {REGIONAL_ORGANISER},
    "invoices.act_on_behalf": MONEY,
    "audit.read": RUNS_SCHEME | COMMITTEE,
    "hub.audit.read": frozenset(),
    "federation.clearing.read": MONEY | COMMITTEE | {REGIONAL_ORGANISER},
    "federation.clearing.run": frozenset(),
    "federation.trade_own": EVERYONE - {REGIONAL_ORGANISER},
    "federation.trade_on_behalf": MONEY | {"local_organiser"},
    "federation.read_all": OVERSIGHT,
    "federation.manage": frozenset(),
    "oauth.clients.manage": RUNS_SCHEME,
    "imports.run": RUNS_SCHEME,
    "windup.decide": frozenset(),
    "windup.read": RUNS_SCHEME | COMMITTEE | {REGIONAL_ORGANISER},
    "windup.choose_own": EVERYONE - {REGIONAL_ORGANISER},
    "windup.choose_on_behalf": RUNS_SCHEME | {"membership_secretary"},
    "pools.manage": frozenset(),
    "directory.read": EVERYONE,
    "directory.list_own": EVERYONE - {REGIONAL_ORGANISER},
    "directory.edit_any": RUNS_SCHEME | {"directory_editor"},
    "directory.categories": RUNS_SCHEME | {"directory_editor"},
    "directory.moderate": RUNS_SCHEME | {"directory_editor"},
    "directory.print": RUNS_SCHEME | COMMITTEE | {"directory_editor"},
    # The constitution and what it governs (lets_tenants.constitution and its areas)
    "constitution.change": COMMITTEE,
    "meetings.read": EVERYONE,
    "meetings.manage": COMMITTEE | {"organiser"},
    "meetings.submit_item": MEMBERS,
    "ballots.vote": MEMBERS,
    "egm.sign": MEMBERS,
    "applications.decide": RUNS_SCHEME | {"membership_secretary"},
    "fees.record": RUNS_SCHEME | {"membership_secretary", "treasurer"},
    "members.terminate": COMMITTEE,
    "appeals.decide": frozenset({"mediator"}),
    "disputes.raise": MEMBERS,
    "disputes.handle": frozenset({"mediator"}),
    "budgets.manage": COMMITTEE,
    "claims.submit": MEMBERS,
    "claims.approve": COMMITTEE,
    "statements.annual": MONEY | COMMITTEE,
}

#: OAuth scopes a relying party may ask for, with what the person is told on consent.
SCOPES: dict[str, str] = {
    "openid": "sign you in with your hub identity",
    "profile": "see your name, your schemes, handles and roles",
    "email": "see your email address",
    "ledger:read": "read your accounts, statements, transfers and invoices",
    "ledger:write": "pay, invoice and enter transfers as you",
    "directory:write": "change your offers and wants in the directory",
    "scheme:admin": "run the scheme as you may: members, roles, accounts, audit log, clients",
}

#: action -> the scope an OAuth access token needs for it, on top of the matrix.
ACTION_SCOPES: dict[str, str] = {
    "scheme.provision": "scheme:admin",
    "scheme.read": "ledger:read",
    "members.list": "ledger:read",
    "members.add": "scheme:admin",
    "roles.read": "scheme:admin",
    "roles.grant": "scheme:admin",
    "accounts.read_any": "ledger:read",
    "accounts.open_central": "scheme:admin",
    "accounts.manage": "scheme:admin",
    "accounts.pay_central": "ledger:write",
    "transfers.pay_own": "ledger:write",
    "transfers.enter_on_behalf": "ledger:write",
    "transfers.correct": "ledger:write",
    "transfers.read_all": "ledger:read",
    "invoices.send_own": "ledger:write",
    "invoices.act_on_behalf": "ledger:write",
    "audit.read": "scheme:admin",
    "hub.audit.read": "scheme:admin",
    "federation.trade_own": "ledger:write",
    "federation.trade_on_behalf": "ledger:write",
    "federation.read_all": "ledger:read",
    "federation.manage": "scheme:admin",
    "oauth.clients.manage": "scheme:admin",
    "imports.run": "scheme:admin",
    "windup.decide": "scheme:admin",
    "windup.read": "scheme:admin",
    "windup.choose_own": "ledger:write",
    "windup.choose_on_behalf": "scheme:admin",
    "pools.manage": "scheme:admin",
    "meetings.read": "ledger:read",
    "meetings.submit_item": "ledger:write",
    "ballots.vote": "ledger:write",
    "egm.sign": "ledger:write",
    "disputes.raise": "ledger:write",
    "claims.submit": "ledger:write",
}


def scope_for(action: str) -> str:
    """The scope ``action`` needs; unlisted actions need the strictest one unless they
    belong to the directory."""
    if action in ACTION_SCOPES:
        return ACTION_SCOPES[action]
    return "directory:write" if action.startswith("directory.") else "scheme:admin"


@dataclass(frozen=True)
class TokenGrant:
    """What an OAuth access token lets its bearer do: its scopes and the client's scheme
    (``None``: a client of the national body, not bound to one scheme)."""

    person_id: int
    scopes: frozenset[str]
    scheme_id: int | None


#: Where ``lets_platform.auth`` puts the request's ``TokenGrant`` (absent: a personal token).
TOKEN_GRANT = "_lets_oauth"


class InsufficientScope(LetsError):
    code = "insufficient_scope"
    status = 403
    title = "The access token was not granted the scope this needs."

    def headers(self) -> dict[str, str]:
        needed = {"scope": str(self.extra["scope"])} if "scope" in self.extra else {}
        return {"WWW-Authenticate": bearer_challenge(error="insufficient_scope", **needed)}


class TokenNotForScheme(LetsError):
    code = "token_not_for_scheme"
    status = 403
    title = "The access token belongs to another scheme's application."


#: Built once (every scheme-scoped request runs it): a person's live roles in a scheme,
#: with regional organisers' roles over the scheme's network.
_ROLES_IN = select(RoleGrant.role).where(
    RoleGrant.person_id == bindparam("person_id"),
    RoleGrant.revoked_at.is_(None),
    (RoleGrant.scheme_id == bindparam("scheme_id"))
    | (
        (RoleGrant.role == REGIONAL_ORGANISER)
        & (
            RoleGrant.network_id
            == select(Scheme.network_id)
            .where(Scheme.id == bindparam("scheme_id"))
            .scalar_subquery()
        )
    ),
)


def roles_in(person: Person, scheme_id: int) -> frozenset[str]:
    """The live roles ``person`` holds in a scheme (cached for the request)."""
    cache: dict[tuple[int, int], frozenset[str]] | None = None
    if has_request_context():
        cache = g.setdefault("_lets_roles", {})
        if (person.id, scheme_id) in cache:
            return cache[(person.id, scheme_id)]
    roles = frozenset(
        db.session.scalars(_ROLES_IN, {"person_id": person.id, "scheme_id": scheme_id})
    )
    if cache is not None:
        cache[(person.id, scheme_id)] = roles
    return roles


def roles_found(person: Person, scheme_id: int, roles: frozenset[str]) -> None:
    """Keep the roles a lookup of its own found (as ``_ROLES_IN`` reads them) for the
    request, as ``roles_in`` would have."""
    if has_request_context():
        g.setdefault("_lets_roles", {})[(person.id, scheme_id)] = roles


def token_grant(person: Person) -> TokenGrant | None:
    """The OAuth grant the person is acting under in this request, if any."""
    if not has_request_context():
        return None
    grant: TokenGrant | None = g.get(TOKEN_GRANT)
    return grant if grant is not None and grant.person_id == person.id else None


def _token_refusal(person: Person, action: str, scheme_id: int | None) -> LetsError | None:
    """Why an OAuth token may not do ``action`` here (scope, or another scheme's client)."""
    grant = token_grant(person)
    if grant is None:
        return None
    needed = scope_for(action)
    if needed not in grant.scopes:
        return InsufficientScope(f"This needs the scope {needed!r} ({action}).", scope=needed)
    if grant.scheme_id is not None and grant.scheme_id != scheme_id:
        return TokenNotForScheme("This application may act only in the scheme that registered it.")
    return None


def can(person: Person | None, action: str, scheme_id: int | None = None) -> bool:
    """May ``person`` do ``action`` (in the scheme)? With an OAuth access token, the token's
    scope and client must allow it too; it never adds to what the person may do."""
    if person is None:
        return False
    if _token_refusal(person, action, scheme_id) is not None:
        return False
    if person.is_admin:
        return True
    allowed = MATRIX[action]
    if scheme_id is None:
        return False
    return bool(allowed & roles_in(person, scheme_id))


def require(person: Person | None, action: str, scheme_id: int | None = None) -> None:
    """Raise ``not_permitted`` unless ``person`` may do ``action`` (in the scheme);
    ``insufficient_scope`` or ``token_not_for_scheme`` when an OAuth token is what stops it."""
    refusal = _token_refusal(person, action, scheme_id) if person is not None else None
    if refusal is not None:
        raise refusal
    if not can(person, action, scheme_id):
        raise NotPermitted(f"You may not do this ({action}).")


def forget_cached_roles() -> None:
    if has_request_context():
        g.pop("_lets_roles", None)


#: What each action lets one do, for the written matrix.
DESCRIPTIONS: dict[str, str] = {
    "scheme.provision": "provision schemes and networks; appoint regional organisers",
    "scheme.read": "read the scheme and the transfers and invoices of one's own account",
    "members.list": "list the scheme's members",
    "members.add": "add members",
    "roles.read": "see who holds which role",
    "roles.grant": "grant and revoke roles in the scheme",
    "accounts.read_any": "read any account's balance and statement",
    "accounts.open_central": "open central accounts (funds, budgets)",
    "accounts.manage": "change limits; suspend and close accounts",
    "accounts.pay_central": "pay from central accounts (budgets, project funds)",
    "transfers.pay_own": "pay from one's own account",
    "transfers.enter_on_behalf": "enter a transfer for a member (cheques, vouchers, paper)",
    "transfers.correct": "correct a transfer by a compensating transfer",
    "transfers.read_all": "read every transfer of the scheme",
    "invoices.send_own": "send invoices from one's own account; accept or decline one's own",
    "invoices.act_on_behalf": "send, accept, decline or cancel invoices for any account",
    "audit.read": "read the scheme's audit log",
    "hub.audit.read": "read the whole hub's audit log",
    "federation.clearing.read": "read clearing runs: the scheme's position, flows and limits",
    "federation.clearing.run": "start a clearing run (it also runs every hour)",
    "federation.trade_own": "pay members of other schemes from one's own account",
    "federation.trade_on_behalf": "start a trade with another scheme for a member",
    "federation.read_all": "read every federation trade to or from the scheme",
    "federation.manage": "set exchange rates and federation limits",
    "oauth.clients.manage": "register the scheme's OAuth clients (sign-in for its site or app)",
    "imports.run": "import members, opening balances and offers from a legacy system",
    "windup.decide": "record a wind-up decision (the ballot) and the repayment deadline",
    "windup.read": "see a wind-up: debtors, creditors, what is left to repay, every choice",
    "windup.choose_own": "choose where one's own balance goes when the scheme winds up",
    "windup.choose_on_behalf": "record a member's choice of destination given on paper",
    "pools.manage": "create regional pools (they are also created when needed)",
    "directory.read": "read the directory, profiles, events and groups; message, RSVP, report",
    "directory.list_own": "list one's own offers and wants; post events; give feedback",
    "directory.edit_any": "list for a (paper) member; change, renew or withdraw any listing",
    "directory.categories": "add to the scheme's category tree",
    "directory.moderate": "see reports; hide a reported item, contact its author, or dismiss",
    "directory.print": "produce the printable directory (PDF or CSV)",
    "constitution.change": "change what the constitution leaves to the committee (fees, limits)",
    "meetings.read": "read meetings, agendas, attendance, minutes, motions and ballots",
    "meetings.manage": "schedule meetings, record attendance and minutes, put motions and ballots",
    "meetings.submit_item": "submit an item for a general meeting's agenda",
    "ballots.vote": "vote (for oneself, or for the organisation one represents)",
    "egm.sign": "sign a request for an extraordinary general meeting",
    "applications.decide": "approve or reject applications to join",
    "fees.record": "charge membership fees and record sterling fees paid",
    "members.terminate": "terminate a membership for a serious breach",
    "appeals.decide": "decide an appeal against termination (the mediation group)",
    "disputes.raise": "raise a dispute with a member or the administration",
    "disputes.handle": "record how a dispute was handled and its outcome (mediation group)",
    "budgets.manage": "set committee budgets over central accounts",
    "claims.submit": "submit a claim for wages or for attending a meeting",
    "claims.approve": "approve claims (and authorise payment for attending meetings)",
    "statements.annual": "the annual statement of the local-currency accounts (PDF, CSV)",
}


def matrix_markdown() -> str:
    """The matrix as a Markdown table: one row per action, one column per role."""
    roles = [*SCHEME_ROLES, REGIONAL_ORGANISER]
    head = ["action", "national administrator", *roles]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for action, allowed in MATRIX.items():
        cells = ["yes" if role in allowed else "" for role in roles]
        lines.append(f"| `{action}`: {DESCRIPTIONS[action]} | yes | " + " | ".join(cells) + " |")
    return "\n".join(lines)
