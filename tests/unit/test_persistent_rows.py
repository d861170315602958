"""``db.persistent`` builds a model object from a row that a server-side call answered,
without a query: it must work as a new worker process's very first use of the ORM (a
gunicorn worker's first request may be a payment that queries nothing through it, on
several threads at once, so the app configures every mapper as it is created)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

FIRST_USE = textwrap.dedent(
    """
    from lets_platform.app import create_app
    from lets_platform.db import db, persistent, utcnow
    from lets_platform.identity.models import Person

    app = create_app({"TESTING": True})
    unready = [m.class_.__name__ for m in db.Model.registry.mappers if not m.configured]
    assert not unready, unready
    with app.app_context():
        person = persistent(
            Person, id=7, email="ann@example.org", display_name="Ann", password_hash="x",
            is_admin=False, created_at=utcnow(), failed_logins=0, locked_until=None,
        )
        assert db.session.get(Person, 7) is person  # in the identity map: no query
        again = persistent(
            Person, id=7, email="ann@example.net", display_name="Ann", password_hash="x",
            is_admin=False, created_at=utcnow(), failed_logins=0, locked_until=None,
        )
        assert again is person and person.email == "ann@example.net"
        assert not db.session.dirty and not db.session.new
        print("ok")
    """
)


def test_a_new_process_builds_a_row_before_any_query(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("LETS_")}
    env.update(
        LETS_DATABASE_URL=f"sqlite:///{tmp_path / 'lets.db'}",
        LETS_INSTANCE_PATH=str(tmp_path),
        LETS_SECRET_KEY="test",
    )
    done = subprocess.run(
        [sys.executable, "-c", FIRST_USE], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"
