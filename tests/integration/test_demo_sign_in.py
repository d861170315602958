"""``lets demo``: every person it prints can sign in on the web pages with the printed
password, and it says whom to try for each group of users."""

from __future__ import annotations

import re

from lets_platform import testing
from lets_platform.demo_run import PASSWORD
from lets_platform.web.testing import Browser


def test_every_printed_demo_person_signs_in_with_the_printed_password(lets):
    output = lets("demo", "--no-serve").output
    emails = re.findall(r"^\s+(\S+@\S+)\s+.*\blets_\S+$", output, re.MULTILINE)
    app = testing.make_app(lets.url, as_owner=True)
    try:
        with app.app_context():
            answers = {email: Browser(app).log_in(email, PASSWORD).status_code for email in emails}
    finally:
        testing.dispose(app)

    assert f"password '{PASSWORD}'" in output
    assert len(emails) >= 20  # the ledger's, wind-up's and merge's demo people
    assert {e for e, status in answers.items() if status != 302} == set()


def test_the_demo_says_whom_to_try_for_each_group(lets):
    output = lets("demo", "--no-serve").output

    for who in ("A member:", "An organiser:", "The national body:", "winding up:"):
        assert who in output
    assert re.search(r"A member:\s+alice@demo\.lets", output)
