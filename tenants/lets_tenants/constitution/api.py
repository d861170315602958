"""REST handlers of a scheme's constitution: the version in force, its history with what
each version changed, the templates, and the committee's changes within its discretion."""

from __future__ import annotations

from typing import Any

from lets_platform.api import API_PREFIX, Blueprint
from lets_platform.auth import current_person
from lets_platform.tenancy.models import Scheme
from lets_platform.tenancy.operations import get_scheme
from lets_tenants.constitution import operations as ops
from lets_tenants.constitution.schemas import (
    CommitteeChangeIn,
    TemplateOut,
    VersionOut,
    parameters_out,
    version_out,
)
from lets_tenants.constitution.templates import TEMPLATES
from lets_tenants.context import scheme_for


def _readable(slug: str) -> Scheme:
    """Anyone signed in reads a scheme's constitution: an applicant endorses it before
    they are a member (WES 3(b)(i), Bright 3.2(b))."""
    current_person()
    return get_scheme(slug)


blp = Blueprint(
    "constitution",
    __name__,
    url_prefix=API_PREFIX,
    description="A scheme's constitution: versioned text and parameters, each with its clause",
)


@blp.route("/schemes/<scheme>/constitution", methods=["GET"])
@blp.response(200, VersionOut)
def current(scheme: str) -> dict[str, Any]:
    found = _readable(scheme)
    version = ops.current(found)
    previous = ops.get_version(found, version.number - 1) if version.number > 1 else None
    return version_out(version, previous)


@blp.route("/schemes/<scheme>/constitution/versions", methods=["GET"])
@blp.response(200, VersionOut(many=True))
def history(scheme: str) -> list[dict[str, Any]]:
    """Every version, oldest first, each with what it changed (text left out)."""
    found = _readable(scheme)
    versions = ops.history(found)
    return [
        version_out(v, versions[i - 1] if i else None, text=False) for i, v in enumerate(versions)
    ]


@blp.route("/schemes/<scheme>/constitution/versions/<int:number>", methods=["GET"])
@blp.response(200, VersionOut)
def version(scheme: str, number: int) -> dict[str, Any]:
    found = _readable(scheme)
    wanted = ops.get_version(found, number)
    previous = ops.get_version(found, number - 1) if number > 1 else None
    return version_out(wanted, previous)


@blp.route("/schemes/<scheme>/constitution/committee-changes", methods=["POST"])
@blp.arguments(CommitteeChangeIn)
@blp.response(201, VersionOut)
def committee_change(body: dict[str, Any], scheme: str) -> dict[str, Any]:
    """A new version changing what the text leaves to the committee (fees, credit limits);
    anything else is ``change_needs_general_meeting``."""
    person, found = scheme_for(scheme, "constitution.change")
    before = ops.current(found)
    return version_out(
        ops.change_by_committee(found, body["changes"], actor=person, note=body["note"]), before
    )


@blp.route("/constitution-templates", methods=["GET"])
@blp.response(200, TemplateOut(many=True))
def templates() -> list[dict[str, Any]]:
    current_person()
    return [
        {"key": t.key, "title": t.title, "parameters": parameters_out(t.parameters, t.clauses)}
        for t in TEMPLATES.values()
    ]
