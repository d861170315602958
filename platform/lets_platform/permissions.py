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

from flask import g, has_request_context
from sqlalchemy import select

from lets_platform.db import db
from lets_platform.errors import NotPermitted
from lets_platform.identity.models import Person, RoleGrant
from lets_platform.tenancy.models import Scheme

#: Roles granted in one scheme, with what people call them.
SCHEME_ROLES: dict[str, str] = {
    "member": "Member",
    "chair": "Chair (committee)",
    "vice_chair": "Vice-chair (committee)",
    "secretary": "Secretary (committee)",
    "treasurer": "Treasurer (committee)",
    "organiser": "Organiser (runs the scheme)",
    "coordinator": "Coordinator (administration)",
    "membership_secretary": "Membership secretary (administration)",
    "directory_editor": "Directory editor (administration)",
    "events_organiser": "Events organiser (administration)",
    "local_organiser": "Local organiser of a branch or neighbourhood group (administration)",
    "project_administrator": "Project administrator (administration)",
    "mediator": "Mediator",
}
#: Granted for one regional network (``RoleGrant.network_id``).
REGIONAL_ORGANISER = "regional_organiser"
COMMITTEE = frozenset({"chair", "vice_chair", "secretary", "treasurer"})
RUNS_SCHEME = frozenset({"organiser", "coordinator"})
EVERYONE = frozenset(SCHEME_ROLES) | {REGIONAL_ORGANISER}
MONEY = RUNS_SCHEME | {"treasurer"}
OVERSIGHT = MONEY | {"chair", "vice_chair", "mediator", REGIONAL_ORGANISER}

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
}


def roles_in(person: Person, scheme_id: int) -> frozenset[str]:
    """The live roles ``person`` holds in a scheme (cached for the request)."""
    cache: dict[tuple[int, int], frozenset[str]] | None = None
    if has_request_context():
        cache = g.setdefault("_lets_roles", {})
        if (person.id, scheme_id) in cache:
            return cache[(person.id, scheme_id)]
    network = select(Scheme.network_id).where(Scheme.id == scheme_id).scalar_subquery()
    roles = frozenset(
        db.session.scalars(
            select(RoleGrant.role).where(
                RoleGrant.person_id == person.id,
                RoleGrant.revoked_at.is_(None),
                (RoleGrant.scheme_id == scheme_id)
                | ((RoleGrant.role == REGIONAL_ORGANISER) & (RoleGrant.network_id == network)),
            )
        )
    )
    if cache is not None:
        cache[(person.id, scheme_id)] = roles
    return roles


def can(person: Person | None, action: str, scheme_id: int | None = None) -> bool:
    if person is None:
        return False
    if person.is_admin:
        return True
    allowed = MATRIX[action]
    if scheme_id is None:
        return False
    return bool(allowed & roles_in(person, scheme_id))


def require(person: Person | None, action: str, scheme_id: int | None = None) -> None:
    """Raise ``not_permitted`` unless ``person`` may do ``action`` (in the scheme)."""
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
