"""Recording acts in the audit log (append-only: there is no update or delete here)."""

from __future__ import annotations

from typing import Any

from lets_platform.audit.models import AuditEntry
from lets_platform.db import db


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
