"""A member pays another through the API; balances move and the books stay zero-sum."""

from lets_platform import invariants


def test_member_pays_member(api, create_scheme, create_member, token_for):
    scheme = create_scheme("wiltshire")
    alice = create_member(scheme, "alice")
    create_member(scheme, "bob")
    as_alice = api.as_(token_for(alice))

    response = as_alice.post(
        "/schemes/wiltshire/transfers", {"payer": "alice", "payee": "bob", "amount": "12.50"}
    )

    assert response.status_code == 201, response.json
    assert response.json["amount"] == "12.50"
    assert as_alice.get("/schemes/wiltshire/accounts/alice").json["balance"] == "-12.50"
    assert invariants.run_all() == []
