"""Transfers entered by someone other than the payer (organisers entering paper cheques
and vouchers) and corrections: who may, and the audit entry each leaves. The API and the
organisers' pages both go through here, so the rules are written once."""

from __future__ import annotations

from typing import Any

from lets_platform import permissions
from lets_platform.audit.operations import record
from lets_platform.identity.models import Person
from lets_platform.tenancy.models import Scheme
from lets_tenants.accounts.models import Account
from lets_tenants.accounts.operations import accounts_named, is_owner, require_use
from lets_tenants.ledger import operations as ops

#: The action that lets someone other than the owner pay from an account of each kind.
#: The federation's clearing account moves only through the federation itself: the ledger
#: refuses it to everyone (``account_not_manageable``), the national body included.
PAY_FROM = {
    "member": "transfers.enter_on_behalf",
    "central": "accounts.pay_central",
    "federation": "scheme.provision",
}


def check_may_enter(person: Person, scheme: Scheme, payer: Account | None, channel: str) -> bool:
    """Raise unless ``person`` may pay from ``payer`` (None: not found, for the ledger to
    name) by ``channel``; True when the entry is audited (for someone else, or from paper)."""
    on_behalf = payer is not None and not is_owner(person, payer)
    if payer is not None:
        require_use(person, scheme, payer, PAY_FROM[payer.kind])
    if channel != "online":
        permissions.require(person, "transfers.enter_on_behalf", scheme.id)
    return on_behalf or channel != "online"


def record_entry(person: Person, scheme: Scheme, result: ops.Result, channel: str) -> None:
    """The audit entry of a transfer entered for someone else or from paper (once)."""
    if result.created:
        record(
            "transfer.entered_on_behalf",
            f"transfer:{result.transfer.id}",
            actor_id=person.id,
            scheme_id=scheme.id,
            payer=result.transfer.payer.name,
            channel=channel,
        )


def enter(
    person: Person,
    scheme: Scheme,
    *,
    payer: str,
    payee: str,
    amount: Any,
    memo: str = "",
    channel: str = "cheque",
    id: Any = None,
) -> ops.Result:
    """An organiser enters a transfer for the payer (a cheque, voucher or paper slip).

    Args:
        id: the entry's UUID (a form's hidden field): sending the form twice enters it once.
    Returns:
        the ledger's result; the transfer records who entered it and by which channel,
        and the audit log says so. Only flushes.
    """
    found = accounts_named(scheme, payer, payee)
    check_may_enter(person, scheme, found.get(payer), channel)
    result = ops.transfer(
        scheme,
        payer=payer,
        payee=payee,
        amount=amount,
        memo=memo,
        channel=channel,
        id=id,
        entered_by=person,
        reader=person,
    )
    record_entry(person, scheme, result, channel)
    return result


def correct(
    person: Person,
    scheme: Scheme,
    transfer_id: Any,
    *,
    amount: Any = None,
    memo: str = "",
    id: Any = None,
) -> ops.Result:
    """Correct a posted transfer by a compensating one (``transfers.correct``), audited once."""
    permissions.require(person, "transfers.correct", scheme.id)
    result = ops.correct(
        scheme, transfer_id, entered_by=person, reader=person, amount=amount, memo=memo, id=id
    )
    if result.created:
        record(
            "transfer.corrected",
            f"transfer:{transfer_id}",
            actor_id=person.id,
            scheme_id=scheme.id,
            correction=str(result.transfer.id),
        )
    return result
