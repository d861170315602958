"""Opening accounts, changing their limits and status, and deciding who may use one."""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import joinedload

from lets_platform import permissions
from lets_platform.audit.operations import record
from lets_platform.db import db
from lets_platform.errors import AccountClosed, ValidationFailed, _error
from lets_platform.fields import HANDLE
from lets_platform.identity.models import Person
from lets_platform.money import MAX_MINOR_UNITS, parse_signed
from lets_platform.tenancy.models import Scheme
from lets_tenants.accounts.models import Account
from lets_tenants.membership.models import Membership

AccountNotFound = _error("account_not_found", 404, "No such account in this scheme.")
AccountNameTaken = _error("account_name_taken", 409, "The name is taken by another account.")
LimitsExcludeBalance = _error(
    "limits_exclude_balance", 409, "The account's balance lies outside the limits asked for."
)
BalanceNotZero = _error(
    "balance_not_zero", 409, "Only an account with a zero balance and nothing held can be closed."
)
AccountNotManageable = _error(
    "account_not_manageable",
    409,
    "The scheme's federation clearing account is run by the federation: it moves only in "
    "federation trades and balance migrations, and its limits and status do not change by hand.",
)

HandleReserved = _error(
    "handle_reserved",
    422,
    "The name is one the hub gives its own accounts (federation, opening-balances, or a "
    "closed scheme's central account, '<scheme>-<name>').",
)

#: An account's name (a member's handle, a central account's name); matched whole.
NAME = HANDLE
FEDERATION_ACCOUNT = "federation"
#: The central account an import posts opening balances against (``imports.writing``).
OPENING_ACCOUNT = "opening-balances"
#: The names the hub gives its own accounts in every scheme.
SYSTEM_NAMES = frozenset({FEDERATION_ACCOUNT, OPENING_ACCOUNT})
#: The transfer kinds that may move a federation clearing account: the federation's own
#: legs (trades, balance migrations). Every other kind refuses it as payer and as payee.
FEDERATION_KINDS = frozenset({"federation"})
UNSET: Any = object()


def check_name(name: str, field: str = "handle") -> str:
    if not isinstance(name, str) or not NAME.fullmatch(name):
        raise ValidationFailed(
            f"{name!r} is not a valid {field}: 1-40 lower-case letters, digits, '.', '_' or '-'.",
            errors={field: ["invalid"]},
        )
    return name


def reserved(name: str) -> str | None:
    """Why ``name`` is kept for the hub's own accounts, or None: the system's names in every
    scheme, and ``<slug>-<name>`` for any scheme's slug (the name a closing scheme's central
    account takes in the pool or the scheme it merges into, ``migration.destinations``)."""
    if name in SYSTEM_NAMES:
        return f"{name!r} is the name of the hub's own account in every scheme."
    prefixes = [name[:i] for i, c in enumerate(name) if c == "-" and i > 0]
    if prefixes:
        slug = db.session.scalar(select(Scheme.slug).where(Scheme.slug.in_(prefixes)).limit(1))
        if slug is not None:
            return f"{name!r} is kept for the central accounts of {slug} ('{slug}-<name>')."
    return None


def check_handle(name: str, field: str = "handle") -> str:
    """A handle a person asks for (any path that creates one): valid and not reserved.

    Raises:
        validation_failed (not a valid name), handle_reserved.
    """
    check_name(name, field)
    reason = reserved(name)
    if reason is not None:
        raise HandleReserved(reason, errors={field: ["reserved"]})
    return name


#: Built once; the membership comes with the account (whose it is decides who may use it).
_ACCOUNTS_NAMED = (
    select(Account)
    .where(Account.scheme_id == bindparam("scheme_id"), Account.name.in_(bindparam("names")))
    .options(joinedload(Account.membership))
)


def accounts_named(scheme: Scheme, *names: str) -> dict[str, Account]:
    """The accounts of ``scheme`` with these names (with their memberships), by name; a
    name with no account is missing from the answer."""
    found = db.session.scalars(_ACCOUNTS_NAMED, {"scheme_id": scheme.id, "names": list(names)})
    return {account.name: account for account in found.unique()}


def get_account(scheme: Scheme, name: str) -> Account:
    """The account called ``name`` in ``scheme``; accounts of other schemes are not found."""
    account = accounts_named(scheme, name).get(name)
    if account is None:
        raise AccountNotFound(f"There is no account {name!r} in {scheme.slug}.")
    return account


def _open(scheme: Scheme, **fields: Any) -> Account:
    check_name(fields["name"], "name")
    taken = select(Account.id).where(Account.scheme_id == scheme.id, Account.name == fields["name"])
    if db.session.scalar(taken) is not None:
        raise AccountNameTaken(f"{fields['name']!r} is already an account in {scheme.slug}.")
    account = Account(scheme_id=scheme.id, **fields)
    db.session.add(account)
    db.session.flush()
    return account


def open_member_account(
    scheme: Scheme, membership: Membership, min_balance: int, max_balance: int | None
) -> Account:
    return _open(
        scheme,
        name=membership.handle,
        kind="member",
        title=membership.display_name,
        membership_id=membership.id,
        min_balance=min_balance,
        max_balance=max_balance,
    )


def open_central_account(
    scheme: Scheme,
    name: str,
    title: str,
    *,
    min_balance: str = "0",
    max_balance: str | None = None,
    actor: Person | None,
) -> Account:
    """Open a central account (administration fund, committee budget, project fund...)."""
    floor, ceiling = _limits(scheme, min_balance, max_balance)
    account = _open(
        scheme,
        name=name,
        kind="central",
        title=title or name,
        min_balance=floor,
        max_balance=ceiling,
    )
    record(
        "account.opened",
        f"account:{name}",
        actor_id=actor.id if actor else None,
        scheme_id=scheme.id,
        kind="central",
    )
    return account


def open_federation_account(scheme: Scheme) -> Account:
    """The scheme's clearing account for inter-scheme trade: no floor but the hard cap."""
    return _open(
        scheme,
        name=FEDERATION_ACCOUNT,
        kind="federation",
        title="Federation clearing",
        min_balance=-MAX_MINOR_UNITS,
        max_balance=None,
    )


def parse_floor(scheme: Scheme, value: Any) -> int:
    """A credit limit (floor) from a decimal string: zero or below."""
    floor = parse_signed(value, scheme.currency_decimals)
    if floor > 0:
        raise ValidationFailed(
            "min_balance (the credit limit) must be zero or below.",
            errors={"min_balance": ["must be <= 0"]},
        )
    return floor


def parse_ceiling(scheme: Scheme, value: Any) -> int | None:
    """An upper limit from a decimal string, zero or above; None means no upper limit."""
    if value is None:
        return None
    ceiling = parse_signed(value, scheme.currency_decimals)
    if ceiling < 0:
        raise ValidationFailed(
            "max_balance must be zero or above.", errors={"max_balance": ["must be >= 0"]}
        )
    return ceiling


def _limits(scheme: Scheme, min_balance: Any, max_balance: Any) -> tuple[int, int | None]:
    return parse_floor(scheme, min_balance), parse_ceiling(scheme, max_balance)


def change_account(
    scheme: Scheme,
    name: str,
    *,
    actor: Person | None,
    min_balance: Any = UNSET,
    max_balance: Any = UNSET,
    status: str | None = None,
) -> Account:
    """Change an account's limits and/or status.

    The federation clearing account is refused (``account_not_manageable``). Limits are
    set by one conditional UPDATE that only succeeds when the current balance
    (less what is held) lies inside the new limits, so a concurrent payment can never
    leave the account outside them. Closing needs a zero balance and nothing held.
    """
    account = get_account(scheme, name)
    if account.kind == "federation":
        raise AccountNotManageable(f"{name!r} is the scheme's federation clearing account.")
    if account.status == "closed":
        raise AccountClosed(f"{name!r} is closed; a closed account does not change.")
    changes: dict[str, Any] = {}
    if min_balance is not UNSET:
        changes["min_balance"] = parse_floor(scheme, min_balance)
    if max_balance is not UNSET:
        changes["max_balance"] = parse_ceiling(scheme, max_balance)
    if status is not None:
        if status not in ("active", "suspended", "closed"):
            raise ValidationFailed(f"{status!r} is not a status.", errors={"status": ["invalid"]})
        changes["status"] = status
    if not changes:
        return account
    _apply(account, changes)
    record(
        "account.changed",
        f"account:{name}",
        actor_id=actor.id if actor else None,
        scheme_id=scheme.id,
        **{k: v for k, v in changes.items()},
    )
    return account


def _apply(account: Account, changes: dict[str, Any]) -> None:
    conditions = [Account.id == account.id, Account.status != "closed"]
    if "min_balance" in changes:
        conditions.append(Account.balance - Account.held >= changes["min_balance"])
    if changes.get("max_balance") is not None:
        conditions.append(Account.balance <= changes["max_balance"])
    if changes.get("status") == "closed":
        conditions += [Account.balance == 0, Account.held == 0]
    done = db.session.execute(
        update(Account).where(*conditions).values(**changes).returning(Account.id)
    ).first()
    db.session.expire(account)
    if done is None:
        db.session.refresh(account)
        if account.status == "closed":
            raise AccountClosed(f"{account.name!r} is closed.")
        if changes.get("status") == "closed":
            raise BalanceNotZero(f"{account.name!r} still has a balance or held funds.")
        raise LimitsExcludeBalance(f"{account.name!r}'s balance lies outside those limits.")


def require_movable(kind: str, *accounts: Account) -> None:
    """Refuse a federation clearing account as a party to a transfer (or an invoice, which
    asks for one) of ``kind``, unless ``kind`` is one of the federation's own.

    The one rule every path that moves money goes through (``ledger.operations.transfer``,
    invoices); PostgreSQL keeps it too (migration 0013: ``lets_transfer`` declines such a
    transfer and a trigger refuses the row).

    Raises:
        account_not_manageable.
    """
    if kind in FEDERATION_KINDS:
        return
    for account in accounts:
        if account.kind == "federation":
            raise AccountNotManageable(
                f"{account.name!r} is the scheme's federation clearing account: only "
                "federation trades and balance migrations move it."
            )


def is_owner(person: Person, account: Account) -> bool:
    return account.membership is not None and account.membership.person_id == person.id


def may_use(person: Person, scheme: Scheme, account: Account, action: str) -> bool:
    """May ``person`` act from ``account``: as its owner, or as an organiser (``action``)?"""
    if is_owner(person, account):
        return True
    return permissions.can(person, action, scheme.id)


def require_use(person: Person, scheme: Scheme, account: Account, action: str) -> None:
    if not may_use(person, scheme, account, action):
        raise permissions.NotPermitted(f"You may not act for the account {account.name!r}.")
