"""Marshmallow schemas of profiles (the contract's fields, plus ``visibility`` for the owner)."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields

from lets_platform.api import API_PREFIX
from lets_tenants.profiles.operations import ProfileView


class ProfileIn(Schema):
    display_name = fields.String(load_default=None)
    area = fields.String(load_default=None)
    about = fields.String(load_default=None)
    skills = fields.String(load_default=None)
    contact = fields.String(load_default=None)
    #: field -> "private" | "scheme" | "federation" | "public"
    visibility = fields.Dict(keys=fields.String(), values=fields.String(), load_default=None)


class FeedbackSummary(Schema):
    positive = fields.Integer()
    neutral = fields.Integer()
    negative = fields.Integer()


class ProfileOut(Schema):
    handle = fields.String()
    member = fields.String()
    display_name = fields.String()
    area = fields.String(allow_none=True)
    about = fields.String(allow_none=True)
    skills = fields.String(allow_none=True)
    contact = fields.String(allow_none=True)
    photo_url = fields.String(allow_none=True)
    feedback = fields.Nested(FeedbackSummary)
    visibility = fields.Dict(allow_none=True)


def photo_path(scheme: str, handle: str) -> str:
    return f"{API_PREFIX}/schemes/{scheme}/members/{handle}/photo"


def profile_out(view: ProfileView) -> dict[str, Any]:
    handle, slug = view.member.handle, view.scheme.slug
    return {
        "handle": handle,
        "member": f"{slug}/{handle}",
        "display_name": view.member.display_name,
        **view.fields,
        "photo_url": photo_path(slug, handle) if view.has_photo else None,
        "feedback": view.feedback,
        "visibility": view.audience,
    }
