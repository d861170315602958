"""REST handlers for transfers: pay, enter on behalf, correct, read, list."""

from __future__ import annotations

from typing import Any

from flask import request

from lets_platform import permissions
from lets_platform.api import API_PREFIX, Blueprint
from lets_platform.identity.models import Person
from lets_platform.tenancy.models import Scheme
from lets_tenants.accounts.models import Account
from lets_tenants.accounts.operations import (
    get_account,
    require_use,
)
from lets_tenants.context import scheme_and_parties, scheme_for
from lets_tenants.ledger import entries
from lets_tenants.ledger import operations as ops
from lets_tenants.ledger.models import Transfer
from lets_tenants.ledger.schemas import (
    CorrectionIn,
    TransferIn,
    TransferListArgs,
    TransferOut,
    TransferPage,
    transfer_out,
)
from lets_tenants.membership.operations import membership_of

blp = Blueprint(
    "transfers",
    __name__,
    url_prefix=API_PREFIX + "/schemes/<scheme>",
    description="Payments within a scheme",
)


@blp.route("/transfers", methods=["POST"])
@blp.arguments(TransferIn)
@blp.response(201, TransferOut)
@blp.alt_response(200, schema=TransferOut, description="A replay: the original transfer")
def create_transfer(body: dict[str, Any], scheme: str) -> tuple[dict[str, Any], int]:
    """Pay from your own account; organisers may enter a transfer for any account
    (paper cheques and vouchers: set ``channel``), and it records who entered it."""
    # the caller, the scheme and both parties at once: the payer's owner decides who may
    # pay, the payee's name is in the answer; a missing one is for the ledger to name
    person, found, parties = scheme_and_parties(
        scheme, "transfers.pay_own", body["payer"], body["payee"]
    )
    audited = entries.check_may_enter(person, found, parties.get(body["payer"]), body["channel"])
    key = request.headers.get("Idempotency-Key")
    transfer_id = body["id"] or (ops.id_from_idempotency_key(found, person, key) if key else None)
    # a member's own payment is the whole unit of work: ``pay`` commits it in one round
    # trip; an entry for someone else is written with its audit entry, in one transaction
    result = (ops.transfer if audited else ops.pay)(
        found,
        payer=body["payer"],
        payee=body["payee"],
        amount=body["amount"],
        memo=body["memo"],
        channel=body["channel"],
        id=transfer_id,
        entered_by=person,
        reader=person,
    )
    if audited:
        entries.record_entry(person, found, result, body["channel"])
    return transfer_out(found, result.transfer), 201 if result.created else 200


@blp.route("/transfers", methods=["GET"])
@blp.arguments(TransferListArgs, location="query")
@blp.response(200, TransferPage)
def list_transfers(args: dict[str, Any], scheme: str) -> dict[str, Any]:
    """Newest first. Members see their own account's transfers; organisers any account's."""
    person, found = scheme_for(scheme, "scheme.read")
    account = _account_to_list(person, found, args["account"])
    rows, cursor = ops.list_transfers(
        found, account=account, limit=args["limit"], cursor=args["cursor"]
    )
    return {"items": [transfer_out(found, t) for t in rows], "next_cursor": cursor}


def _account_to_list(person: Person, scheme: Scheme, name: str | None) -> Account | None:
    if name is not None:
        account = get_account(scheme, name)
        require_use(person, scheme, account, "transfers.read_all")
        return account
    if permissions.can(person, "transfers.read_all", scheme.id):
        return None
    membership = membership_of(person, scheme)
    if membership is None:
        raise permissions.NotPermitted("Name the account whose transfers you want.")
    return get_account(scheme, membership.handle)


@blp.route("/transfers/<transfer_id>", methods=["GET"])
@blp.response(200, TransferOut)
def get_transfer(scheme: str, transfer_id: str) -> dict[str, Any]:
    person, found = scheme_for(scheme, "scheme.read")
    transfer = ops.get_transfer(found, transfer_id)
    _require_party(person, found, transfer)
    return transfer_out(found, transfer)


def _require_party(person: Person, scheme: Scheme, transfer: Transfer) -> None:
    if not ops.may_read(person, scheme, transfer):
        raise ops.TransferNotFound(f"There is no transfer {transfer.id} you can see.")


@blp.route("/transfers/<transfer_id>/correct", methods=["POST"])
@blp.arguments(CorrectionIn)
@blp.response(201, TransferOut)
@blp.alt_response(200, schema=TransferOut, description="A replay: the original correction")
def correct_transfer(body: dict[str, Any], scheme: str, transfer_id: str) -> tuple[Any, int]:
    """Organisers correct a posted transfer by a compensating transfer the other way.

    Like a payment, a correction may carry an ``id`` or an ``Idempotency-Key``: repeating
    it returns the original correction (200) and gives nothing back twice."""
    person, found = scheme_for(scheme, "transfers.correct")
    key = request.headers.get("Idempotency-Key")
    if body["id"] is None and key:
        body["id"] = ops.id_from_idempotency_key(found, person, key)
    result = entries.correct(person, found, transfer_id, **body)
    return transfer_out(found, result.transfer), 201 if result.created else 200
