"""Carrying out a wind-up: every balance, debit or credit, moves through the federation to
the member's chosen scheme or, by default, the regional pool; central accounts go to the
pool; every account closes at zero and the scheme and its wind-up close."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from lets_federation.migration import starts
from lets_federation.migration.models import MigrationItem
from lets_federation.migration.moves import trade_id_for
from lets_federation.migration.testing import balances, run_of, run_to_end, sums_to_zero
from lets_federation.windup.choices import choose
from lets_federation.windup.models import WindUp
from lets_federation.windup.operations import decide
from lets_platform import clock, invariants
from lets_platform.db import db
from lets_platform.tenancy.models import Scheme
from lets_tenants.accounts.models import Account
from lets_tenants.accounts.operations import AccountNotFound, open_central_account
from lets_tenants.ledger.operations import transfer


@pytest.fixture
def winding_up(create_scheme, create_member, fake_clock):
    """wiltshire (WES, 10 per hour) winds up; bright (Links, 12 per hour) is in its network.
    The repayment period is over (its 30 days have passed)."""
    wes = create_scheme("wiltshire", rate="10", network="wessex")
    links = create_scheme("bright", rate="12", network="wessex")
    people = {h: create_member(wes, h) for h in ("alice", "bob", "carol", "dave")}
    open_central_account(wes, "admin", "Administration fund", min_balance="-500.00", actor=None)
    transfer(wes, payer="bob", payee="alice", amount="40.00", entered_by=None)
    transfer(wes, payer="admin", payee="carol", amount="7.77", entered_by=None)
    decide(
        wes,
        votes_for=20,
        votes_against=3,
        deadline=clock.now().date() + timedelta(days=30),
        actor=None,
    )
    choose(wes, actor=people["alice"], destination="bright")
    choose(wes, actor=people["carol"], destination="bright", handle="carol-w")
    db.session.commit()
    fake_clock.advance(days=31)
    return wes, links


def wind_up(wes) -> None:
    run = starts.start_wind_up(wes.slug, actor=None)
    db.session.commit()
    run_to_end(run.id, size=2)


def pool_of(wes) -> Scheme:
    wind = db.session.scalar(select(WindUp).where(WindUp.scheme_id == wes.id))
    return db.session.get_one(Scheme, wind.pool_id)


def test_members_who_chose_a_scheme_are_credited_there_converted(winding_up):
    wes, links = winding_up
    wind_up(wes)
    assert balances(links) == {"federation": -4800 - 932, "alice": 4800, "carol-w": 932}


def test_members_who_did_not_choose_go_to_the_pool_with_their_debit(winding_up):
    wes, _ = winding_up
    wind_up(wes)
    pool = balances(pool_of(wes))
    assert pool["bob"] == -400  # -40.00 WES = -4 hours = -4.00 federation units
    assert pool["dave"] == 0  # a member without a balance still has an account there


def test_central_accounts_balances_go_to_the_pool(winding_up):
    wes, _ = winding_up
    wind_up(wes)
    assert balances(pool_of(wes))["wiltshire-admin"] == -78  # -7.77 WES = -0.777 h -> -0.78


def test_every_account_closes_at_zero_and_the_wind_up_closes(winding_up):
    wes, _ = winding_up
    wind_up(wes)
    accounts = db.session.scalars(select(Account).where(Account.scheme_id == wes.id)).all()
    assert {(a.balance, a.status) for a in accounts} == {(0, "closed")}
    wind = db.session.scalar(select(WindUp).where(WindUp.scheme_id == wes.id))
    assert (wind.state, db.session.get_one(Scheme, wes.id).status) == ("closed", "closed")


def test_every_ledger_stays_zero_sum_and_the_audit_passes(winding_up):
    wes, links = winding_up
    wind_up(wes)
    assert all(sums_to_zero(s) for s in (wes, links, pool_of(wes)))
    assert invariants.run_all() == []


def test_a_batch_run_again_after_it_committed_moves_nothing_twice(winding_up):
    wes, links = winding_up
    run = starts.start_wind_up(wes.slug, actor=None)
    db.session.commit()
    run_to_end(run.id, size=2)
    before = balances(links)
    run_to_end(run.id, size=2)  # a redelivered message after the last batch
    assert balances(links) == before
    assert run_of(wes).done == run_of(wes).total == 5


def test_each_trade_id_derives_from_the_run_and_the_account(winding_up):
    wes, _ = winding_up
    wind_up(wes)
    items = db.session.scalars(select(MigrationItem).where(MigrationItem.balance_before != 0))
    assert all(i.trade_id == trade_id_for(i.run_id, i.account_id) for i in items)


def test_a_scheme_without_a_wind_up_cannot_be_migrated(create_scheme):
    create_scheme("london")
    with pytest.raises(starts.NotWindingUp):
        starts.start_wind_up("london", actor=None)


def test_a_new_scheme_is_provisioned_from_selected_pool_accounts(winding_up, create_scheme):
    wes, _ = winding_up
    wind_up(wes)
    pool = pool_of(wes)
    newtown = create_scheme("newtown", rate="8", network="wessex")
    run = starts.start_provision(pool.slug, into="newtown", members=["bob"], actor=None)
    db.session.commit()
    run_to_end(run.id)
    assert balances(newtown)["bob"] == -3200  # -4.00 hours at 8 per hour
    pool_accounts = {
        a.name: a for a in db.session.scalars(select(Account).where(Account.scheme_id == pool.id))
    }
    assert (pool_accounts["bob"].balance, pool_accounts["bob"].status) == (0, "closed")
    assert pool_accounts["dave"].status == "active"
    assert db.session.get_one(Scheme, pool.id).status == "active"
    assert invariants.run_all() == []


def test_only_a_pools_accounts_provision_a_scheme(winding_up):
    with pytest.raises(starts.ProvisionInvalid):
        starts.start_provision("wiltshire", into="bright", members=["alice"], actor=None)


def test_a_handle_that_is_not_in_the_pool_is_not_found_and_nothing_moves(winding_up, create_scheme):
    wes, _ = winding_up
    wind_up(wes)
    create_scheme("newtown", rate="8", network="wessex")
    with pytest.raises(AccountNotFound):  # alice went to bright, not to the pool
        starts.start_provision(
            pool_of(wes).slug, into="newtown", members=["bob", "alice"], actor=None
        )
    db.session.rollback()
    assert run_of(pool_of(wes)) is None
