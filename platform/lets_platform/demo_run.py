"""What ``lets demo`` does: migrate, run the registered seeders once, issue tokens, describe."""

from __future__ import annotations

from flask import current_app
from sqlalchemy import select

from lets_platform import demo, migrate
from lets_platform.db import db
from lets_platform.identity.models import Person
from lets_platform.identity.operations import issue_token
from lets_platform.tenancy.models import Scheme


def seed_and_describe(base_url: str) -> str:
    """Seed an empty database with every registered seeder and return the welcome text."""
    migrate.upgrade()
    context = demo.DemoContext()
    seeded = db.session.scalar(select(Scheme.id).limit(1)) is None
    if seeded:
        for _name, seeder in demo.seeders():
            seeder(context)
        db.session.commit()
    people = db.session.scalars(
        select(Person).where(Person.email.like("%@demo.lets")).order_by(Person.id)
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
    lines += ["", *context.notes]
    if people:
        lines += [
            "Try:",
            f"  curl -H 'Authorization: Bearer <token of alice>' "
            f"{base_url}/api/v1/schemes/wiltshire/accounts/alice",
        ]
    return "\n".join(lines)
