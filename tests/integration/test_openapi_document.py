"""The OpenAPI document tells the truth, for every operation (issue 14, item 11): errors
as problem documents, downloads with their media types, replays' 200s, optional bodies,
patterns and examples on the names and numbers; Swagger UI without a CDN.

Schemathesis checks the document against the served app in ``.ci/run``
(``tests/schemathesis/``); these tests pin what it relies on.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask

from lets_platform import fields as api_fields
from lets_platform.testing import assert_problem

METHODS = ("get", "post", "put", "patch", "delete")


@pytest.fixture
def spec(api) -> dict[str, Any]:
    answer = api.get("/openapi.json")
    assert answer.status_code == 200
    return dict(answer.get_json())


def _operations(spec: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method, path, operation)
        for path, item in spec["paths"].items()
        for method, operation in item.items()
        if method in METHODS
    ]


def _resolve(spec: dict[str, Any], item: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in item:
        kind, name = item["$ref"].split("/")[-2:]
        item = spec["components"][kind][name]
    return item


def test_every_error_is_documented_as_a_problem_document(spec: dict[str, Any]) -> None:
    problem = spec["components"]["schemas"]["Problem"]
    assert set(problem["required"]) == {"type", "title", "status", "detail", "code"}
    assert problem["properties"]["status"]["type"] == "integer"
    operations = _operations(spec)
    assert len(operations) >= 62
    for method, path, operation in operations:
        responses = operation["responses"]
        assert "default" in responses, (method, path)
        for status, response in responses.items():
            if status != "default" and status[0] not in "45":
                continue
            content = _resolve(spec, response)["content"]
            assert list(content) == ["application/problem+json"], (method, path, status)
            schema = content["application/problem+json"]["schema"]
            assert schema == {"$ref": "#/components/schemas/Problem"}, (method, path)


def test_the_server_answers_errors_as_documented(api) -> None:
    answer = api.get("/schemes/nowhere")
    assert_problem(answer, 401, "unauthenticated")


def test_downloads_are_documented_with_their_media_types(spec: dict[str, Any]) -> None:
    paths = spec["paths"]
    statement = paths["/api/v1/schemes/{scheme}/accounts/{account}/statement"]["get"]
    assert set(statement["responses"]["200"]["content"]) == {"application/json", "text/csv"}
    report = paths["/api/v1/schemes/{scheme}/wind-up/report"]["get"]
    assert set(report["responses"]["200"]["content"]) == {
        "application/json",
        "text/csv",
        "application/pdf",
    }


@pytest.mark.parametrize(
    ("path", "created"),
    [
        ("/api/v1/schemes/{scheme}/transfers", "201"),
        ("/api/v1/schemes/{scheme}/transfers/{transfer_id}/correct", "201"),
        ("/api/v1/federation/trades", "202"),
        ("/api/v1/federation/invoices", "201"),
    ],
)
def test_replays_answer_a_documented_200(spec: dict[str, Any], path: str, created: str) -> None:
    responses = spec["paths"][path]["post"]["responses"]
    assert {"200", created} <= set(responses)
    assert (
        responses["200"]["content"]["application/json"]
        == responses[created]["content"]["application/json"]
    )


def test_a_body_whose_fields_are_all_optional_is_not_required(spec: dict[str, Any]) -> None:
    assert (
        spec["paths"]["/api/v1/federation/clearing-runs"]["post"]["requestBody"]["required"]
        is False
    )
    for method, path, operation in _operations(spec):
        body = operation.get("requestBody")
        if not body or "application/json" not in body["content"]:
            continue
        schema = _resolve(spec, body["content"]["application/json"]["schema"])
        assert body.get("required", False) == bool(schema.get("required")), (method, path)


@pytest.mark.parametrize(
    ("schema", "field", "good", "bad"),
    [
        ("SchemeIn", "slug", "wiltshire", "wiltshire\n"),
        ("MemberIn", "handle", "alice", "alice\n"),
        ("MemberIn", "email", "alice@example.org", "alice"),
        ("TransferIn", "amount", "12.50", "١٢.50"),
        ("TransferIn", "payer", "alice", "Alice"),
        ("RateIn", "rate", "25/2", " 10"),
        ("TradeIn", "payer", "wiltshire/alice", "wiltshire"),
        ("LimitsIn", "max_deficit", "100.000000", "1e3"),
        ("CurrencyIn", "code", "WES", "W"),
    ],
)
def test_names_and_numbers_carry_a_pattern_and_an_example(
    spec: dict[str, Any], schema: str, field: str, good: str, bad: str
) -> None:
    documented = spec["components"]["schemas"][schema]["properties"][field]
    pattern = documented["pattern"]
    assert pattern.startswith("^") and pattern.endswith("$")
    assert re.fullmatch(pattern, documented["example"])
    assert re.fullmatch(pattern, good) and not re.fullmatch(pattern, bad)


def test_the_operations_check_the_documented_patterns() -> None:
    """One home: the regular expressions the operations use are the documented ones."""
    from lets_platform import money
    from lets_platform.identity import operations as identity
    from lets_platform.tenancy import operations as tenancy
    from lets_tenants.accounts import operations as accounts

    assert tenancy.SLUG is api_fields.SLUG and tenancy.CURRENCY_CODE is api_fields.CURRENCY_CODE
    assert tenancy._RATE is api_fields.RATE and money._DECIMAL is api_fields.DECIMAL
    assert accounts.NAME is api_fields.HANDLE and identity._EMAIL is api_fields.EMAIL


def test_a_slug_with_a_trailing_newline_is_refused_by_the_schema(api, create_admin, token_for):
    admin = api.as_(token_for(create_admin()))
    body = {"slug": "wiltshire\n", "name": "W", "currency": {"code": "WES", "name": "units"}}
    problem = assert_problem(admin.post("/schemes", body), 422, "validation_failed")
    assert "slug" in problem["errors"]


def test_swagger_ui_is_served_from_an_installed_package(ctx: Flask) -> None:
    client = ctx.test_client()
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    assets = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert assets and all(a.startswith("/api/v1/docs/assets/") for a in assets), assets
    assert "cdn" not in page.text and "https://" not in page.text
    for asset in assets:
        answer = client.get(asset)
        assert answer.status_code == 200 and len(answer.data) > 1000, asset
        answer.close()


@pytest.mark.parametrize("ceiling", [{}, [], "", False])
def test_a_scheme_ceiling_that_is_no_amount_is_refused_not_taken_for_none(
    api, create_admin, token_for, ceiling: Any
) -> None:
    """Schemathesis found ``{}`` taken as "no ceiling" (a falsy value): what the document
    calls invalid, the server refuses."""
    admin = api.as_(token_for(create_admin()))
    body = {
        "slug": "wiltshire",
        "name": "W",
        "currency": {"code": "WES", "name": "units"},
        "default_max_balance": ceiling,
    }
    assert_problem(admin.post("/schemes", body), 422, "amount_invalid")
    assert admin.get("/schemes/wiltshire").status_code == 404
