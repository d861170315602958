"""The scheme's directory and community: listings (offers and wants) in a category tree,
search within and across schemes, the printable directory; profiles, messages, events,
feedback, groups and moderation live in their own sub-areas and are wired up here."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from lets_platform import migrate
    from lets_tenants.directory import models  # noqa: F401
    from lets_tenants.events import models as events  # noqa: F401
    from lets_tenants.feedback import models as feedback  # noqa: F401
    from lets_tenants.groups import models as groups  # noqa: F401
    from lets_tenants.messages import models as messages  # noqa: F401
    from lets_tenants.moderation import models as moderation  # noqa: F401
    from lets_tenants.profiles import models as profiles  # noqa: F401

    migrate.not_modelled("listings_fts", "ix_listings_search")
    from lets_platform import jobs
    from lets_platform.api import register
    from lets_tenants.directory.api import blp as directory
    from lets_tenants.directory.tasks import EVERY_SECONDS, remind_expiring

    register(app, directory)
    jobs.every(EVERY_SECONDS, remind_expiring)
