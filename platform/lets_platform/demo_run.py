"""What ``lets demo`` does: migrate, run the registered seeders once, issue tokens, describe."""

from __future__ import annotations

from flask import current_app
from sqlalchemy import select

from lets_platform import demo, migrate
from lets_platform.db import db
from lets_platform.identity.models import Person
from lets_platform.identity.operations import hash_password, issue_token
from lets_platform.tenancy.models import Scheme

#: Every demo person's password, printed by ``lets demo``.
PASSWORD = "demo-password"
#: Whom to try for each group of users, if the seeders made them: (who, email, what).
TRY = [
    ("A member", "alice@demo.lets", "dashboard, pay, invoices, statement (Wiltshire)"),
    ("A member in Bright", "bob@demo.lets", "cross-scheme invoice to pay; pay wiltshire/alice"),
    ("A member of a scheme winding up", "quinn@demo.lets", "choice of destination, repayment"),
    ("An organiser", "carol@demo.lets", "runs Wiltshire: members, paper cheques, audit log"),
    ("An organiser of a scheme winding up", "olwen@demo.lets", "Avon Vale's wind-up"),
    ("A membership secretary", "erin@demo.lets", "Wiltshire: lucy's application to approve"),
    ("A treasurer", "dave@demo.lets", "Wiltshire: sterling fees to record, claims to pay"),
    ("A member terminated, appealing", "kim@demo.lets", "Wiltshire: why, and the appeal"),
    ("The chair, in the mediation group", "alice@demo.lets", "Wiltshire: kim's appeal"),
    ("The national body", "nadia@demo.lets", "schemes, rates, clearing, pools, wind-ups"),
]


def give_passwords() -> None:
    """Every person the seeders made with an email and no password gets ``PASSWORD``
    (people made by the wind-up, merge and import demos too), hashed once for all."""
    waiting = db.session.scalars(
        select(Person).where(Person.email.is_not(None), Person.password_hash.is_(None))
    ).all()
    hashed = hash_password(PASSWORD) if waiting else None
    for person in waiting:
        person.password_hash = hashed
    db.session.flush()


def sign_in_guide(base_url: str) -> list[str]:
    known = set(db.session.scalars(select(Person.email).where(Person.email.is_not(None))))
    lines = [f"Sign in at {base_url}/login: every person below has the password '{PASSWORD}'."]
    lines += [f"  {who + ':':<38} {email:<20} {what}" for who, email, what in TRY if email in known]
    return lines


def seed_and_describe(base_url: str) -> str:
    """Seed an empty database with every registered seeder and return the welcome text."""
    migrate.upgrade()
    context = demo.DemoContext()
    seeded = db.session.scalar(select(Scheme.id).limit(1)) is None
    if seeded:
        for _name, seeder in demo.seeders():
            seeder(context)
        give_passwords()
        db.session.commit()
    people = db.session.scalars(
        select(Person).where(Person.email.is_not(None)).order_by(Person.id)
    ).all()
    lines = [
        "",
        "lets demo " + ("seeded" if seeded else "found an existing demo database; not re-seeded"),
        f"database: {current_app.config['SQLALCHEMY_DATABASE_URI']}",
        "",
        f"Open {base_url}/ in a browser; the API is at {base_url}/api/v1 "
        f"(OpenAPI: {base_url}/api/v1/openapi.json, docs: {base_url}/api/v1/docs).",
        "",
        "Bearer tokens for the demo people (fresh each run):",
    ]
    for person in people:
        token = issue_token(person, "demo")
        lines.append(f"  {person.email:<28} {person.display_name:<22} {token}")
    db.session.commit()
    lines += ["", *sign_in_guide(base_url), "", *context.notes]
    if people:
        lines += [
            "Try:",
            f"  curl -H 'Authorization: Bearer <token of alice>' "
            f"{base_url}/api/v1/schemes/wiltshire/accounts/alice",
        ]
    return "\n".join(lines)
