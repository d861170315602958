"""Deciding a batch of trades in Python against the rows the batch has locked.

``Books`` holds the locked accounts, positions and pair flows; ``decide`` judges one
trade against them (in the order the single-trade path used to check: the schemes, the
payee's account, the federation limits, then the ledger limits of both legs) and, when
it clears, moves the books so that the next trade of the batch is judged after it. The
writes are left to ``trades.batch``: this module touches no database.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from fractions import Fraction
from typing import Any

from lets_federation.positions.operations import ExceedsFederationLimit
from lets_federation.units import Side, format_fed, from_fed
from lets_platform.errors import (
    AccountClosed,
    AccountSuspended,
    ExceedsCreditLimit,
    ExceedsUpperLimit,
    LetsError,
    SchemeNotTrading,
)
from lets_platform.money import MAX_MINOR_UNITS, format_amount

#: The reason an expired trade carries.
TRADE_EXPIRED = "trade_expired"
EXPIRED_DETAIL = "The trade was not cleared in time."
#: Scheme states in which members may trade (as ``Scheme.is_trading``).
TRADING = ("active", "winding_up")


@dataclass
class Ledger:
    """One locked account: what the ledger's limits are checked against."""

    name: str
    status: str
    balance: int
    held: int
    min_balance: int
    max_balance: int | None
    #: What this batch adds to balance and held (written once at the end).
    moved: list[int] = field(default_factory=lambda: [0, 0])

    def move(self, balance: int, held: int = 0) -> None:
        self.balance, self.held = self.balance + balance, self.held + held
        self.moved[0] += balance
        self.moved[1] += held


@dataclass
class Standing:
    """One locked federation position (micro units) with its limits and residue."""

    position: int
    residue: Fraction
    max_deficit: int | None
    max_surplus: int | None
    delta: int = 0
    residue_changed: bool = False


Pair = tuple[int, int]


@dataclass
class Books:
    schemes: dict[int, Any]  #: scheme id -> row (slug, status, currency_decimals)
    accounts: dict[int, Ledger]  #: account id -> locked account
    federation: dict[int, int]  #: scheme id -> its federation account's id
    positions: dict[int, Standing]  #: scheme id -> locked position
    pairs: dict[Pair, list[Any]]  #: (low, high) -> [net_flow, limit, delta]


@dataclass(frozen=True)
class Decision:
    trade: Any
    state: str
    reason: str | None = None
    detail: str | None = None


def decide(trade: Any, books: Books, now: datetime) -> Decision:
    """Clear ``trade`` in ``books`` or name why not; the books move only if it clears.

    Keeps: positions and each scheme's accounts still sum to what they did (every move
    has its counter-move), and no limit the old conditional UPDATEs carried is passed.
    """
    if now >= trade.expires_at:
        return _release(trade, books, "expired", TRADE_EXPIRED, EXPIRED_DETAIL)
    try:
        _check(trade, books)
    except LetsError as refusal:
        return _release(trade, books, "rejected", refusal.code, refusal.detail)
    _apply(trade, books)
    return Decision(trade, "cleared")


def _release(trade: Any, books: Books, state: str, reason: str, detail: str) -> Decision:
    """The hold is voided: the payer's held amount goes down by it."""
    books.accounts[trade.payer_account_id].move(0, -trade.payer_amount)
    return Decision(trade, state, reason, detail[:300])


def address(books: Books, scheme_id: int, account_id: int) -> str:
    return f"{books.schemes[scheme_id].slug}/{books.accounts[account_id].name}"


def _check(t: Any, books: Books) -> None:
    for scheme_id in (t.payee_scheme_id, t.payer_scheme_id):
        scheme = books.schemes[scheme_id]
        if scheme.status not in TRADING:
            raise SchemeNotTrading(f"{scheme.slug} is {scheme.status}.")
    payee = books.accounts[t.payee_account_id]
    if payee.status != "active":
        named = address(books, t.payee_scheme_id, t.payee_account_id)
        raise _status_refusal(payee, f"The account {named}")
    moves = [(t.payer_scheme_id, -t.fed_amount), (t.payee_scheme_id, t.fed_amount)]
    for scheme_id, delta in sorted(moves):
        _check_position(books, scheme_id, delta)
    _check_pair(books, t.payer_scheme_id, t.payee_scheme_id, t.fed_amount)
    decimals = books.schemes[t.payer_scheme_id].currency_decimals
    _check_credit(books.accounts[books.federation[t.payer_scheme_id]], t.payer_amount, decimals)
    decimals = books.schemes[t.payee_scheme_id].currency_decimals
    _check_debit(books.accounts[books.federation[t.payee_scheme_id]], t.payee_amount, decimals)
    _check_credit(payee, t.payee_amount, decimals)


def _status_refusal(account: Ledger, named: str) -> LetsError:
    if account.status == "closed":
        return AccountClosed(f"{named} is closed.")
    return AccountSuspended(f"{named} is suspended.")


def _check_position(books: Books, scheme_id: int, delta: int) -> None:
    standing = books.positions[scheme_id]
    new = standing.position + delta
    if delta < 0 and standing.max_deficit is not None and new < -standing.max_deficit:
        limit = f"deficit limit of {format_fed(standing.max_deficit)}"
    elif delta > 0 and standing.max_surplus is not None and new > standing.max_surplus:
        limit = f"surplus limit of {format_fed(standing.max_surplus)}"
    else:
        return
    slug = books.schemes[scheme_id].slug
    raise ExceedsFederationLimit(
        f"{slug} stands at {format_fed(standing.position)} federation units; "
        f"{format_fed(abs(delta))} more would pass its {limit}.",
        scheme=slug,
    )


def _pair_delta(payer_scheme_id: int, payee_scheme_id: int, fed: int) -> tuple[Pair, int]:
    low, high = sorted((payer_scheme_id, payee_scheme_id))
    return (low, high), fed if payer_scheme_id == low else -fed


def _check_pair(books: Books, payer_scheme_id: int, payee_scheme_id: int, fed: int) -> None:
    key, delta = _pair_delta(payer_scheme_id, payee_scheme_id, fed)
    net, limit, _ = books.pairs.get(key, (0, None, 0))
    new = net + delta
    if limit is None or (new <= limit if delta > 0 else new >= -limit):
        return
    raise ExceedsFederationLimit(
        f"The net flow between these two schemes stands at {format_fed(net)}; "
        f"the limit is {format_fed(limit)} either way.",
    )


def _check_credit(account: Ledger, amount: int, decimals: int) -> None:
    """As the ledger's credit step: active, and no higher than the upper limit."""
    if account.status != "active":
        raise _status_refusal(account, f"The account {account.name!r}")
    ceiling = MAX_MINOR_UNITS if account.max_balance is None else account.max_balance
    if account.balance + amount > ceiling:
        room = max(ceiling - account.balance, 0)
        raise ExceedsUpperLimit(
            f"{account.name!r} may receive at most {format_amount(room, decimals)} more."
        )


def _check_debit(account: Ledger, amount: int, decimals: int) -> None:
    """As the ledger's debit step: active, and not below the floor."""
    if account.status != "active":
        raise _status_refusal(account, f"The account {account.name!r}")
    available = account.balance - account.held - account.min_balance
    if amount > available:
        shown = format_amount(max(available, 0), decimals)
        raise ExceedsCreditLimit(
            f"{account.name!r} has {shown} available; {format_amount(amount, decimals)} was asked.",
            available=shown,
        )


def _apply(t: Any, books: Books) -> None:
    """Post the hold, pay the payee's leg, move positions, pair flow and residues."""
    books.accounts[t.payer_account_id].move(-t.payer_amount, -t.payer_amount)
    books.accounts[books.federation[t.payer_scheme_id]].move(t.payer_amount)
    books.accounts[books.federation[t.payee_scheme_id]].move(-t.payee_amount)
    books.accounts[t.payee_account_id].move(t.payee_amount)
    payer, payee = books.positions[t.payer_scheme_id], books.positions[t.payee_scheme_id]
    payer.position, payer.delta = payer.position - t.fed_amount, payer.delta - t.fed_amount
    payee.position, payee.delta = payee.position + t.fed_amount, payee.delta + t.fed_amount
    key, delta = _pair_delta(t.payer_scheme_id, t.payee_scheme_id, t.fed_amount)
    pair = books.pairs.setdefault(key, [0, None, 0])
    pair[0], pair[2] = pair[0] + delta, pair[2] + delta
    payer_side = Side(books.schemes[t.payer_scheme_id].currency_decimals, _rate(t, "payer"))
    payee_side = Side(books.schemes[t.payee_scheme_id].currency_decimals, _rate(t, "payee"))
    residues = (  # as ``units.quote`` leaves them, from the amounts the trade recorded
        (payer, t.payer_amount - from_fed(t.fed_amount, payer_side)),
        (payee, from_fed(t.fed_amount, payee_side) - t.payee_amount),
    )
    for standing, residue in residues:
        if residue:
            standing.residue += residue
            standing.residue_changed = True


def _rate(t: Any, side: str) -> Fraction:
    return Fraction(getattr(t, f"{side}_rate_num"), getattr(t, f"{side}_rate_den"))
