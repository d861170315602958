"""The pluggable mail sender: the outbox writes readable .eml files; SMTP goes through the
configured server; an unknown sender is a named error."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from lets_platform import mail


@pytest.fixture
def app(tmp_path) -> Flask:
    app = Flask("mail-test", instance_path=str(tmp_path))
    app.config["LETS_MAIL_FROM"] = "Hub <hub@lets.test>"
    return app


def test_the_outbox_keeps_each_message_as_a_file_to_read_back(app, tmp_path):
    with app.app_context():
        mail.send(mail.message("pat@example.org", "Winding up", "Dear Pat,\n"))
        mail.send(mail.message("sam@example.org", "Winding up", "Dear Sam,\n"))

        read = mail.read_outbox()

    assert len(list((tmp_path / "outbox").glob("*.eml"))) == 2
    assert sorted(str(m["To"]) for m in read) == ["pat@example.org", "sam@example.org"]
    assert str(read[0]["From"]) == "Hub <hub@lets.test>"


def test_an_unknown_sender_is_a_named_error(app):
    app.config["LETS_MAIL_SENDER"] = "pigeon"
    with app.app_context(), pytest.raises(mail.MailNotConfigured):
        mail.send(mail.message("pat@example.org", "s", "b"))


def test_smtp_without_a_url_is_a_named_error(app):
    app.config["LETS_MAIL_SENDER"] = "smtp"
    with app.app_context(), pytest.raises(mail.MailNotConfigured):
        mail.send(mail.message("pat@example.org", "s", "b"))


class FakeSMTP:
    """Stands in for smtplib.SMTP: records what the sender did."""

    seen: list[tuple[str, Any]] = []

    def __init__(self, host: str, port: int, timeout: float) -> None:
        self.seen.append(("connect", (host, port)))

    def __enter__(self) -> FakeSMTP:
        return self

    def __exit__(self, *_: object) -> None:
        self.seen.append(("quit", None))

    def has_extn(self, name: str) -> bool:
        return name == "starttls"

    def starttls(self) -> None:
        self.seen.append(("starttls", None))

    def login(self, user: str, password: str) -> None:
        self.seen.append(("login", (user, password)))

    def send_message(self, message: Any) -> None:
        self.seen.append(("send", str(message["To"])))


def test_smtp_sends_through_the_configured_server_with_starttls_and_login(app, monkeypatch):
    FakeSMTP.seen = []
    monkeypatch.setattr(mail.smtplib, "SMTP", FakeSMTP)
    app.config.update(LETS_MAIL_SENDER="smtp", LETS_SMTP_URL="smtp://hub:s%40cret@mail.test")

    with app.app_context():
        mail.send(mail.message("pat@example.org", "s", "b"))

    assert FakeSMTP.seen == [
        ("connect", ("mail.test", 587)),
        ("starttls", None),
        ("login", ("hub", "s@cret")),
        ("send", "pat@example.org"),
        ("quit", None),
    ]
