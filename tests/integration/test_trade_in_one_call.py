"""A trade started in one server-side call (PostgreSQL's ``lets_start_trade``, migration
0011) agrees with the Python path on every outcome.

Each scenario is played twice on fresh pairs of schemes: once as the hub runs it (the one
call, falling back to Python only where it declines) and once with the call switched off
(Python alone). The outcome, the refusal's code, message and fields, who is recorded as
having started it, and every balance, hold and row count afterwards must be the same.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy import func, select

from lets_federation.trades import operations as trades
from lets_federation.trades.models import Trade
from lets_platform.db import db
from lets_platform.errors import LetsError
from lets_platform.testing import statements_sent
from lets_tenants.accounts.models import Account
from lets_tenants.ledger.models import Transfer

World = SimpleNamespace


def _id(w: World) -> uuid.UUID:
    """A trade id of the scenario's own (ids are unique across the hub)."""
    return uuid.uuid5(uuid.NAMESPACE_URL, f"lets-test:{w.payer_scheme.slug}")


def _start(w: World, person: Any, payer: str = "alice", payee: str = "bob", **kw: Any) -> Any:
    fields = {"amount": "10.00", "currency": "payer", **kw}
    started = trades.start_trade(
        person,
        payer=f"{w.payer_scheme.slug}/{payer}",
        payee=f"{w.payee_scheme.slug}/{payee}",
        **fields,
    )
    db.session.commit()
    return started


def _set(w: World, side: str, name: str, **fields: Any) -> None:
    scheme = w.payer_scheme if side == "payer" else w.payee_scheme
    db.session.query(Account).filter_by(scheme_id=scheme.id, name=name).update(fields)
    db.session.commit()


def _status(w: World, status: str) -> None:
    w.payer_scheme.status = status
    db.session.commit()


#: name -> (arrange(world), act(world), the outcome expected: "created", "replayed" or a code)
SCENARIOS: dict[str, tuple[Callable[[World], Any], Callable[[World], Any], str]] = {
    "the payer starts a trade": (
        lambda w: None,
        lambda w: _start(w, w.alice),
        "created",
    ),
    "the hub starts a trade": (lambda w: None, lambda w: _start(w, None), "created"),
    "the amount named in the payee's currency": (
        lambda w: None,
        lambda w: _start(w, w.alice, amount="7.77", currency="payee"),
        "created",
    ),
    "the payer's credit limit": (
        lambda w: None,
        lambda w: _start(w, w.alice, amount="100.01"),
        "exceeds_credit_limit",
    ),
    "a hold that reaches the limit exactly": (
        lambda w: None,
        lambda w: _start(w, w.alice, amount="100.00"),
        "created",
    ),
    "the payer's scheme winds up": (
        lambda w: _status(w, "winding_up"),
        lambda w: _start(w, w.alice, amount="0.01"),
        "exceeds_wind_up_limit",
    ),
    "the payer's scheme has closed": (
        lambda w: _status(w, "closed"),
        lambda w: _start(w, w.alice),
        "scheme_not_trading",
    ),
    "a suspended payer": (
        lambda w: _set(w, "payer", "alice", status="suspended"),
        lambda w: _start(w, w.alice),
        "account_suspended",
    ),
    "a closed payer": (
        lambda w: _set(w, "payer", "alice", status="closed"),
        lambda w: _start(w, w.alice),
        "account_closed",
    ),
    "a closed payee is for clearing to reject, not for the start": (
        lambda w: _set(w, "payee", "bob", status="closed"),
        lambda w: _start(w, w.alice),
        "created",
    ),
    "an unknown payer": (lambda w: None, lambda w: _start(w, None, payer="zed"), "payer_not_found"),
    "an unknown payee": (lambda w: None, lambda w: _start(w, None, payee="zed"), "payee_not_found"),
    "the federation account as payer": (
        lambda w: None,
        lambda w: _start(w, None, payer="federation"),
        "account_not_manageable",
    ),
    "the federation account as payee": (
        lambda w: None,
        lambda w: _start(w, None, payee="federation"),
        "account_not_manageable",
    ),
    "an organiser for a member": (lambda w: None, lambda w: _start(w, w.carol), "created"),
    "a member from another's account": (
        lambda w: None,
        lambda w: _start(w, w.mallory),
        "not_permitted",
    ),
    "a replay with the same fields": (
        lambda w: _start(w, w.alice, trade_id=_id(w)),
        lambda w: _start(w, w.alice, trade_id=_id(w)),
        "replayed",
    ),
    "a replay at the credit limit still answers the original": (
        lambda w: _start(w, w.alice, amount="100.00", trade_id=_id(w)),
        lambda w: _start(w, w.alice, amount="100.00", trade_id=_id(w)),
        "replayed",
    ),
    "the same id with other fields": (
        lambda w: _start(w, w.alice, trade_id=_id(w)),
        lambda w: _start(w, w.alice, amount="11.00", trade_id=_id(w)),
        "exists_with_different_fields",
    ),
}


def _world(prefix: str, create_scheme: Any, create_member: Any) -> World:
    payer_scheme = create_scheme(f"{prefix}-payer", currency_code="WES", rate="10")
    payee_scheme = create_scheme(f"{prefix}-payee", currency_code="LNK", rate="12")
    return World(
        payer_scheme=payer_scheme,
        payee_scheme=payee_scheme,
        alice=create_member(payer_scheme, "alice"),
        mallory=create_member(payer_scheme, "mallory"),
        carol=create_member(payer_scheme, "carol", organiser=True),
        bob=create_member(payee_scheme, "bob"),
    )


def _play(w: World, arrange: Callable[..., Any], act: Callable[..., Any]) -> tuple[Any, ...]:
    arrange(w)
    try:
        started = act(w)
        trade = started.trade
        outcome: tuple[Any, ...] = (
            "created" if started.created else "replayed",
            trade.state,
            trade.payer,
            (trade.payer_amount, trade.payee_amount, trade.fed_amount),
            trade.created_by_id and db.session.get(type(w.alice), trade.created_by_id).email,
        )
    except LetsError as refusal:
        db.session.rollback()
        problem = refusal.to_problem()
        outcome = (problem["code"], problem["detail"], problem.get("available"))
    db.session.commit()
    ids = (w.payer_scheme.id, w.payee_scheme.id)
    accounts = db.session.execute(
        select(Account.scheme_id == ids[0], Account.name, Account.balance, Account.held)
        .where(Account.scheme_id.in_(ids))
        .order_by(Account.scheme_id, Account.name)
    ).all()
    counts = [
        db.session.scalar(select(func.count()).select_from(Transfer).where(Transfer.scheme_id == i))
        for i in ids
    ]
    counts.append(
        db.session.scalar(
            select(func.count()).select_from(Trade).where(Trade.payer_scheme_id == ids[0])
        )
    )
    text = repr((outcome, [tuple(a) for a in accounts], counts)).replace(str(_id(w)), "<id>")
    for slug in (w.payer_scheme.slug, w.payee_scheme.slug):
        text = text.replace(slug, "<" + slug.split("-")[-1] + ">")
    return outcome[0], text


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_the_one_call_and_the_python_path_agree(
    name, postgres_only, create_scheme, create_member, monkeypatch
):
    arrange, act, expected = SCENARIOS[name]
    played = {}
    for path in ("onecall", "python"):
        w = _world(path, create_scheme, create_member)
        if path == "python":
            monkeypatch.setattr(trades, "_ONE_CALL_DIALECT", "none")
        played[path] = _play(w, arrange, act)
    assert played["onecall"][0] == expected
    assert played["onecall"][1] == played["python"][1]


def test_a_trade_starts_with_one_call_after_reading_the_schemes(
    postgres_only, create_scheme, create_member
):
    """The session reads the schemes (with their rates) and the caller's roles, then makes
    the one call: no account is read, no hold or trade written by a statement of its own."""
    w = _world("count", create_scheme, create_member)
    db.session.commit()
    with statements_sent() as statements:
        started = trades.start_trade(
            w.alice,
            payer="count-payer/alice",
            payee="count-payee/bob",
            amount="2.50",
            currency="payer",
        )
        made = {c: getattr(started.trade, c) for c in [col.key for col in Trade.__table__.c]}
    reads = [s for s in statements if "lets_start_trade" not in s]
    calls = [s for s in statements if "lets_start_trade" in s]
    assert len(calls) == 1
    assert not any(s.lstrip().upper().startswith(("INSERT", "UPDATE")) for s in statements)
    assert not any("FROM accounts" in s or "FROM federation_trades" in s for s in reads)
    db.session.commit()
    made = started.trade
    stored = db.session.execute(select(*Trade.__table__.c).where(Trade.id == made.id)).one()
    # the trade the caller got is the row as stored, every column
    assert {c: getattr(made, c) for c in stored._fields} == stored._asdict()
    assert made.state == "pending" and made.payer == "count-payer/alice"
    assert made.payer_amount == 250
    hold = db.session.scalar(select(Transfer).where(Transfer.id == made.hold_transfer_id))
    assert hold is not None and (hold.state, hold.amount) == ("pending", 250)
