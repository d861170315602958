"""Fixtures: one migrated database per test session, emptied after each test; factories."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from lets_platform import clock, testing
from lets_platform.db import db
from lets_platform.identity.models import Person
from lets_platform.identity.operations import add_person, grant_role, issue_token
from lets_platform.tenancy import scope
from lets_platform.tenancy.models import Scheme
from lets_platform.tenancy.operations import provision_scheme
from lets_tenants.accounts.models import Account
from lets_tenants.membership.operations import add_member


@pytest.fixture(scope="session")
def database_url() -> Iterator[str]:
    with testing.test_database() as url:
        yield url


@pytest.fixture(scope="session")
def app(database_url: str) -> Iterator[Flask]:
    app = testing.make_app(database_url)
    yield app
    testing.dispose(app)


@pytest.fixture
def ctx(app: Flask) -> Iterator[Flask]:
    """An app context on an empty hub; whatever the test committed is deleted after it."""
    with app.app_context():
        scope.allow_all()  # the test arranges and inspects every scheme's rows
        yield app
        testing.empty_tables()
        db.session.remove()


@pytest.fixture
def backend(ctx: Flask) -> str:
    return db.engine.dialect.name


@pytest.fixture
def postgres_only(backend: str) -> None:
    """Skip on SQLite: the test is about PostgreSQL's own (a server-side function; SQLite
    has only the Python path)."""
    if backend != "postgresql":
        pytest.skip("PostgreSQL only: SQLite has only the Python path")


@pytest.fixture
def api(ctx: Flask) -> testing.Api:
    return testing.Api(ctx.test_client())


@pytest.fixture
def create_scheme(ctx: Flask) -> Callable[..., Scheme]:
    def create(slug: str = "wiltshire", **fields: Any) -> Scheme:
        defaults: dict[str, Any] = {
            "name": slug.title(),
            "currency_code": slug[:3].upper(),
            "currency_name": f"{slug.title()} units",
            "default_min_balance": "-100.00",
        }
        scheme = provision_scheme(slug=slug, **{**defaults, **fields})
        db.session.commit()
        return scheme

    return create


@pytest.fixture
def create_member(ctx: Flask) -> Callable[..., Person]:
    def create(
        scheme: Scheme, handle: str = "alice", *, organiser: bool = False, **fields: Any
    ) -> Person:
        membership = add_member(
            scheme,
            email=f"{handle}@{scheme.slug}.test",
            display_name=handle.title(),
            handle=handle,
            actor=None,
            **fields,
        )
        if organiser:
            grant_role(membership.person, "organiser", scheme_id=scheme.id, granted_by=None)
        db.session.commit()
        return membership.person

    return create


@pytest.fixture
def create_admin(ctx: Flask) -> Callable[..., Person]:
    def create(email: str = "nadia@letslink.test") -> Person:
        person = add_person(email, "Nadia National", admin=True)
        db.session.commit()
        return person

    return create


@pytest.fixture
def token_for(ctx: Flask) -> Callable[[Person], str]:
    def issue(person: Person) -> str:
        token = issue_token(person)
        db.session.commit()
        return token

    return issue


@pytest.fixture
def scheme_with_members(
    create_scheme, create_member, token_for, api
) -> Callable[..., SimpleNamespace]:
    """A scheme with members (default alice and bob, -100.00 credit limit) and an organiser
    (olive); ``.as_[handle]`` is an API client acting as that person, ``.path`` the
    scheme's API path."""

    def create(
        slug: str = "wiltshire",
        handles: tuple[str, ...] = ("alice", "bob"),
        organiser: str = "olive",
        **fields: Any,
    ) -> SimpleNamespace:
        scheme = create_scheme(slug, **fields)
        people = {handle: create_member(scheme, handle) for handle in handles}
        people[organiser] = create_member(scheme, organiser, organiser=True)
        clients = {handle: api.as_(token_for(person)) for handle, person in people.items()}
        return SimpleNamespace(
            scheme=scheme, slug=slug, path=f"/schemes/{slug}", people=people, as_=clients
        )

    return create


@pytest.fixture
def balance(ctx: Flask) -> Callable[[Scheme, str], int]:
    """The balance, in minor units, of the account ``name`` of a scheme, from the database."""

    def read(scheme: Scheme, name: str) -> int:
        db.session.commit()
        return db.session.scalar(
            select(Account.balance).where(Account.scheme_id == scheme.id, Account.name == name)
        )

    return read


@pytest.fixture
def lets(tmp_path) -> Iterator[Callable[..., Any]]:
    """Run ``lets ...`` against a fresh, migrated database, as a shell would (config from
    the environment); ``lets(*args, ok=False)`` lets a command fail. ``lets.url`` is the
    database (on PostgreSQL as the server's superuser, while the commands run as the app
    role, after the owner role migrated it). Test modules override it to seed what they
    need from the shell."""
    from click.testing import CliRunner
    from flask.cli import ScriptInfo

    from lets_platform.app import create_app
    from lets_platform.cli import main

    with testing.test_database() as url:
        env = {
            "LETS_DATABASE_URL": url,
            "LETS_INSTANCE_PATH": str(tmp_path),
            "LETS_PASSWORD_HASH": "fast",
            "LETS_REDIS_URL": "",
        }

        def run(*args: str, ok: bool = True) -> Any:
            apps: list[Flask] = []

            def create() -> Flask:
                apps.append(create_app())
                return apps[-1]

            import dramatiq

            from lets_platform import jobs

            # each app the command builds binds the jobs to itself: bind them back after,
            # so that tests run later send their jobs to the session's app, not a dropped one
            kept = (jobs._app, jobs._broker, [(a, a.broker) for a in jobs._actors])
            try:
                result = CliRunner().invoke(
                    main,
                    list(args),
                    env=env,
                    catch_exceptions=False,
                    obj=ScriptInfo(create_app=create),
                )
            finally:
                jobs._app, jobs._broker = kept[0], kept[1]
                for declared, broker in kept[2]:
                    declared.broker = broker
                # actors first imported while the command ran were declared on its broker
                for declared in jobs._actors[len(kept[2]) :]:
                    jobs.bind(declared, kept[1])
                dramatiq.set_broker(kept[1])
            for app in apps:
                testing.dispose(app)
            if ok:
                assert result.exit_code == 0, result.output
            return result

        run.url = url  # type: ignore[attr-defined]
        if url.startswith("postgresql"):  # as in production: the owner migrates and
            env["LETS_DATABASE_URL"] = testing.give_to_owner(url)  # grants the app role,
            env["LETS_DATABASE_APP_ROLE"] = testing.APP_ROLE  # which runs the commands
            run("db", "upgrade")
            env["LETS_DATABASE_URL"] = testing.role_url(url, testing.APP_ROLE)
            del env["LETS_DATABASE_APP_ROLE"]
        else:
            run("db", "upgrade")
        yield run


@pytest.fixture
def fake_clock(ctx: Flask) -> Iterator[clock.FakeClock]:
    """The app's clock stands still at now until the test moves it (``advance``)."""
    fake = clock.FakeClock(datetime.now(UTC))
    clock.install(ctx, fake)
    yield fake
    clock.install(ctx, None)


@pytest.fixture
def browser(ctx: Flask) -> Any:
    """A browser on the test client (``lets_platform.web.testing.Browser``): ``sign_in``,
    ``submit`` a form with its CSRF token, ``get``."""
    from lets_platform.web.testing import Browser

    return Browser(ctx)


@pytest.fixture
def outbox(ctx: Flask) -> Iterator[Callable[[], list[Any]]]:
    """The mails sent during the test (the outbox sender), oldest first."""
    import shutil

    from lets_platform import mail

    shutil.rmtree(mail.outbox_path(), ignore_errors=True)
    yield mail.read_outbox
    shutil.rmtree(mail.outbox_path(), ignore_errors=True)
