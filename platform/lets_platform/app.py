"""The application factory: config, extensions, then the area packages named in LETS_MODULES."""

from __future__ import annotations

import importlib
from typing import Any

from flask import Flask
from sqlalchemy.orm import configure_mappers

from lets_platform import api, db, edge, errors, jobs, mailqueue, oauth, ratelimit, views, web
from lets_platform import scheduler as _scheduler  # noqa: F401  (its table, for the metadata)
from lets_platform.config import default_instance_path, from_environment


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the hub. ``config`` overrides anything read from the environment.

    Nothing here touches the database; area packages are imported by name so that the
    kernel never imports upward (``lets_tenants``, ``lets_federation``).
    """
    config = dict(config or {})
    instance_path = config.pop("LETS_INSTANCE_PATH", None) or default_instance_path()
    app = Flask("lets_platform", instance_path=instance_path)
    app.config.update(from_environment(instance_path))
    app.config.update(config)
    # before any route exists: a rule binds its converter when it is added
    app.url_map.converters["int"] = edge.Int64Converter

    db.init_app(app)
    api.init_app(app)
    errors.register_handlers(app)
    jobs.init_app(app)
    mailqueue.init_app(app)
    views.init_app(app)
    web.init_app(app)
    oauth.init_app(app)

    from lets_platform.audit.api import blp as audit_blp
    from lets_platform.tenancy.api import blp as schemes_blp

    api.register(app, schemes_blp)
    api.register(app, audit_blp)
    for name in filter(None, (m.strip() for m in app.config["LETS_MODULES"].split(","))):
        importlib.import_module(name).init_app(app)
    ratelimit.init_app(app)  # last: it limits the views every area registered
    edge.init_app(app)  # its hook goes first, before every other one reads the request
    # Every model is imported now: set up their mappings here, once, rather than in the
    # first query of whichever request thread comes first; a request may build rows
    # before it queries (``db.persistent``), and threads must not race to configure.
    configure_mappers()
    return app
