"""Reading a scheme's constitution and making new versions of it, only by its own rules.

The first version comes from a template when the scheme is provisioned. Later versions
come from a constitution-change motion that passed (``governance.ballots`` calls
``adopt_motion``) or, for the parameters the text leaves to the committee (fees, credit
limits), from the committee (``change_by_committee``). Versions are never updated.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select

from lets_platform.audit.operations import record
from lets_platform.db import db
from lets_platform.errors import _error
from lets_platform.identity.models import Person
from lets_platform.money import parse_signed
from lets_platform.tenancy.models import Scheme
from lets_tenants.constitution import parameters as params
from lets_tenants.constitution.models import ConstitutionVersion
from lets_tenants.constitution.templates import DEFAULT_TEMPLATE, TEMPLATES

TemplateUnknown = _error("template_unknown", 422, "No constitution template has this name.")
ConstitutionNotFound = _error(
    "constitution_not_found", 404, "The scheme has no constitution version of this number."
)
ChangeNeedsGeneralMeeting = _error(
    "change_needs_general_meeting",
    409,
    "This part of the constitution changes only by a motion passed at a general meeting.",
)
NothingChanged = _error("nothing_changed", 422, "The change leaves the constitution as it is.")


def adopt_template(scheme: Scheme, key: str | None, *, actor: Person | None) -> ConstitutionVersion:
    """Version 1 of ``scheme``'s constitution from the template ``key`` (default ``model``);
    its credit limits are the ones the scheme was provisioned with."""
    key = key or DEFAULT_TEMPLATE
    template = TEMPLATES.get(key)
    if template is None:
        raise TemplateUnknown(
            f"{key!r} is not a template; the templates are {', '.join(TEMPLATES)}.",
            errors={"constitution": ["unknown template"]},
        )
    values = dict(template.parameters)
    d = scheme.currency_decimals
    values["default_min_balance"] = _amount_text(scheme.default_min_balance, d)
    values["default_max_balance"] = (
        None if scheme.default_max_balance is None else _amount_text(scheme.default_max_balance, d)
    )
    version = ConstitutionVersion(
        scheme_id=scheme.id,
        number=1,
        template=key,
        text=template.text,
        parameters=params.check(values),
        clauses=dict(template.clauses),
        authority="provisioned",
        note=f"Provisioned from the template {template.title}.",
        adopted_by_id=actor.id if actor else None,
    )
    db.session.add(version)
    db.session.flush()
    return version


def _amount_text(minor: int, decimals: int) -> str:
    from lets_platform.money import format_amount

    return format_amount(minor, decimals)


def current(scheme: Scheme) -> ConstitutionVersion:
    """The version in force: the highest number."""
    found = db.session.scalar(
        select(ConstitutionVersion)
        .where(ConstitutionVersion.scheme_id == scheme.id)
        .order_by(ConstitutionVersion.number.desc())
        .limit(1)
    )
    if found is None:
        raise ConstitutionNotFound(f"{scheme.slug} has no constitution.")
    return found


def get_version(scheme: Scheme, number: int) -> ConstitutionVersion:
    found = db.session.scalar(
        select(ConstitutionVersion).where(
            ConstitutionVersion.scheme_id == scheme.id, ConstitutionVersion.number == number
        )
    )
    if found is None:
        raise ConstitutionNotFound(f"{scheme.slug} has no constitution version {number}.")
    return found


def history(scheme: Scheme) -> list[ConstitutionVersion]:
    return list(
        db.session.scalars(
            select(ConstitutionVersion)
            .where(ConstitutionVersion.scheme_id == scheme.id)
            .order_by(ConstitutionVersion.number)
        )
    )


@dataclass(frozen=True)
class Rule:
    """One parameter as the constitution in force sets it, with its clause."""

    name: str
    value: Any
    clause: str | None

    def cite(self, label: str | None = None) -> str:
        where = f"clause {self.clause}" if self.clause else "the hub's default (the text is silent)"
        return f"{label or params.PARAMETERS[self.name].label} ({where})"


def rule(scheme: Scheme, name: str) -> Rule:
    """The parameter ``name`` in force in ``scheme``, with its clause. A scheme provisioned
    before constitutions existed follows the model template until it adopts one."""
    version = db.session.scalar(
        select(ConstitutionVersion)
        .where(ConstitutionVersion.scheme_id == scheme.id)
        .order_by(ConstitutionVersion.number.desc())
        .limit(1)
    )
    if version is None:
        model = TEMPLATES[DEFAULT_TEMPLATE]
        return Rule(name, model.parameters[name], model.clauses.get(name))
    return Rule(name, version.parameters[name], version.clauses.get(name))


def _new_version(
    scheme: Scheme,
    changes: dict[str, Any],
    *,
    authority: str,
    actor: Person | None,
    note: str,
    ballot_id: int | None = None,
    meeting_id: int | None = None,
) -> ConstitutionVersion:
    before = current(scheme)
    text = changes.pop("text", None)
    values = {**before.parameters, **params.check(changes, partial=True)}
    if values == before.parameters and (text is None or text == before.text):
        raise NothingChanged("The change leaves every parameter and the text as they are.")
    version = ConstitutionVersion(
        scheme_id=scheme.id,
        number=before.number + 1,
        template=before.template,
        text=text if text is not None else before.text,
        parameters=values,
        clauses=dict(before.clauses),
        authority=authority,
        ballot_id=ballot_id,
        meeting_id=meeting_id,
        note=note[:500],
        adopted_by_id=actor.id if actor else None,
    )
    db.session.add(version)
    _apply_limits(scheme, values)
    db.session.flush()
    record(
        "constitution.changed",
        f"scheme:{scheme.slug}",
        actor_id=actor.id if actor else None,
        scheme_id=scheme.id,
        version=version.number,
        authority=authority,
        parameters=sorted(k for k in values if values[k] != before.parameters.get(k)),
    )
    return version


def _apply_limits(scheme: Scheme, values: dict[str, Any]) -> None:
    """The scheme's default limits for new accounts follow the constitution."""
    d = scheme.currency_decimals
    scheme.default_min_balance = parse_signed(values["default_min_balance"] or "0", d)
    ceiling = values["default_max_balance"]
    scheme.default_max_balance = None if ceiling is None else parse_signed(ceiling, d)


def change_by_committee(
    scheme: Scheme, changes: dict[str, Any], *, actor: Person | None, note: str = ""
) -> ConstitutionVersion:
    """A new version changing only what the text leaves to the committee (fees: WES 3(b),
    Bright 3.2; credit limits). Anything else is ``change_needs_general_meeting``."""
    version = current(scheme)
    for name in changes:
        definition = params.PARAMETERS.get(name)
        if name == "text" or (definition is not None and definition.authority != "committee"):
            where = version.clauses.get("change_meetings")
            meetings = " or ".join(k.upper() for k in version.parameters["change_meetings"])
            raise ChangeNeedsGeneralMeeting(
                f"{name} changes only by a motion passed at an {meetings} (clause {where}).",
                parameter=name,
                clause=where,
            )
    return _new_version(
        scheme,
        dict(changes),
        authority="committee",
        actor=actor,
        note=note or "Changed by the committee, as the constitution leaves it to them.",
    )


def adopt_motion(
    scheme: Scheme,
    changes: dict[str, Any],
    *,
    ballot_id: int,
    meeting_id: int | None,
    actor: Person | None,
    note: str,
) -> ConstitutionVersion:
    """The new version a passed constitution-change motion makes (checked by the caller)."""
    return _new_version(
        scheme,
        dict(changes),
        authority="motion",
        actor=actor,
        note=note,
        ballot_id=ballot_id,
        meeting_id=meeting_id,
    )


@dataclass(frozen=True)
class Change:
    parameter: str
    label: str
    clause: str | None
    before: Any
    after: Any


def diff(
    before: ConstitutionVersion | None, after: ConstitutionVersion
) -> tuple[list[Change], list[str]]:
    """What ``after`` changed: its parameters, and the text as a unified diff."""
    old = before.parameters if before else {}
    changes = [
        Change(
            name,
            params.PARAMETERS[name].label if name in params.PARAMETERS else name,
            after.clauses.get(name),
            old.get(name),
            value,
        )
        for name, value in after.parameters.items()
        if before is not None and old.get(name) != value
    ]
    text = (
        list(
            difflib.unified_diff(
                (before.text if before else "").splitlines(),
                after.text.splitlines(),
                f"version {before.number if before else 0}",
                f"version {after.number}",
                lineterm="",
            )
        )
        if before is not None and before.text != after.text
        else []
    )
    return changes, text


def count_versions(scheme: Scheme) -> int:
    return (
        db.session.scalar(select(func.count()).where(ConstitutionVersion.scheme_id == scheme.id))
        or 0
    )
