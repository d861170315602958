"""A payment request enters its scheme in one server-side call (PostgreSQL's
``lets_enter``, migration 0012): the caller, the scheme, the caller's roles and both
parties in one round trip, then the payment in one more; and it answers every request
exactly as the Python lookups do.

Each scenario is played twice on fresh schemes: once as the hub runs it, once with the
call switched off (the session's own lookups). The status, the answer (ids and times
aside) and every balance afterwards must be the same.
"""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy import select

from lets_platform.db import db, utcnow
from lets_platform.identity.models import ApiToken
from lets_platform.testing import statements_sent
from lets_tenants import context
from lets_tenants.accounts.models import Account
from lets_tenants.accounts.operations import open_central_account

W = SimpleNamespace


def _pay(w: W, who: str, payer: str = "alice", payee: str = "bob", **body: Any) -> Any:
    client = w.as_[who] if who in w.as_ else w.api.as_(who)
    path = body.pop("path", w.path)
    return client.post(
        path + "/transfers", {"payer": payer, "payee": payee, "amount": "1.25", **body}
    )


def _revoke_tokens(person: Any) -> None:
    db.session.query(ApiToken).filter_by(person_id=person.id).update({"revoked_at": utcnow()})
    db.session.commit()


def _status(w: W, status: str) -> None:
    w.scheme.status = status
    db.session.commit()


#: name -> (arrange(world), act(world) -> response, the status expected)
SCENARIOS: dict[str, tuple[Callable[[W], Any], Callable[[W], Any], int]] = {
    "a member pays": (lambda w: None, lambda w: _pay(w, "alice"), 201),
    "an organiser enters a payment for a member": (
        lambda w: None,
        lambda w: _pay(w, "olive", channel="cheque"),
        201,
    ),
    "an organiser pays from a central account": (
        lambda w: open_central_account(
            w.scheme, name="fund", title="Fund", min_balance="-50.00", actor=None
        ),
        lambda w: _pay(w, "olive", payer="fund"),
        201,
    ),
    "a member pays from another's account": (lambda w: None, lambda w: _pay(w, "bob"), 403),
    "a member of another scheme": (
        lambda w: None,
        lambda w: _pay(w, "zoe", payer="zoe"),
        403,
    ),
    "an unknown payer": (lambda w: None, lambda w: _pay(w, "olive", payer="zed"), 404),
    "an unknown payee": (lambda w: None, lambda w: _pay(w, "alice", payee="zed"), 404),
    "an unknown scheme": (lambda w: None, lambda w: _pay(w, "alice", path="/schemes/nowhere"), 404),
    "no token": (lambda w: None, lambda w: _pay(w, None), 401),
    "a token that is not one": (lambda w: None, lambda w: _pay(w, "lets_nonsense"), 401),
    "a revoked token": (
        lambda w: _revoke_tokens(w.people["alice"]),
        lambda w: _pay(w, "alice"),
        401,
    ),
    "a closed scheme's books are read-only": (
        lambda w: _status(w, "closed"),
        lambda w: _pay(w, "alice"),
        409,
    ),
    "the payer's credit limit": (
        lambda w: None,
        lambda w: _pay(w, "alice", amount="100.01"),
        422,
    ),
}


@pytest.fixture
def world(scheme_with_members, create_scheme, create_member, token_for, api):
    def make(slug: str) -> W:
        w = scheme_with_members(slug)
        other = create_scheme(f"{slug}-other")
        zoe = create_member(other, "zoe")
        w.as_["zoe"] = api.as_(token_for(zoe))
        w.api = api
        return w

    return make


def _played(w: W, arrange: Callable[..., Any], act: Callable[..., Any]) -> tuple[Any, ...]:
    arrange(w)
    db.session.commit()
    response = act(w)
    body = response.json or {}
    answer = {k: v for k, v in body.items() if k not in ("id", "created_at", "posted_at")}
    text = repr(answer).replace(w.slug, "<scheme>")
    balances = db.session.execute(
        select(Account.name, Account.balance)
        .where(Account.scheme_id == w.scheme.id)
        .order_by(Account.name)
    ).all()
    return response.status_code, text, [tuple(b) for b in balances]


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_the_one_call_and_the_python_lookups_agree(name, postgres_only, world, monkeypatch):
    arrange, act, expected = SCENARIOS[name]
    played = {}
    for path in ("onecall", "python"):
        w = world(path)
        if path == "python":
            monkeypatch.setattr(context, "_ENTER_DIALECT", "none")
        played[path] = _played(w, arrange, act)
    assert played["onecall"][0] == expected, played["onecall"]
    assert played["onecall"] == played["python"]


def test_a_members_payment_is_two_calls_and_no_statement_of_the_sessions(
    postgres_only, world, balance
):
    """Entering (``lets_enter``) and paying (``lets_transfer``) each go alone, in
    autocommit; the request's session sends nothing at all, not even a COMMIT."""
    w = world("count")
    db.session.commit()
    with statements_sent() as statements:
        response = _pay(w, "alice")
    assert response.status_code == 201, response.json
    assert statements == [], statements
    assert response.json["entered_by"] == "alice@count.test"
    assert (balance(w.scheme, "alice"), balance(w.scheme, "bob")) == (-125, 125)
