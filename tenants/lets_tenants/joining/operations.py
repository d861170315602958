"""Who may vote, and the membership life-cycle (joining, fees, renewal, termination)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, func, select

from lets_platform.db import db
from lets_platform.tenancy.models import Scheme
from lets_tenants.joining.models import Standing
from lets_tenants.membership.models import Membership


def _voting_members(scheme: Scheme) -> Select[Any]:
    """Active memberships not lapsed nor terminated (a member without a standing row joined
    before constitutions were kept, and is in good standing)."""
    return (
        select(Membership.id)
        .outerjoin(Standing, Standing.membership_id == Membership.id)
        .where(
            Membership.scheme_id == scheme.id,
            Membership.status == "active",
            (Standing.id.is_(None)) | (Standing.state == "active"),
        )
    )


def electorate(scheme: Scheme) -> int:
    """Members with a vote: one each, organisational members too (WES 10(b), Bright 9.5)."""
    return (
        db.session.scalar(select(func.count()).select_from(_voting_members(scheme).subquery())) or 0
    )


def has_vote(scheme: Scheme, membership: Membership) -> bool:
    return (
        db.session.scalar(_voting_members(scheme).where(Membership.id == membership.id)) is not None
    )
