"""Registering OAuth clients: organisers for their scheme, the national administrator for
the hub, by API or CLI; the secret is shown once and kept only as a digest."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from lets_platform import testing
from lets_platform.audit.models import AuditEntry
from lets_platform.cli import main
from lets_platform.db import db
from lets_platform.oauth.models import OAuthClient
from lets_platform.oauth.secrets import digest
from lets_platform.oauth.testing import register_client

SITE = {"name": "Wiltshire LETS site", "redirect_uris": ["https://wiltshirelets.example/cb"]}


@pytest.fixture
def wiltshire(create_scheme):
    return create_scheme("wiltshire")


@pytest.fixture
def organiser(wiltshire, create_member, token_for):
    return token_for(create_member(wiltshire, "olive", organiser=True))


def clients() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(OAuthClient)) or 0


def test_an_organiser_registers_a_client_for_their_scheme(api, organiser):
    response = api.as_(organiser).post("/oauth/clients", {**SITE, "scheme": "wiltshire"})

    assert response.status_code == 201
    body = response.json
    assert body["scheme"] == "wiltshire"
    assert body["client_secret"].startswith("letscs_")
    assert body["scopes"] == "openid profile email ledger:read"


def test_the_secret_is_kept_only_as_a_digest_and_never_listed(api, organiser):
    created = api.as_(organiser).post("/oauth/clients", {**SITE, "scheme": "wiltshire"}).json

    listed = api.as_(organiser).get("/oauth/clients", scheme="wiltshire").json
    stored = db.session.scalars(select(OAuthClient)).one()

    assert stored.secret_hash == digest(created["client_secret"])
    assert created["client_secret"] not in str(listed)
    assert [c["client_id"] for c in listed] == [created["client_id"]]


def test_a_member_may_not_register_a_client(api, wiltshire, create_member, token_for):
    member = token_for(create_member(wiltshire, "alice"))

    response = api.as_(member).post("/oauth/clients", {**SITE, "scheme": "wiltshire"})

    assert (response.status_code, response.json["code"]) == (403, "not_permitted")
    assert clients() == 0


def test_an_organiser_may_not_register_for_another_scheme(api, organiser, create_scheme):
    create_scheme("bright")

    response = api.as_(organiser).post("/oauth/clients", {**SITE, "scheme": "bright"})

    assert response.json["code"] == "not_permitted"


def test_an_organiser_may_not_register_a_client_of_the_hub(api, organiser):
    response = api.as_(organiser).post("/oauth/clients", SITE)

    assert response.json["code"] == "not_permitted"


def test_the_national_administrator_registers_a_client_of_the_hub(api, create_admin, token_for):
    admin = token_for(create_admin())

    response = api.as_(admin).post("/oauth/clients", {**SITE, "scopes": "openid scheme:admin"})

    assert response.status_code == 201
    assert (response.json["scheme"], response.json["scopes"]) == (None, "openid scheme:admin")


@pytest.mark.parametrize(
    "uri",
    [
        "http://wiltshirelets.example/cb",
        "https://wiltshirelets.example/cb#fragment",
        "/cb",
        "javascript:alert(1)",
    ],
)
def test_a_redirect_uri_that_is_not_absolute_https_is_refused(api, organiser, uri):
    body = {**SITE, "scheme": "wiltshire", "redirect_uris": [uri]}

    response = api.as_(organiser).post("/oauth/clients", body)

    assert (response.status_code, response.json["code"]) == (422, "redirect_uri_invalid")
    assert clients() == 0


def test_a_loopback_http_redirect_uri_is_accepted_for_development(api, organiser):
    body = {**SITE, "scheme": "wiltshire", "redirect_uris": ["http://127.0.0.1:8000/cb"]}

    assert api.as_(organiser).post("/oauth/clients", body).status_code == 201


def test_an_unknown_scope_is_refused(api, organiser):
    body = {**SITE, "scheme": "wiltshire", "scopes": "openid ledger:everything"}

    response = api.as_(organiser).post("/oauth/clients", body)

    assert (response.status_code, response.json["code"]) == (422, "scope_unknown")
    assert clients() == 0


def test_registering_a_client_is_audited(api, organiser):
    api.as_(organiser).post("/oauth/clients", {**SITE, "scheme": "wiltshire"})

    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action.like("oauth.%"))).one()
    assert entry.action == "oauth.client_created"
    assert entry.scheme_id is not None


def test_the_cli_registers_a_client_and_prints_its_id_and_secret(ctx, wiltshire):
    db.session.commit()
    result = ctx.test_cli_runner().invoke(
        main,
        [
            "oauth",
            "register-client",
            "Site",
            "--scheme",
            "wiltshire",
            "--redirect-uri",
            "https://wiltshirelets.example/cb",
        ],
    )

    assert result.exit_code == 0, result.output
    lines = dict(line.split("=", 1) for line in result.output.split())
    stored = db.session.scalars(select(OAuthClient)).one()
    assert (stored.client_id, stored.secret_hash) == (
        lines["client_id"],
        digest(lines["client_secret"]),
    )


def test_the_cli_refuses_a_bad_redirect_uri_with_its_code(ctx, wiltshire):
    db.session.commit()
    result = ctx.test_cli_runner().invoke(
        main, ["oauth", "register-client", "Site", "--redirect-uri", "ftp://x.example/"]
    )

    assert result.exit_code == 1
    assert "redirect_uri_invalid" in result.output
    assert clients() == 0


needs_postgresql = pytest.mark.skipif(
    testing.postgres_server_url() is None, reason="needs PostgreSQL (LETS_TEST_DATABASE_URL)"
)


@needs_postgresql
def test_on_postgresql_any_unit_of_work_finds_a_client_by_its_id(ctx, wiltshire):
    """The provider looks a client up before it knows the scheme (token endpoint, bearer)."""
    register_client(scheme=wiltshire)

    with db.engine.connect() as connection:
        seen = connection.execute(text("SELECT count(*) FROM oauth_clients")).scalar_one()

    assert seen == 1


@needs_postgresql
def test_on_postgresql_a_client_is_written_only_in_a_scheme_entered(ctx, wiltshire, create_scheme):
    bright = create_scheme("bright")
    register_client(scheme=bright)

    with db.engine.connect() as connection:
        connection.execute(
            text("SELECT set_config('lets.schemes', :s, true)"), {"s": str(wiltshire.id)}
        )
        renamed = connection.execute(text("UPDATE oauth_clients SET name = 'Mole'")).rowcount
        with pytest.raises(DBAPIError, match="row-level"):
            connection.execute(
                text(
                    "INSERT INTO oauth_clients (client_id, secret_hash, name, redirect_uris, "
                    "scopes, scheme_id, created_at) VALUES ('mole', 'x', 'Mole', '[]', "
                    "'openid', :b, now())"
                ),
                {"b": bright.id},
            )

    assert renamed == 0
