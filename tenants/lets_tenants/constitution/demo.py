"""Demo data for constitutions: each demo scheme's committee, and in Wiltshire a past AGM
with its attendance, a passed constitution change and published minutes, an open ballot,
an open EGM request, a budget with a pending claim, an application waiting, renewals with
sterling fees due (one recorded paid), and a member terminated whose appeal waits for the
mediation group."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from flask import current_app
from sqlalchemy import select

from lets_platform import clock
from lets_platform.demo import DemoContext
from lets_platform.identity.models import Person
from lets_platform.identity.operations import add_person, grant_role
from lets_platform.tenancy.models import Scheme
from lets_tenants.claims.operations import create_budget, submit
from lets_tenants.constitution.operations import change_by_committee, current
from lets_tenants.governance import ballots, egm, meetings
from lets_tenants.joining.operations import apply, charge_fees, fees_of, record_sterling_paid
from lets_tenants.joining.termination import appeal, terminate
from lets_tenants.membership.operations import add_member, get_member

ROLES = {
    "wiltshire": [
        ("alice", "chair"),
        ("alice", "mediator"),
        ("carol", "secretary"),
        ("dave", "treasurer"),
        ("erin", "vice_chair"),
        ("erin", "membership_secretary"),
        ("frank", "committee_member"),
    ],
    "bright": [
        ("bob", "chair"),
        ("gita", "secretary"),
        ("hal", "treasurer"),
        ("bea", "membership_secretary"),
        ("hal", "mediator"),
    ],
    "london": [
        ("ines", "chair"),
        ("jo", "secretary"),
        ("kofi", "treasurer"),
        ("lena", "membership_secretary"),
        ("jo", "local_organiser"),
    ],
}
MORE_WILTSHIRE = [
    ("gina", "Gina Green"),
    ("hugo", "Hugo Hart"),
    ("ivy", "Ivy Irons"),
    ("jack", "Jack Jones"),
    ("kim", "Kim King"),
]


def _person(scheme: Scheme, handle: str) -> Person:
    return get_member(scheme, handle).person


def seed(context: DemoContext) -> None:
    national = context.people["nadia"]
    for slug, roles in ROLES.items():
        scheme = _scheme(slug)
        for handle, role in roles:
            grant_role(_person(scheme, handle), role, scheme_id=scheme.id, granted_by=national)
    wiltshire = _scheme("wiltshire")
    for handle, name in MORE_WILTSHIRE:
        add_member(
            wiltshire, email=f"{handle}@demo.lets", display_name=name, handle=handle, actor=national
        )
    carol = _person(wiltshire, "carol")
    change_by_committee(
        wiltshire,
        {"fee_local": "2.00", "fee_sterling": "5.00"},
        actor=carol,
        note="Fees for 2026 set by the committee (3(b)).",
    )
    _past_agm(wiltshire, carol)
    _open_business(wiltshire, carol)
    _standing(wiltshire)
    context.notes.append(
        "Constitutions: each demo scheme runs on its own template (GET /api/v1/schemes/"
        "wiltshire/constitution). Wiltshire held an AGM 40 days ago (minutes published, a "
        "constitution change passed: EGM notice of ten days), has an open ballot, an open EGM "
        "request, a pending wage claim and an application from lucy for erin (membership "
        "secretary) to approve. In a browser: sign in as erin and open "
        "/s/wiltshire/admin/applications; as alice (chair), /s/wiltshire/meetings, "
        "/s/wiltshire/ballots, /s/wiltshire/claims; anyone, /s/wiltshire/constitution. "
        "Gina, Hugo and Ivy renewed: dave (treasurer) has two sterling fees to record at "
        "/s/wiltshire/admin/fees. The committee terminated kim's membership for a serious "
        "breach; kim appealed (/s/wiltshire/termination) and alice, of the mediation group, "
        "decides it at /s/wiltshire/admin/terminations."
    )


def _scheme(slug: str) -> Scheme:
    from lets_platform.db import db

    return db.session.scalars(select(Scheme).where(Scheme.slug == slug)).one()


def _past_agm(scheme: Scheme, secretary: Person) -> None:
    """An AGM 40 days ago, as it happened then (the clock moved back for the seeding)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    today = datetime.combine(clock.now().date(), time(19), tzinfo=UTC)
    fake = clock.FakeClock(today - timedelta(days=60))
    clock.install(app, fake)
    try:
        agm = meetings.schedule(
            scheme,
            kind="agm",
            title="Annual General Meeting 2026",
            starts_at=today - timedelta(days=40),
            location="Devizes Town Hall",
            actor=secretary,
        )
        meetings.add_item(scheme, agm, title="Annual statement of the accounts", actor=secretary)
        meetings.add_item(
            scheme, agm, title="A Trowbridge local group?", actor=_person(scheme, "gina")
        )
        fake.current = today - timedelta(days=40, minutes=-5)
        present = ["alice", "carol", "dave", "erin", "frank", "gina", "hugo", "ivy", "jack", "kim"]
        meetings.record_attendance(
            scheme, agm, [{"handle": h, "presence": "present"} for h in present], actor=secretary
        )
        motion = ballots.open_vote(
            scheme,
            question="EGM notice of ten days, not seven",
            purpose="constitution_change",
            meeting=agm,
            changes={"egm_notice_days": 10},
            actor=secretary,
        )
        ballots.record_consultation(
            scheme,
            motion,
            actor=secretary,
            text="LETSlink UK (south-west) advised in favour, 1 Oct",
        )
        for handle in present:
            choice = "against" if handle in ("jack", "kim") else "for"
            ballots.vote(
                scheme,
                motion,
                choice=choice,
                actor=secretary,
                member=handle,
                recorded_by_chair=True,
            )
        ballots.close(scheme, motion, actor=secretary)
        fake.current = today - timedelta(days=30)
        meetings.publish_minutes(
            scheme,
            agm,
            actor=secretary,
            text=(
                "Present: 10 members, five of them the committee (quorate under 10(h)).\n\n"
                "1. The annual statement of the accounts was presented and accepted.\n"
                "2. Motion: EGM notice of ten days, not seven. Carried, 8 for, 2 against "
                "(two thirds of those present and voting, 12(b)); LETSlink consulted (12(a)).\n"
                "3. Gina proposed a Trowbridge local group; members to sign an EGM request."
            ),
        )
    finally:
        clock.install(app, None)


def _open_business(scheme: Scheme, secretary: Person) -> None:
    today = clock.now().date()
    postal = ballots.open_vote(
        scheme,
        question="Should WES hold a summer fair in 2027?",
        closes_at=clock.now() + timedelta(days=21),
        actor=secretary,
    )
    for handle, choice in (("alice", "for"), ("dave", "for"), ("hugo", "against")):
        ballots.vote(scheme, postal, choice=choice, actor=_person(scheme, handle))
    request = egm.open_request(
        scheme, purpose="Set up a Trowbridge local group", actor=_person(scheme, "gina")
    )
    egm.sign(scheme, request, actor=_person(scheme, "hugo"))
    budget = create_budget(
        scheme,
        account="admin",
        purpose="Newsletter and administration",
        amount="100.00",
        period_start=today.replace(month=1, day=1),
        period_end=today.replace(month=12, day=31),
        actor=secretary,
    )
    submit(
        scheme,
        budget=budget.id,
        kind="wage",
        amount="10.00",
        description="Edited and posted the December newsletter (2 hours)",
        actor=_person(scheme, "frank"),
    )
    lucy = add_person("lucy@demo.lets", "Lucy Lane", password="demo-password")
    apply(
        scheme,
        person=lucy,
        handle="lucy",
        display_name="Lucy Lane",
        endorse_version=current(scheme).number,
    )


def _standing(scheme: Scheme) -> None:
    """Renewals (2.00 WES to the fees account and £5 due each; Gina's £5 recorded paid by
    the treasurer), and Kim terminated by the committee with an appeal waiting."""
    treasurer = _person(scheme, "dave")
    for handle in ("gina", "hugo", "ivy"):
        charge_fees(scheme, get_member(scheme, handle), actor=_person(scheme, handle))
    gina = get_member(scheme, "gina")
    due = [f for f in fees_of(scheme, gina) if f.currency == "sterling"]
    record_sterling_paid(scheme, due[0].id, actor=treasurer)
    ended = terminate(
        scheme,
        "kim",
        reason=(
            "Took payment in WES for three garden jobs in October and did none of them, "
            "after two reminders (breach of the membership agreement, 3(d))."
        ),
        actor=_person(scheme, "frank"),
    )
    appeal(
        scheme,
        ended,
        text="I was in hospital in October and told Hugo; the jobs are booked for next week.",
        actor=_person(scheme, "kim"),
    )
