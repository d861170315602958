"""A scheme's constitution: provisioned from a template, versioned, each parameter with
the clause of the text it comes from; the committee changes only what the text leaves to
it."""

from __future__ import annotations

import pytest

from lets_platform.db import db
from lets_platform.tenancy.models import Scheme
from lets_platform.testing import assert_problem, db_state
from lets_tenants.constitution.models import ConstitutionVersion


@pytest.fixture
def national(api, create_admin, token_for):
    return api.as_(token_for(create_admin()))


def _param(body: dict, name: str) -> dict:
    return next(p for p in body["parameters"] if p["name"] == name)


def _provision(national, slug: str, template: str | None):
    body = {"slug": slug, "name": slug.title(), "currency": {"code": "ABC", "name": "Abcs"}}
    if template:
        body["constitution"] = template
    return national.post("/schemes", body)


@pytest.mark.parametrize(
    ("template", "name", "value", "clause"),
    [
        ("wiltshire", "egm_request_members", 6, "10(e)"),
        ("wiltshire", "egm_request_days", 4, "10(e)"),
        ("bright", "egm_request_members", 4, "9.2"),
        ("bright", "egm_request_days", 3, "9.2"),
        ("wiltshire", "wind_up_majority", "two_thirds_of_votes_cast", "13(b)"),
        ("bright", "wind_up_majority", "two_thirds_of_membership", "12.2"),
        ("wiltshire", "agm_notice_days", 14, "10(g)"),
        ("bright", "egm_notice_days", 7, "9.3"),
        ("wiltshire", "absences_deemed_resignation", 3, "6(e)"),
        ("bright", "change_meetings", ["agm"], "11.1"),
        ("london", "local_groups", True, "2.1"),
    ],
)
def test_a_scheme_starts_from_its_template_each_parameter_citing_its_clause(
    national, template, name, value, clause
):
    assert _provision(national, "avon", template).status_code == 201

    body = national.get("/schemes/avon/constitution").json

    assert body["number"] == 1 and body["template"] == template
    assert (_param(body, name)["value"], _param(body, name)["clause"]) == (value, clause)


def test_the_text_is_the_schemes_own(national):
    _provision(national, "bright", "bright")

    text = national.get("/schemes/bright/constitution").json["text"]

    assert "The scheme can only be wound up by a two thirds majority vote of the membership" in text


def test_without_a_template_the_model_is_used_and_the_api_is_unchanged(national):
    response = _provision(national, "avon", None)

    assert response.status_code == 201
    assert "constitution" not in response.json
    assert national.get("/schemes/avon/constitution").json["template"] == "model"


def test_an_unknown_template_is_refused_and_nothing_is_provisioned(national):
    before = db_state()

    assert_problem(_provision(national, "avon", "atlantis"), 422, "template_unknown")
    assert db_state() == before


def test_the_committee_changes_the_fee_as_a_new_version_and_history_is_kept(
    scheme_with_members, create_member, token_for, api
):
    avon = scheme_with_members("avon", constitution="wiltshire")
    chair = create_member(avon.scheme, "chaz")
    from lets_platform.identity.operations import grant_role

    grant_role(chair, "chair", scheme_id=avon.scheme.id, granted_by=None)
    db.session.commit()
    as_chair = api.as_(token_for(chair))

    response = as_chair.post(
        "/schemes/avon/constitution/committee-changes",
        {"changes": {"fee_local": "5.00", "default_min_balance": "-150.00"}, "note": "AGM 2026"},
    )

    assert response.status_code == 201, response.json
    assert response.json["number"] == 2 and response.json["authority"] == "committee"
    assert {
        (c["parameter"], c["before"], c["after"], c["clause"]) for c in response.json["changes"]
    } == {
        ("fee_local", "0.00", "5.00", "3(b)"),
        ("default_min_balance", "-100.00", "-150.00", None),
    }
    history = avon.as_["alice"].get("/schemes/avon/constitution/versions").json
    assert [v["number"] for v in history] == [1, 2]
    assert _param(history[0], "fee_local")["value"] == "0.00"
    assert db.session.get_one(Scheme, avon.scheme.id).default_min_balance == -15000


def test_the_committee_may_not_change_what_needs_a_general_meeting(scheme_with_members):
    avon = scheme_with_members("avon", constitution="wiltshire")
    from lets_platform.identity.operations import grant_role

    grant_role(avon.people["alice"], "secretary", scheme_id=avon.scheme.id, granted_by=None)
    db.session.commit()
    before = db_state()

    response = avon.as_["alice"].post(
        "/schemes/avon/constitution/committee-changes", {"changes": {"agm_notice_days": 3}}
    )

    body = assert_problem(response, 409, "change_needs_general_meeting")
    assert (body["parameter"], body["clause"]) == ("agm_notice_days", "12(a)")
    assert db_state() == before


def test_a_member_may_not_change_the_constitution(scheme_with_members):
    avon = scheme_with_members("avon")

    response = avon.as_["bob"].post(
        "/schemes/avon/constitution/committee-changes", {"changes": {"fee_local": "1.00"}}
    )

    assert_problem(response, 403, "not_permitted")


def test_a_version_is_never_rewritten(scheme_with_members):
    avon = scheme_with_members("avon", constitution="bright")
    version = db.session.scalar(db.select(ConstitutionVersion))

    assert version.number == 1
    from lets_platform.dbroles import APPEND_ONLY

    assert APPEND_ONLY["constitution_versions"] == ()
    assert avon.as_["alice"].get("/schemes/avon/constitution/versions/1").status_code == 200
    assert_problem(
        avon.as_["alice"].get("/schemes/avon/constitution/versions/2"),
        404,
        "constitution_not_found",
    )
