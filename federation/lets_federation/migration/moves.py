"""Moving a batch of balances to their destinations through the federation, set-wise.

A credit balance B in the closing scheme is a trade from the member there to their
account at the destination, exact in the closing scheme's currency: B leaves for the
closing scheme's federation account and the destination's federation account pays the
converted amount in. A debit is the reverse trade, exact on the closing side too, so the
closing account always ends at zero. Both round against the member (``units.quote``): a
credit arrives rounded down, a debt is taken on rounded up. Each trade is recorded as
cleared with both legs posted, and the positions, pair flows and residues move as
``trades.settlement`` moves them, so every federation audit check holds; unlike a
member's trade it passes no limit: a migration carries a debit or a credit wherever it
goes (the receiving account's floor or ceiling is widened to hold it). A batch is a
handful of statements whatever its size: the legs, trades and balance changes are
written with one statement each.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, cast

from sqlalchemy import BigInteger, Table, bindparam, case, insert, select, update

from lets_federation.positions.models import PairFlow, Position
from lets_federation.positions.operations import ensure_position
from lets_federation.rates.operations import current_rate
from lets_federation.trades.models import Trade
from lets_federation.trades.settlement import hold_id, payee_leg_id
from lets_federation.units import (
    AmountTooSmall,
    Side,
    parse_fraction,
    quote,
    store_fraction,
)
from lets_platform.db import db, utcnow
from lets_platform.tenancy.models import Scheme
from lets_tenants.accounts.models import Account
from lets_tenants.accounts.operations import FEDERATION_ACCOUNT
from lets_tenants.ledger.models import Transfer

_NAMESPACE = uuid.UUID("3c1d9a4e-7b52-4f0e-a2d8-91c6e5f4b7a3")


def trade_id_for(run_id: uuid.UUID, account_id: int) -> uuid.UUID:
    """The id of the trade that moves one account's balance in one run."""
    return uuid.uuid5(_NAMESPACE, f"{run_id}:{account_id}")


@dataclass(frozen=True)
class Moved:
    """What one move did, signed like the balance that left the closing scheme."""

    balance: int
    #: Minor units of the destination's currency credited (+) or debited (-) there.
    amount: int
    fed_amount: int
    residue_out: Fraction
    residue_in: Fraction
    trade_id: uuid.UUID | None


@dataclass(frozen=True)
class Move:
    """One balance to move: the closing account and the account that receives it."""

    key: int
    account_id: int
    dest_scheme_id: int
    dest_account_id: int
    memo: str


@dataclass
class _Books:
    """Everything a batch writes, gathered before it is written."""

    legs: list[dict[str, Any]] = field(default_factory=list)
    trades: list[dict[str, Any]] = field(default_factory=list)
    deltas: dict[int, int] = field(default_factory=lambda: defaultdict(int))
    positions: dict[int, int] = field(default_factory=lambda: defaultdict(int))
    pairs: dict[tuple[int, int], int] = field(default_factory=lambda: defaultdict(int))
    residues: dict[int, Fraction] = field(default_factory=lambda: defaultdict(Fraction))


class Batch:
    """The schemes, rates and federation accounts of one batch, read once."""

    def __init__(self, run_id: uuid.UUID, source: Scheme, dest_ids: set[int]) -> None:
        self.run_id = run_id
        ids = dest_ids | {source.id}
        self.schemes = {
            s.id: s for s in db.session.scalars(select(Scheme).where(Scheme.id.in_(ids)))
        }
        self.sides = {
            sid: Side(s.currency_decimals, current_rate(s)) for sid, s in self.schemes.items()
        }
        self.federation = dict(
            db.session.execute(
                select(Account.scheme_id, Account.id).where(
                    Account.scheme_id.in_(ids), Account.name == FEDERATION_ACCOUNT
                )
            ).all()
        )
        self.source = source
        self.books = _Books()
        self.now = utcnow()

    def move_all(self, moves: list[Move]) -> dict[int, Moved]:
        """Move every balance (read now, under the run's lock) and write the books.

        Returns:
            what moved, by ``Move.key``. Keeps: each scheme's ledger sums to zero;
            positions sum to zero; federation account + position changes at the trades'
            rates == residue, per scheme; every closing account ends at zero.
        """
        balances = dict(
            db.session.execute(
                select(Account.id, Account.balance).where(
                    Account.id.in_([m.account_id for m in moves])
                )
            ).all()
        )
        moved = {m.key: self._plan(m, balances[m.account_id]) for m in moves}
        self._write()
        return moved

    def _plan(self, move: Move, balance: int) -> Moved:
        if balance == 0:
            return Moved(0, 0, 0, Fraction(0), Fraction(0), None)
        source, dest = self.source.id, move.dest_scheme_id
        credit = balance > 0
        payer, payee = (source, dest) if credit else (dest, source)
        payer_acc, payee_acc = (
            (move.account_id, move.dest_account_id)
            if credit
            else (move.dest_account_id, move.account_id)
        )
        currency = "payer" if credit else "payee"  # the closing side is exact
        try:
            q = quote(abs(balance), currency, self.sides[payer], self.sides[payee])
        except AmountTooSmall:
            return self._absorb(move, balance)
        tid = trade_id_for(self.run_id, move.account_id)
        self._leg(payer, payer_acc, self.federation[payer], q.payer_amount, hold_id(tid), move.memo)
        self._leg(
            payee, self.federation[payee], payee_acc, q.payee_amount, payee_leg_id(tid), move.memo
        )
        self._trade(tid, payer, payer_acc, payee, payee_acc, currency, q, move.memo)
        books = self.books
        books.positions[payer] -= q.fed_amount
        books.positions[payee] += q.fed_amount
        low, high = sorted((payer, payee))
        books.pairs[(low, high)] += q.fed_amount if payer == low else -q.fed_amount
        books.residues[payer] += q.payer_residue
        books.residues[payee] += q.payee_residue
        out, into = (
            (q.payer_residue, q.payee_residue) if credit else (q.payee_residue, q.payer_residue)
        )
        sign = 1 if credit else -1
        return Moved(
            balance,
            sign * (q.payee_amount if credit else q.payer_amount),
            sign * q.fed_amount,
            out,
            into,
            tid,
        )

    def _absorb(self, move: Move, balance: int) -> Moved:
        """A balance too small to convert goes to the closing scheme's federation account
        and its residue (exact): the account still closes at zero and the audit holds."""
        source = self.source.id
        federation = self.federation[source]
        payer, payee = (
            (move.account_id, federation) if balance > 0 else (federation, move.account_id)
        )
        tid = trade_id_for(self.run_id, move.account_id)
        self._leg(source, payer, payee, abs(balance), hold_id(tid), move.memo + " (too small)")
        self.books.residues[source] += Fraction(balance)
        return Moved(balance, 0, 0, Fraction(balance), Fraction(0), None)

    def _leg(
        self, scheme_id: int, payer: int, payee: int, amount: int, tid: uuid.UUID, memo: str
    ) -> None:
        self.books.legs.append(
            {
                "id": tid,
                "scheme_id": scheme_id,
                "payer_id": payer,
                "payee_id": payee,
                "amount": amount,
                "memo": memo[:500],
                "state": "posted",
                "kind": "federation",
                "channel": "online",
                "created_at": self.now,
                "posted_at": self.now,
            }
        )
        self.books.deltas[payer] -= amount
        self.books.deltas[payee] += amount

    def _trade(
        self,
        tid: uuid.UUID,
        payer: int,
        payer_acc: int,
        payee: int,
        payee_acc: int,
        currency: str,
        q: Any,
        memo: str,
    ) -> None:
        payer_rate, payee_rate = self.sides[payer].rate, self.sides[payee].rate
        self.books.trades.append(
            {
                "id": tid,
                "payer_scheme_id": payer,
                "payer_account_id": payer_acc,
                "payee_scheme_id": payee,
                "payee_account_id": payee_acc,
                "currency": currency,
                "payer_amount": q.payer_amount,
                "payee_amount": q.payee_amount,
                "fed_amount": q.fed_amount,
                "payer_rate_num": payer_rate.numerator,
                "payer_rate_den": payer_rate.denominator,
                "payee_rate_num": payee_rate.numerator,
                "payee_rate_den": payee_rate.denominator,
                "state": "cleared",
                "memo": memo[:500],
                "created_at": self.now,
                "expires_at": self.now,
                "decided_at": self.now,
                "hold_transfer_id": hold_id(tid),
                "payee_leg_id": payee_leg_id(tid),
            }
        )

    def _write(self) -> None:
        books = self.books
        if books.legs:
            db.session.execute(insert(Transfer), books.legs)
        if books.trades:
            db.session.execute(insert(Trade), books.trades)
        if books.deltas:
            db.session.execute(
                _MOVE_BALANCE,
                [{"aid": a, "delta": d} for a, d in sorted(books.deltas.items()) if d],
            )
        for scheme_id in sorted(set(books.positions) | set(books.residues)):
            _position(scheme_id, books.positions.get(scheme_id, 0), books.residues.get(scheme_id))
        for (low, high), delta in sorted(books.pairs.items()):
            _pair(low, high, delta)


_ACCOUNTS = cast(Table, Account.__table__)
_C = _ACCOUNTS.c
_DELTA = bindparam("delta", type_=BigInteger())
_NEW = _C.balance + _DELTA
#: One account's balance moved past any limit: its floor lowered or ceiling raised to hold it.
_MOVE_BALANCE = (
    update(_ACCOUNTS)
    .where(_C.id == bindparam("aid"))
    .values(
        balance=_NEW,
        min_balance=case((_NEW - _C.held < _C.min_balance, _NEW - _C.held), else_=_C.min_balance),
        max_balance=case((_C.max_balance < _NEW, _NEW), else_=_C.max_balance),
    )
)


def _position(scheme_id: int, delta: int, residue: Fraction | None) -> None:
    """Move one position past any limit and add the batch's residues to its residue."""
    ensure_position(scheme_id)
    current = db.session.execute(
        update(Position)
        .where(Position.scheme_id == scheme_id)
        .values(position=Position.position + delta, updated_at=utcnow())
        .returning(Position.residue)
        .execution_options(synchronize_session=False)
    ).scalar_one()
    if residue:
        db.session.execute(
            update(Position)
            .where(Position.scheme_id == scheme_id)
            .values(residue=store_fraction(parse_fraction(current) + residue))
            .execution_options(synchronize_session=False)
        )


def _pair(low: int, high: int, delta: int) -> None:
    dialect = db.session.get_bind().dialect.name
    from sqlalchemy.dialects import postgresql, sqlite

    upsert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(PairFlow)
    statement = upsert.values(scheme_a_id=low, scheme_b_id=high, net_flow=delta, max_net_flow=None)
    db.session.execute(
        statement.on_conflict_do_update(
            index_elements=["scheme_a_id", "scheme_b_id"],
            set_={"net_flow": PairFlow.net_flow + delta},
        )
    )
