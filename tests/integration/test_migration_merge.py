"""Merging a scheme into another: every member and balance moves there through the
federation, converted at the recorded rates, and the merged scheme closes read-only."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from lets_federation.migration import starts
from lets_federation.migration.testing import balances, run_of, run_to_end, sums_to_zero
from lets_platform import invariants
from lets_platform.db import db
from lets_platform.identity.models import RoleGrant
from lets_tenants.accounts.models import Account
from lets_tenants.accounts.operations import open_central_account
from lets_tenants.ledger.operations import transfer
from lets_tenants.membership.models import Membership
from lets_tenants.membership.operations import add_member


@pytest.fixture
def two_schemes(create_scheme, create_member):
    wes = create_scheme("wiltshire", rate="10")
    links = create_scheme("bright", rate="12")
    for handle in ("alice", "bob", "carol"):
        create_member(wes, handle)
    create_member(links, "alice")  # another person: the newcomer gets another handle
    add_member(links, email="carol@wiltshire.test", display_name="Carol", handle="caz", actor=None)
    open_central_account(wes, "admin", "Administration fund", min_balance="-500.00", actor=None)
    transfer(wes, payer="alice", payee="bob", amount="30.00", entered_by=None)
    transfer(wes, payer="admin", payee="carol", amount="12.35", entered_by=None)
    db.session.commit()
    return wes, links


def merge(wes, links) -> None:
    run = starts.start_merge(wes.slug, into=links.slug, actor=None)
    db.session.commit()
    run_to_end(run.id, size=2)


def test_a_merge_moves_each_balance_converted_at_the_rates(two_schemes):
    wes, links = two_schemes
    merge(wes, links)
    there = balances(links)
    assert there["alice-2"] == -3600  # -30.00 WES = -3 hours = -36.00 Links
    assert there["bob"] == 3600
    assert there["caz"] == 1482  # 12.35 WES = 1.235 hours = 14.82 Links
    assert there["wiltshire-admin"] == -1482


def test_a_merged_scheme_closes_every_account_at_zero(two_schemes):
    wes, links = two_schemes
    merge(wes, links)
    db.session.expire_all()
    accounts = db.session.scalars(select(Account).where(Account.scheme_id == wes.id)).all()
    assert {(a.balance, a.held, a.status) for a in accounts} == {(0, 0, "closed")}
    assert wes.status == "closed"
    assert run_of(wes).state == "finished"


def test_a_merge_keeps_every_ledger_zero_sum_and_the_federation_audit_true(two_schemes):
    wes, links = two_schemes
    merge(wes, links)
    assert sums_to_zero(wes) and sums_to_zero(links)
    assert invariants.run_all() == []


def test_memberships_are_created_without_carrying_roles_over(two_schemes, create_member):
    wes, links = two_schemes
    merge(wes, links)
    bob = db.session.scalar(
        select(Membership).where(Membership.scheme_id == links.id, Membership.handle == "bob")
    )
    roles = db.session.scalars(
        select(RoleGrant.role).where(
            RoleGrant.person_id == bob.person_id, RoleGrant.scheme_id == links.id
        )
    ).all()
    assert roles == ["member"]


def test_a_member_of_both_schemes_keeps_one_account_there(two_schemes):
    wes, links = two_schemes
    merge(wes, links)
    carol = db.session.scalars(
        select(Membership).where(Membership.scheme_id == links.id, Membership.handle.like("ca%"))
    ).all()
    assert [m.handle for m in carol] == ["caz"]


def test_starting_a_merge_again_resumes_the_same_run(two_schemes):
    wes, links = two_schemes
    first = starts.start_merge(wes.slug, into=links.slug, actor=None)
    db.session.commit()
    again = starts.start_merge(wes.slug, into=links.slug, actor=None)
    assert again.id == first.id
    run_to_end(first.id)
    assert run_of(wes).total == 4
