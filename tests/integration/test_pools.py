"""Regional pools: one per network, a scheme of kind ``pool`` in the federation unit, run
by the national body; nobody joins one but by a wind-up's migration."""

from __future__ import annotations

from sqlalchemy import select

from lets_federation.pools.operations import ensure_pool_by_slug
from lets_platform.db import db
from lets_platform.tenancy.models import Scheme
from lets_platform.tenancy.operations import ensure_network
from lets_platform.testing import assert_problem, db_state
from lets_tenants.accounts.models import Account
from lets_tenants.membership.operations import add_member


def _pool() -> Scheme:
    ensure_network("south-west")
    pool = ensure_pool_by_slug("south-west")
    db.session.commit()
    return pool


def test_a_pool_is_a_scheme_in_the_federation_unit_with_its_clearing_account(ctx):
    pool = _pool()

    assert (pool.slug, pool.kind, pool.status) == ("pool-south-west", "pool", "active")
    assert (pool.currency_code, pool.currency_decimals, pool.rate_num, pool.rate_den) == (
        "FED",
        2,
        1,
        1,
    )
    names = db.session.scalars(select(Account.name).where(Account.scheme_id == pool.id))
    assert list(names) == ["federation"]


def test_each_network_has_one_pool(ctx):
    first = _pool()

    assert _pool().id == first.id
    assert db.session.query(Scheme).filter(Scheme.kind == "pool").count() == 1


def test_nobody_joins_a_pool_by_adding_a_member(ctx, api, create_admin, token_for):
    _pool()
    national = api.as_(token_for(create_admin()))
    before = db_state()
    body = {"email": "pat@example.org", "display_name": "Pat", "handle": "pat"}

    response = national.post("/schemes/pool-south-west/members", body)

    assert_problem(response, 409, "pool_not_joinable")
    assert db_state() == before


def test_the_migration_may_open_an_account_in_a_pool(ctx):
    pool = _pool()

    made = add_member(
        pool,
        email="pat@example.org",
        display_name="Pat",
        handle="pat",
        actor=None,
        by_migration=True,
    )

    assert made.handle == "pat"


def test_the_national_body_creates_a_pool_and_anyone_signed_in_lists_them(
    ctx, api, create_admin, token_for, scheme_with_members
):
    ensure_network("north")
    db.session.commit()
    national = api.as_(token_for(create_admin()))
    member = scheme_with_members("wilts").as_["alice"]

    created = national.post("/pools", {"network": "north"})
    listed = member.get("/pools")

    assert created.status_code == 201, created.json
    assert [p["slug"] for p in listed.json] == ["pool-north"]
    assert_problem(member.post("/pools", {"network": "north"}), 403, "not_permitted")


def test_a_pool_for_an_unknown_network_is_refused(ctx, api, create_admin, token_for):
    national = api.as_(token_for(create_admin()))

    assert_problem(national.post("/pools", {"network": "atlantis"}), 404, "network_not_found")
