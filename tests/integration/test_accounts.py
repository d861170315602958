"""Every member can sign in: invitations, password resets, changing the password and the
email address, by one-time links in mail; and members without an email address."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from lets_platform.db import db
from lets_platform.identity.models import OneTimeLink, Person
from lets_platform.web.testing import Browser

LINK = re.compile(r"http://\S+/(invitation|reset-password|confirm-email)/(\S+)")
NEW = "a brand new password"


def link_in(mail) -> str:
    found = LINK.search(mail.get_content())
    assert found, mail.get_content()
    return "/" + found.group(1) + "/" + found.group(2)


def set_password(browser: Browser, path: str, password: str = NEW, again: str | None = None):
    return browser.submit(path, {"password": password, "confirm": again or password})


@pytest.fixture
def wiltshire(scheme_with_members):
    return scheme_with_members("wiltshire", handles=("alice",))


def add_member(wiltshire, body):
    return wiltshire.as_["olive"].post("/schemes/wiltshire/members", body)


def test_a_member_added_with_an_email_is_invited_and_sets_a_password(
    ctx, wiltshire, browser, outbox, fake_clock
):
    added = add_member(
        wiltshire, {"email": "pat@example.org", "display_name": "Pat", "handle": "pat"}
    )
    [mail] = outbox()

    response = set_password(browser, link_in(mail))

    assert (added.status_code, added.json["invited"]) == (201, True)
    assert str(mail["To"]) == "pat@example.org" and "Wiltshire" in str(mail["Subject"])
    assert response.status_code == 302  # signed in, on to their dashboard
    assert browser.get("/s/wiltshire/").status_code == 200
    assert Browser(ctx).log_in("pat@example.org", NEW).status_code == 302


def test_an_invitation_works_once(wiltshire, browser, outbox):
    add_member(wiltshire, {"email": "pat@example.org", "display_name": "Pat", "handle": "pat"})
    path = link_in(outbox()[0])
    set_password(browser, path)

    again = Browser(browser.app).get(path)

    assert again.status_code == 410
    assert "does not work any more" in again.text


def test_an_invitation_runs_out_after_seven_days(wiltshire, browser, outbox, fake_clock):
    add_member(wiltshire, {"email": "pat@example.org", "display_name": "Pat", "handle": "pat"})
    fake_clock.advance(days=7)

    assert browser.get(link_in(outbox()[0])).status_code == 410


def test_a_new_invitation_retires_the_old_one(wiltshire, browser, outbox):
    add_member(wiltshire, {"email": "pat@example.org", "display_name": "Pat", "handle": "pat"})
    again = wiltshire.as_["olive"].post("/schemes/wiltshire/members/pat/invitation", {})
    first, second = outbox()

    assert again.status_code == 202 and again.json["sent_to"] == "pat@example.org"
    assert browser.get(link_in(first)).status_code == 410
    assert browser.get(link_in(second)).status_code == 200


def test_only_the_tokens_hash_is_stored(wiltshire, outbox):
    add_member(wiltshire, {"email": "pat@example.org", "display_name": "Pat", "handle": "pat"})
    token = link_in(outbox()[0]).rsplit("/", 1)[1]

    stored = db.session.scalars(select(OneTimeLink.token_hash)).all()
    assert token not in stored and len(stored) == 1 and len(stored[0]) == 64


def test_a_short_or_mistyped_password_is_shown_beside_the_field(wiltshire, browser, outbox):
    add_member(wiltshire, {"email": "pat@example.org", "display_name": "Pat", "handle": "pat"})
    path = link_in(outbox()[0])

    short = set_password(browser, path, "short", "short")
    mistyped = set_password(browser, path, NEW, NEW + "x")

    assert short.status_code == 422 and "at least 10 characters" in short.text
    assert 'id="password-error"' in short.text and "There is a problem" in short.text
    assert mistyped.status_code == 422 and "The two passwords are not the same" in mistyped.text
    assert browser.get(path).status_code == 200  # a refused try does not use the link up


def test_a_member_without_email_is_added_then_invited_later(wiltshire, browser, outbox):
    added = add_member(wiltshire, {"email": None, "display_name": "Paper Pete", "handle": "pete"})
    invited = wiltshire.as_["olive"].post(
        "/schemes/wiltshire/members/pete/invitation", {"email": "Pete@Example.org"}
    )
    [mail] = outbox()
    set_password(browser, link_in(mail))

    assert (added.status_code, added.json["invited"]) == (201, False)
    assert invited.status_code == 202 and str(mail["To"]) == "pete@example.org"
    pete = db.session.scalar(select(Person).where(Person.display_name == "Paper Pete"))
    assert pete.email == "pete@example.org" and pete.password_hash


def test_inviting_a_member_without_email_and_without_giving_one_is_refused(wiltshire, outbox):
    add_member(wiltshire, {"email": None, "display_name": "Paper Pete", "handle": "pete"})

    refused = wiltshire.as_["olive"].post("/schemes/wiltshire/members/pete/invitation", {})

    assert (refused.status_code, refused.json["code"]) == (422, "email_missing")
    assert outbox() == []


def test_a_member_may_not_invite(wiltshire):
    refused = wiltshire.as_["alice"].post("/schemes/wiltshire/members/alice/invitation", {})

    assert refused.status_code == 403


def test_an_invitation_is_not_sent_if_adding_the_member_fails(wiltshire, outbox):
    add_member(wiltshire, {"email": "pat@example.org", "display_name": "Pat", "handle": "pat"})
    outbox_before = len(outbox())

    taken = add_member(
        wiltshire, {"email": "pam@example.org", "display_name": "Pam", "handle": "pat"}
    )

    assert taken.status_code == 409 and len(outbox()) == outbox_before


def test_a_password_reset_says_the_same_for_known_and_unknown_addresses(wiltshire, browser, outbox):
    known = browser.submit("/forgotten-password", {"email": "alice@wiltshire.test"})
    unknown = browser.submit("/forgotten-password", {"email": "nobody@wiltshire.test"})

    same = unknown.text.replace("nobody@wiltshire.test", "alice@wiltshire.test")
    assert (known.status_code, known.text) == (unknown.status_code, same)
    assert [str(m["To"]) for m in outbox()] == ["alice@wiltshire.test"]


def test_a_reset_link_sets_a_new_password_and_lifts_a_lock_out(wiltshire, browser, outbox):
    alice = wiltshire.people["alice"]
    for _ in range(5):
        Browser(browser.app).log_in(alice.email, "wrong password")
    browser.submit("/forgotten-password", {"email": alice.email})

    set_password(browser, link_in(outbox()[0]))

    assert Browser(browser.app).log_in("alice@wiltshire.test", NEW).status_code == 302


def test_a_reset_link_runs_out_after_two_hours(wiltshire, browser, outbox, fake_clock):
    browser.submit("/forgotten-password", {"email": "alice@wiltshire.test"})
    fake_clock.advance(hours=2, seconds=1)

    assert browser.get(link_in(outbox()[0])).status_code == 410


def test_changing_the_password_needs_the_current_one(wiltshire, browser):
    browser.sign_in(wiltshire.people["alice"])

    wrong = browser.submit(
        "/account/password", {"current_password": "not it", "password": NEW, "confirm": NEW}
    )
    done = browser.submit(
        "/account/password",
        {"current_password": "a long test password", "password": NEW, "confirm": NEW},
    )

    assert wrong.status_code == 422 and 'id="current_password-error"' in wrong.text
    assert done.status_code == 302
    assert Browser(browser.app).log_in("alice@wiltshire.test", NEW).status_code == 302


def test_a_new_email_is_confirmed_from_the_new_address(wiltshire, browser, outbox):
    browser.sign_in(wiltshire.people["alice"])
    sent = browser.submit(
        "/account/email", {"email": "alice@new.example", "password": "a long test password"}
    )
    [mail] = outbox()
    before = db.session.get(Person, wiltshire.people["alice"].id).email

    confirmed = browser.submit(link_in(mail), {})

    assert sent.status_code == 302 and str(mail["To"]) == "alice@new.example"
    assert before == "alice@wiltshire.test"
    assert confirmed.status_code == 302
    assert [str(m["To"]) for m in outbox()][1:] == ["alice@wiltshire.test"]  # told
    db.session.expire_all()
    assert db.session.get(Person, wiltshire.people["alice"].id).email == "alice@new.example"


def test_a_new_email_someone_else_uses_is_refused_beside_the_field(wiltshire, browser, outbox):
    browser.sign_in(wiltshire.people["alice"])

    taken = browser.submit(
        "/account/email", {"email": "olive@wiltshire.test", "password": "a long test password"}
    )

    assert taken.status_code == 422 and 'id="email-error"' in taken.text
    assert "Another person uses this email address" in taken.text
    assert 'value="olive@wiltshire.test"' in taken.text  # what was typed stays
    assert outbox() == []


def test_the_account_page_links_to_connected_sites(wiltshire, browser):
    browser.sign_in(wiltshire.people["alice"])

    assert "/connected-sites" in browser.get("/account").text


def test_me_lists_memberships_roles_and_accounts(wiltshire, scheme_with_members, api, token_for):
    bright = scheme_with_members("bright", handles=("carol",), organiser="oscar")
    from lets_tenants.membership.operations import add_member as join

    join(bright.scheme, email="alice@wiltshire.test", display_name="Alice", handle="al", actor=None)
    db.session.commit()

    me = wiltshire.as_["alice"].get("/me").json

    assert me["person"]["email"] == "alice@wiltshire.test"
    assert [(m["scheme"], m["handle"], m["roles"]) for m in me["memberships"]] == [
        ("bright", "al", ["member"]),
        ("wiltshire", "alice", ["member"]),
    ]
    assert {(a["scheme"], a["name"], a["balance"]) for a in me["accounts"]} == {
        ("bright", "al", "0.00"),
        ("wiltshire", "alice", "0.00"),
    }


def test_me_needs_a_caller(api):
    assert api.get("/me").status_code == 401


def test_links_expire_by_the_clock_not_before(wiltshire, browser, outbox, fake_clock):
    browser.submit("/forgotten-password", {"email": "alice@wiltshire.test"})
    fake_clock.advance(hours=1, minutes=59)

    assert browser.get(link_in(outbox()[0])).status_code == 200


def test_lets_members_invite_mails_a_link_from_the_shell(lets, tmp_path):
    from lets_platform import mail

    lets("schemes", "create", "wiltshire", "--name", "Wiltshire", "--currency-code", "WES",
         "--currency-name", "WES units")  # fmt: skip
    lets("members", "add", "wiltshire", "pat@example.org", "--handle", "pat", "--name", "Pat")

    said = lets("members", "invite", "wiltshire", "pat").output
    [sent] = mail.read_outbox(tmp_path / "outbox")

    assert "invited wiltshire/pat at pat@example.org" in said
    assert str(sent["To"]) == "pat@example.org" and "/invitation/" in sent.get_content()


def test_a_new_password_signs_out_every_other_browser(ctx, wiltshire, browser, outbox):
    from lets_platform.web.testing import PASSWORD

    browser.sign_in(wiltshire.people["alice"])
    other = Browser(ctx)
    other.log_in("alice@wiltshire.test", PASSWORD)
    assert other.get("/account").status_code == 200

    browser.submit(
        "/account/password", {"current_password": PASSWORD, "password": NEW, "confirm": NEW}
    )

    assert browser.get("/account").status_code == 200  # the browser that changed it
    assert other.get("/account").status_code == 302  # sent to sign in again
