"""Reading a profile as a given viewer sees it, and its owner changing it (fields, who
sees each, the photo). A profile row is made on first change; until then the defaults."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select

from lets_platform import clock
from lets_platform.db import db
from lets_platform.errors import NotPermitted, _error
from lets_platform.storage import new_key, storage
from lets_platform.tenancy.models import Scheme
from lets_tenants.directory.text import check_text
from lets_tenants.directory.viewer import Viewer
from lets_tenants.feedback.models import RATINGS, Feedback
from lets_tenants.membership.models import Membership
from lets_tenants.profiles.models import (
    AUDIENCES,
    DEFAULT_AUDIENCE,
    FIELDS,
    MAX_ABOUT,
    MAX_AREA,
    MAX_CONTACT,
    MAX_SKILLS,
    Profile,
)
from lets_tenants.profiles.photos import PhotoTypeInvalid, clean_photo, max_bytes

__all__ = ["PhotoTypeInvalid"]

AudienceInvalid = _error(
    "audience_invalid", 422, "Who sees a field is private, scheme, federation or public."
)
LIMITS = {"area": MAX_AREA, "about": MAX_ABOUT, "skills": MAX_SKILLS, "contact": MAX_CONTACT}
MAX_DISPLAY_NAME = 120


def photo_read_limit() -> int:
    """One byte past the largest photo: enough to know an upload is too large."""
    return max_bytes() + 1


@dataclass
class ProfileView:
    """A profile as one viewer may see it: hidden fields are ``None``."""

    member: Membership
    scheme: Scheme
    fields: dict[str, str | None]
    has_photo: bool
    audience: dict[str, str] | None  # only for the owner and editors
    feedback: dict[str, int]


def profile_of(member: Membership) -> Profile | None:
    return db.session.scalar(select(Profile).where(Profile.membership_id == member.id))


def audience_of(profile: Profile | None) -> dict[str, str]:
    chosen = profile.audience if profile is not None else {}
    return {f: chosen.get(f, DEFAULT_AUDIENCE[f]) for f in FIELDS}


def relation(viewer: Viewer, member: Membership) -> str:
    """How far the viewer stands: ``self`` (or an editor), ``scheme``, ``federation``
    (signed in, another scheme), ``public``."""
    if viewer.member_id(member.scheme_id) == member.id or viewer.may_edit(member.scheme_id):
        return "self"
    if viewer.member_id(member.scheme_id) is not None:
        return "scheme"
    return "federation" if viewer.person is not None else "public"


def _sees(relation_: str, audience: str) -> bool:
    if relation_ in ("self", "hidden"):
        return relation_ == "self"
    return AUDIENCES.index(audience) >= AUDIENCES.index(relation_)


def feedback_summary(member: Membership) -> dict[str, int]:
    rows = db.session.execute(
        select(Feedback.rating, func.count())
        .where(Feedback.subject_id == member.id)
        .group_by(Feedback.rating)
    ).all()
    counts = {rating: 0 for rating in RATINGS}
    counts.update({rating: n for rating, n in rows})
    return counts


def view_profile(scheme: Scheme, member: Membership, viewer: Viewer) -> ProfileView:
    profile = profile_of(member)
    audience = audience_of(profile)
    stands = relation(viewer, member)
    if profile is not None and profile.hidden and stands != "self":
        stands = "hidden"
    fields = {
        f: (getattr(profile, f) if profile is not None else "")
        if _sees(stands, audience[f])
        else None
        for f in LIMITS
    }
    has_photo = profile is not None and bool(profile.photo) and _sees(stands, audience["photo"])
    return ProfileView(
        member,
        scheme,
        fields,
        has_photo,
        audience if stands == "self" else None,
        feedback_summary(member),
    )


def _editable(viewer: Viewer, member: Membership) -> None:
    if relation(viewer, member) != "self":
        raise NotPermitted("Only the member (or a directory editor) changes a profile.")


def _ensure(member: Membership) -> Profile:
    profile = profile_of(member)
    if profile is None:
        profile = Profile(
            scheme_id=member.scheme_id,
            membership_id=member.id,
            hidden=False,
            audience={},
            area="",
            about="",
            skills="",
            contact="",
        )
        db.session.add(profile)
    return profile


def update_profile(
    member: Membership, viewer: Viewer, changes: dict[str, Any], audience: dict[str, str] | None
) -> Profile:
    """Change the given fields and audiences (all checked before anything is set)."""
    _editable(viewer, member)
    values = {f: check_text(f, changes[f], LIMITS[f]) for f in LIMITS if changes.get(f) is not None}
    name = changes.get("display_name")
    if name is not None:
        name = check_text("display_name", name, MAX_DISPLAY_NAME, required=True)
    chosen: dict[str, str] = {}
    for field, who in (audience or {}).items():
        if field not in FIELDS or who not in AUDIENCES:
            raise AudienceInvalid(
                f"{field!r}: {who!r}",
                errors={f"visibility.{field}": [f"One of {', '.join(AUDIENCES)}."]},
            )
        chosen[field] = who
    profile = _ensure(member)
    for field, value in values.items():
        setattr(profile, field, value)
    if chosen:
        profile.audience = {**profile.audience, **chosen}
    if name is not None:
        member.display_name = name
    profile.updated_at = clock.now()
    db.session.flush()
    return profile


def set_photo(member: Membership, viewer: Viewer, data: bytes) -> Profile:
    """Check, clean and store a new photo in place of the old one (whose file goes)."""
    _editable(viewer, member)
    cleaned = clean_photo(data)
    profile = _ensure(member)
    old = profile.photo
    key = new_key("photos", "jpg")
    storage().save(key, cleaned)
    profile.photo = key
    profile.updated_at = clock.now()
    db.session.flush()
    if old:
        storage().delete(old)
    return profile


def remove_photo(member: Membership, viewer: Viewer) -> None:
    _editable(viewer, member)
    profile = profile_of(member)
    if profile is not None and profile.photo:
        storage().delete(profile.photo)
        profile.photo = None
        db.session.flush()


def photo_bytes(scheme: Scheme, member: Membership, viewer: Viewer) -> bytes | None:
    view = view_profile(scheme, member, viewer)
    profile = profile_of(member)
    if not view.has_photo or profile is None or profile.photo is None:
        return None
    return storage().load(profile.photo)
