"""A constitution's typed parameters: what each means, its type, and who may change it.

A version stores ``{name: value}`` and ``{name: clause}`` (the clause of the text the
value comes from; ``None`` where the text is silent). ``general_meeting`` parameters
change only by a motion passed under the constitution's own rules; ``committee`` ones are
at the committee's discretion by the text itself (fees: WES 3(b), Bright 3.2), and the
change is still a new version with who made it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from lets_platform.errors import ValidationFailed
from lets_tenants.constitution.rules import MAJORITIES

_AMOUNT = re.compile(r"-?(0|[1-9][0-9]{0,14})(\.[0-9]{1,4})?", re.ASCII)
MEETING_KINDS = ("committee", "agm", "egm")
ROLES = ("chair", "vice_chair", "secretary", "treasurer")


def _int(low: int, high: int) -> Callable[[Any], bool]:
    return lambda v: isinstance(v, int) and not isinstance(v, bool) and low <= v <= high


def _amount(v: Any) -> bool:
    return v is None or (isinstance(v, str) and bool(_AMOUNT.fullmatch(v)))


def _majority(v: Any) -> bool:
    return v in MAJORITIES


def _committee_quorum(v: Any) -> bool:
    return (
        isinstance(v, dict) and v.get("rule") == "majority_or_n_smaller" and _int(1, 99)(v.get("n"))
    )


def _general_quorum(v: Any) -> bool:
    return (
        isinstance(v, dict)
        and v.get("rule") == "committee_fraction_and_members"
        and isinstance(v.get("committee"), str)
        and bool(re.fullmatch(r"[0-9]+/[1-9][0-9]*", v["committee"]))
        and _int(0, 999)(v.get("members"))
        and _int(1, 365)(v.get("reconvene_days"))
    )


def _kinds(v: Any) -> bool:
    return isinstance(v, list) and bool(v) and all(k in ("agm", "egm") for k in v)


def _roles(v: Any) -> bool:
    return isinstance(v, list) and all(r in ROLES for r in v)


def _text(v: Any) -> bool:
    return v is None or (isinstance(v, str) and len(v) <= 200)


def _choice(*options: object) -> Callable[[Any], bool]:
    return lambda v: v in options


@dataclass(frozen=True)
class Parameter:
    name: str
    label: str
    check: Callable[[Any], bool]
    #: ``general_meeting``: by a motion under the constitution; ``committee``: its discretion.
    authority: str = "general_meeting"


_DEFS = [
    Parameter("fee_sterling", "Membership fee in sterling (pounds)", _amount, "committee"),
    Parameter("fee_local", "Membership fee in local units", _amount, "committee"),
    Parameter("fee_period_months", "Months a fee covers (renewal)", _int(1, 120), "committee"),
    Parameter("default_min_balance", "Default credit limit (local units)", _amount, "committee"),
    Parameter("default_max_balance", "Default upper limit (local units)", _amount, "committee"),
    Parameter("committee_min_size", "Smallest committee", _int(1, 99)),
    Parameter("committee_roles", "Officers the committee appoints", _roles),
    Parameter("committee_meets_every_days", "Committee meets at least every (days)", _int(1, 366)),
    Parameter("committee_quorum", "Committee meeting quorum", _committee_quorum),
    Parameter("minutes_deadline_days", "Minutes available to members within (days)", _int(1, 366)),
    Parameter("absences_deemed_resignation", "Consecutive absences = resignation", _int(1, 99)),
    Parameter("agm_every_months", "An AGM at least every (months)", _int(1, 24)),
    Parameter("agm_notice_days", "AGM notice (days)", _int(0, 366)),
    Parameter("egm_notice_days", "EGM notice (days)", _int(0, 366)),
    Parameter("egm_request_members", "Members whose request calls an EGM", _int(1, 9999)),
    Parameter(
        "egm_request_days", "Days: to gather the request, then to call the EGM", _int(1, 366)
    ),
    Parameter("general_quorum", "General meeting quorum", _general_quorum),
    Parameter("change_majority", "Majority to change the constitution", _majority),
    Parameter("change_meetings", "Meetings that may change the constitution", _kinds),
    Parameter("change_consultation", "Consultation before a change (who)", _text),
    Parameter("wind_up_majority", "Majority to wind the scheme up", _majority),
    Parameter("wind_up_form", "Form of the wind-up vote", _choice("ballot", "meeting")),
    Parameter(
        "wind_up_result_notice_days", "Notice of the EGM that hears the result", _int(0, 366)
    ),
    Parameter(
        "paid_for_meetings",
        "Paid in local units for attending meetings",
        _choice("never", "whole_committee", "allowed"),
    ),
    Parameter(
        "wage_claims_approval",
        "Who approves wage claims before payment",
        _choice("committee", "none"),
    ),
    Parameter(
        "organisation_votes", "How an organisational member votes", _choice("representative")
    ),
    Parameter("termination_by", "Who may terminate a membership", _choice("committee", "none")),
    Parameter("appeal_to", "Who hears an appeal against termination", _text),
    Parameter(
        "terminated_balance",
        "What happens to a terminated member's balance",
        _choice("suspended_until_settled"),
    ),
    Parameter("mediation_group_min", "Smallest mediation group", _int(1, 99)),
    Parameter("local_groups", "Local groups with local organisers", _choice(True, False)),
]
PARAMETERS: dict[str, Parameter] = {p.name: p for p in _DEFS}


def check(values: dict[str, Any], *, partial: bool = False) -> dict[str, Any]:
    """The values, each checked against its parameter's type; every problem named."""
    errors: dict[str, list[str]] = {}
    for name, value in values.items():
        definition = PARAMETERS.get(name)
        if definition is None:
            errors[name] = ["not a parameter"]
        elif not definition.check(value):
            errors[name] = [f"not a valid value for {definition.label.lower()}"]
    if not partial:
        for name in PARAMETERS:
            if name not in values:
                errors[name] = ["missing"]
    if errors:
        raise ValidationFailed(
            "Some constitution parameters are not valid: " + ", ".join(sorted(errors)) + ".",
            errors=errors,
        )
    return values


_WORDS = {
    "whole_committee": "only if the whole committee authorises it",
    "never": "never",
    "allowed": "allowed",
    "committee": "the committee",
    "none": "no one",
    "representative": "through its designated representative",
    "ballot": "a ballot of all members",
    "meeting": "a vote at a general meeting",
    "suspended_until_settled": "the account is suspended, its balance kept until settled",
}


def plain(name: str, value: Any) -> str:
    """A parameter's value in the words of the constitutions, for pages."""
    from lets_tenants.constitution.rules import MAJORITIES

    if value is None:
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if name == "committee_quorum":
        return f"a majority of the committee or {value['n']}, whichever is smaller"
    if name == "general_quorum":
        return (
            f"{value['committee']} of the committee and {value['members']} other members; "
            f"if inquorate, called again within {value['reconvene_days']} days"
        )
    if name == "committee_roles":
        return ", ".join(role.replace("_", "-").capitalize() for role in value)
    if name == "change_meetings":
        return " or ".join(kind.upper() for kind in value)
    if value in MAJORITIES:
        return MAJORITIES[value][0]
    if isinstance(value, str) and value in _WORDS:
        return _WORDS[value]
    return str(value)
