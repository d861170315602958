"""Termination and appeal in a real browser (WES 3(d)): the chair terminates a member for a
serious breach after the check page, the member reads why on their dashboard and appeals,
the mediation group overturns it and the member pays again; the treasurer records a
sterling fee received. axe-core checks each page; screenshots at 390 and 1280 px."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from lets_platform.db import db
from lets_platform.identity.operations import grant_role
from lets_platform.web.testing import (
    axe_violations,
    no_horizontal_scroll,
    screenshot,
    sign_in_page,
)
from lets_tenants.constitution.operations import change_by_committee
from lets_tenants.joining import operations as joining
from lets_tenants.membership.operations import get_member


def _checked(page, name: str) -> None:
    """No serious accessibility fault, nothing wider than a phone, and the pictures."""
    assert axe_violations(page) == [], name
    screenshot(page, name)
    page.set_viewport_size({"width": 390, "height": 800})
    assert no_horizontal_scroll(page), name
    page.set_viewport_size({"width": 1280, "height": 900})


def _wiltshire(scheme_with_members):
    world = scheme_with_members(
        "wiltshire", handles=("chair", "dora", "mo", "tess"), constitution="wiltshire"
    )
    for handle, role in (("chair", "chair"), ("mo", "mediator"), ("tess", "treasurer")):
        grant_role(world.people[handle], role, scheme_id=world.scheme.id, granted_by=None)
    db.session.commit()
    return world


def test_terminated_appealed_overturned_then_paying_again(page, scheme_with_members, balance):
    world = _wiltshire(scheme_with_members)

    sign_in_page(page, world.people["chair"])
    page.get_by_role("link", name="Terminations").click()
    page.get_by_label("Member (name or handle)").fill("dora")
    page.get_by_role("button", name="Check before terminating").click()
    assert page.get_by_text("Name the breach").first.is_visible()
    page.get_by_label("The serious breach").fill("Took payment for work never done, twice")
    page.get_by_role("button", name="Check before terminating").click()
    assert page.get_by_role("heading", name="Check before terminating").is_visible()
    _checked(page, "standing-termination-check")
    page.get_by_role("button", name="Terminate Dora's membership").click()
    assert page.get_by_text("Dora's membership is terminated").is_visible()
    _checked(page, "standing-terminations")
    page.context.clear_cookies()

    sign_in_page(page, world.people["dora"])
    page.get_by_role("link", name="read why and appeal").click()
    assert page.get_by_text("Took payment for work never done, twice").is_visible()
    page.get_by_role("button", name="Send my appeal").click()
    assert page.get_by_text("Say why you appeal").first.is_visible()
    _checked(page, "standing-appeal-refused")
    page.get_by_label("Why the termination should be overturned").fill(
        "The second job was done on Saturday: Mo saw it."
    )
    page.get_by_role("button", name="Send my appeal").click()
    assert page.get_by_text("Your appeal is sent").is_visible()
    assert page.get_by_text("Your appeal is with the Mediation Group").is_visible()
    page.context.clear_cookies()

    sign_in_page(page, world.people["mo"])
    page.get_by_role("link", name="Terminations").click()
    _checked(page, "standing-appeal-waiting")
    page.get_by_label("Overturned: the membership and account are restored").check()
    page.get_by_label("The reasons, as the member will read them").fill(
        "The work was done; a misunderstanding over dates."
    )
    page.get_by_role("button", name="Record the decision on Dora's appeal").click()
    assert page.get_by_text("Dora is restored").is_visible()
    page.context.clear_cookies()

    sign_in_page(page, world.people["dora"])
    page.goto("/s/wiltshire/termination")
    assert page.get_by_role("heading", name="Your membership was restored").is_visible()
    _checked(page, "standing-appeal-decided")
    page.goto("/s/wiltshire/pay")
    page.get_by_label("Who are you paying?").fill("mo")
    page.get_by_label("Amount").fill("3.00")
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name="Pay 3.00 Wiltshire units").click()
    assert balance(world.scheme, "dora") == -300


def test_the_treasurer_records_a_sterling_fee_received(page, scheme_with_members):
    world = _wiltshire(scheme_with_members)
    change_by_committee(world.scheme, {"fee_sterling": "5.00"}, actor=None, note="Fees for 2027")
    for handle in ("dora", "mo"):
        joining.charge_fees(world.scheme, get_member(world.scheme, handle), actor=None)
    db.session.commit()

    sign_in_page(page, world.people["tess"])
    page.get_by_role("link", name="Fees").click()
    assert page.get_by_text("2 fees due, £10.00 in all").is_visible()
    _checked(page, "standing-fees")
    page.get_by_role("button", name="Record £5.00 from Dora as paid").dblclick()
    # The second press finds it paid: either way the page says so, and it is paid once.
    said = re.compile(r"£5\.00 from Dora (is paid|was recorded as paid)")
    expect(page.get_by_text(said)).to_be_visible()
    expect(page.get_by_text("1 fee due, £5.00 in all")).to_be_visible()
    assert page.get_by_role("button", name="Record £5.00 from Mo as paid").is_visible()
    paid = [f for f in joining.fees_of(world.scheme) if f.state == "paid"]
    assert [f.membership.handle for f in paid] == ["dora"]
