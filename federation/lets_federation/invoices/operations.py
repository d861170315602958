"""Cross-scheme invoices: send in the sender's currency, quote in the payer's, accept as a trade.

Accepting makes one federation trade with ``currency="payee"``, so the sender receives
exactly the invoiced amount and the payer pays its conversion at the day's rates. The
trade's id is derived from the invoice's, and the invoice row is locked while it is
decided: accepting twice, even at the same moment, makes one trade.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from lets_federation import units
from lets_federation.invoices.models import FederatedInvoice
from lets_federation.positions.operations import SameScheme
from lets_federation.rates.operations import current_rate
from lets_federation.trades import operations as trades
from lets_federation.trades.models import Trade
from lets_platform import permissions, replays
from lets_platform.db import db, utcnow
from lets_platform.errors import (
    AccountClosed,
    AccountsMustBeDifferent,
    AccountSuspended,
    LetsError,
    SchemeNotTrading,
    ValidationFailed,
    _error,
)
from lets_platform.identity.models import Person
from lets_platform.money import format_amount
from lets_platform.tenancy import scope
from lets_platform.tenancy.models import Scheme
from lets_tenants.accounts.models import Account
from lets_tenants.accounts.operations import is_owner, require_movable
from lets_tenants.ledger.operations import check_memo, parse_id

InvoiceNotFound = _error("invoice_not_found", 404, "No such invoice.")
InvoiceNotOpen = _error("invoice_not_open", 409, "The invoice is no longer open.")

#: Who may act for an invoice's side besides the account's owner.
ON_BEHALF = "invoices.act_on_behalf"
_TRADE_NAMESPACE = uuid.UUID("6f1d2a8e-41c3-4f7b-9d0e-3c5b7a9e2f14")


def trade_id_for(invoice_id: uuid.UUID) -> uuid.UUID:
    """The id of the trade that accepting the invoice makes (always the same one)."""
    return uuid.uuid5(_TRADE_NAMESPACE, str(invoice_id))


def resolve(address: Any, missing: type[LetsError]) -> Account:
    """The account at ``"scheme/handle"``; ``missing`` (payer/payee_not_found) if none."""
    if not isinstance(address, str) or address.count("/") != 1 or "" in address.split("/"):
        raise ValidationFailed(
            f"{address!r} is not an address such as 'wiltshire/alice'.",
            errors={missing.code.split("_")[0]: ["scheme/handle"]},
        )
    slug, name = address.split("/")
    scheme_id = db.session.scalar(select(Scheme.id).where(Scheme.slug == slug))
    if scheme_id is None:
        raise missing(f"There is no scheme {slug!r}.")
    scope.allow(scheme_id)
    account = db.session.scalar(
        select(Account).where(Account.scheme_id == scheme_id, Account.name == name)
    )
    if account is None:
        raise missing(f"There is no account {name!r} in {slug}.")
    require_movable("invoice", account)
    return account


def _check_open(account: Account, scheme: Scheme) -> None:
    refusal = {"closed": AccountClosed, "suspended": AccountSuspended}.get(account.status)
    if refusal is not None:
        raise refusal(f"The account {scheme.slug}/{account.name} is {account.status}.")
    if not scheme.is_trading:
        raise SchemeNotTrading(f"{scheme.slug} is {scheme.status}.")


def send_invoice(
    *,
    payer: Account,
    payee: Account,
    amount: Any,
    memo: Any = "",
    actor: Person | None,
    id: Any = None,
) -> tuple[FederatedInvoice, bool]:
    """``payee`` (the sender) asks ``payer``, in another scheme, for ``amount`` of its own
    currency. Checks what a trade would (amount, accounts open, both schemes trading,
    convertible) and writes nothing when a check fails.

    Returns:
        the invoice and True, or the existing one and False when ``id`` is replayed with
        the same fields (``exists_with_different_fields`` otherwise).
    """
    if payer.id == payee.id:
        raise AccountsMustBeDifferent("An account cannot invoice itself.")
    if payer.scheme_id == payee.scheme_id:
        raise SameScheme("Both accounts are in one scheme: use the scheme's own invoices.")
    payer_scheme, payee_scheme = scheme_of(payer.scheme_id), scheme_of(payee.scheme_id)
    minor = payee_scheme.currency.parse(amount).minor
    wanted: dict[str, Any] = {"payer_account_id": payer.id, "payee_account_id": payee.id}
    wanted |= {"amount": minor, "memo": check_memo(memo)}
    invoice_id = None if id is None else parse_id(id)
    existing = db.session.get(FederatedInvoice, invoice_id) if invoice_id else None
    if existing is not None:
        return _replay(existing, wanted, actor), False
    for account, scheme in ((payer, payer_scheme), (payee, payee_scheme)):
        _check_open(account, scheme)
    units.quote(minor, "payee", side(payer_scheme), side(payee_scheme))  # convertible at all
    invoice = FederatedInvoice(
        id=invoice_id or uuid.uuid4(),
        payer_scheme_id=payer.scheme_id,
        payee_scheme_id=payee.scheme_id,
        created_by_id=actor.id if actor else None,
        **wanted,
    )
    try:
        with db.session.begin_nested():  # a concurrent send of the same id may win
            db.session.add(invoice)
    except IntegrityError:
        raced = db.session.get(FederatedInvoice, invoice.id, populate_existing=True)
        if raced is None:
            raise replays.refuse() from None
        return _replay(raced, wanted, actor), False
    return invoice, True


def _replay(
    existing: FederatedInvoice, wanted: dict[str, Any], actor: Person | None
) -> FederatedInvoice:
    """The original invoice, to someone who may read it (the hub: None) and repeats its
    fields; ``replays``' one refusal to anyone else."""
    have = {name: getattr(existing, name) for name in wanted}
    readable = actor is None or may_read(actor, existing)
    return replays.answer(existing, have=have, wanted=wanted, readable=readable)


def may_act(person: Person, invoice: FederatedInvoice, side: str) -> bool:
    """Whether ``person`` acts for the invoice's ``side`` ("payer" or "payee"): its owner,
    or who acts for invoices in that account's scheme."""
    account: Account = getattr(invoice, side)
    return is_owner(person, account) or permissions.can(person, ON_BEHALF, account.scheme_id)


def may_read(person: Person, invoice: FederatedInvoice) -> bool:
    """Who may read an invoice: whoever acts for its payer or its payee."""
    return may_act(person, invoice, "payer") or may_act(person, invoice, "payee")


def scheme_of(scheme_id: int) -> Scheme:
    scheme = db.session.get(Scheme, scheme_id)
    assert scheme is not None  # accounts' foreign keys guarantee it
    return scheme


def side(scheme: Scheme) -> units.Side:
    """A scheme's side of a conversion at its current rate."""
    return units.Side(scheme.currency_decimals, current_rate(scheme))


def quote(invoice: FederatedInvoice) -> units.Quote:
    """What accepting would cost the payer now, at today's rates (the payee gets ``amount``)."""
    return units.quote(
        invoice.amount, "payee", side(invoice.payer_scheme), side(invoice.payee_scheme)
    )


def get_invoice(invoice_id: Any, *, lock: bool = False) -> FederatedInvoice:
    """The invoice; with ``lock``, its row is locked until the unit of work ends."""
    try:
        iid = uuid.UUID(str(invoice_id))
    except ValueError:
        raise InvoiceNotFound(f"There is no invoice {invoice_id!r}.") from None
    query = select(FederatedInvoice).where(FederatedInvoice.id == iid)
    if lock:
        query = query.with_for_update().execution_options(populate_existing=True)
    invoice = db.session.scalar(query)
    if invoice is None:
        raise InvoiceNotFound(f"There is no invoice {invoice_id}.")
    scope.allow(invoice.payer_scheme_id, invoice.payee_scheme_id)
    return invoice


def accept_invoice(invoice_id: Any, *, actor: Person) -> FederatedInvoice:
    """The payer accepts: a trade for exactly ``amount`` of the payee's currency is created
    (pending; the clearing job settles it). Accepting again returns the same trade.

    Raises:
        invoice_not_open when declined or cancelled; the trade's own errors (for example
        exceeds_credit_limit), in which case the invoice stays open.
    """
    invoice = get_invoice(invoice_id, lock=True)
    if invoice.state == "accepted":
        return invoice
    _require_open(invoice)
    trade = trades.create_trade(
        actor,
        payer=f"{invoice.payer_scheme.slug}/{invoice.payer.name}",
        payee=f"{invoice.payee_scheme.slug}/{invoice.payee.name}",
        amount=format_amount(invoice.amount, invoice.payee_scheme.currency_decimals),
        currency="payee",
        memo=invoice.memo or "Invoice",
        trade_id=trade_id_for(invoice.id),
    )
    invoice.trade_id = trade.id
    _decide(invoice, "accepted", actor)
    return invoice


def decline_invoice(invoice_id: Any, *, actor: Person) -> FederatedInvoice:
    invoice = get_invoice(invoice_id, lock=True)
    _require_open(invoice)
    _decide(invoice, "declined", actor)
    return invoice


def cancel_invoice(invoice_id: Any, *, actor: Person) -> FederatedInvoice:
    invoice = get_invoice(invoice_id, lock=True)
    _require_open(invoice)
    _decide(invoice, "cancelled", actor)
    return invoice


def _require_open(invoice: FederatedInvoice) -> None:
    if invoice.state != "open":
        raise InvoiceNotOpen(f"Invoice {invoice.id} is {invoice.state}.")


def _decide(invoice: FederatedInvoice, state: str, actor: Person) -> None:
    invoice.state, invoice.decided_at, invoice.decided_by_id = state, utcnow(), actor.id
    db.session.flush()


def trade_of(invoice: FederatedInvoice) -> Trade | None:
    return db.session.get(Trade, invoice.trade_id) if invoice.trade_id else None


def list_invoices(
    accounts: list[Account], *, role: str | None = None, state: str | None = None, limit: int = 200
) -> list[FederatedInvoice]:
    """Invoices to (``role="payer"``) or from (``"payee"``) any of ``accounts``, newest first."""
    ids = [a.id for a in accounts]
    to_pay = FederatedInvoice.payer_account_id.in_(ids)
    to_be_paid = FederatedInvoice.payee_account_id.in_(ids)
    where = {"payer": to_pay, "payee": to_be_paid}.get(role or "", to_pay | to_be_paid)
    query = select(FederatedInvoice).where(where)
    if state:
        query = query.where(FederatedInvoice.state == state)
    query = query.order_by(FederatedInvoice.created_at.desc(), FederatedInvoice.id)
    return list(db.session.scalars(query.limit(limit)))
