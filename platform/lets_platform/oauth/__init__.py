"""The hub as an OAuth2 / OpenID Connect provider: a scheme's own site or app signs its
members in with their hub identity and calls the API with the access token it gets."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from lets_platform import demo, web
    from lets_platform.api import register
    from lets_platform.oauth import cli, models, server  # noqa: F401  (models: the tables)
    from lets_platform.oauth import demo as oauth_demo
    from lets_platform.oauth.api import blp, consents_blp
    from lets_platform.oauth.views import CSRF_EXEMPT, bp

    server.init_app(app)
    app.register_blueprint(bp)
    web.exempt_csrf(app, *CSRF_EXEMPT)
    register(app, blp)
    register(app, consents_blp)
    cli.init_app(app)
    demo.register(90, "oauth", oauth_demo.seed)
