"""Hostile input is refused at the edge, never answered with a 5xx (issue 14, item 9).

The sweep walks EVERY route of ``app.url_map`` (so routes added later are swept too), as
nobody and as a signed-in national administrator (bearer token and web session), with:
a NUL byte in each path parameter, in every query parameter and form field, and in the
headers read as input; lone surrogates and NULs in every field of a JSON body; integers
beyond 64 bits in every integer query parameter and body field; other JSON types where a
string belongs; a JSON body of 100,000 nested ``[``. The query parameters and body fields
of each API operation are read from its OpenAPI document.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from werkzeug.routing import Rule

from lets_platform.db import db
from lets_platform.identity.operations import add_person, issue_token
from lets_platform.oauth.testing import register_client
from lets_platform.tenancy.operations import provision_scheme
from lets_platform.testing import assert_problem
from lets_platform.web.testing import csrf_token
from lets_tenants.membership.operations import add_member

NUL = "a\x00b"
SURROGATE = "a\ud800b"
TOO_BIG = [str(2**63), str(-(2**63) - 1), str(2**64)]
BODY_METHODS = {"POST", "PUT", "PATCH", "DELETE"}

#: Real values for path parameters by name, so that a request reaches the operation; a
#: parameter of a later route not named here gets a plausible word.
PATH_VALUES = {
    "scheme": "wiltshire",
    "slug": "wiltshire",
    "first": "wiltshire",
    "second": "bright",
    "pool": "wiltshire",
    "network": "south-west",
    "account": "alice",
    "handle": "alice",
    "role": "organiser",
    "filename": "nothing.css",
}
#: Parameters and fields of the pages and OAuth endpoints (they have no OpenAPI document).
PAGE_FIELDS = [
    "email",
    "password",
    "next",
    "decision",
    "client_id",
    "client_secret",
    "grant_type",
    "code",
    "redirect_uri",
    "refresh_token",
    "token",
    "token_type_hint",
    "scope",
    "state",
    "nonce",
    "prompt",
    "max_age",
    "response_type",
    "code_challenge",
    "code_challenge_method",
    "code_verifier",
]


def _schemas(spec: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    if "$ref" in schema:
        return _schemas(spec, spec["components"]["schemas"][schema["$ref"].split("/")[-1]])
    return schema


def _operation_fields(spec: dict[str, Any], rule: Rule, method: str) -> tuple[dict, dict]:
    """The query parameters and JSON body fields of an operation: {name: OpenAPI type}."""
    path = rule.rule
    for name in rule.arguments:
        path = path.replace(f"<{name}>", "{" + name + "}")
    operation = spec["paths"].get(path, {}).get(method.lower())
    if operation is None:
        fields = dict.fromkeys(PAGE_FIELDS, "string")
        return fields, fields
    query = {
        p["name"]: _schemas(spec, p.get("schema", {})).get("type", "string")
        for p in operation.get("parameters", [])
        if p["in"] == "query"
    }
    body: dict[str, str] = {}
    for media in operation.get("requestBody", {}).get("content", {}).values():
        schema = _schemas(spec, media.get("schema", {}))
        body.update({k: v.get("type", "string") for k, v in schema.get("properties", {}).items()})
    return query, body


def _requests(spec: dict[str, Any], rule: Rule) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(method, path, werkzeug open() arguments) of every hostile request for ``rule``."""
    real = {name: PATH_VALUES.get(name, str(uuid.uuid4())) for name in rule.arguments}
    for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
        query, body = _operation_fields(spec, rule, method)
        path = _path(rule, real)
        for name in rule.arguments:  # a NUL, an encoded surrogate, bad UTF-8 in each
            for bad in ("a%00b", "a%ED%A0%80b", "a%FFb"):
                yield method, _path(rule, {**real, name: bad}), {}
        yield method, path, {"query_string": dict.fromkeys(query or PAGE_FIELDS, NUL)}
        for name, kind in query.items():
            if kind in ("integer", "number") or name in ("before", "after", "max_age"):
                for big in TOO_BIG:
                    yield method, path, {"query_string": {name: big}}
        for header in ("Idempotency-Key", "Authorization", "X-Forwarded-For"):
            yield method, path, {"headers": {header: NUL}}
        if method not in BODY_METHODS:
            continue
        yield method, path, {"data": dict.fromkeys(body or PAGE_FIELDS, NUL)}
        yield method, path, {"data": "[" * 100_000, "content_type": "application/json"}
        for value in (NUL, SURROGATE, "\ud800"):
            yield method, path, _json(dict.fromkeys(body, value))
        for name in body:
            for other in (2**64, -(2**64), 10**400, [NUL], {"k": NUL}, [], {}, [{}], True, 1.5):
                yield method, path, _json({name: other})
            yield method, path, _json({NUL: NUL, name: SURROGATE})
            for number in ("1" + "0" * 5000, "1e400", "NaN", "-Infinity"):
                yield method, path, _raw_json(f'{{"{name}": {number}}}')


def _json(value: Any) -> dict[str, Any]:
    # json.dumps writes a lone surrogate as its \\ud800 escape, as a hostile client would
    return {"data": json.dumps(value), "content_type": "application/json"}


def _raw_json(text: str) -> dict[str, Any]:
    return {"data": text, "content_type": "application/json"}


def _path(rule: Rule, values: dict[str, str]) -> str:
    path = rule.rule
    for name, value in values.items():
        path = path.replace(f"<{name}>", value).replace(f"<path:{name}>", value)
    return path


@pytest.fixture
def hub(ctx: Flask) -> dict[str, Any]:
    """Two schemes with members, a national administrator with a password and a token,
    and an OAuth client: enough for hostile requests to reach the operations."""
    for slug in ("wiltshire", "bright"):
        scheme = provision_scheme(
            slug=slug,
            name=slug.title(),
            currency_code=slug[:3].upper(),
            currency_name="units",
            default_min_balance="-100.00",
        )
        for handle in ("alice", "bob"):
            add_member(
                scheme,
                email=f"{handle}@{slug}.test",
                display_name=handle.title(),
                handle=handle,
                actor=None,
            )
    admin = add_person("nadia@letslink.test", "Nadia", password="correct horse", admin=True)
    token = issue_token(admin)
    db.session.commit()
    client, _ = register_client()
    return {"token": token, "client_id": client.client_id}


def _sweep(app: Flask, signed_in: dict[str, Any] | None) -> tuple[int, list[str]]:
    """Send every hostile request; return how many were sent and those answered 5xx."""
    client = app.test_client()
    headers: dict[str, str] = {}
    if signed_in is not None:
        headers["Authorization"] = f"Bearer {signed_in['token']}"
        db.session.commit()  # the test's session holds no transaction (no SQLite lock)
        with app.app_context():
            page = client.get("/login")
            form = {"email": "nadia@letslink.test", "password": "correct horse"}
            signed = client.post("/login", data={**form, "csrf_token": csrf_token(page.text)})
        assert signed.status_code == 302, signed.text
    with app.app_context():
        csrf = csrf_token(client.get("/login").text)
        spec = client.get("/api/v1/openapi.json").get_json()
    failures, sent = [], 0
    for rule in app.url_map.iter_rules():
        for method, path, kwargs in _requests(spec, rule):
            kwargs = dict(kwargs)
            kwargs["headers"] = {**headers, **kwargs.get("headers", {})}
            if isinstance(kwargs.get("data"), dict):
                kwargs["data"] = {**kwargs["data"], "csrf_token": csrf}
            db.session.commit()
            sent += 1
            with app.app_context():
                response = client.open(path, method=method, **kwargs)
            if response.status_code >= 500:
                failures.append(f"{response.status_code} {method} {path} {_short(kwargs)}")
    return sent, failures


def _short(kwargs: dict[str, Any]) -> str:
    return repr({k: v for k, v in kwargs.items() if k != "headers" or v})[:160]


@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "signed-in"])
def test_no_route_answers_hostile_input_with_a_server_error(
    ctx: Flask, hub: dict[str, Any], signed_in: bool
) -> None:
    sent, failures = _sweep(ctx, hub if signed_in else None)
    assert sent > 1000
    assert not failures, f"{len(failures)} of {sent} answers were 5xx:\n" + "\n".join(
        failures[:200]
    )


# Each kind of refusal, with its named code, where the issue found a 500.


def test_a_nul_in_a_json_body_is_invalid_characters(api, hub: dict[str, Any]) -> None:
    admin = api.as_(hub["token"])
    body = {"payer": "alice", "payee": "bob", "amount": "1.00", "memo": "a\x00b"}
    assert_problem(admin.post("/schemes/wiltshire/transfers", body), 400, "invalid_characters")
    body = {"payer": "alice", "payee": "bob", "amount": "1.00", "memo": "\ud800"}
    assert_problem(admin.post("/schemes/wiltshire/transfers", body), 400, "invalid_characters")
    body = {"payer": "alice", "payee": "bob", "amount": "1.00", "me\x00mo": "x"}
    assert_problem(admin.post("/schemes/wiltshire/transfers", body), 400, "invalid_characters")


def test_a_nul_in_the_path_query_or_a_header_is_invalid_characters(
    api, hub: dict[str, Any]
) -> None:
    admin = api.as_(hub["token"])
    assert_problem(admin.get("/schemes/a%00b"), 400, "invalid_characters")
    assert_problem(admin.get("/schemes/wiltshire/audit", cursor="\x00"), 400, "invalid_characters")
    answer = admin.post(
        "/schemes/wiltshire/transfers",
        {"payer": "alice", "payee": "bob", "amount": "1.00"},
        headers={"Idempotency-Key": "k\x00"},
    )
    assert_problem(answer, 400, "invalid_characters")


def test_the_login_form_refuses_a_nul_in_the_email(ctx: Flask, hub: dict[str, Any]) -> None:
    client = ctx.test_client()
    with ctx.app_context():
        csrf = csrf_token(client.get("/login").text)
        answer = client.post(
            "/login", data={"email": "a\x00@x.org", "password": "x", "csrf_token": csrf}
        )
    assert_problem(answer, 400, "invalid_characters")


@pytest.mark.parametrize(
    ("method", "path", "form"),
    [
        ("GET", "/oauth/authorize?client_id=%00&response_type=code", None),
        ("POST", "/oauth/token", {"grant_type": "client_credentials", "client_id": "a\x00b"}),
        ("POST", "/oauth/revoke", {"token": "a\x00b"}),
    ],
)
def test_oauth_endpoints_refuse_a_nul_in_the_oauth_error_format(
    ctx: Flask, hub: dict[str, Any], method: str, path: str, form: dict[str, str] | None
) -> None:
    with ctx.app_context():
        answer = ctx.test_client().open(path, method=method, data=form)
    assert answer.status_code == 400
    assert answer.mimetype == "application/json"
    assert answer.get_json()["error"] == "invalid_request"
    assert "NUL" in answer.get_json()["error_description"]
    assert answer.headers["Cache-Control"] == "no-store"


def test_deeply_nested_json_is_json_too_deep(api, hub: dict[str, Any]) -> None:
    admin = api.as_(hub["token"])
    for depth in (100_000, 33):
        answer = admin.call(
            "POST",
            "/schemes/wiltshire/transfers",
            data="[" * depth + "]" * depth,
            content_type="application/json",
            headers={"Authorization": f"Bearer {hub['token']}"},
        )
        assert_problem(answer, 400, "json_too_deep")
    body = {"payer": "alice", "payee": "bob", "amount": "1.00", "memo": "x"}
    assert admin.post("/schemes/wiltshire/transfers", body).status_code == 201


def test_malformed_json_is_invalid_json(api, hub: dict[str, Any]) -> None:
    answer = api.as_(hub["token"]).call(
        "POST",
        "/schemes/wiltshire/transfers",
        data='{"payer": ',
        content_type="application/json",
        headers={"Authorization": f"Bearer {hub['token']}"},
    )
    assert_problem(answer, 400, "invalid_json")


@pytest.mark.parametrize("number", [str(2**63), str(-(2**63) - 1), "1" + "0" * 5000, "1e400"])
def test_numbers_beyond_64_bits_in_a_body_are_number_out_of_range(
    api, hub: dict[str, Any], number: str
) -> None:
    answer = api.as_(hub["token"]).call(
        "POST",
        "/schemes/wiltshire/transfers",
        data=f'{{"payer": "alice", "payee": "bob", "amount": {number}}}',
        content_type="application/json",
        headers={"Authorization": f"Bearer {hub['token']}"},
    )
    assert_problem(answer, 422, "number_out_of_range")


def test_integers_beyond_64_bits_in_a_query_are_refused(api, hub: dict[str, Any]) -> None:
    admin = api.as_(hub["token"])
    for path in ("/audit", "/schemes/wiltshire/audit"):
        for before in (str(2**63), str(-(2**63) - 1)):
            body = assert_problem(admin.get(path, before=before), 422, "validation_failed")
            assert "before" in body["errors"]
        assert admin.get(path, before=str(2**63 - 1)).status_code == 200
    spec = admin.get("/openapi.json").get_json()
    (before,) = (
        p for p in spec["paths"]["/api/v1/audit"]["get"]["parameters"] if p["name"] == "before"
    )
    assert before["schema"]["maximum"] == 2**63 - 1


def test_a_body_beyond_the_maximum_size_is_payload_too_large(
    database_url: str, ctx: Flask, hub: dict[str, Any]
) -> None:
    ctx.config["MAX_CONTENT_LENGTH"] = 1000
    try:
        client = ctx.test_client()
        headers = {"Authorization": f"Bearer {hub['token']}"}
        memo = "x" * 2000
        with ctx.app_context():
            answer = client.post(
                "/api/v1/schemes/wiltshire/transfers",
                json={"payer": "alice", "payee": "bob", "amount": "1.00", "memo": memo},
                headers=headers,
            )
            assert_problem(answer, 413, "payload_too_large")
            answer = client.post("/oauth/token", data={"client_id": memo})
        assert answer.status_code == 413
        assert answer.get_json()["error"] == "invalid_request"
    finally:
        ctx.config["MAX_CONTENT_LENGTH"] = ctx.config["LETS_MAX_CONTENT_LENGTH"]


def test_a_browser_gets_the_refusal_as_a_page(ctx: Flask, hub: dict[str, Any]) -> None:
    with ctx.app_context():
        answer = ctx.test_client().get("/login?next=%00", headers={"Accept": "text/html"})
    assert answer.status_code == 400
    assert answer.mimetype == "text/html"


def test_every_int_in_a_route_is_bounded_to_64_bits(app):
    """Schemathesis found 500s at /meetings/<int> and /constitution/versions/<int>: the
    converter was bounded after the areas had added their routes with the unbounded one."""
    from lets_platform.edge import Int64Converter

    for rule in app.url_map.iter_rules():
        for name, converter in rule._converters.items():
            if converter.regex == r"\d+" or "int" in type(converter).__name__.lower():
                assert isinstance(converter, Int64Converter), (rule.rule, name)
