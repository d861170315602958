"""Creating inter-scheme trades and reading them; clearing is in ``trades.settlement``.

A trade starts pending: the payer's leg holds the amount in the payer's scheme
(payer -> that scheme's federation account), the trade row records both amounts, the
federation amount and the rates, and the clearing job is sent once this commits.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta
from fractions import Fraction
from typing import Any, cast

from flask import current_app
from sqlalchemy import (
    JSON,
    String,
    Table,
    bindparam,
    column,
    or_,
    select,
    text,
)
from sqlalchemy.dialects import postgresql, sqlite

import lets_tenants.ledger.operations as ledger
from lets_federation.positions.operations import SameScheme
from lets_federation.trades.models import CURRENCIES, Trade
from lets_federation.trades.settlement import (  # noqa: F401  (settle, sweep re-exported)
    hold_id,
    settle,
    sweep,
)
from lets_federation.units import Quote, Side, quote
from lets_platform import jobs, permissions, replays
from lets_platform.db import db, persistent, utcnow
from lets_platform.errors import (
    LetsError,
    PayeeNotFound,
    PayerNotFound,
    ValidationFailed,
    _error,
)
from lets_platform.identity.models import Person
from lets_platform.money import MAX_MINOR_UNITS, Money
from lets_platform.tenancy import scope
from lets_platform.tenancy.models import Scheme
from lets_platform.tenancy.operations import get_scheme
from lets_tenants.accounts.models import Account
from lets_tenants.accounts.operations import FEDERATION_ACCOUNT, is_owner, require_movable
from lets_tenants.membership.models import Membership

#: Memos of trades and of their legs, at most (as the ledger's).
MAX_MEMO = ledger.MAX_MEMO
TradeNotFound = _error("trade_not_found", 404, "No such federation trade that you may see.")

#: Who, besides the owner, may trade from an account of each kind.
TRADE_FROM = {
    "member": "federation.trade_on_behalf",
    "central": "accounts.pay_central",
}


_IDEMPOTENCY_NAMESPACE = uuid.UUID("5d0c8a8e-2f7b-4a4e-8f0a-6b1f3f9e2c11")


def id_from_idempotency_key(person: Person, key: str) -> uuid.UUID:
    """The trade id an ``Idempotency-Key`` header stands for (per caller)."""
    return uuid.uuid5(_IDEMPOTENCY_NAMESPACE, f"{person.id}:{key}")


@dataclass(frozen=True)
class Address:
    scheme: Scheme
    handle: str


@dataclass(frozen=True)
class Started:
    trade: Trade
    #: False when the id existed already and the original is returned (a replay).
    created: bool


def create_trade(person: Person | None, **request: Any) -> Trade:
    """Start a trade (see ``start_trade``) and return it, new or replayed."""
    return start_trade(person, **request).trade


def start_trade(
    person: Person | None,
    *,
    payer: str,
    payee: str,
    amount: Any,
    currency: str,
    memo: str | None = None,
    trade_id: Any = None,
) -> Started:
    """Start a trade: hold ``amount`` on the payer and record the trade as pending.

    Args:
        person: who asks (the payer's owner, or an organiser for them); None for the hub.
        payer, payee: ``"scheme/handle"`` in two different schemes.
        amount: a decimal string in the currency ``currency`` names ("payer" or "payee");
            that side is exact, the other is converted (see ``units``).
        trade_id: the trade's UUID; repeating it with the same fields returns the original.
    Returns:
        the pending trade and True, or on a replay the original (in whatever state it is
        now) and False.
    Raises:
        validation_failed, use_scheme_transfer, payer_not_found, payee_not_found,
        amount_invalid and the ledger's amount errors, amount_too_small,
        exists_with_different_fields, not_permitted, then the hold's errors (account_closed,
        account_suspended, scheme_not_trading, exceeds_credit_limit). Nothing is written.
    """
    if currency not in CURRENCIES:
        raise ValidationFailed(
            'currency is "payer" or "payee".', errors={"currency": ["payer or payee"]}
        )
    payer_slug, payer_handle = _split(payer, "payer")
    payee_slug, payee_handle = _split(payee, "payee")
    if payer_slug == payee_slug:
        raise SameScheme(f"{payer} and {payee} are both in {payer_slug}.")
    source, target = _addresses((payer_slug, payer_handle), (payee_slug, payee_handle))
    named = source.scheme if currency == "payer" else target.scheme
    minor = named.currency.parse(amount).minor
    memo = ledger.check_memo(memo)
    tid = uuid.uuid4() if trade_id is None else ledger.parse_id(trade_id)
    wanted = {"payer": payer, "payee": payee, "currency": currency, "amount": minor, "memo": memo}
    if db.session.get_bind().dialect.name == _ONE_CALL_DIALECT and _may_trade_own(
        person, source.scheme
    ):
        started = _in_one_call(tid, person, source, target, (currency, minor), memo)
        if started is not None:
            return started
        # declined: the path below finds out why and names it in the documented order,
        # or answers the replay
    scope.allow(source.scheme.id, target.scheme.id)
    if trade_id is not None and (existing := db.session.get(Trade, tid)) is not None:
        return Started(_replay(existing, wanted, person), False)
    payer_account, payee_account, federation = _accounts(source, target)
    _require_may_trade(person, source.scheme, payer_account)
    terms = _terms(source, target, currency, minor)
    return _hold_and_record(
        tid, person, source, target, (payer_account, federation), payee_account, terms, wanted
    )


@dataclass(frozen=True)
class Preview:
    """What a trade would do, quoted now: the parties and the terms at today's rates."""

    payer: Account
    payee: Account
    payer_scheme: Scheme
    payee_scheme: Scheme
    terms: Terms


def quote_trade(
    person: Person | None, *, payer: str, payee: str, amount: Any, currency: str, memo: str = ""
) -> Preview:
    """The trade ``start_trade`` would make with these fields, at today's rates, after
    the same checks of the addresses, the amount, the memo and who may trade; nothing is
    held or written (the payer's limit is checked when the trade starts). For a
    confirmation page before anything moves."""
    if currency not in CURRENCIES:
        raise ValidationFailed(
            'currency is "payer" or "payee".', errors={"currency": ["payer or payee"]}
        )
    payer_slug, payer_handle = _split(payer, "payer")
    payee_slug, payee_handle = _split(payee, "payee")
    if payer_slug == payee_slug:
        raise SameScheme(f"{payer} and {payee} are both in {payer_slug}.")
    source, target = _addresses((payer_slug, payer_handle), (payee_slug, payee_handle))
    named = source.scheme if currency == "payer" else target.scheme
    minor = named.currency.parse(amount).minor
    ledger.check_memo(memo)
    scope.allow(source.scheme.id, target.scheme.id)
    payer_account, payee_account, _ = _accounts(source, target)
    _require_may_trade(person, source.scheme, payer_account)
    terms = _terms(source, target, currency, minor)
    return Preview(payer_account, payee_account, source.scheme, target.scheme, terms)


@dataclass(frozen=True)
class Terms:
    """What a trade moves: its quote (both amounts and the federation amount, exact by
    ``units``' one rounding rule), the rates it used, and which side was named."""

    quote: Quote
    payer_rate: Fraction
    payee_rate: Fraction
    currency: str

    def columns(self) -> dict[str, Any]:
        """The trade row's columns these give."""
        return {
            "currency": self.currency,
            "payer_amount": self.quote.payer_amount,
            "payee_amount": self.quote.payee_amount,
            "fed_amount": self.quote.fed_amount,
            "payer_rate_num": self.payer_rate.numerator,
            "payer_rate_den": self.payer_rate.denominator,
            "payee_rate_num": self.payee_rate.numerator,
            "payee_rate_den": self.payee_rate.denominator,
        }


def _terms(source: Address, target: Address, currency: str, minor: int) -> Terms:
    payer_rate, payee_rate = _rate(source.scheme), _rate(target.scheme)
    q = quote(
        minor,
        currency,
        Side(source.scheme.currency_decimals, payer_rate),
        Side(target.scheme.currency_decimals, payee_rate),
    )
    return Terms(q, payer_rate, payee_rate, currency)


def _hold_and_record(
    tid: uuid.UUID,
    person: Person | None,
    source: Address,
    target: Address,
    holding: tuple[Account, Account | None],
    payee_account: Account,
    terms: Terms,
    wanted: dict[str, Any],
) -> Started:
    payer_account, federation = holding
    memo = wanted["memo"]
    ledger.transfer(  # the hold's id is the trade's hold_id, new or replayed
        source.scheme,
        payer=payer_account.name,
        payee=FEDERATION_ACCOUNT,
        amount=Money(terms.quote.payer_amount, source.scheme.currency),
        entered_by=person,
        id=hold_id(tid),
        memo=leg_memo(tid, f"to {target.scheme.slug}/{payee_account.name}", memo),
        kind="federation",
        pending=True,
        accounts=None if federation is None else (payer_account, federation),
    )
    row = _insert(
        **_pending_row(
            tid, person, (source, target), (payer_account.id, payee_account.id), terms, memo
        )
    )
    if row is None:  # a concurrent request committed this id first; its hold is ours
        existing = db.session.get(Trade, tid, populate_existing=True)
        if existing is None:
            raise replays.refuse()
        return Started(_replay(existing, wanted, person), False)
    return _started(row)


def _pending_row(
    tid: uuid.UUID,
    person: Person | None,
    addresses: tuple[Address, Address],
    accounts: tuple[int | None, int | None],
    terms: Terms,
    memo: str,
) -> dict[str, Any]:
    """Every column of a new trade (the payer's and payee's schemes and account ids)."""
    now = utcnow()
    return {
        "id": tid,
        "payer_scheme_id": addresses[0].scheme.id,
        "payer_account_id": accounts[0],
        "payee_scheme_id": addresses[1].scheme.id,
        "payee_account_id": accounts[1],
        **terms.columns(),
        "state": "pending",
        "reason": None,
        "reason_detail": None,
        "memo": memo,
        "created_by_id": person.id if person else None,
        "created_at": now,
        "expires_at": now + timedelta(seconds=trade_ttl()),
        "decided_at": None,
        "hold_transfer_id": hold_id(tid),
        "payee_leg_id": None,
    }


def _started(row: Trade) -> Started:
    """A new trade: its clearing job goes out once it commits."""
    from lets_federation.trades.tasks import CLEARING, clear_trade

    jobs.send_after_commit(clear_trade, str(row.id), coalesce=CLEARING)
    return Started(row, True)


#: Where a trade can start in one server-side call (migration 0011's ``lets_start_trade``).
_ONE_CALL_DIALECT = "postgresql"
_START = text(
    "SELECT t.outcome,"
    " CASE WHEN t.party IS NULL THEN NULL ELSE to_jsonb(t.party) END AS party,"
    " t.federation_account, t.payer_account, t.payee_account FROM lets_start_trade("
    "CAST(:id AS uuid), CAST(:hold_transfer_id AS uuid), CAST(:payer_scheme_id AS bigint),"
    " CAST(:payer AS text), CAST(:payee_scheme_id AS bigint), CAST(:payee AS text),"
    " CAST(:currency AS text), CAST(:payer_amount AS bigint),"
    " CAST(:payee_amount AS bigint), CAST(:fed_amount AS bigint),"
    " CAST(:payer_rate_num AS bigint), CAST(:payer_rate_den AS bigint),"
    " CAST(:payee_rate_num AS bigint), CAST(:payee_rate_den AS bigint),"
    " CAST(:memo AS text), CAST(:hold_memo AS text), CAST(:created_by_id AS bigint),"
    " CAST(:created_at AS timestamptz), CAST(:expires_at AS timestamptz),"
    " CAST(:ceiling AS bigint), CAST(:scope AS text)) AS t"
).columns(column("outcome", String), column("party", JSON))


def _may_trade_own(person: Person | None, scheme: Scheme) -> bool:
    """Whether the one call may start the trade for ``person`` (the hub, or someone who may
    trade from their own account here; it checks that the account is theirs)."""
    return person is None or permissions.can(person, "federation.trade_own", scheme.id)


def _in_one_call(
    tid: uuid.UUID,
    person: Person | None,
    source: Address,
    target: Address,
    named: tuple[str, int],
    memo: str,
) -> Started | None:
    """The hold and the trade row as one statement in the session's transaction
    (PostgreSQL), which also enters both schemes: the new trade; or the named refusal of
    the payer's limit; or None when it declined otherwise, and then nothing was written.
    ``named`` is the side whose currency the amount is in, and the amount."""
    try:
        terms = _terms(source, target, *named)
    except LetsError:
        return None  # too small to quote: named by the Python path, after the accounts
    ids = (source.scheme.id, target.scheme.id)
    widened = scope.widened(*ids)
    values = _pending_row(tid, person, (source, target), (None, None), terms, memo)
    row = db.session.execute(
        _START,
        {
            **values,
            "payer": source.handle,
            "payee": target.handle,
            "hold_memo": leg_memo(tid, f"to {target.scheme.slug}/{target.handle}", memo),
            "ceiling": MAX_MINOR_UNITS,
            "scope": None if widened == scope.current() else widened,
        },
    ).one()
    for scheme_id in ids:
        scope.entered(scheme_id, applied=True)
    if row.outcome != "created":
        ledger.raise_refusal(source.scheme, row.outcome, row.party, terms.quote.payer_amount)
        return None
    ledger.balances_moved(row.payer_account, row.federation_account)
    values.update(payer_account_id=row.payer_account, payee_account_id=row.payee_account)
    trade = persistent(Trade, **values)
    return _started(trade)


def trade_ttl() -> int:
    return int(current_app.config.get("LETS_FEDERATION_TRADE_TTL", 3600))


def leg_memo(tid: uuid.UUID, direction: str, memo: str) -> str:
    """What a leg's transfer says: the trade, the other side, and the trade's memo."""
    return (f"Federation trade {tid} {direction}" + (f": {memo}" if memo else ""))[:MAX_MEMO]


def _split(address: Any, field: str) -> tuple[str, str]:
    if not isinstance(address, str) or address.count("/") != 1 or "" in address.split("/"):
        raise ValidationFailed(
            f"{field} is an address such as 'wiltshire/alice' (scheme/handle).",
            errors={field: ["scheme/handle"]},
        )
    slug, handle = address.split("/")
    return slug, handle


_SCHEMES_NAMED = select(Scheme).where(Scheme.slug.in_(bindparam("slugs")))
_PARTIES = select(Account).where(
    (
        (Account.scheme_id == bindparam("source_id"))
        & Account.name.in_(bindparam("source_names", expanding=True))
    )
    | ((Account.scheme_id == bindparam("target_id")) & (Account.name == bindparam("target_name")))
)


def _addresses(payer: tuple[str, str], payee: tuple[str, str]) -> tuple[Address, Address]:
    """Both schemes in one query. Their rows are not visible yet: the caller enters them
    (``scope.allow``), or the one call does as it starts the trade."""
    found = {
        scheme.slug: scheme
        for scheme in db.session.scalars(_SCHEMES_NAMED, {"slugs": [payer[0], payee[0]]})
    }
    addresses = []
    for (slug, handle), not_found in ((payer, PayerNotFound), (payee, PayeeNotFound)):
        if slug not in found:
            raise not_found(f"There is no scheme {slug!r} in the federation.")
        addresses.append(Address(found[slug], handle))
    return addresses[0], addresses[1]


def _accounts(source: Address, target: Address) -> tuple[Account, Account, Account | None]:
    """The payer's and payee's accounts and the payer scheme's federation account (which
    the hold pays into), in one query."""
    names = {
        "source_id": source.scheme.id,
        "source_names": [source.handle, FEDERATION_ACCOUNT],
        "target_id": target.scheme.id,
        "target_name": target.handle,
    }
    found = {(a.scheme_id, a.name): a for a in db.session.scalars(_PARTIES, names)}
    parties = []
    for address, not_found in ((source, PayerNotFound), (target, PayeeNotFound)):
        account = found.get((address.scheme.id, address.handle))
        if account is None:
            raise not_found(f"There is no account {address.handle!r} in {address.scheme.slug}.")
        require_movable("payment", account)  # a trade's party, not its clearing account
        parties.append(account)
    return parties[0], parties[1], found.get((source.scheme.id, FEDERATION_ACCOUNT))


def _require_may_trade(person: Person | None, scheme: Scheme, account: Account) -> None:
    if person is None:
        return
    if is_owner(person, account):
        permissions.require(person, "federation.trade_own", scheme.id)
        return
    permissions.require(person, TRADE_FROM[account.kind], scheme.id)


def _rate(scheme: Scheme) -> Any:
    from lets_federation.rates.operations import current_rate

    return current_rate(scheme)


_TRADES = cast(Table, Trade.__table__)
#: INSERT ... ON CONFLICT (id) DO NOTHING RETURNING the row, loaded as a Trade; built once
#: per dialect (a trade's columns are bound parameters, not literal values compiled anew).
_INSERTS = {
    name: select(Trade).from_statement(
        insert(_TRADES).on_conflict_do_nothing(index_elements=["id"]).returning(*_TRADES.c)
    )
    for name, insert in (("postgresql", postgresql.insert), ("sqlite", sqlite.insert))
}


def _insert(**values: Any) -> Trade | None:
    statement = _INSERTS[db.session.get_bind().dialect.name]
    return db.session.scalars(statement, values).first()


def _replay(existing: Trade, wanted: dict[str, Any], person: Person | None) -> Trade:
    """The original trade, to someone who may read it (``may_read``; the hub: None) and
    repeats its fields; ``replays``' one refusal to anyone else."""
    named = existing.payer_amount if existing.currency == "payer" else existing.payee_amount
    have = {
        "payer": existing.payer,
        "payee": existing.payee,
        "currency": existing.currency,
        "amount": named,
        "memo": existing.memo,
    }
    readable = person is None or may_read(person, existing)
    return replays.answer(existing, have=have, wanted=wanted, readable=readable)


# -- reading ------------------------------------------------------------------------------


def may_read(person: Person, trade: Trade) -> bool:
    """The payer, the payee, their schemes' organisers and the national body may."""
    if person.is_admin:
        return True
    if is_owner(person, trade.payer_account) or is_owner(person, trade.payee_account):
        return True
    return any(
        permissions.can(person, "federation.read_all", sid)
        for sid in (trade.payer_scheme_id, trade.payee_scheme_id)
    )


def get_trade(person: Person | None, trade_id: Any) -> Trade:
    """A trade by id, if ``person`` may see it (None: the hub sees every trade)."""
    try:
        tid = ledger.parse_id(trade_id)
    except ValidationFailed:
        raise TradeNotFound(f"There is no trade {trade_id!r}.") from None
    trade = db.session.get(Trade, tid)
    if trade is None or (person is not None and not may_read(person, trade)):
        raise TradeNotFound(f"There is no trade {trade_id} that you may see.")
    return trade


def list_trades(
    person: Person, *, scheme: str | None = None, state: str | None = None, limit: int = 50
) -> list[Trade]:
    """Newest first: a scheme's trades (its organisers, the national body), else one's own."""
    query = select(Trade)
    if scheme is not None:
        found = get_scheme(scheme)
        query = query.where(
            or_(Trade.payer_scheme_id == found.id, Trade.payee_scheme_id == found.id)
        )
        if not permissions.can(person, "federation.read_all", found.id):
            query = query.where(_own(person))
    elif not person.is_admin:
        query = query.where(_own(person))
    if state is not None:
        query = query.where(Trade.state == state)
    query = query.order_by(Trade.created_at.desc(), Trade.id).limit(limit)
    return list(db.session.scalars(query))


def _own(person: Person) -> Any:
    mine = (
        select(Account.id)
        .join(Membership, Membership.id == Account.membership_id)
        .where(Membership.person_id == person.id)
    )
    return or_(Trade.payer_account_id.in_(mine), Trade.payee_account_id.in_(mine))
