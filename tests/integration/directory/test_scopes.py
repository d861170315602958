"""The ``directory:write`` OAuth scope: what an application may do in the directory as
the person who allowed it, and nothing without it."""

from __future__ import annotations

from lets_platform.oauth.testing import issue_access_token, register_client
from lets_platform.testing import assert_problem

EGGS = {"kind": "offer", "title": "Eggs", "category": "other"}


def test_a_token_with_directory_write_lists_for_its_person(scheme_with_members, api):
    w = scheme_with_members()
    client, _ = register_client(scheme=w.scheme)
    token = issue_access_token(client, w.people["alice"], "openid directory:write")

    made = api.as_(token).post(w.path + "/listings", EGGS)

    assert made.status_code == 201, made.json
    assert made.json["owner"] == "wiltshire/alice"


def test_a_token_without_directory_write_may_not(scheme_with_members, api):
    w = scheme_with_members()
    client, _ = register_client(scheme=w.scheme)
    token = issue_access_token(client, w.people["alice"], "openid ledger:read ledger:write")

    problem = assert_problem(
        api.as_(token).post(w.path + "/listings", EGGS), 403, "insufficient_scope"
    )

    assert problem["scope"] == "directory:write"
