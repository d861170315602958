"""The standing pages: the committee terminates a membership for a serious breach after a
check step (WES 3(d)), the member reads why and appeals, the mediation group records its
decision, and the treasurer records sterling fees received. Each page calls the same
operation as the API, refuses by name with nothing written, and is done once however often
its button is pressed."""

from __future__ import annotations

import threading

from sqlalchemy import func, select

from lets_platform.db import db
from lets_platform.errors import LetsError
from lets_platform.identity.models import Person
from lets_platform.identity.operations import grant_role
from lets_platform.mailqueue.models import QueuedMail
from lets_platform.tenancy import scope
from lets_platform.tenancy.operations import get_scheme
from lets_platform.testing import db_state
from lets_tenants.accounts.operations import get_account
from lets_tenants.joining import operations as joining
from lets_tenants.joining import termination as terminations
from lets_tenants.joining.models import Fee, Standing, Termination
from lets_tenants.membership.operations import get_member

TERMINATIONS = "/s/wiltshire/admin/terminations"


def _with_mediator(governed, members: int = 3):
    """Wiltshire with its committee, members m1..mN, and m3 in the mediation group."""
    world = governed("wiltshire", members=members)
    grant_role(world.people["m3"], "mediator", scheme_id=world.scheme.id, granted_by=None)
    db.session.commit()
    return world


def _mail_to(address: str) -> list[QueuedMail]:
    db.session.commit()
    return list(db.session.scalars(select(QueuedMail).where(QueuedMail.to_address == address)))


def _state(world, handle: str) -> str:
    db.session.commit()
    membership = get_member(world.scheme, handle)
    return db.session.scalar(select(Standing.state).where(Standing.membership_id == membership.id))


def _terminate(browser, world, handle: str = "m1", reason: str = "Refused to honour trades"):
    browser.sign_in(world.people["chair"])
    return browser.submit(
        TERMINATIONS + "/confirm", {"member": handle, "reason": reason}, form_page=TERMINATIONS
    )


def test_the_check_step_shows_the_member_and_balance_and_writes_nothing(governed, browser):
    world = _with_mediator(governed)
    world.as_["m1"].post(world.path + "/transfers", {"payer": "m1", "payee": "m2", "amount": "4"})
    browser.sign_in(world.people["chair"])
    before = db_state()

    check = browser.submit(
        TERMINATIONS + "/check",
        {"member": "M1", "reason": "Refused to honour trades"},
        form_page=TERMINATIONS,
    )

    assert check.status_code == 200
    assert "Check before terminating" in check.text and "-4.00 Wiltshire units" in check.text
    assert "Terminate M1&#39;s membership" in check.text or "membership" in check.text
    assert 'name="member" value="m1"' in check.text
    assert "clause 3(d)" in check.text
    assert db_state() == before


def test_the_committee_terminates_once_and_the_member_is_told_why(governed, browser):
    world = _with_mediator(governed)

    done = _terminate(browser, world)
    again = browser.submit(
        TERMINATIONS + "/confirm",
        {"member": "m1", "reason": "Refused to honour trades"},
        form_page=TERMINATIONS,
    )
    listed = browser.get(TERMINATIONS)

    assert done.status_code == 302
    assert _state(world, "m1") == "terminated"
    assert get_account(world.scheme, "m1").status == "suspended"
    assert again.status_code == 422 and "terminated already" in again.text
    assert db.session.scalar(select(func.count()).select_from(Termination)) == 1
    told = _mail_to(world.people["m1"].email)
    assert len(told) == 1 and "Refused to honour trades" in told[0].body
    assert "clause 3(d)" in told[0].body and "the Mediation Group" in told[0].body
    assert "Refused to honour trades" in listed.text and "none" in listed.text


def test_a_termination_refused_says_why_beside_the_field_and_writes_nothing(governed, browser):
    world = _with_mediator(governed)
    browser.sign_in(world.people["chair"])
    before = db_state()

    nobody = browser.submit(
        TERMINATIONS + "/check", {"member": "zed", "reason": "Breach"}, form_page=TERMINATIONS
    )
    unnamed = browser.submit(
        TERMINATIONS + "/check", {"member": "m1", "reason": ""}, form_page=TERMINATIONS
    )
    typed_after_check = browser.submit(
        TERMINATIONS + "/confirm", {"member": "zed", "reason": "Breach"}, form_page=TERMINATIONS
    )

    assert nobody.status_code == 422 and "No member of this scheme has that name" in nobody.text
    assert 'value="zed"' in nobody.text  # what was typed is kept
    assert unnamed.status_code == 422 and "Name the breach" in unnamed.text
    assert typed_after_check.status_code == 422
    assert db_state() == before


def test_only_the_committee_terminates_and_only_the_mediation_group_decides(governed, browser):
    world = _with_mediator(governed)
    browser.sign_in(world.people["m2"])
    member_page = browser.get(TERMINATIONS)
    member_post = browser.submit(
        TERMINATIONS + "/confirm", {"member": "m1", "reason": "x"}, form_page="/s/wiltshire/"
    )
    dashboard = browser.get("/s/wiltshire/")
    browser.sign_in(world.people["m3"])
    mediator_page = browser.get(TERMINATIONS)
    browser.sign_in(world.people["chair"])
    committee_page = browser.get(TERMINATIONS)

    assert member_page.status_code == 403 and member_post.status_code == 403
    assert TERMINATIONS not in dashboard.text
    assert _state(world, "m1") in (None, "active")
    assert mediator_page.status_code == 200 and "Appeals waiting" in mediator_page.text
    assert "Terminate a membership" not in mediator_page.text
    assert committee_page.status_code == 200 and "Terminate a membership" in committee_page.text
    assert "Appeals waiting" not in committee_page.text
    assert TERMINATIONS in committee_page.text  # the nav links it for the committee


def test_the_member_appeals_once_and_the_mediation_group_is_told(governed, browser):
    world = _with_mediator(governed)
    _terminate(browser, world)
    browser.sign_in(world.people["m1"])

    dashboard = browser.get("/s/wiltshire/")
    page = browser.get("/s/wiltshire/termination")
    empty = browser.submit("/s/wiltshire/termination", {"appeal": " "})
    sent = browser.submit("/s/wiltshire/termination", {"appeal": "It was a mix-up"})
    twice = browser.submit(
        "/s/wiltshire/termination", {"appeal": "Again"}, form_page="/s/wiltshire/termination"
    )
    after = browser.get("/s/wiltshire/termination")

    assert "read why and appeal" in dashboard.text
    assert page.status_code == 200 and "Refused to honour trades" in page.text
    assert "clause 3(d)" in page.text and "Send my appeal" in page.text
    assert empty.status_code == 422 and "Say why you appeal" in empty.text
    assert sent.status_code == 302
    assert twice.status_code == 422 and "appealed already" in twice.text
    assert "with the Mediation Group" in after.text and "Send my appeal" not in after.text
    told = _mail_to(world.people["m3"].email)
    assert len(told) == 1 and "It was a mix-up" in told[0].body
    assert db.session.scalar(select(Termination.appeal)) == "It was a mix-up"


def test_an_appeal_with_no_mediator_appointed_goes_to_the_committee(governed, browser):
    world = governed("wiltshire", members=2)
    _terminate(browser, world)
    browser.sign_in(world.people["chair"])
    warning = browser.get(TERMINATIONS)
    browser.sign_in(world.people["m1"])

    browser.submit("/s/wiltshire/termination", {"appeal": "Please reconsider"})

    assert "No one is appointed to the mediation group" in warning.text
    for handle in ("chair", "sec", "tres", "vic", "cm"):
        assert any("Please reconsider" in m.body for m in _mail_to(world.people[handle].email))


def test_the_mediation_group_overturns_and_the_member_is_restored(governed, browser):
    world = _with_mediator(governed)
    _terminate(browser, world)
    browser.sign_in(world.people["m1"])
    browser.submit("/s/wiltshire/termination", {"appeal": "It was a mix-up"})
    termination_id = db.session.scalar(select(Termination.id))
    decide = f"{TERMINATIONS}/{termination_id}/decision"
    prefix = f"decide-{termination_id}-"
    browser.sign_in(world.people["m3"])
    before = db_state()

    undecided = browser.submit(decide, {prefix + "note": "Heard both"}, form_page=TERMINATIONS)
    unchanged = db_state()
    decided = browser.submit(
        decide,
        {prefix + "outcome": "overturned", prefix + "note": "A misunderstanding"},
        form_page=TERMINATIONS,
    )
    again = browser.submit(decide, {prefix + "outcome": "upheld"}, form_page=TERMINATIONS)

    assert undecided.status_code == 422 and "Choose the decision" in undecided.text
    assert 'value="Heard both"' in undecided.text or "Heard both" in undecided.text
    assert unchanged == before
    assert decided.status_code == 302
    assert again.status_code == 422 and "no appeal waiting" in again.text
    assert _state(world, "m1") == "active"
    assert get_account(world.scheme, "m1").status == "active"
    assert db.session.scalar(select(Termination.appeal_outcome)) == "overturned"
    told = [m for m in _mail_to(world.people["m1"].email) if "decided your appeal" in m.subject]
    assert len(told) == 1 and "restored" in told[0].body and "A misunderstanding" in told[0].body
    browser.sign_in(world.people["m1"])
    assert "Your membership was restored" in browser.get("/s/wiltshire/termination").text


def test_an_upheld_termination_stands_and_a_terminated_member_is_not_renewed(governed, browser):
    world = _with_mediator(governed)
    _terminate(browser, world)
    termination = db.session.scalar(select(Termination))
    terminations.appeal(world.scheme, termination, text="No", actor=world.people["m1"])
    terminations.decide_appeal(
        world.scheme, termination, outcome="upheld", note="Clear breach", actor=world.people["m3"]
    )
    db.session.commit()

    renewed = world.as_["m1"].post(f"{world.path}/members/m1/renewal")

    assert _state(world, "m1") == "terminated"
    assert renewed.status_code == 409 and renewed.json["code"] == "membership_terminated"
    browser.sign_in(world.people["m1"])
    page = browser.get("/s/wiltshire/termination")
    assert "upheld" in page.text and "Clear breach" in page.text
    assert "Renew my membership" not in browser.get("/s/wiltshire/").text


def _sterling_due(world, handle: str = "m1") -> Fee:
    world.as_["chair"].post(
        f"{world.path}/constitution/committee-changes", {"changes": {"fee_sterling": "6.50"}}
    )
    joining.charge_fees(world.scheme, get_member(world.scheme, handle), actor=None)
    db.session.commit()
    return db.session.scalar(select(Fee).where(Fee.currency == "sterling"))


def test_the_treasurer_records_a_sterling_fee_paid_once(governed, browser):
    world = governed("wiltshire", members=2)
    fee = _sterling_due(world)
    browser.sign_in(world.people["tres"])
    fees = "/s/wiltshire/admin/fees"

    page = browser.get(fees)
    recorded = browser.submit(f"{fees}/{fee.id}/paid", {}, form_page=fees)
    shown = browser.get(fees)
    twice = browser.submit(f"{fees}/{fee.id}/paid", {}, form_page=fees)
    after = browser.get(fees)

    assert page.status_code == 200 and "Record £6.50 from M1 as paid" in page.text
    assert "1 fee due, £6.50 in all" in page.text
    assert recorded.status_code == 302 and twice.status_code == 302
    assert "Recorded: £6.50 from M1 is paid" in shown.text
    assert "No sterling fee is due" in shown.text and "Sterling recorded lately" in shown.text
    assert "£6.50 from M1 was recorded as paid already, on" in after.text
    db.session.commit()
    assert db.session.scalar(select(Fee.state).where(Fee.id == fee.id)) == "paid"


def test_only_those_who_keep_fees_see_the_fees_page(governed, browser):
    world = governed("wiltshire", members=2)
    fee = _sterling_due(world)
    browser.sign_in(world.people["m2"])
    before = db_state()

    page = browser.get("/s/wiltshire/admin/fees")
    post = browser.submit(f"/s/wiltshire/admin/fees/{fee.id}/paid", {}, form_page="/s/wiltshire/")

    assert page.status_code == 403 and post.status_code == 403
    assert db_state() == before


def _race(app, count: int, work) -> list[str]:
    """Run ``work(scheme)`` in ``count`` threads, each committing on its own: on PostgreSQL
    they start together; SQLite (one writer at a time) takes them as they come."""
    outcomes: list[str] = []
    together = db.engine.dialect.name == "postgresql"
    start = threading.Barrier(count if together else 1)

    def run() -> None:
        with app.app_context():
            scope.allow_all()
            try:
                start.wait()
                work(get_scheme("wiltshire"))
                db.session.commit()
                outcomes.append("done")
            except LetsError as error:
                db.session.rollback()
                outcomes.append(error.code)
            finally:
                db.session.remove()

    db.session.commit()  # the test's own transaction holds no lock while they run
    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(outcomes)


def test_racing_treasurers_record_a_fee_once(governed, app):
    world = governed("wiltshire", members=1)
    fee_id = _sterling_due(world).id
    treasurer = world.people["tres"].id

    outcomes = _race(
        app,
        4,
        lambda scheme: joining.record_sterling_paid(
            scheme, fee_id, actor=db.session.get_one(Person, treasurer)
        ),
    )

    assert outcomes == ["done"] + ["fee_not_due"] * 3
    paid = db.session.scalar(
        select(func.count()).select_from(Fee).where(Fee.id == fee_id, Fee.state == "paid")
    )
    assert paid == 1


def test_racing_committee_members_terminate_once_and_mediators_decide_once(governed, app):
    world = _with_mediator(governed)
    chair, m1, m3 = (world.people[h].id for h in ("chair", "m1", "m3"))

    terminated = _race(
        app,
        4,
        lambda scheme: terminations.terminate(
            scheme, "m1", reason="Breach", actor=db.session.get_one(Person, chair)
        ),
    )
    termination_id = db.session.scalar(select(Termination.id))
    appealed = _race(
        app,
        3,
        lambda scheme: terminations.appeal(
            scheme,
            terminations.get_termination(scheme, termination_id),
            text="Mix-up",
            actor=db.session.get_one(Person, m1),
        ),
    )
    decided = _race(
        app,
        3,
        lambda scheme: terminations.decide_appeal(
            scheme,
            terminations.get_termination(scheme, termination_id),
            outcome="overturned",
            note="",
            actor=db.session.get_one(Person, m3),
        ),
    )

    assert terminated == ["done"] + ["termination_not_allowed"] * 3
    assert appealed == ["appeal_invalid"] * 2 + ["done"]
    assert decided == ["appeal_invalid"] * 2 + ["done"]
    assert db.session.scalar(select(func.count()).select_from(Termination)) == 1
    assert len(_mail_to(world.people["m1"].email)) == 2  # terminated, decided: once each
