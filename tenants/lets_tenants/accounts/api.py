"""REST handlers for accounts: read (owner, organiser), open central ones, change limits."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from lets_platform.api import API_PREFIX, Blueprint
from lets_platform.db import db
from lets_tenants.accounts import operations as ops
from lets_tenants.accounts.models import Account
from lets_tenants.accounts.schemas import AccountOut, AccountPatch, CentralAccountIn, account_out
from lets_tenants.context import scheme_for

blp = Blueprint(
    "accounts",
    __name__,
    url_prefix=API_PREFIX + "/schemes/<scheme>",
    description="Accounts: balances and limits",
)


@blp.route("/accounts", methods=["GET"])
@blp.response(200, AccountOut(many=True))
def list_accounts(scheme: str) -> list[dict[str, Any]]:
    _, found = scheme_for(scheme, "accounts.read_any")
    accounts = db.session.scalars(
        select(Account).where(Account.scheme_id == found.id).order_by(Account.kind, Account.name)
    )
    return [account_out(found, a) for a in accounts]


@blp.route("/accounts", methods=["POST"])
@blp.arguments(CentralAccountIn)
@blp.response(201, AccountOut)
def open_central_account(body: dict[str, Any], scheme: str) -> dict[str, Any]:
    person, found = scheme_for(scheme, "accounts.open_central")
    account = ops.open_central_account(
        found,
        body["name"],
        body["title"],
        actor=person,
        min_balance=body["min_balance"],
        max_balance=body["max_balance"],
    )
    return account_out(found, account)


@blp.route("/accounts/<account>", methods=["GET"])
@blp.response(200, AccountOut)
def get_account(scheme: str, account: str) -> dict[str, Any]:
    person, found = scheme_for(scheme, "scheme.read")
    target = ops.get_account(found, account)
    ops.require_use(person, found, target, "accounts.read_any")
    return account_out(found, target)


@blp.route("/accounts/<account>", methods=["PATCH"])
@blp.arguments(AccountPatch)
@blp.response(200, AccountOut)
def change_account(body: dict[str, Any], scheme: str, account: str) -> dict[str, Any]:
    person, found = scheme_for(scheme, "accounts.manage")
    changed = ops.change_account(found, account, actor=person, **body)
    return account_out(found, changed)
