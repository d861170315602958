"""REST handlers of a wind-up: the decision, the repayment report, members' choices."""

from __future__ import annotations

from typing import Any

from lets_federation.windup import choices as choice_ops
from lets_federation.windup import operations as ops
from lets_federation.windup.report import repayment
from lets_federation.windup.schemas import (
    ChoiceIn,
    ChoiceOut,
    RepaymentOut,
    WindUpIn,
    WindUpOut,
    choice_out,
    repayment_out,
    wind_up_out,
)
from lets_platform import permissions
from lets_platform.api import API_PREFIX, Blueprint
from lets_platform.auth import current_person
from lets_platform.tenancy.operations import get_scheme
from lets_tenants.context import check_writable, scheme_for

blp = Blueprint(
    "wind_up",
    __name__,
    url_prefix=API_PREFIX + "/schemes/<scheme>/wind-up",
    description="Winding up a scheme: decision, repayment period, members' choices",
)


@blp.route("", methods=["POST"])
@blp.arguments(WindUpIn)
@blp.response(201, WindUpOut)
def decide(body: dict[str, Any], scheme: str) -> dict[str, Any]:
    """Record the wind-up decision (the national body); members are notified."""
    person, found = scheme_for(scheme, "windup.decide")
    return wind_up_out(ops.decide(found, actor=person, **body))


@blp.route("", methods=["GET"])
@blp.response(200, RepaymentOut)
def report(scheme: str) -> dict[str, Any]:
    """Deadline, debtors and creditors, what is left to repay and its daily trend."""
    _, found = scheme_for(scheme, "windup.read")
    wind_up = ops.get_wind_up(found)
    return repayment_out(repayment(wind_up), choice_ops.destinations(wind_up))


@blp.route("/choices", methods=["POST"])
@blp.arguments(ChoiceIn)
@blp.response(201, ChoiceOut)
def choose(body: dict[str, Any], scheme: str) -> dict[str, Any]:
    """A member chooses their destination; an organiser records one given on paper."""
    person = current_person()
    found = get_scheme(scheme)
    check_writable(found)
    choice = choice_ops.choose(found, actor=person, **body)
    wind_up = ops.get_wind_up(found)
    row = next(r for r in choice_ops.destinations(wind_up) if r.choice is choice)
    return choice_out(row, found.currency_decimals)


@blp.route("/choices", methods=["GET"])
@blp.response(200, ChoiceOut(many=True))
def list_choices(scheme: str) -> list[dict[str, Any]]:
    """Organisers see every member with their choice or the default; a member sees their own."""
    person = current_person()
    found = get_scheme(scheme)
    every = permissions.can(person, "windup.read", found.id)
    if not every:
        permissions.require(person, "windup.choose_own", found.id)
    rows = choice_ops.destinations(ops.get_wind_up(found))
    shown = rows if every else [r for r in rows if r.membership.person_id == person.id]
    return [choice_out(r, found.currency_decimals) for r in shown]
