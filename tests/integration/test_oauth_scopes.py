"""An OAuth access token acts as its person, narrowed by its scopes and by the scheme of
the client it was issued to; personal tokens keep full access."""

from __future__ import annotations

import pytest

from lets_platform.identity.operations import grant_role
from lets_platform.oauth.testing import ALL_SCOPES, issue_access_token, register_client
from lets_tenants.membership.operations import add_member


@pytest.fixture
def wiltshire(create_scheme):
    return create_scheme("wiltshire")


@pytest.fixture
def bright(create_scheme):
    return create_scheme("bright")


@pytest.fixture
def alice(wiltshire, bright, create_member):
    """A member of Wiltshire and of Bright, with bob to pay in each."""
    alice = create_member(wiltshire, "alice")
    create_member(wiltshire, "bob")
    add_member(bright, email=alice.email, display_name="Alice", handle="alice", actor=None)
    create_member(bright, "bob")
    return alice


def pay(api, token, scheme="wiltshire"):
    return api.as_(token).post(
        f"/schemes/{scheme}/transfers", {"payer": "alice", "payee": "bob", "amount": "1.00"}
    )


def test_a_token_without_ledger_write_may_not_pay(api, wiltshire, alice):
    client, _ = register_client(scheme=wiltshire)
    token = issue_access_token(client, alice, "openid ledger:read")

    response = pay(api, token)

    assert (response.status_code, response.json["code"]) == (403, "insufficient_scope")
    assert response.json["scope"] == "ledger:write"


def test_a_token_with_ledger_write_pays_in_its_clients_scheme(api, wiltshire, alice):
    client, _ = register_client(scheme=wiltshire)
    token = issue_access_token(client, alice, "ledger:read ledger:write")

    response = pay(api, token)

    assert response.status_code == 201
    assert response.json["entered_by"] == alice.email


def test_a_token_with_ledger_read_reads_the_persons_own_account(api, wiltshire, alice):
    client, _ = register_client(scheme=wiltshire)
    token = issue_access_token(client, alice, "ledger:read")

    response = api.as_(token).get("/schemes/wiltshire/accounts/alice")

    assert response.status_code == 200


def test_a_token_of_one_schemes_client_cannot_act_in_another_scheme(api, wiltshire, alice):
    client, _ = register_client(scheme=wiltshire)
    token = issue_access_token(client, alice, ALL_SCOPES)

    paid = pay(api, token, scheme="bright")
    read = api.as_(token).get("/schemes/bright/accounts/alice")

    assert (paid.status_code, paid.json["code"]) == (403, "token_not_for_scheme")
    assert (read.status_code, read.json["code"]) == (403, "token_not_for_scheme")


def test_a_token_of_a_schemes_client_cannot_act_for_the_hub(api, wiltshire, create_admin):
    admin = create_admin()
    client, _ = register_client(scheme=wiltshire)
    token = issue_access_token(client, admin, ALL_SCOPES)

    response = api.as_(token).get("/audit")

    assert (response.status_code, response.json["code"]) == (403, "token_not_for_scheme")


def test_a_token_of_the_national_bodys_client_acts_in_every_scheme(api, alice):
    client, _ = register_client(scheme=None)
    token = issue_access_token(client, alice, "ledger:write ledger:read")

    assert pay(api, token, scheme="wiltshire").status_code == 201
    assert pay(api, token, scheme="bright").status_code == 201


def test_a_token_never_does_more_than_its_person_may(api, wiltshire, alice):
    client, _ = register_client(scheme=wiltshire)
    token = issue_access_token(client, alice, ALL_SCOPES)

    response = api.as_(token).post(
        "/schemes/wiltshire/members",
        {"email": "new@example.org", "display_name": "New", "handle": "new"},
    )

    assert (response.status_code, response.json["code"]) == (403, "not_permitted")


def test_an_organisers_token_needs_scheme_admin_to_run_the_scheme(api, wiltshire, alice):
    grant_role(alice, "organiser", scheme_id=wiltshire.id, granted_by=None)
    client, _ = register_client(scheme=wiltshire)
    reading = issue_access_token(client, alice, "ledger:read ledger:write")
    admin = issue_access_token(client, alice, "scheme:admin")
    body = {"email": "new@example.org", "display_name": "New", "handle": "new"}

    refused = api.as_(reading).post("/schemes/wiltshire/members", body)
    added = api.as_(admin).post("/schemes/wiltshire/members", body)

    assert refused.json["code"] == "insufficient_scope"
    assert added.status_code == 201


def test_a_personal_token_keeps_full_access(api, wiltshire, alice, token_for):
    grant_role(alice, "organiser", scheme_id=wiltshire.id, granted_by=None)

    response = api.as_(token_for(alice)).post(
        "/schemes/wiltshire/members",
        {"email": "new@example.org", "display_name": "New", "handle": "new"},
    )

    assert response.status_code == 201


def test_userinfo_needs_the_openid_scope(api, wiltshire, alice):
    client, _ = register_client(scheme=wiltshire)
    token = issue_access_token(client, alice, "ledger:read")

    response = api.client.get("/oauth/userinfo", headers={"Authorization": f"Bearer {token}"})

    assert (response.status_code, response.json["code"]) == (403, "insufficient_scope")
