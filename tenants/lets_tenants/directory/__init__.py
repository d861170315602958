"""The scheme's directory and community: listings (offers and wants) in a category tree,
search within and across schemes, the printable directory; profiles, messages, events,
feedback, groups and moderation live in their own sub-areas and are wired up here."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from lets_platform import jobs, migrate
    from lets_platform.api import register
    from lets_tenants.directory import models  # noqa: F401
    from lets_tenants.directory.api import blp as directory_api
    from lets_tenants.directory.tasks import EVERY_SECONDS, remind_expiring
    from lets_tenants.events.api import blp as events_api
    from lets_tenants.feedback.api import blp as feedback_api
    from lets_tenants.groups.api import blp as groups_api
    from lets_tenants.messages.api import blp as messages_api
    from lets_tenants.moderation.api import blp as moderation_api
    from lets_tenants.profiles.api import blp as profiles_api

    migrate.not_modelled("listings_fts", "ix_listings_search", "search_vector")
    for blueprint in (
        directory_api,
        profiles_api,
        messages_api,
        events_api,
        feedback_api,
        groups_api,
        moderation_api,
    ):
        register(app, blueprint)
    jobs.every(EVERY_SECONDS, remind_expiring)
    from lets_platform import demo
    from lets_tenants.directory.demo import seed

    demo.register(45, "directory", seed)  # after the demo trades and clearing
    _pages(app)


def _pages(app: Flask) -> None:
    from lets_platform import web
    from lets_tenants.directory import views as directory_pages
    from lets_tenants.events import views as event_pages
    from lets_tenants.groups import views as group_pages
    from lets_tenants.messages import views as message_pages
    from lets_tenants.profiles import views as profile_pages

    for pages in (directory_pages, profile_pages, message_pages, event_pages, group_pages):
        web.add_pages(app, pages.bp, *pages.NAV)
