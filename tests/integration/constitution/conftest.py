"""A scheme on a seed constitution with its committee, members and API clients."""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pytest

from lets_platform.db import db
from lets_platform.identity.operations import grant_role

#: Five officers of the committee (WES 5(b): at least five members).
COMMITTEE = {
    "chair": "chair",
    "sec": "secretary",
    "tres": "treasurer",
    "vic": "vice_chair",
    "cm": "committee_member",
}


@pytest.fixture
def governed(scheme_with_members, create_admin, token_for, api) -> Callable[..., SimpleNamespace]:
    """``governed("wiltshire", members=6)``: the scheme on its template, a committee of
    five, ``members`` ordinary members m1..mN, olive the organiser; ``.as_[handle]``."""

    def create(
        template: str = "wiltshire", *, members: int = 6, committee: int = 5, **fields: Any
    ) -> SimpleNamespace:
        officers = dict(list(COMMITTEE.items())[:committee])
        handles = (*officers, *(f"m{i}" for i in range(1, members + 1)))
        world = scheme_with_members(template, handles=handles, constitution=template, **fields)
        for handle, role in officers.items():
            grant_role(world.people[handle], role, scheme_id=world.scheme.id, granted_by=None)
        db.session.commit()
        world.as_["nadia"] = world.as_["olive"].as_(token_for(create_admin()))
        world.path = f"/schemes/{template}"
        return world

    return create
