"""Seed a hub for Schemathesis and print the ids it made, as shell ``export`` lines.

Usage (``tests/schemathesis/run`` does this): with ``LETS_DATABASE_URL`` naming an empty,
migrated PostgreSQL database (as its owner),

    eval "$(python tests/schemathesis/seed.py)"

Everything is made through the API itself (a test client of the app), as the national
administrator: a network, two schemes with members, rates, a payment, an invoice, a
federation trade, a cross-scheme invoice, a clearing run, a pool, an OAuth client that a
member has allowed. ``schemathesis.toml`` names these ids as the path parameters, so that
generated requests reach real objects, and runs once as the national administrator and
once as the member ``alice``.
"""

from __future__ import annotations

import shlex
import sys
from typing import Any

from sqlalchemy import select

from lets_platform.app import create_app
from lets_platform.db import db
from lets_platform.identity.models import Person
from lets_platform.identity.operations import add_person, issue_token
from lets_platform.oauth import operations as oauth
from lets_platform.tenancy import scope


def main() -> None:
    app = create_app({"LETS_RATE_LIMITS_ENABLED": False})
    with app.app_context():
        scope.allow_all()
        admin = add_person("nadia@letslink.test", "Nadia National", admin=True)
        admin_token = issue_token(admin, "schemathesis")
        db.session.commit()
        client = app.test_client()
        headers = {"Authorization": f"Bearer {admin_token}"}

        def post(path: str, body: dict[str, Any], expect: int = 201, **extra: Any) -> Any:
            answer = client.post("/api/v1" + path, json=body, headers=headers)
            if answer.status_code not in (expect, *extra.get("also", ())):
                sys.exit(f"seeding failed: POST {path} -> {answer.status_code} {answer.text}")
            return answer.get_json()

        def put(path: str, body: dict[str, Any]) -> Any:
            answer = client.put("/api/v1" + path, json=body, headers=headers)
            if answer.status_code != 200:
                sys.exit(f"seeding failed: PUT {path} -> {answer.status_code} {answer.text}")
            return answer.get_json()

        post("/networks", {"slug": "south-west", "name": "South West"})
        for slug, code, rate in (("wiltshire", "WES", "10"), ("bright", "LNK", "25/2")):
            post(
                "/schemes",
                {
                    "slug": slug,
                    "name": slug.title(),
                    "network": "south-west",
                    "currency": {"code": code, "name": f"{code} units"},
                    "default_min_balance": "-500.00",
                },
            )
            put(f"/federation/rates/{slug}", {"rate": rate})
            for handle in ("alice", "bob", "olive"):
                post(
                    f"/schemes/{slug}/members",
                    {
                        "email": f"{handle}@example.org",
                        "display_name": handle.title(),
                        "handle": handle,
                    },
                )
            post(f"/schemes/{slug}/members/olive/roles", {"role": "organiser"})
        transfer = post(
            "/schemes/wiltshire/transfers", {"payer": "alice", "payee": "bob", "amount": "5.00"}
        )
        invoice = post(
            "/schemes/wiltshire/invoices", {"payer": "alice", "payee": "bob", "amount": "2.00"}
        )
        trade = post(
            "/federation/trades",
            {"payer": "wiltshire/alice", "payee": "bright/bob", "amount": "3.00"},
            expect=202,
        )
        federated = post(
            "/federation/invoices",
            {"payer": "wiltshire/alice", "payee": "bright/bob", "amount": "4.00"},
        )
        run = post("/federation/clearing-runs", {})
        pool = post("/pools", {"network": "south-west"})
        client_row, _ = oauth.register_client(
            name="Market site",
            redirect_uris=["https://market.example/callback"],
            scopes="openid profile",
            scheme=None,
            actor=admin,
        )
        alice = db.session.scalar(select(Person).where(Person.email == "alice@example.org"))
        assert alice is not None
        oauth.remember_consent(alice, client_row, "openid profile")
        alice_token = issue_token(alice, "schemathesis")
        db.session.commit()
        ids = {
            "ST_ADMIN_TOKEN": admin_token,
            "ST_MEMBER_TOKEN": alice_token,
            "ST_TRANSFER_ID": transfer["id"],
            "ST_INVOICE_ID": invoice["id"],
            "ST_TRADE_ID": trade["id"],
            "ST_FEDERATED_INVOICE_ID": federated["id"],
            "ST_RUN_ID": run["id"],
            "ST_POOL": pool["slug"],
            "ST_CLIENT_ID": client_row.client_id,
        }
    for name, value in ids.items():
        print(f"export {name}={shlex.quote(str(value))}")


if __name__ == "__main__":
    main()
