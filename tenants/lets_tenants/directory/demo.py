"""Demo data for the directory and community: dozens of offers and wants across the
category tree in each demo scheme (some shared with every scheme), profiles, events with
RSVPs, feedback on the demo trades, a group and an open report."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from lets_platform import clock
from lets_platform.db import db
from lets_platform.demo import DemoContext
from lets_platform.identity.operations import grant_role
from lets_platform.tenancy.models import Scheme
from lets_tenants.directory import operations as ops
from lets_tenants.directory.viewer import viewer_in
from lets_tenants.events.operations import create_event, rsvp
from lets_tenants.feedback.operations import give_feedback
from lets_tenants.groups.operations import add_to_group, create_group
from lets_tenants.ledger.models import Transfer
from lets_tenants.membership.models import Membership
from lets_tenants.moderation.operations import report
from lets_tenants.profiles.operations import update_profile

#: (kind, title, category, price, per hour, tags, shared with every scheme)
LISTINGS = [
    ("offer", "Sourdough bread baked to order", "baking", "4.00", False, "bread sourdough", True),
    ("offer", "Birthday cakes", "baking", "12.00", False, "cakes party", False),
    (
        "offer",
        "Seasonal vegetables from the allotment",
        "fruit-and-vegetables",
        "2.00",
        False,
        "veg organic",
        False,
    ),
    ("offer", "Jams, chutneys and marmalade", "preserves", "3.00", False, "jam chutney", True),
    (
        "want",
        "Someone to cook for a family gathering",
        "meals-and-catering",
        "",
        False,
        "cooking",
        False,
    ),
    (
        "offer",
        "Garden help: digging, weeding, mowing",
        "gardening",
        "10.00",
        True,
        "garden hedge lawn",
        True,
    ),
    ("want", "Hedge trimming this autumn", "gardening", "", False, "hedge", False),
    ("offer", "Spring cleaning and ironing", "cleaning", "9.00", True, "cleaning ironing", False),
    (
        "offer",
        "Small repairs: shelves, taps, doors",
        "repairs-and-diy",
        "10.00",
        True,
        "diy repairs",
        True,
    ),
    ("want", "Help putting up a fence", "repairs-and-diy", "", False, "fence", False),
    ("offer", "Painting and decorating", "decorating", "10.00", True, "paint", False),
    (
        "offer",
        "Clothes alterations and mending",
        "sewing-and-alterations",
        "6.00",
        False,
        "sewing mending",
        True,
    ),
    ("offer", "Hand-knitted hats and scarves", "knitting", "8.00", False, "wool knitting", False),
    ("offer", "Woodturning: bowls and spoons", "woodwork", "15.00", False, "wood crafts", False),
    ("offer", "Relaxing back massage", "massage", "12.00", True, "massage", False),
    ("offer", "Gentle yoga in the village hall", "yoga-and-exercise", "5.00", False, "yoga", True),
    ("want", "Babysitting on Friday evenings", "childcare", "", False, "children", False),
    ("offer", "Dog walking and pet sitting", "pet-care", "6.00", True, "dogs cats pets", True),
    (
        "offer",
        "Company and shopping for older neighbours",
        "help-for-older-people",
        "8.00",
        True,
        "befriending",
        False,
    ),
    (
        "offer",
        "French and Spanish conversation",
        "languages",
        "10.00",
        True,
        "french spanish",
        True,
    ),
    ("offer", "Guitar and ukulele lessons", "music-lessons", "10.00", True, "guitar music", True),
    ("want", "Maths tutoring for GCSE", "tutoring", "", False, "maths", False),
    (
        "offer",
        "Computer help: set-up, email, viruses",
        "computer-help",
        "10.00",
        True,
        "computers phones",
        True,
    ),
    ("offer", "Simple websites for small groups", "websites", "30.00", False, "web", False),
    ("offer", "Lifts to the station and hospital", "lifts", "0.50", False, "car lifts", False),
    ("want", "Lift to Bristol on Saturdays", "lifts", "", False, "car", True),
    ("offer", "Collecting shopping and prescriptions", "shopping", "5.00", False, "errands", False),
    ("offer", "Photography for events", "photography", "20.00", False, "photos", False),
    ("offer", "Bookkeeping and tax returns", "bookkeeping", "12.00", True, "accounts tax", True),
    ("want", "Typing up a family history", "typing-and-letters", "", False, "typing", False),
    ("offer", "Lend: ladders, drills, wheelbarrow", "tools", "1.00", False, "tools loan", False),
    ("want", "Borrow a tent for a weekend", "equipment", "", False, "camping", True),
]
CONTACTS = ["01380 722 {n:03d}", "07700 900 {n:03d}", "ask at the trading day"]
AREAS = ["Devizes", "Calne", "Marlborough", "Melksham", "Pewsey", "Town centre", "North side"]


def _members(scheme: Scheme) -> list[Membership]:
    return list(
        db.session.scalars(
            select(Membership).where(Membership.scheme_id == scheme.id).order_by(Membership.id)
        )
    )


def _seed_scheme(scheme: Scheme, offset: int) -> list[Membership]:
    members = _members(scheme)
    for n, member in enumerate(members):
        viewer = viewer_in(member.person, scheme)
        update_profile(
            member,
            viewer,
            {
                "area": AREAS[(n + offset) % len(AREAS)],
                "about": f"{member.display_name.split()[0]} has been a member since the start.",
                "skills": ", ".join(
                    t for _, t, *_ in LISTINGS[(n * 3 + offset) % len(LISTINGS) :][:2]
                ),
                "contact": CONTACTS[n % len(CONTACTS)].format(n=n + offset * 10),
            },
            {"area": "public", "skills": "federation"},
        )
    for n, (kind, title, category, price, hourly, tags, shared) in enumerate(LISTINGS):
        if (n + offset) % 3 == 2 and not shared:
            continue  # each scheme has its own mix
        owner = members[(n + offset) % len(members)]
        fields = ops.ListingFields(
            kind=kind,
            title=title,
            category=category,
            price=price or None,
            per_hour=hourly,
            area=AREAS[(n + offset) % len(AREAS)],
            tags=tags.split(),
            visibility="federation" if shared else "scheme",
            description=f"{title}. Message me to arrange a time; **happy to talk first**.",
        )
        ops.create_listing(
            scheme, fields, actor=owner.person, viewer=viewer_in(owner.person, scheme), owner=None
        )
    return members


def _community(scheme: Scheme, members: list[Membership]) -> None:
    now = clock.now().replace(minute=0, second=0, microsecond=0)
    organiser, *others = members
    viewer = viewer_in(organiser.person, scheme)
    day = create_event(
        scheme,
        viewer,
        title="Monthly trading day",
        starts_at=now + timedelta(days=9, hours=2),
        ends_at=now + timedelta(days=9, hours=5),
        location="Village hall",
        description="Bring things to swap and meet other members.",
        capacity=3,
    )
    create_event(
        scheme,
        viewer,
        title="New members' welcome",
        starts_at=now + timedelta(days=20),
        ends_at=None,
        location="The Crown, upstairs room",
        capacity=None,
    )
    for member in others[:4]:
        rsvp(scheme, day.id, viewer_in(member.person, scheme), True)  # the fourth waits
    transfers = db.session.scalars(
        select(Transfer).where(Transfer.scheme_id == scheme.id, Transfer.state == "posted")
    ).all()
    for n, found in enumerate(transfers[:3]):
        for person, rating in (
            (found.payer, "positive"),
            (found.payee, "positive" if n else "neutral"),
        ):
            if person.membership_id is None:
                continue
            member = db.session.get_one(Membership, person.membership_id)
            give_feedback(
                scheme, found.id, member.person, rating=rating, comment="Friendly and on time."
            )


def seed(context: DemoContext) -> None:
    schemes = list(
        db.session.scalars(select(Scheme).where(Scheme.kind == "scheme").order_by(Scheme.id))
    )
    for offset, scheme in enumerate(schemes):
        members = _seed_scheme(scheme, offset)
        _community(scheme, members)
        if scheme.slug != "wiltshire":
            continue
        editor = next(m for m in members if m.handle == "erin")
        grant_role(editor.person, "directory_editor", scheme_id=scheme.id, granted_by=None)
        growers = create_group(
            scheme,
            members[1],
            name="Devizes growers",
            description="Seeds, seedlings and gluts.",
            visibility="open",
        )
        for member in members[2:4]:
            add_to_group(scheme, growers, member, member.handle, by=member.person)
        ops.create_listing(
            scheme,
            ops.ListingFields(
                kind="offer",
                title="Tomato seedlings",
                category="fruit-and-vegetables",
                visibility="group",
                group=growers.id,
            ),
            actor=members[1].person,
            viewer=viewer_in(members[1].person, scheme),
            owner=None,
        )
        listing = db.session.scalars(
            select(ops.Listing).where(ops.Listing.scheme_id == scheme.id)
        ).first()
        reporter = members[-1]
        if listing is not None:
            report(
                scheme,
                reporter.person,
                viewer_in(reporter.person, scheme),
                subject="listing",
                ref=listing.id,
                reason="The price looks like pounds, not WES units.",
            )
    context.notes.append(
        "Directory: each scheme lists offers and wants across the category tree (some shared "
        "with every scheme: search them at /s/<scheme>/directory), profiles, two events with "
        "RSVPs (Wiltshire's trading day has a waiting list), feedback; in Wiltshire erin is the "
        "directory editor with one open report, and alice started the 'Devizes growers' group."
    )
