"""Moving value between two accounts of one scheme: pay, hold, post, void, correct.

Every function here keeps the ledger's invariants (checked by ``lets audit``):

* each scheme's balances sum to zero;
* every balance equals the sum of its posted transfers in, less those out,
  and ``held`` equals the sum of its pending transfers out;
* ``balance - held >= min_balance`` and ``balance <= max_balance`` for every account;
* a scheme's federation clearing account moves only in transfers of kind ``federation``
  (``accounts.operations.require_movable``; on PostgreSQL ``lets_transfer`` and a trigger
  on ``transfers`` keep it too, migration 0013).

Besides this module, set-based writers insert transfers of their own (each keeps these
invariants and says so): ``lets_tenants.imports.writing`` (opening balances),
``lets_federation.trades.writes`` (the payee legs of a clearing batch) and
``lets_federation.migration.moves`` (balance migration).

Balances move by conditional UPDATEs, in account-id order, whose WHERE clause carries
the limit check, so there is no read-then-write window and no deadlock between payments;
only then is the transfer row inserted (``ON CONFLICT (id) DO NOTHING``). A refused step,
or an id that a concurrent request committed first, undoes what this call wrote in the
transaction, so a caller that catches the error and goes on finds nothing half-written,
and no transfer row is ever deleted. Functions only flush.
"""

from __future__ import annotations

import base64
import uuid
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import (
    JSON,
    BigInteger,
    String,
    Table,
    and_,
    bindparam,
    column,
    func,
    literal_column,
    select,
    text,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.util import identity_key

from lets_platform import permissions, replays
from lets_platform.db import alone, db, persistent, utcnow
from lets_platform.errors import (
    AccountClosed,
    AccountsMustBeDifferent,
    AccountSuspended,
    ExceedsCreditLimit,
    ExceedsUpperLimit,
    LetsError,
    PayeeNotFound,
    PayerNotFound,
    SchemeNotTrading,
    ValidationFailed,
    _error,
)
from lets_platform.identity.models import Person
from lets_platform.money import MAX_MINOR_UNITS, Money, format_amount
from lets_platform.tenancy.models import Scheme
from lets_tenants.accounts.models import Account
from lets_tenants.accounts.operations import accounts_named, is_owner, require_movable
from lets_tenants.ledger import wind_up
from lets_tenants.ledger.models import CHANNELS, TRANSFER_KINDS, Transfer

TransferNotFound = _error("transfer_not_found", 404, "No such transfer in this scheme.")
TransferNotPending = _error("transfer_not_pending", 409, "The transfer is no longer pending.")
TransferNotPosted = _error("transfer_not_posted", 409, "Only a posted transfer can be corrected.")
CorrectionExceedsOriginal = _error(
    "correction_exceeds_original", 422, "Corrections may not exceed what the transfer moved."
)

_IDEMPOTENCY_NAMESPACE = uuid.UUID("6f1c1f0e-1e0a-4b8e-9a53-3c2f2a7d9b10")
MAX_MEMO = 500


@dataclass(frozen=True)
class Result:
    transfer: Transfer
    #: False when the id existed already and the original is returned (a replay).
    created: bool


def parse_id(value: Any) -> uuid.UUID:
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise ValidationFailed(f"{value!r} is not a UUID.", errors={"id": ["not a UUID"]}) from None


def id_from_idempotency_key(scheme: Scheme, person: Person, key: str) -> uuid.UUID:
    """The transfer id an ``Idempotency-Key`` header stands for (per scheme and caller)."""
    return uuid.uuid5(_IDEMPOTENCY_NAMESPACE, f"{scheme.id}:{person.id}:{key}")


def _amount(scheme: Scheme, amount: Any) -> int:
    if isinstance(amount, Money):
        if amount.currency.code != scheme.currency_code:
            raise ValidationFailed(f"{amount} is not in {scheme.currency_code}.")
        return amount.minor
    return scheme.currency.parse(amount).minor


def transfer(
    scheme: Scheme,
    *,
    payer: str,
    payee: str,
    amount: Any,
    entered_by: Person | None,
    id: Any = None,
    memo: str = "",
    kind: str = "payment",
    channel: str = "online",
    corrects: uuid.UUID | None = None,
    pending: bool = False,
    allow_suspended: bool = False,
    accounts: tuple[Account, Account] | None = None,
    reader: Person | None = None,
) -> Result:
    """Move ``amount`` from ``payer`` to ``payee`` (account names in ``scheme``).

    Args:
        amount: a decimal string in the scheme's currency ("12.50"), or Money.
        id: the transfer's UUID; a repeat with the same fields returns the original.
        pending: hold the amount on the payer (counted against the floor) instead of
            posting; ``post_pending`` or ``void_pending`` finishes it.
        allow_suspended: let a suspended account take part (organisers' corrections).
        accounts: the payer's and payee's rows, when the caller loaded them in this
            transaction: neither they nor ``id`` are looked up first (an id that exists
            already is still found by the insert, undone and replayed).
        reader: who asks, when a replay must be judged for them (``may_read``): the
            original is returned only to someone who may read it (``lets_platform.replays``);
            None for the hub itself.
    Returns:
        the transfer and whether it was created now.
    Raises:
        the first named error that applies, in the ledger's documented order; nothing
        is written when one is raised. A federation clearing account takes part only in
        a transfer of kind ``federation`` (``account_not_manageable`` otherwise): the
        federation's trades and balance migrations are the only ones that pass it.
    """
    wanted = _wanted(scheme, payer, payee, amount, memo, kind, channel, corrects)
    minor, memo = wanted["amount"], wanted["memo"]
    transfer_id = uuid.uuid4() if id is None else parse_id(id)
    if db.session.get_bind().dialect.name == _ONE_CALL_DIALECT:
        created = _in_one_call(
            scheme,
            _call_values(
                scheme,
                transfer_id,
                wanted,
                entered_by,
                pending=pending,
                allow_suspended=allow_suspended,
            ),
        )
        if created is not None:
            return Result(created, True)
        # declined: the path below finds out why, names it, or finds it went through now
    if id is not None and accounts is None and (existing := _find(transfer_id)) is not None:
        return _replay(scheme, existing, wanted, reader)
    payer_account, payee_account = accounts or _accounts(scheme, payer, payee)
    require_movable(kind, payer_account, payee_account)
    for account in (payer_account, payee_account):
        _check_status(account, allow_suspended)
    if not scheme.is_trading:
        raise SchemeNotTrading(f"{scheme.slug} is {scheme.status}.")
    steps = [(payer_account, _hold if pending else _debit)]
    if not pending:
        steps.append((payee_account, _credit))
    done = _apply_in_order(steps, minor, allow_suspended)
    now = utcnow()
    row = _insert(
        id=transfer_id,
        scheme_id=scheme.id,
        payer_id=payer_account.id,
        payee_id=payee_account.id,
        amount=minor,
        memo=memo,
        kind=kind,
        channel=channel,
        state="pending" if pending else "posted",
        entered_by_id=entered_by.id if entered_by else None,
        corrects_id=corrects,
        created_at=now,
        posted_at=None if pending else now,
    )
    if row is None:  # the same id was committed meanwhile, or is another scheme's
        _undo(done, minor)
        existing = _find(transfer_id)
        if existing is None:  # hidden from this scheme by row-level security
            raise replays.refuse()
        return _replay(scheme, existing, wanted, reader)
    # the parties are loaded already: reading the new transfer's payer or payee costs no query
    set_committed_value(row, "payer", payer_account)
    set_committed_value(row, "payee", payee_account)
    return Result(row, True)


_TRANSFERS = cast(Table, Transfer.__table__)
#: Where the payment can be one server-side call (migration 0009's ``lets_transfer``).
_ONE_CALL_DIALECT = "postgresql"
_CALL_ARGUMENTS = (
    "CAST(:scheme_id AS bigint), CAST(:id AS uuid), CAST(:payer AS text), "
    "CAST(:payee AS text), CAST(:amount AS bigint), CAST(:memo AS text), "
    "CAST(:kind AS text), CAST(:channel AS text), CAST(:entered_by_id AS bigint), "
    "CAST(:corrects_id AS uuid), CAST(:pending AS boolean), "
    "CAST(:allow_suspended AS boolean), CAST(:now AS timestamptz), "
    "CAST(:ceiling AS bigint), CAST(:scope AS text)"
)
_CALL = (
    "SELECT t.outcome, CASE WHEN t.party IS NULL THEN NULL ELSE to_jsonb(t.party) END AS party,"
    f" (t.transfer).* FROM lets_transfer({_CALL_ARGUMENTS}) AS t"
)
#: The call inside the session's transaction, loading the new row as a Transfer.
_ONE_CALL = select(literal_column("outcome"), literal_column("party"), Transfer).from_statement(
    text(_CALL).columns(column("outcome", String), column("party", JSON), *_TRANSFERS.c)
)
#: The same call on a bare psycopg connection in autocommit (``pay``): one round trip,
#: answering only what the caller does not know of the new row.
_ALONE = text(
    "SELECT t.outcome, CASE WHEN t.party IS NULL THEN NULL ELSE to_jsonb(t.party) END,"
    " (t.transfer).seq, (t.transfer).payer_id, (t.transfer).payee_id"
    f" FROM lets_transfer({_CALL_ARGUMENTS}) AS t"
).compile(dialect=postgresql.psycopg.dialect())
_ALONE_SQL = str(_ALONE)


def _call_values(
    scheme: Scheme,
    transfer_id: uuid.UUID,
    wanted: dict[str, Any],
    entered_by: Person | None,
    *,
    pending: bool = False,
    allow_suspended: bool = False,
    scope: str | None = None,
) -> dict[str, Any]:
    return {
        **wanted,
        "scheme_id": scheme.id,
        "id": transfer_id,
        "entered_by_id": entered_by.id if entered_by else None,
        "pending": pending,
        "allow_suspended": allow_suspended,
        "now": utcnow(),
        "ceiling": MAX_MINOR_UNITS,
        "scope": scope,
    }


def _in_one_call(scheme: Scheme, values: dict[str, Any]) -> Transfer | None:
    """The payment as one statement in the session's transaction (PostgreSQL): the new
    transfer; or the named refusal of a limit; or None when it declined otherwise, and
    then nothing was written and ``transfer``'s own path decides."""
    row = db.session.execute(_ONE_CALL, values).one()
    if row.outcome != "created":
        raise_refusal(scheme, row.outcome, row.party, values["amount"])
        return None
    created: Transfer = row[2]
    balances_moved(created.payer_id, created.payee_id)
    return created


def balances_moved(*account_ids: int) -> None:
    """Expire the balances of these accounts' rows if this session holds them (a server-side
    call moved them underneath)."""
    for account_id in account_ids:
        loaded = db.session.identity_map.get(identity_key(Account, account_id))
        if loaded is not None:
            db.session.expire(loaded, ["balance", "held"])


def pay(
    scheme: Scheme,
    *,
    payer: str,
    payee: str,
    amount: Any,
    entered_by: Person | None,
    id: Any = None,
    memo: str = "",
    channel: str = "online",
    reader: Person | None = None,
) -> Result:
    """A payment that is its own unit of work: ``transfer`` and commit, in one round trip.

    On PostgreSQL the payment is one ``lets_transfer`` call in autocommit on a pooled
    connection of its own, so it commits by itself, whatever the session holds: call it
    only when nothing else is to be written with the payment (a member paying from their
    own account; an organiser's entry, which is audited with it, goes through
    ``transfer``). When the call declines, ``transfer`` runs in the session and commits,
    so a refusal is named, and a replay answered, exactly as there. On SQLite it is
    ``transfer`` and commit.
    """
    if db.session.get_bind().dialect.name == _ONE_CALL_DIALECT:
        created = _alone(scheme, payer, payee, amount, entered_by, id, memo, channel)
        if created is not None:
            return Result(created, True)
    result = transfer(
        scheme,
        payer=payer,
        payee=payee,
        amount=amount,
        entered_by=entered_by,
        id=id,
        memo=memo,
        channel=channel,
        reader=reader,
    )
    db.session.commit()
    return result


def _alone(
    scheme: Scheme,
    payer: str,
    payee: str,
    amount: Any,
    entered_by: Person | None,
    id: Any,
    memo: str,
    channel: str,
) -> Transfer | None:
    """``lets_transfer`` as a statement of its own (autocommit): the new transfer, attached
    to the session as a persistent row; or the named refusal of a limit; or None when it
    declined otherwise or the input is bad (``transfer`` names those)."""
    try:
        wanted = _wanted(scheme, payer, payee, amount, memo, "payment", channel, None)
        transfer_id = uuid.uuid4() if id is None else parse_id(id)
    except LetsError:
        return None
    values = _call_values(scheme, transfer_id, wanted, entered_by, scope=str(scheme.id))
    row = alone(_ALONE_SQL, _ALONE.construct_params(values))
    if row is None:  # the function answers one row; this is for the type checker
        return None
    if row[0] != "created":
        raise_refusal(scheme, row[0], row[1], values["amount"])
        return None
    seq, payer_id, payee_id = row[2:]
    created = persistent(
        Transfer,
        seq=seq,
        id=transfer_id,
        scheme_id=scheme.id,
        payer_id=payer_id,
        payee_id=payee_id,
        amount=values["amount"],
        memo=values["memo"],
        state="posted",
        kind=values["kind"],
        channel=values["channel"],
        entered_by_id=values["entered_by_id"],
        corrects_id=None,
        created_at=values["now"],
        posted_at=values["now"],
        void_reason=None,
    )
    balances_moved(created.payer_id, created.payee_id)
    return created


def _wanted(
    scheme: Scheme,
    payer: str,
    payee: str,
    amount: Any,
    memo: Any,
    kind: str,
    channel: str,
    corrects: uuid.UUID | None,
) -> dict[str, Any]:
    """A transfer's fields, checked: what a replay must match."""
    if payer == payee:
        raise AccountsMustBeDifferent(f"{payer!r} cannot pay itself.")
    minor = _amount(scheme, amount)
    memo = check_memo(memo)
    if channel not in CHANNELS:
        raise ValidationFailed(f"{channel!r} is not a channel.", errors={"channel": ["invalid"]})
    if kind not in TRANSFER_KINDS:
        raise ValidationFailed(f"{kind!r} is not a kind.", errors={"kind": ["invalid"]})
    return {
        "payer": payer,
        "payee": payee,
        "amount": minor,
        "memo": memo,
        "kind": kind,
        "channel": channel,
        "corrects_id": corrects,
    }


def check_memo(memo: Any) -> str:
    """A transfer's, trade's or invoice's memo: text of at most ``MAX_MEMO`` characters."""
    memo = "" if memo is None else memo
    if not isinstance(memo, str) or len(memo) > MAX_MEMO:
        raise ValidationFailed(
            f"The memo must be text of at most {MAX_MEMO} characters.",
            errors={"memo": ["too long"]},
        )
    return memo.strip()


def _find(transfer_id: uuid.UUID) -> Transfer | None:
    return db.session.scalar(select(Transfer).where(Transfer.id == transfer_id))


def _replay(
    scheme: Scheme, existing: Transfer, wanted: dict[str, Any], reader: Person | None
) -> Result:
    """The original transfer, to a ``reader`` who may read it and repeats its fields; the
    one refusal of ``replays`` to anyone else (another scheme's id included)."""
    if existing.scheme_id != scheme.id:
        raise replays.refuse()
    have = {
        "payer": existing.payer.name,
        "payee": existing.payee.name,
        "amount": existing.amount,
        "memo": existing.memo,
        "kind": existing.kind,
        "channel": existing.channel,
        "corrects_id": existing.corrects_id,
    }
    readable = reader is None or may_read(reader, scheme, existing)
    return Result(replays.answer(existing, have=have, wanted=wanted, readable=readable), False)


def may_read(person: Person, scheme: Scheme, transfer: Transfer) -> bool:
    """Who may read a transfer: its payer's and payee's owners, and who may read them all."""
    if permissions.can(person, "transfers.read_all", scheme.id):
        return True
    return is_owner(person, transfer.payer) or is_owner(person, transfer.payee)


def _accounts(scheme: Scheme, payer: str, payee: str) -> tuple[Account, Account]:
    found = accounts_named(scheme, payer, payee)
    if payer not in found:
        raise PayerNotFound(f"There is no account {payer!r} in {scheme.slug}.")
    if payee not in found:
        raise PayeeNotFound(f"There is no account {payee!r} in {scheme.slug}.")
    return found[payer], found[payee]


def _check_status(account: Account, allow_suspended: bool) -> None:
    if account.status == "closed":
        raise AccountClosed(f"The account {account.name!r} is closed.")
    if account.status == "suspended" and not allow_suspended:
        raise AccountSuspended(f"The account {account.name!r} is suspended.")


#: INSERT ... ON CONFLICT (id) DO NOTHING RETURNING the row, loaded as a Transfer; by dialect.
_INSERTS = {
    name: select(Transfer).from_statement(
        insert(_TRANSFERS).on_conflict_do_nothing(index_elements=["id"]).returning(*_TRANSFERS.c)
    )
    for name, insert in (("postgresql", postgresql.insert), ("sqlite", sqlite.insert))
}


def _insert(**values: Any) -> Transfer | None:
    """INSERT the transfer unless its id exists; returns the new row, or None."""
    statement = _INSERTS[db.session.get_bind().dialect.name]
    return db.session.scalars(statement, values).first()


def _statuses(allow_suspended: bool) -> tuple[str, ...]:
    return ("active", "suspended") if allow_suspended else ("active",)


#: The accounts table's columns, for the prebuilt statements of the payment path below.
_C = cast(Table, Account.__table__).c
_AMOUNT = bindparam("amount", type_=BigInteger())


def _conditional(values: dict[str, Any], limit: Any) -> dict[bool, Any]:
    """One account's UPDATE whose WHERE carries the limit check, by ``allow_suspended``.

    Built once (plain Core on the table, bound parameters), so that a payment spends
    its time in the database rather than in building and compiling statements.
    """
    return {
        allowed: update(cast(Table, Account.__table__))
        .where(_C.id == bindparam("account_id"), _C.status.in_(_statuses(allowed)), limit)
        .values(values)
        .returning(_C.id)
        for allowed in (False, True)
    }


#: The credit limit, and while the scheme winds up its second floor (see ``wind_up``).
_FLOOR_KEPT = and_(
    _C.balance - _C.held - _AMOUNT >= _C.min_balance,
    _C.balance - _C.held - _AMOUNT >= bindparam("wind_up_floor", type_=BigInteger()),
)
_DEBIT = _conditional({"balance": _C.balance - _AMOUNT}, _FLOOR_KEPT)
_HOLD = _conditional({"held": _C.held + _AMOUNT}, _FLOOR_KEPT)
_CREDIT = _conditional(
    {"balance": _C.balance + _AMOUNT},
    _C.balance + _AMOUNT <= func.coalesce(_C.max_balance, MAX_MINOR_UNITS),
)


def _debit(account: Account, amount: int, allow_suspended: bool) -> bool:
    return _update(account, _DEBIT[allow_suspended], amount, wind_up.floor_for(account))


def _hold(account: Account, amount: int, allow_suspended: bool) -> bool:
    return _update(account, _HOLD[allow_suspended], amount, wind_up.floor_for(account))


def _credit(account: Account, amount: int, allow_suspended: bool) -> bool:
    return _update(account, _CREDIT[allow_suspended], amount)


def _update(account: Account, statement: Any, amount: int, floor: int | None = None) -> bool:
    """Run one conditional UPDATE; False when its WHERE (status, limit) matched no row."""
    values = {"account_id": account.id, "amount": amount}
    if floor is not None:
        values["wind_up_floor"] = floor
    done = db.session.execute(statement, values).first()
    db.session.expire(account, ["balance", "held"])
    return done is not None


def _unconditional(account: Account, **deltas: int) -> None:
    values = {name: getattr(Account, name) + delta for name, delta in deltas.items()}
    db.session.execute(
        update(Account)
        .where(Account.id == account.id)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    db.session.expire(account, ["balance", "held"])


_INVERSE = {"_debit": {"balance": +1}, "_hold": {"held": -1}, "_credit": {"balance": -1}}


def _apply_in_order(
    steps: list[tuple[Account, Any]], amount: int, allow_suspended: bool
) -> list[tuple[Account, Any]]:
    """Run the balance steps in account-id order and return them; on a refusal undo the
    ones done and raise the named error of the first step (the payer's first) that fails,
    so that the documented order holds whichever account was locked first."""
    done: list[tuple[Account, Any]] = []
    for account, step in sorted(steps, key=lambda s: s[0].id):
        if not step(account, amount, allow_suspended):
            _undo(done, amount)
            for candidate, candidate_step in steps:
                if not _would_pass(candidate, candidate_step, amount, allow_suspended):
                    raise _refusal(candidate, candidate_step, amount, allow_suspended)
            raise _refusal(account, step, amount, allow_suspended)
        done.append((account, step))
    return done


def _undo(done: list[tuple[Account, Any]], amount: int) -> None:
    for account, step in done:
        inverse = _INVERSE[step.__name__]
        _unconditional(account, **{k: v * amount for k, v in inverse.items()})


def _would_pass(account: Account, step: Any, amount: int, allow_suspended: bool) -> bool:
    """Whether ``step`` would pass on ``account`` now (a read, only to name a refusal)."""
    db.session.refresh(account)
    if account.status not in _statuses(allow_suspended):
        return False
    if step is _credit:
        return amount <= _room(account)
    return amount <= min(
        account.available, account.balance - account.held - wind_up.floor_for(account)
    )


def _refusal(account: Account, step: Any, amount: int, allow_suspended: bool = False) -> LetsError:
    """Name why a conditional UPDATE matched no row."""
    db.session.refresh(account)
    if account.status == "closed":
        return AccountClosed(f"The account {account.name!r} is closed.")
    if account.status == "suspended" and not allow_suspended:
        return AccountSuspended(f"The account {account.name!r} is suspended.")
    if step is _credit:
        code = ExceedsUpperLimit.code
    elif wind_up.applies(account):  # its floor (zero) is never below the credit limit
        code = wind_up.ExceedsWindUpLimit.code
    else:
        code = ExceedsCreditLimit.code
    return _limit_refusal(code, account, amount, _decimals(account))


def _limit_refusal(code: str, account: Account, amount: int, decimals: int) -> LetsError:
    """The named refusal ``code`` of a limit that ``account`` (as it is now) keeps."""
    if code == ExceedsUpperLimit.code:
        return ExceedsUpperLimit(
            f"{account.name!r} may receive at most {format_amount(_room(account), decimals)} more.",
        )
    if code == wind_up.ExceedsWindUpLimit.code:
        spendable = format_amount(max(account.balance - account.held, 0), decimals)
        return wind_up.ExceedsWindUpLimit(
            f"{account.name!r} may pay at most {spendable} while the scheme winds up.",
            available=spendable,
        )
    return ExceedsCreditLimit(
        f"{account.name!r} has {format_amount(max(account.available, 0), decimals)} available; "
        f"{format_amount(amount, decimals)} was asked.",
        available=format_amount(max(account.available, 0), decimals),
    )


#: The outcomes of ``lets_transfer`` that name a refusal (its ``party`` is the account).
_LIMIT_OUTCOMES = frozenset(
    {ExceedsCreditLimit.code, wind_up.ExceedsWindUpLimit.code, ExceedsUpperLimit.code}
)
#: What a refusal's message reads of the account that refused.
_PARTY_FIELDS = ("name", "balance", "held", "min_balance", "max_balance", "status", "kind")


def raise_refusal(scheme: Scheme, outcome: str, party: dict[str, Any] | None, amount: int) -> None:
    """Raise the refusal ``lets_transfer`` named (a limit, with the account that keeps it);
    return when it only declined. ``amount`` is what it was asked to move, in minor units."""
    if outcome in _LIMIT_OUTCOMES and party is not None:
        account = Account(**{name: party[name] for name in _PARTY_FIELDS})
        raise _limit_refusal(outcome, account, amount, scheme.currency_decimals)


def _room(account: Account) -> int:
    ceiling = MAX_MINOR_UNITS if account.max_balance is None else account.max_balance
    return max(ceiling - account.balance, 0)


def _decimals(account: Account) -> int:
    return db.session.get_one(Scheme, account.scheme_id).currency_decimals


def get_transfer(scheme: Scheme, transfer_id: Any) -> Transfer:
    """A transfer of ``scheme`` by id; another scheme's transfer is not found."""
    try:
        tid = parse_id(transfer_id)
    except ValidationFailed:
        raise TransferNotFound(f"There is no transfer {transfer_id!r}.") from None
    found = db.session.scalar(
        select(Transfer).where(Transfer.id == tid, Transfer.scheme_id == scheme.id)
    )
    if found is None:
        raise TransferNotFound(f"There is no transfer {transfer_id} in {scheme.slug}.")
    return found


def post_pending(scheme: Scheme, transfer_id: Any) -> Transfer:
    """Post a pending transfer: the held amount leaves the payer and reaches the payee.

    Idempotent: posting a posted transfer returns it unchanged. If the payee may not
    receive it (closed, upper limit), nothing changes and the error is raised; the
    caller then usually voids it.
    """
    found = get_transfer(scheme, transfer_id)
    if found.state == "posted":
        return found
    if found.state != "pending":
        raise TransferNotPending(f"Transfer {found.id} is {found.state}.")
    claimed = db.session.execute(
        update(Transfer)
        .where(Transfer.seq == found.seq, Transfer.state == "pending")
        .values(state="posted", posted_at=utcnow())
        .returning(Transfer.seq)
        .execution_options(synchronize_session=False)
    ).first()
    if claimed is None:
        db.session.refresh(found)
        return post_pending(scheme, transfer_id)
    payer, payee = found.payer, found.payee
    _unconditional(payer, balance=-found.amount, held=-found.amount)
    if not _credit(payee, found.amount, allow_suspended=False):
        _unconditional(payer, balance=found.amount, held=found.amount)
        db.session.execute(
            update(Transfer)
            .where(Transfer.seq == found.seq)
            .values(state="pending", posted_at=None)
            .execution_options(synchronize_session=False)
        )
        db.session.expire(found)
        raise _refusal(payee, _credit, found.amount)
    db.session.expire(found)
    return found


def void_pending(scheme: Scheme, transfer_id: Any, reason: str) -> Transfer:
    """Release a pending transfer's hold and keep why. Idempotent for a voided transfer."""
    found = get_transfer(scheme, transfer_id)
    if found.state == "voided":
        return found
    if found.state != "pending":
        raise TransferNotPending(f"Transfer {found.id} is {found.state}.")
    claimed = db.session.execute(
        update(Transfer)
        .where(Transfer.seq == found.seq, Transfer.state == "pending")
        .values(state="voided", void_reason=reason[:200])
        .returning(Transfer.seq)
        .execution_options(synchronize_session=False)
    ).first()
    if claimed is not None:
        _unconditional(found.payer, held=-found.amount)
    db.session.expire(found)
    return get_transfer(scheme, transfer_id) if claimed is None else found


def correct(
    scheme: Scheme,
    transfer_id: Any,
    *,
    entered_by: Person,
    amount: Any = None,
    memo: str = "",
    id: Any = None,
    reader: Person | None = None,
) -> Result:
    """Compensate a posted transfer with a new transfer the other way (never an edit).

    Args:
        amount: how much to give back (a decimal string); by default all that is not
            corrected yet.
        id: the correction's UUID; repeating the same correction with it returns the
            original correction and moves nothing twice.
    Returns:
        the correcting transfer, kind ``correction``, pointing at the original; the
        corrections of a transfer never add up to more than it moved.
    """
    original = get_transfer(scheme, transfer_id)
    if original.state != "posted" or original.kind == "correction":
        raise TransferNotPosted(f"Transfer {original.id} cannot be corrected.")
    correction_id = None if id is None else parse_id(id)
    requested = None if amount is None else _amount(scheme, amount)
    _lock(original)  # concurrent corrections of one transfer take turns from here
    existing = None if correction_id is None else _find(correction_id)
    if existing is not None:  # a replay: transfer() compares it with the request
        minor = existing.amount if requested is None else requested
    else:
        remaining = original.amount - _corrected(original)
        minor = remaining if requested is None else requested
        if minor > remaining or remaining == 0:
            raise CorrectionExceedsOriginal(
                f"At most {format_amount(remaining, scheme.currency_decimals)} of transfer "
                f"{original.id} is left to correct."
            )
    return transfer(
        scheme,
        payer=original.payee.name,
        payee=original.payer.name,
        amount=Money(minor, scheme.currency),
        memo=memo or f"Correction of {original.id}",
        kind="correction",
        channel="paper",
        corrects=original.id,
        entered_by=entered_by,
        id=correction_id,
        allow_suspended=True,
        reader=reader,
    )


def _lock(original: Transfer) -> None:
    """Lock the original's row until the end of the transaction (PostgreSQL; SQLite's
    writers are serial already), so that what is left to correct is read after any
    concurrent correction of it has committed."""
    db.session.execute(select(Transfer.seq).where(Transfer.seq == original.seq).with_for_update())


def _corrected(original: Transfer) -> int:
    """How much of ``original`` its (not voided) corrections gave back so far."""
    total = db.session.scalar(
        select(func.coalesce(func.sum(Transfer.amount), 0)).where(
            Transfer.corrects_id == original.id, Transfer.state != "voided"
        )
    )
    return int(total or 0)  # PostgreSQL's sum() of BIGINT is a NUMERIC (Decimal)


def list_transfers(
    scheme: Scheme, *, account: Account | None = None, limit: int = 50, cursor: str | None = None
) -> tuple[list[Transfer], str | None]:
    """Newest first; returns the page and the cursor of the next page (or None)."""
    query = select(Transfer).where(Transfer.scheme_id == scheme.id)
    if account is not None:
        query = query.where((Transfer.payer_id == account.id) | (Transfer.payee_id == account.id))
    if cursor:
        query = query.where(Transfer.seq < decode_cursor(cursor))
    rows = list(db.session.scalars(query.order_by(Transfer.seq.desc()).limit(limit + 1)))
    next_cursor = encode_cursor(rows[limit - 1].seq) if len(rows) > limit else None
    return rows[:limit], next_cursor


def encode_cursor(seq: int) -> str:
    return base64.urlsafe_b64encode(f"t{seq}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        if not text.startswith("t"):
            raise ValueError(cursor)
        return int(text[1:])
    except ValueError:
        raise ValidationFailed(
            "The cursor is not one this API gave out.", errors={"cursor": ["invalid"]}
        ) from None
