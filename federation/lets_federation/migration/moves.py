"""Moving one account's balance to its destination through the federation, exactly once.

A credit balance B in the closing scheme is a trade from the member there to their
account at the destination, exact in the closing scheme's currency: B leaves for the
closing scheme's federation account, and the destination's federation account pays the
converted amount in. A debit is the reverse trade, exact on the closing side too, so the
closing account always ends at zero. The trade is recorded as cleared with both legs
posted and the positions and residues moved, as ``trades.settlement`` does, so every
federation audit check holds; unlike a member's trade it passes no limit: a migration
carries a debit or a credit wherever it goes (the destination account's floor or ceiling
is widened to hold it). Trade and leg ids derive from the run and the account.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from fractions import Fraction

from sqlalchemy import case, select, update
from sqlalchemy.dialects import postgresql, sqlite

from lets_federation.positions.models import PairFlow, Position
from lets_federation.positions.operations import add_residue, ensure_position
from lets_federation.rates.operations import current_rate
from lets_federation.trades.models import Trade
from lets_federation.trades.settlement import hold_id, payee_leg_id
from lets_federation.units import AmountTooSmall, Quote, Side, quote
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
    """What one move did: signed like the balance that left the closing scheme."""

    balance: int
    #: Minor units of the destination's currency credited (+) or debited (-) there.
    amount: int
    fed_amount: int
    residue_out: Fraction
    residue_in: Fraction
    trade_id: uuid.UUID | None


@dataclass(frozen=True)
class End:
    scheme: Scheme
    account: Account


def move_balance(run_id: uuid.UUID, source: End, dest: End, memo: str) -> Moved:
    """Move ``source.account``'s whole balance to ``dest.account`` through the federation.

    Args:
        run_id: the migration run; with the account it names the trade and its legs.
        memo: what both legs say (the run, the other side).
    Returns:
        the amounts moved. Keeps: each scheme's ledger sums to zero; positions sum to zero;
        federation account + position changes at the trade's rates == residue, per scheme;
        the source account ends at zero.
    """
    db.session.refresh(source.account, ["balance", "held"])
    balance = source.account.balance
    if balance == 0:
        return Moved(0, 0, 0, Fraction(0), Fraction(0), None)
    credit = balance > 0
    payer, payee = (source, dest) if credit else (dest, source)
    currency = "payer" if credit else "payee"  # the closing side is exact
    try:
        q = quote(abs(balance), currency, _side(payer.scheme), _side(payee.scheme))
    except AmountTooSmall:
        return _absorb(run_id, source, balance, memo)
    tid = trade_id_for(run_id, source.account.id)
    _post(
        payer.scheme, payer.account, _federation(payer.scheme), q.payer_amount, hold_id(tid), memo
    )
    _post(
        payee.scheme,
        _federation(payee.scheme),
        payee.account,
        q.payee_amount,
        payee_leg_id(tid),
        memo,
    )
    _record_trade(tid, payer, payee, q, currency, memo)
    known = {
        sid: _shift(sid, delta)
        for sid, delta in sorted(
            [(payer.scheme.id, -q.fed_amount), (payee.scheme.id, q.fed_amount)]
        )
    }
    _shift_pair(payer.scheme.id, payee.scheme.id, q.fed_amount)
    add_residue(payer.scheme.id, q.payer_residue, known)
    add_residue(payee.scheme.id, q.payee_residue, known)
    out, into = (q.payer_residue, q.payee_residue) if credit else (q.payee_residue, q.payer_residue)
    sign = 1 if credit else -1
    moved_in = q.payee_amount if credit else q.payer_amount
    return Moved(balance, sign * moved_in, sign * q.fed_amount, out, into, tid)


def _absorb(run_id: uuid.UUID, source: End, balance: int, memo: str) -> Moved:
    """A balance too small to convert: it goes to the closing scheme's federation account
    and its residue (exact), so the account still closes at zero and the audit holds."""
    tid = trade_id_for(run_id, source.account.id)
    federation = _federation(source.scheme)
    payer, payee = (source.account, federation) if balance > 0 else (federation, source.account)
    _post(source.scheme, payer, payee, abs(balance), hold_id(tid), memo + " (too small to convert)")
    add_residue(source.scheme.id, Fraction(balance))
    return Moved(balance, 0, 0, Fraction(balance), Fraction(0), None)


def _side(scheme: Scheme) -> Side:
    return Side(scheme.currency_decimals, current_rate(scheme))


def _federation(scheme: Scheme) -> Account:
    account = db.session.scalar(
        select(Account).where(Account.scheme_id == scheme.id, Account.name == FEDERATION_ACCOUNT)
    )
    if account is None:
        raise LookupError(f"{scheme.slug} has no federation account")
    return account


def _post(
    scheme: Scheme, payer: Account, payee: Account, amount: int, tid: uuid.UUID, memo: str
) -> None:
    """A posted transfer of kind ``federation`` that passes no limit: the payer's floor is
    lowered, the payee's ceiling raised, as far as the amount needs."""
    now = utcnow()
    db.session.execute(
        _insert(Transfer).values(
            id=tid,
            scheme_id=scheme.id,
            payer_id=payer.id,
            payee_id=payee.id,
            amount=amount,
            memo=memo[:500],
            state="posted",
            kind="federation",
            channel="online",
            created_at=now,
            posted_at=now,
        )
    )
    new_payer = Account.balance - amount
    new_payee = Account.balance + amount
    _update(
        payer,
        balance=new_payer,
        min_balance=case(
            (new_payer - Account.held < Account.min_balance, new_payer - Account.held),
            else_=Account.min_balance,
        ),
    )
    _update(
        payee,
        balance=new_payee,
        max_balance=case((Account.max_balance < new_payee, new_payee), else_=Account.max_balance),
    )


def _update(account: Account, **values: object) -> None:
    db.session.execute(
        update(Account)
        .where(Account.id == account.id)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    db.session.expire(account)


def _record_trade(
    tid: uuid.UUID, payer: End, payee: End, q: Quote, currency: str, memo: str
) -> None:
    now = utcnow()
    payer_rate, payee_rate = current_rate(payer.scheme), current_rate(payee.scheme)
    db.session.execute(
        _insert(Trade).values(
            id=tid,
            payer_scheme_id=payer.scheme.id,
            payer_account_id=payer.account.id,
            payee_scheme_id=payee.scheme.id,
            payee_account_id=payee.account.id,
            currency=currency,
            payer_amount=q.payer_amount,
            payee_amount=q.payee_amount,
            fed_amount=q.fed_amount,
            payer_rate_num=payer_rate.numerator,
            payer_rate_den=payer_rate.denominator,
            payee_rate_num=payee_rate.numerator,
            payee_rate_den=payee_rate.denominator,
            state="cleared",
            memo=memo[:500],
            created_at=now,
            expires_at=now,
            decided_at=now,
            hold_transfer_id=hold_id(tid),
            payee_leg_id=payee_leg_id(tid),
        )
    )


def _shift(scheme_id: int, delta: int) -> str:
    """Move one position by ``delta``, past any limit; returns its stored residue."""
    ensure_position(scheme_id)
    statement = (
        update(Position)
        .where(Position.scheme_id == scheme_id)
        .values(position=Position.position + delta, updated_at=utcnow())
        .returning(Position.residue)
        .execution_options(synchronize_session=False)
    )
    return str(db.session.execute(statement).scalar_one())


def _shift_pair(payer_scheme_id: int, payee_scheme_id: int, fed: int) -> None:
    low, high = sorted((payer_scheme_id, payee_scheme_id))
    delta = fed if payer_scheme_id == low else -fed
    statement = _insert(PairFlow).values(
        scheme_a_id=low, scheme_b_id=high, net_flow=delta, max_net_flow=None
    )
    db.session.execute(
        statement.on_conflict_do_update(
            index_elements=["scheme_a_id", "scheme_b_id"],
            set_={"net_flow": PairFlow.net_flow + delta},
        )
    )


def _insert(model: type) -> postgresql.Insert | sqlite.Insert:
    dialect = db.session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(model)
