"""Demo data: one client of the national body, so single sign-on can be tried at once."""

from __future__ import annotations

from lets_platform.demo import DemoContext
from lets_platform.oauth import operations as ops

DEMO_REDIRECT_URI = "http://127.0.0.1:8000/callback"


def seed(context: DemoContext) -> None:
    client, secret = ops.register_client(
        name="Demo relying party",
        redirect_uris=[DEMO_REDIRECT_URI],
        scopes="openid profile email ledger:read ledger:write",
        scheme=None,
        actor=None,
    )
    context.notes += [
        "Single sign-on (OpenID Connect): discovery at /.well-known/openid-configuration.",
        f"  demo client_id     {client.client_id}",
        f"  demo client_secret {secret}   (shown once)",
        f"  redirect URI       {DEMO_REDIRECT_URI}",
        "",
    ]
