"""Only the federation moves a scheme's federation clearing account: every other operation
that moves money (or asks for it) refuses the account as payer and as payee with
``account_not_manageable``, writes nothing, and the audit still passes. The database
refuses such a transfer row too, whoever writes it."""

from __future__ import annotations

import io
import uuid
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy import func, insert, select, text
from sqlalchemy.exc import DBAPIError

from lets_federation.trades.operations import create_trade, settle
from lets_platform import invariants
from lets_platform.cli import main
from lets_platform.db import db, utcnow
from lets_platform.errors import LetsError
from lets_tenants.accounts.models import Account
from lets_tenants.accounts.operations import open_central_account
from lets_tenants.invoices.models import Invoice
from lets_tenants.ledger import operations as ledger
from lets_tenants.ledger.models import Transfer

FEDERATION = "federation"
VERSIONS = Path(__file__).parents[2] / "migrations" / "versions"


@pytest.fixture
def hub(scheme_with_members, create_scheme, create_member, create_admin, token_for, api):
    """wiltshire (alice, bob, organiser olive, central account ``admin``) and bright (carol);
    alice paid carol 10.00 WES in a cleared trade, so each scheme has a trade leg."""
    wes = scheme_with_members("wiltshire", rate="10")
    bright = create_scheme("bright", rate="12")
    carol = create_member(bright, "carol")
    open_central_account(wes.scheme, "admin", "Fund", min_balance="-500.00", actor=None)
    trade = create_trade(
        wes.people["alice"],
        payer="wiltshire/alice",
        payee="bright/carol",
        amount="10.00",
        currency="payer",
    )
    db.session.commit()
    settle(trade.id)
    db.session.commit()
    return SimpleNamespace(
        wes=wes,
        bright=bright,
        trade=db.session.get(type(trade), trade.id),
        admin=api.as_(token_for(create_admin())),
        carol=api.as_(token_for(carol)),
        olive=wes.as_["olive"],
        alice=wes.as_["alice"],
    )


def _parties(side: str, other: str) -> tuple[str, str]:
    return (FEDERATION, other) if side == "payer" else (other, FEDERATION)


def _code(response: Any) -> str:
    assert response.status_code >= 400, response.json
    return response.json["code"]


def transfer_own(hub, side):
    """A member's own payment (``pay``: one round trip on PostgreSQL)."""
    payer, payee = _parties(side, "alice")
    client = hub.alice if side == "payee" else hub.admin  # none but the hub may pay from it
    return _code(
        client.post(
            "/schemes/wiltshire/transfers", {"payer": payer, "payee": payee, "amount": "1.00"}
        )
    )


def transfer_entered(hub, side, channel="online", other="alice", who="admin"):
    payer, payee = _parties(side, other)
    body = {"payer": payer, "payee": payee, "amount": "1.00", "channel": channel}
    return _code(getattr(hub, who).post("/schemes/wiltshire/transfers", body))


def transfer_paper_by_organiser(hub, side):
    who = "olive" if side == "payee" else "admin"  # an organiser pays from no such account
    return transfer_entered(hub, side, channel="paper", who=who)


def transfer_central(hub, side):
    return transfer_entered(hub, side, other="admin")


def invoice_send(hub, side):
    payer, payee = _parties(side, "alice")
    body = {"payer": payer, "payee": payee, "amount": "1.00"}
    return _code(hub.admin.post("/schemes/wiltshire/invoices", body))


def invoice_accept(hub, side):
    """An invoice that names the account (one written before the rule) cannot be paid."""
    accounts = {
        a.name: a
        for a in db.session.scalars(select(Account).where(Account.scheme_id == hub.wes.scheme.id))
    }
    payer, payee = _parties(side, "alice")
    invoice = Invoice(
        scheme_id=hub.wes.scheme.id,
        sender_id=accounts[payee].id,
        payer_id=accounts[payer].id,
        amount=100,
        memo="old",
    )
    db.session.add(invoice)
    db.session.commit()
    return _code(hub.admin.post(f"/schemes/wiltshire/invoices/{invoice.id}/accept"))


def correction(hub, side):
    """Correcting a trade's leg: the payer's leg (the correction pays from the federation
    account) or the payee's (the correction pays into it)."""
    if side == "payer":
        leg = hub.trade.hold_transfer_id
        return _code(hub.admin.post(f"/schemes/wiltshire/transfers/{leg}/correct", {}))
    leg = hub.trade.payee_leg_id
    return _code(hub.admin.post(f"/schemes/bright/transfers/{leg}/correct", {}))


def cli_transfer(hub, side):
    payer, payee = _parties(side, "alice")
    result = hub.cli.invoke(main, ["transfers", "create", "wiltshire", payer, payee, "1.00"])
    assert result.exit_code == 1, result.output
    return result.output.split("error: ")[1].split(":")[0]


def federation_trade(hub, side):
    payer, payee = (
        ("wiltshire/federation", "bright/carol")
        if side == "payer"
        else ("wiltshire/alice", "bright/federation")
    )
    body = {"payer": payer, "payee": payee, "amount": "1.00", "currency": "payer"}
    return _code(hub.admin.post("/federation/trades", body))


def federation_invoice(hub, side):
    payer, payee = (
        ("wiltshire/federation", "bright/carol")
        if side == "payer"
        else ("wiltshire/alice", "bright/federation")
    )
    body = {"payer": payer, "payee": payee, "amount": "1.00"}
    return _code(hub.admin.post("/federation/invoices", body))


def ledger_call(kind):
    def call(hub, side):
        payer, payee = _parties(side, "alice")
        with pytest.raises(LetsError) as refused:
            ledger.transfer(
                hub.wes.scheme, payer=payer, payee=payee, amount="1.00", entered_by=None, kind=kind
            )
        db.session.rollback()
        return refused.value.code

    call.__name__ = f"ledger_transfer_{kind}"
    return call


def ledger_pay(hub, side):
    payer, payee = _parties(side, "alice")
    with pytest.raises(LetsError) as refused:
        ledger.pay(hub.wes.scheme, payer=payer, payee=payee, amount="1.00", entered_by=None)
    db.session.rollback()
    return refused.value.code


#: Every operation that moves money, or asks for money to be moved.
OPERATIONS = [
    transfer_own,
    transfer_entered,
    transfer_paper_by_organiser,
    transfer_central,
    invoice_send,
    invoice_accept,
    correction,
    cli_transfer,
    federation_trade,
    federation_invoice,
    ledger_call("payment"),
    ledger_call("invoice"),
    ledger_call("correction"),
    ledger_pay,
]


def _books() -> tuple[Any, ...]:
    db.session.expire_all()
    balances = tuple(
        db.session.execute(select(Account.id, Account.balance, Account.held).order_by(Account.id))
    )
    return balances, db.session.scalar(select(func.count()).select_from(Transfer))


@pytest.mark.parametrize("side", ["payer", "payee"])
@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda op: op.__name__)
def test_every_operation_refuses_the_federation_account_on_either_side(hub, ctx, operation, side):
    hub.cli = ctx.test_cli_runner()
    before = _books()

    assert operation(hub, side) == "account_not_manageable"

    assert _books() == before
    assert invariants.run_all() == []


def test_an_import_cannot_name_the_federation_account(hub):
    accounts = "handle,display_name,email,balance\nfederation,Fed,fed@x.test,5.00\n"
    response = hub.olive.call(
        "POST",
        "/schemes/wiltshire/imports",
        data={"accounts": (io.BytesIO(accounts.encode()), "accounts.csv")},
        content_type="multipart/form-data",
        headers=hub.olive._headers(None),
    )
    assert response.status_code == 422
    assert "handle_reserved" in str(response.json)


def test_the_federations_own_transfers_still_move_it(hub):
    """The trade of the fixture cleared: its legs moved both federation accounts."""
    db.session.expire_all()
    fed = {
        s: db.session.scalar(
            select(Account.balance).where(Account.scheme_id == s.id, Account.name == FEDERATION)
        )
        for s in (hub.wes.scheme, hub.bright)
    }
    assert fed == {hub.wes.scheme: 1000, hub.bright: -1200}
    assert invariants.run_all() == []


@pytest.mark.parametrize("side", ["payer", "payee"])
def test_the_database_refuses_a_raw_transfer_row_that_moves_it(hub, side):
    ids = dict(
        db.session.execute(
            select(Account.name, Account.id).where(Account.scheme_id == hub.wes.scheme.id)
        ).all()
    )
    payer, payee = _parties(side, "alice")
    row = {
        "id": uuid.uuid4(),
        "scheme_id": hub.wes.scheme.id,
        "payer_id": ids[payer],
        "payee_id": ids[payee],
        "amount": 100,
        "memo": "",
        "state": "posted",
        "kind": "payment",
        "channel": "paper",
        "created_at": utcnow(),
        "posted_at": utcnow(),
    }
    with pytest.raises(DBAPIError, match="account_not_manageable"):
        db.session.execute(insert(Transfer), [row])
    db.session.rollback()


def test_the_database_lets_a_federation_leg_through(hub):
    ids = dict(
        db.session.execute(
            select(Account.name, Account.id).where(Account.scheme_id == hub.wes.scheme.id)
        ).all()
    )
    row = {
        "id": uuid.uuid4(),
        "scheme_id": hub.wes.scheme.id,
        "payer_id": ids["bob"],
        "payee_id": ids[FEDERATION],
        "amount": 100,
        "memo": "",
        "state": "pending",
        "kind": "federation",
        "channel": "online",
        "created_at": utcnow(),
    }
    db.session.execute(insert(Transfer), [row])
    db.session.rollback()


@pytest.mark.parametrize(
    ("function", "path"),
    [
        ("lets_transfer", "0013_lets_transfer.sql"),
        ("lets_transfers_federation_only", "0013_transfers_federation_only.sql"),
    ],
)
def test_the_server_side_functions_are_the_text_of_their_files(postgres_only, function, path):
    live = db.session.scalar(text(f"SELECT pg_get_functiondef('{function}'::regproc)"))
    assert live.strip() == (VERSIONS / path).read_text().strip()
