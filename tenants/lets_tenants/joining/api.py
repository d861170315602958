"""REST handlers of joining and standing: applications, approval, fees, renewal,
termination and appeal."""

from __future__ import annotations

from typing import Any

from lets_platform import permissions
from lets_platform.api import API_PREFIX, Blueprint
from lets_platform.auth import current_person
from lets_platform.tenancy.operations import get_scheme
from lets_tenants.context import check_writable, scheme_for
from lets_tenants.joining import operations as ops
from lets_tenants.joining import termination as terminations
from lets_tenants.joining.schemas import (
    AppealDecisionIn,
    AppealIn,
    ApplicationIn,
    ApplicationOut,
    FeeOut,
    MemberStandingOut,
    ReasonIn,
    TerminationIn,
    TerminationOut,
    application_out,
    fee_out,
    standing_out,
    termination_out,
)
from lets_tenants.membership.operations import get_member

blp = Blueprint(
    "joining",
    __name__,
    url_prefix=API_PREFIX + "/schemes/<scheme>",
    description="Joining a scheme, fees and renewal, termination and appeal",
)


@blp.route("/applications", methods=["POST"])
@blp.arguments(ApplicationIn)
@blp.response(201, ApplicationOut)
def apply(body: dict[str, Any], scheme: str) -> dict[str, Any]:
    """Anyone signed in applies, endorsing the constitution version in force."""
    person = current_person()
    found = get_scheme(scheme)
    check_writable(found)
    return application_out(ops.apply(found, person=person, **body))


@blp.route("/applications", methods=["GET"])
@blp.response(200, ApplicationOut(many=True))
def list_applications(scheme: str) -> list[dict[str, Any]]:
    """The membership secretary sees every application; an applicant their own."""
    person = current_person()
    found = get_scheme(scheme)
    every = permissions.can(person, "applications.decide", found.id)
    return [
        application_out(a)
        for a in ops.list_applications(found)
        if every or a.person_id == person.id
    ]


@blp.route("/applications/<int:application_id>/approve", methods=["POST"])
@blp.response(200, MemberStandingOut)
def approve(scheme: str, application_id: int) -> dict[str, Any]:
    """The membership secretary approves: member, account and the first fee, at once."""
    person, found = scheme_for(scheme, "applications.decide")
    membership = ops.approve(found, ops.get_application(found, application_id), actor=person)
    return standing_out(found, ops.standing_of(found, membership), ops.fees_of(found, membership))


@blp.route("/applications/<int:application_id>/reject", methods=["POST"])
@blp.arguments(ReasonIn)
@blp.response(200, ApplicationOut)
def reject(body: dict[str, Any], scheme: str, application_id: int) -> dict[str, Any]:
    person, found = scheme_for(scheme, "applications.decide")
    application = ops.get_application(found, application_id)
    ops.reject(found, application, reason=body["reason"], actor=person)
    return application_out(application)


def _self_or(person: Any, found: Any, handle: str, action: str) -> Any:
    membership = get_member(found, handle)
    if membership.person_id != person.id:
        permissions.require(person, action, found.id)
    return membership


@blp.route("/members/<handle>/standing", methods=["GET"])
@blp.response(200, MemberStandingOut)
def standing(scheme: str, handle: str) -> dict[str, Any]:
    person, found = scheme_for(scheme, "scheme.read")
    membership = _self_or(person, found, handle, "fees.record")
    return standing_out(found, ops.standing_of(found, membership), ops.fees_of(found, membership))


@blp.route("/members/<handle>/renewal", methods=["POST"])
@blp.response(200, MemberStandingOut)
def renew(scheme: str, handle: str) -> dict[str, Any]:
    """Renew for the next period: its fees are charged."""
    person, found = scheme_for(scheme, "scheme.read")
    membership = _self_or(person, found, handle, "fees.record")
    ops.charge_fees(found, membership, actor=person)
    return standing_out(found, ops.standing_of(found, membership), ops.fees_of(found, membership))


@blp.route("/fees", methods=["GET"])
@blp.response(200, FeeOut(many=True))
def list_fees(scheme: str) -> list[dict[str, Any]]:
    _, found = scheme_for(scheme, "fees.record")
    return [fee_out(found, f) for f in ops.fees_of(found)]


@blp.route("/fees/<int:fee_id>/paid", methods=["POST"])
@blp.response(200, FeeOut)
def fee_paid(scheme: str, fee_id: int) -> dict[str, Any]:
    """The treasurer records a sterling fee received."""
    person, found = scheme_for(scheme, "fees.record")
    return fee_out(found, ops.record_sterling_paid(found, fee_id, actor=person))


@blp.route("/members/<handle>/termination", methods=["POST"])
@blp.arguments(TerminationIn)
@blp.response(201, TerminationOut)
def terminate(body: dict[str, Any], scheme: str, handle: str) -> dict[str, Any]:
    person, found = scheme_for(scheme, "members.terminate")
    return termination_out(
        terminations.terminate(found, handle, reason=body["reason"], actor=person)
    )


@blp.route("/terminations", methods=["GET"])
@blp.response(200, TerminationOut(many=True))
def list_terminations(scheme: str) -> list[dict[str, Any]]:
    person, found = scheme_for(scheme, "scheme.read")
    every = terminations.list_terminations(found)
    if permissions.can(person, "members.terminate", found.id) or permissions.can(
        person, "appeals.decide", found.id
    ):
        return [termination_out(t) for t in every]
    return [termination_out(t) for t in every if t.membership.person_id == person.id]


@blp.route("/terminations/<int:termination_id>/appeal", methods=["POST"])
@blp.arguments(AppealIn)
@blp.response(200, TerminationOut)
def appeal(body: dict[str, Any], scheme: str, termination_id: int) -> dict[str, Any]:
    """The terminated member appeals to the mediation group."""
    person = current_person()
    found = get_scheme(scheme)
    check_writable(found)
    termination = terminations.get_termination(found, termination_id)
    return termination_out(
        terminations.appeal(found, termination, text=body["appeal"], actor=person)
    )


@blp.route("/terminations/<int:termination_id>/decision", methods=["POST"])
@blp.arguments(AppealDecisionIn)
@blp.response(200, TerminationOut)
def decide_appeal(body: dict[str, Any], scheme: str, termination_id: int) -> dict[str, Any]:
    person, found = scheme_for(scheme, "appeals.decide")
    termination = terminations.get_termination(found, termination_id)
    return termination_out(terminations.decide_appeal(found, termination, actor=person, **body))
