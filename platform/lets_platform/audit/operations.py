"""Recording acts in the audit log (append-only: there is no update or delete here)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from lets_platform.audit.models import AuditEntry
from lets_platform.db import db
from lets_platform.identity.models import Person
from lets_platform.tenancy.models import Scheme


def record(
    action: str,
    subject: str,
    *,
    actor_id: int | None,
    scheme_id: int | None = None,
    **details: Any,
) -> AuditEntry:
    entry = AuditEntry(
        action=action, subject=subject, actor_id=actor_id, scheme_id=scheme_id, details=details
    )
    db.session.add(entry)
    return entry


def entries(
    *, scheme_id: int | None = None, limit: int = 100, before: int | None = None
) -> list[AuditEntry]:
    """Newest first; only one scheme's entries when ``scheme_id`` is given."""
    query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
    if scheme_id is not None:
        query = query.where(AuditEntry.scheme_id == scheme_id)
    if before is not None:
        query = query.where(AuditEntry.id < before)
    return list(db.session.scalars(query))


def names_for(found: list[AuditEntry]) -> tuple[dict[int, str], dict[int, str]]:
    """The actors' emails and the schemes' slugs the entries refer to, in two queries."""
    actor_ids = {e.actor_id for e in found if e.actor_id}
    scheme_ids = {e.scheme_id for e in found if e.scheme_id}
    actors = select(Person.id, Person.email).where(Person.id.in_(actor_ids))
    schemes = select(Scheme.id, Scheme.slug).where(Scheme.id.in_(scheme_ids))
    emails = {pid: email or f"person {pid}" for pid, email in db.session.execute(actors)}
    return emails, dict(db.session.execute(schemes).all())
