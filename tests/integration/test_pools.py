"""Regional pools: one per network, a scheme of kind ``pool`` in the federation unit, run
by the national body; nobody joins one but by a wind-up's migration."""

from __future__ import annotations

from sqlalchemy import select

from lets_federation.migration.testing import run_to_end
from lets_federation.pools.operations import ensure_pool_by_slug
from lets_platform import invariants
from lets_platform.db import db
from lets_platform.tenancy.models import Scheme
from lets_platform.tenancy.operations import ensure_network
from lets_platform.testing import assert_problem, db_state
from lets_tenants.accounts.models import Account
from lets_tenants.accounts.operations import change_account
from lets_tenants.ledger.operations import transfer
from lets_tenants.membership.models import Membership
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


def _pool_with_balances() -> Scheme:
    """The south-west pool holding pat at -12.00 and sam at +12.00 (FED)."""
    pool = _pool()
    for handle in ("pat", "sam"):
        add_member(
            pool,
            email=f"{handle}@example.org",
            display_name=handle.title(),
            handle=handle,
            actor=None,
            by_migration=True,
        )
    change_account(pool, "pat", min_balance="-100.00", actor=None)
    transfer(pool, payer="pat", payee="sam", amount="12.00", entered_by=None)
    db.session.commit()
    return pool


NEW_SCHEME = {
    "slug": "avon-new",
    "name": "Avon New LETS",
    "currency": {"code": "AVN", "name": "Avons"},
    "rate": "10",
}


def test_provisioning_answers_the_new_scheme_and_the_run_that_moves_the_accounts(
    ctx, api, create_admin, token_for
):
    _pool_with_balances()
    national = api.as_(token_for(create_admin()))

    response = national.post(
        "/pools/pool-south-west/provision", {"scheme": NEW_SCHEME, "handles": ["pat", "sam"]}
    )

    assert response.status_code == 202, response.json
    assert response.json["scheme"]["network"] == "south-west"
    run = response.json["run"]
    assert (run["scheme"], run["kind"], run["state"]) == ("pool-south-west", "provision", "running")
    assert (run["done"], run["total"]) == (0, 2)


def test_the_migration_job_moves_the_selected_pool_accounts_into_the_new_scheme(
    ctx, api, create_admin, token_for, balance
):
    pool = _pool_with_balances()
    national = api.as_(token_for(create_admin()))
    response = national.post(
        "/pools/pool-south-west/provision", {"scheme": NEW_SCHEME, "handles": ["pat", "sam"]}
    )

    run_to_end(response.json["run"]["id"])

    new = db.session.scalars(select(Scheme).where(Scheme.slug == "avon-new")).one()
    assert (balance(new, "pat"), balance(new, "sam")) == (-12000, 12000)
    assert (balance(pool, "pat"), balance(pool, "sam")) == (0, 0)
    statuses = db.session.scalars(
        select(Account.status).where(Account.scheme_id == pool.id, Account.kind == "member")
    )
    assert set(statuses) == {"closed"}
    assert invariants.run_all() == []


def test_members_whose_accounts_moved_have_left_the_pool(ctx, api, create_admin, token_for):
    pool = _pool_with_balances()
    national = api.as_(token_for(create_admin()))
    response = national.post(
        "/pools/pool-south-west/provision", {"scheme": NEW_SCHEME, "handles": ["pat"]}
    )

    run_to_end(response.json["run"]["id"])

    rows = db.session.execute(
        select(Membership.handle, Membership.status).where(Membership.scheme_id == pool.id)
    )
    assert dict(rows.all()) == {"pat": "left", "sam": "active"}


def test_provisioning_with_a_handle_not_in_the_pool_writes_nothing(
    ctx, api, create_admin, token_for
):
    _pool_with_balances()
    national = api.as_(token_for(create_admin()))
    before = db_state()

    response = national.post(
        "/pools/pool-south-west/provision", {"scheme": NEW_SCHEME, "handles": ["pat", "zed"]}
    )

    body = assert_problem(response, 404, "member_not_found")
    assert body["handles"] == ["zed"]
    assert db_state() == before


def test_only_a_pool_provisions_schemes_from_its_accounts(
    ctx, api, create_admin, token_for, scheme_with_members
):
    scheme_with_members("wilts", network="south-west")
    national = api.as_(token_for(create_admin()))

    response = national.post("/pools/wilts/provision", {"scheme": NEW_SCHEME, "handles": ["alice"]})

    assert_problem(response, 404, "not_a_pool")
