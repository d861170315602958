"""The payment in one server-side call (PostgreSQL's ``lets_transfer``, migration 0009)
agrees with the ledger's Python path on every outcome, and ``pay`` is one unit of work.

Each scenario is played twice on fresh schemes: once as the hub runs it (the one call,
falling back to Python only where it declines) and once with the call switched off
(Python alone). The outcome, the refusal's code, message and fields, and every balance
afterwards must be the same.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import func, select

from lets_platform.db import db
from lets_platform.errors import LetsError
from lets_platform.tenancy.models import Scheme
from lets_platform.testing import statements_sent
from lets_tenants.accounts.models import Account
from lets_tenants.ledger import operations as ops
from lets_tenants.ledger.models import Transfer


def _id(scheme: Scheme) -> uuid.UUID:
    """A transfer id of the scenario's own (ids are unique across the hub)."""
    return uuid.uuid5(uuid.NAMESPACE_URL, f"lets-test:{scheme.slug}")


def _set(scheme: Scheme, name: str, **fields: Any) -> None:
    db.session.query(Account).filter_by(scheme_id=scheme.id, name=name).update(fields)
    db.session.commit()


def _pay(scheme: Scheme, payer: str, payee: str, amount: str, **kw: Any) -> Any:
    return ops.pay(scheme, payer=payer, payee=payee, amount=amount, entered_by=None, **kw)


def _hold(scheme: Scheme, payer: str, payee: str, amount: str, **kw: Any) -> Any:
    result = ops.transfer(
        scheme, payer=payer, payee=payee, amount=amount, entered_by=None, pending=True, **kw
    )
    db.session.commit()
    return result


#: name -> (arrange(scheme), act(scheme), the outcome expected: "created" or a code)
SCENARIOS: dict[str, tuple[Callable[[Scheme], None], Callable[[Scheme], Any], str]] = {
    "a payment within the limits": (
        lambda s: None,
        lambda s: _pay(s, "alice", "bob", "12.50"),
        "created",
    ),
    "the payer's credit limit": (
        lambda s: None,
        lambda s: _pay(s, "alice", "bob", "100.01"),
        "exceeds_credit_limit",
    ),
    "the payee's upper limit": (
        lambda s: _set(s, "bob", max_balance=1000),
        lambda s: _pay(s, "alice", "bob", "10.01"),
        "exceeds_upper_limit",
    ),
    "both limits: the payer is named first, whoever was locked first": (
        lambda s: _set(s, "alice", max_balance=0),
        lambda s: _pay(s, "bob", "alice", "100.01"),
        "exceeds_credit_limit",
    ),
    "the wind-up floor": (
        lambda s: _set_status(s, "winding_up"),
        lambda s: _pay(s, "alice", "bob", "0.01"),
        "exceeds_wind_up_limit",
    ),
    "a suspended payer": (
        lambda s: _set(s, "alice", status="suspended"),
        lambda s: _pay(s, "alice", "bob", "1.00"),
        "account_suspended",
    ),
    "a closed payee": (
        lambda s: _set(s, "bob", status="closed"),
        lambda s: _pay(s, "alice", "bob", "1.00"),
        "account_closed",
    ),
    "an unknown payer": (
        lambda s: None,
        lambda s: _pay(s, "zed", "bob", "1.00"),
        "payer_not_found",
    ),
    "an unknown payee": (
        lambda s: None,
        lambda s: _pay(s, "alice", "zed", "1.00"),
        "payee_not_found",
    ),
    "a scheme that is not trading": (
        lambda s: _set_status(s, "closed"),
        lambda s: _pay(s, "alice", "bob", "1.00"),
        "scheme_not_trading",
    ),
    "a hold beyond the credit limit": (
        lambda s: None,
        lambda s: _hold(s, "alice", "bob", "100.01"),
        "exceeds_credit_limit",
    ),
    "a hold within it": (lambda s: None, lambda s: _hold(s, "alice", "bob", "100.00"), "created"),
    "a replay with the same fields": (
        lambda s: _pay(s, "alice", "bob", "5.00", id=_id(s)),
        lambda s: _pay(s, "alice", "bob", "5.00", id=_id(s)),
        "replayed",
    ),
    "a replay at the credit limit still answers the original": (
        lambda s: _pay(s, "alice", "bob", "100.00", id=_id(s)),
        lambda s: _pay(s, "alice", "bob", "100.00", id=_id(s)),
        "replayed",
    ),
    "the same id with other fields": (
        lambda s: _pay(s, "alice", "bob", "5.00", id=_id(s)),
        lambda s: _pay(s, "alice", "bob", "6.00", id=_id(s)),
        "exists_with_different_fields",
    ),
}


def _set_status(scheme: Scheme, status: str) -> None:
    scheme.status = status
    db.session.commit()


def _play(scheme: Scheme, arrange: Callable[..., Any], act: Callable[..., Any]) -> tuple[Any, ...]:
    arrange(scheme)
    try:
        result = act(scheme)
        outcome: tuple[Any, ...] = ("created" if result.created else "replayed",)
    except LetsError as refusal:
        db.session.rollback()
        problem = refusal.to_problem()
        detail = problem["detail"].replace(scheme.slug, "<scheme>")
        detail = detail.replace(str(_id(scheme)), "<id>")
        outcome = (problem["code"], detail, problem.get("available"))
    db.session.commit()
    balances = db.session.execute(
        select(Account.name, Account.balance, Account.held)
        .where(Account.scheme_id == scheme.id)
        .order_by(Account.name)
    ).all()
    transfers = db.session.scalar(
        select(func.count()).select_from(Transfer).where(Transfer.scheme_id == scheme.id)
    )
    return outcome, [tuple(b) for b in balances], transfers


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_the_one_call_and_the_python_path_agree(
    name, postgres_only, create_scheme, create_member, monkeypatch
):
    arrange, act, expected = SCENARIOS[name]
    played = {}
    for path, slug in (("one call", "onecall"), ("python", "python")):
        scheme = create_scheme(slug)
        for handle in ("alice", "bob"):
            create_member(scheme, handle)
        if path == "python":
            monkeypatch.setattr(ops, "_ONE_CALL_DIALECT", "none")
        played[path] = _play(scheme, arrange, act)
    assert played["one call"][0][0] == expected
    assert played["one call"] == played["python"]


def test_pay_is_one_statement_outside_the_session_and_commits_by_itself(
    postgres_only, create_scheme, create_member, balance
):
    scheme = create_scheme()
    for handle in ("alice", "bob"):
        create_member(scheme, handle)
    db.session.commit()
    db.session.refresh(scheme)  # loaded, as a request has it from its scheme lookup
    with statements_sent() as statements:
        result = _pay(scheme, "alice", "bob", "7.25")
    assert statements == []  # the session sent nothing: the one call went on its own
    db.session.rollback()  # nothing of the session's to undo: the payment is committed
    assert result.created and result.transfer.amount == 725
    assert (balance(scheme, "alice"), balance(scheme, "bob")) == (-725, 725)
    assert result.transfer.payer.name == "alice"  # a persistent row, relationships work
    stored = db.session.execute(
        select(*Transfer.__table__.c).where(Transfer.id == result.transfer.id)
    ).one()
    assert {k: getattr(result.transfer, k) for k in stored._fields} == stored._asdict()


def test_the_one_call_sees_only_its_own_schemes_accounts(
    postgres_only, create_scheme, create_member
):
    wiltshire, bright = create_scheme("wiltshire"), create_scheme("bright")
    create_member(wiltshire, "alice")
    create_member(bright, "bob")
    with pytest.raises(LetsError) as refused:
        _pay(wiltshire, "alice", "bob", "1.00")
    assert refused.value.code == "payee_not_found"


def test_pay_on_sqlite_is_transfer_and_commit(backend, create_scheme, create_member, balance):
    scheme = create_scheme()
    for handle in ("alice", "bob"):
        create_member(scheme, handle)
    result = _pay(scheme, "alice", "bob", "3.00")
    db.session.rollback()
    assert result.created
    assert (balance(scheme, "alice"), balance(scheme, "bob")) == (-300, 300)
