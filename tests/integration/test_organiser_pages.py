"""The organisers' pages (``/s/<scheme>/admin/...``) in a browser on the test client: each
form does what the API does, a refused form shows the error beside its field and keeps
what was typed, and nobody but the scheme's organisers (and the national body) gets in."""

from __future__ import annotations

import io
import re
import uuid

import pytest
from sqlalchemy import select

from lets_platform.audit.models import AuditEntry
from lets_platform.db import db
from lets_platform.oauth.models import OAuthClient
from lets_tenants.accounts.models import Account
from lets_tenants.ledger.models import Transfer
from lets_tenants.membership.models import Membership

ADMIN = "/s/wiltshire/admin"


@pytest.fixture
def w(scheme_with_members, browser):
    world = scheme_with_members("wiltshire", handles=("alice", "bob"))
    browser.sign_in(world.people["olive"])
    world.browser = browser
    return world


def _account(scheme, name):
    db.session.expire_all()
    return db.session.scalar(
        select(Account).where(Account.scheme_id == scheme.id, Account.name == name)
    )


def _error_beside(html: str, field: str) -> str:
    """The error message shown beside the field ``field`` (by its id)."""
    found = re.search(
        rf'id="{field}-error"><span class="visually-hidden">Error:</span> ([^<]+)<', html
    )
    assert found, f"no error beside {field}"
    return found.group(1)


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/members",
        "/members/alice",
        "/accounts",
        "/transfers",
        "/transfers/new",
        "/imports",
        "/audit",
        "/clients",
    ],
)
def test_a_member_who_is_not_an_organiser_gets_the_403_page(scheme_with_members, browser, path):
    world = scheme_with_members("wiltshire", handles=("alice",))
    browser.sign_in(world.people["alice"])
    answer = browser.get(ADMIN + path)
    assert answer.status_code == 403
    assert "text/html" in answer.content_type and "You cannot see this page" in answer.text


def test_someone_signed_out_is_sent_to_sign_in_first(scheme_with_members, browser):
    scheme_with_members("wiltshire")
    answer = browser.get(ADMIN + "/members")
    assert answer.status_code == 302 and "/login?next=" in answer.headers["Location"]


def test_the_national_body_runs_any_scheme_without_being_a_member(w, create_admin, app):
    from lets_platform.web.testing import Browser

    national = Browser(app)
    national.sign_in(create_admin())
    assert national.get(ADMIN + "/members").status_code == 200


def test_an_organiser_adds_a_member_and_sees_them_listed(w):
    answer = w.browser.submit(
        ADMIN + "/members/new",
        {
            "display_name": "Carol Cook",
            "handle": "carol",
            "email": "carol@example.org",
            "min_balance": "-50.00",
            "max_balance": "",
        },
    )
    assert answer.status_code == 302 and answer.headers["Location"].endswith("/members/carol")
    carol = _account(w.scheme, "carol")
    assert carol.min_balance == -5000 and carol.title == "Carol Cook"
    assert "Carol Cook" in w.browser.get(ADMIN + "/members").text


def test_a_taken_handle_is_shown_beside_the_field_and_what_was_typed_stays(w):
    answer = w.browser.submit(
        ADMIN + "/members/new",
        {"display_name": "Another Alice", "handle": "alice", "email": "alice2@example.org"},
    )
    assert answer.status_code == 422
    assert re.search("taken|already", _error_beside(answer.text, "handle"))
    assert 'value="Another Alice"' in answer.text and 'value="alice2@example.org"' in answer.text
    assert "There is a problem" in answer.text  # the error summary
    db.session.expire_all()
    assert db.session.scalar(select(Membership).where(Membership.handle == "alice2")) is None


def test_a_paper_cheque_is_checked_then_entered_once(w):
    entry = {
        "channel": "cheque",
        "payer": "alice",
        "payee": "bob",
        "amount": "12.50",
        "memo": "Plums",
        "id": str(uuid.uuid4()),
    }
    check = w.browser.submit(ADMIN + "/transfers/new", entry)
    assert check.status_code == 200 and "Check the transfer" in check.text
    assert _account(w.scheme, "bob").balance == 0  # nothing moves before the check
    for _ in range(2):  # a double click sends it twice
        done = w.browser.submit(ADMIN + "/transfers/new", {**entry, "confirm": "yes"})
        assert done.status_code == 302
    assert (_account(w.scheme, "alice").balance, _account(w.scheme, "bob").balance) == (-1250, 1250)
    transfer = db.session.scalar(select(Transfer).where(Transfer.id == uuid.UUID(entry["id"])))
    assert (transfer.channel, transfer.entered_by_id) == ("cheque", w.people["olive"].id)
    page = w.browser.get(done.headers["Location"])
    assert "Plums" in page.text and "Cheque" in page.text


def test_too_much_is_shown_beside_the_amount_with_the_amount_kept(w):
    answer = w.browser.submit(
        ADMIN + "/transfers/new",
        {
            "channel": "voucher",
            "payer": "alice",
            "payee": "bob",
            "amount": "500.00",
            "confirm": "yes",
            "id": str(uuid.uuid4()),
        },
    )
    assert answer.status_code == 422
    assert "100.00" in _error_beside(answer.text, "amount")  # what alice may still pay
    assert 'value="500.00"' in answer.text
    assert _account(w.scheme, "bob").balance == 0


def test_a_cheque_is_corrected_by_a_transfer_the_other_way(w):
    entry = {
        "channel": "paper",
        "payer": "alice",
        "payee": "bob",
        "amount": "10.00",
        "confirm": "yes",
        "id": str(uuid.uuid4()),
    }
    w.browser.submit(ADMIN + "/transfers/new", entry)
    path = f"{ADMIN}/transfers/{entry['id']}"
    fixed = w.browser.submit(path, {"amount": "4.00", "memo": "Was 6.00", "id": str(uuid.uuid4())})
    assert fixed.status_code == 302
    assert _account(w.scheme, "alice").balance == -600
    too_much = w.browser.submit(path, {"amount": "7.00", "id": str(uuid.uuid4())})
    assert too_much.status_code == 422 and _error_beside(too_much.text, "amount")


def test_limits_and_suspension_are_changed_on_the_members_page(w):
    limits = w.browser.submit(
        ADMIN + "/members/alice/limits",
        {"min_balance": "-20.00", "max_balance": "300.00"},
        form_page=ADMIN + "/members/alice",
    )
    assert limits.status_code == 302
    alice = _account(w.scheme, "alice")
    assert (alice.min_balance, alice.max_balance) == (-2000, 30000)
    w.browser.submit(
        ADMIN + "/members/alice/status", {"status": "suspended"}, form_page=ADMIN + "/members/alice"
    )
    assert _account(w.scheme, "alice").status == "suspended"


def test_a_role_is_given_and_shown(w):
    given = w.browser.submit(
        ADMIN + "/members/bob/roles", {"role": "treasurer"}, form_page=ADMIN + "/members/bob"
    )
    assert given.status_code == 302
    assert "Treasurer (committee)" in w.browser.get(ADMIN + "/members").text


def test_a_budget_account_is_opened(w):
    opened = w.browser.submit(
        ADMIN + "/accounts",
        {"name": "events", "title": "Events budget", "min_balance": "-100", "max_balance": ""},
    )
    assert opened.status_code == 302
    assert _account(w.scheme, "events").kind == "central"


HEADER = "handle,display_name,email,balance\n"
ACCOUNTS = HEADER + "zoe,Zoe,zoe@example.org,5.00\nyan,Yan,yan@example.org,-5.00\n"
BAD = HEADER + "zoe,Zoe,not-an-email,5.00\nalice,Alice,a@example.org,-5.00\n"


def _upload(w, text):
    page = w.browser.get(ADMIN + "/imports")
    from lets_platform.web.testing import csrf_token

    return w.browser.post(
        ADMIN + "/imports",
        data={
            "csrf_token": csrf_token(page.text),
            "accounts": (io.BytesIO(text.encode()), "accounts.csv"),
        },
        content_type="multipart/form-data",
    )


def test_an_import_with_problems_lists_them_row_by_row_and_writes_nothing(w):
    answer = _upload(w, BAD)
    assert answer.status_code == 422
    assert re.search(r'data-label="Line" class="num">2<', answer.text)  # zoe's email
    assert re.search(r'data-label="Line" class="num">3<', answer.text)  # alice is taken
    assert "email_invalid" in answer.text and _account(w.scheme, "zoe") is None


def test_an_import_is_checked_first_then_written(w):
    check = _upload(w, ACCOUNTS)
    assert check.status_code == 200 and "Import now" in check.text
    assert _account(w.scheme, "zoe") is None  # the dry run wrote nothing
    from lets_platform.web.testing import csrf_token

    hidden = dict(re.findall(r'name="(accounts|offers)" value="([^"]*)"', check.text))
    done = w.browser.post(
        ADMIN + "/imports/write", data={"csrf_token": csrf_token(check.text), **hidden}
    )
    assert done.status_code == 200 and "Import complete" in done.text
    assert _account(w.scheme, "zoe").balance == 500


def test_the_audit_log_shows_what_an_organiser_did(w):
    w.browser.submit(
        ADMIN + "/transfers/new",
        {
            "channel": "voucher",
            "payer": "alice",
            "payee": "bob",
            "amount": "1.00",
            "confirm": "yes",
            "id": str(uuid.uuid4()),
        },
    )
    page = w.browser.get(ADMIN + "/audit")
    assert "transfer.entered_on_behalf" in page.text and w.people["olive"].email in page.text


def test_a_client_is_registered_and_its_secret_shown_once(w):
    made = w.browser.submit(
        ADMIN + "/clients",
        {
            "name": "Wiltshire LETS site",
            "redirect_uris": "https://wiltshire.example/cb",
            "scopes": ["openid", "profile"],
        },
    )
    assert made.status_code == 200 and "The secret is shown only now" in made.text
    client = db.session.scalar(select(OAuthClient).where(OAuthClient.name == "Wiltshire LETS site"))
    assert client.scheme_id == w.scheme.id and client.scopes == "openid profile"
    assert "shown only now" not in w.browser.get(ADMIN + "/clients").text


def test_a_bad_redirect_address_is_shown_beside_its_field(w):
    answer = w.browser.submit(
        ADMIN + "/clients",
        {"name": "Site", "redirect_uris": "http://example.org/cb", "scopes": ["openid"]},
    )
    assert answer.status_code == 422 and _error_beside(answer.text, "redirect_uris")


def test_the_overview_draws_the_activity_charts_with_their_table(w):
    page = w.browser.get(ADMIN + "/")
    assert page.status_code == 200
    assert page.text.count('role="img"') == 2 and "Active traders" in page.text


def test_a_form_sent_without_its_csrf_token_is_refused(w):
    answer = w.browser.post(ADMIN + "/members/new", data={"display_name": "X", "handle": "x"})
    assert answer.status_code == 400
    db.session.expire_all()
    assert db.session.scalar(select(Membership).where(Membership.handle == "x")) is None


def test_the_organisers_acts_are_audited_as_theirs(w):
    w.browser.submit(
        ADMIN + "/members/alice/limits", {"min_balance": "-10"}, form_page=ADMIN + "/members/alice"
    )
    entry = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "account.changed")
    ).first()
    assert entry.actor_id == w.people["olive"].id


def test_a_paper_member_is_added_without_email_then_invited_once_they_have_one(w):
    from lets_platform.identity.models import OneTimeLink

    added = w.browser.submit(
        ADMIN + "/members/new", {"display_name": "Pat Paper", "handle": "pat", "invite": "y"}
    )
    assert added.status_code == 302
    pat = db.session.scalar(select(Membership).where(Membership.handle == "pat")).person
    assert pat.email is None
    assert db.session.scalars(select(OneTimeLink)).all() == []  # no address: no invitation
    sent = w.browser.submit(
        ADMIN + "/members/pat/invitation",
        {"email": "pat@example.org"},
        form_page=ADMIN + "/members/pat",
    )
    assert sent.status_code == 302
    db.session.expire_all()
    link = db.session.scalars(select(OneTimeLink)).one()
    assert (link.person_id, link.purpose) == (pat.id, "invitation")
    assert pat.email == "pat@example.org"


def test_a_member_added_with_an_email_is_invited(w):
    from lets_platform.identity.models import OneTimeLink

    w.browser.submit(
        ADMIN + "/members/new",
        {"display_name": "Eve", "handle": "eve", "email": "eve@example.org", "invite": "y"},
    )
    assert db.session.scalars(select(OneTimeLink)).one().email == "eve@example.org"


def test_a_membership_secretary_adds_members_but_sees_no_balances(w, browser, create_member):
    from lets_platform.identity.operations import grant_role

    sam = create_member(w.scheme, "sam")
    grant_role(sam, "membership_secretary", scheme_id=w.scheme.id, granted_by=None)
    db.session.commit()
    browser.sign_in(sam)
    page = browser.get(ADMIN + "/members/alice")
    assert page.status_code == 200 and "Can spend" not in page.text
    assert browser.get(ADMIN + "/accounts").status_code == 403


@pytest.mark.parametrize("count", [2, 20])
def test_the_transfers_page_costs_the_same_whatever_its_length(w, create_member, count):
    from lets_platform.testing import statements_sent
    from lets_tenants.ledger.operations import transfer

    handles = [create_member(w.scheme, f"m{i}") and f"m{i}" for i in range(count)]
    for handle in handles:
        transfer(w.scheme, payer=handle, payee="bob", amount="1.00", entered_by=w.people["olive"])
    db.session.commit()
    with statements_sent() as sent:
        assert w.browser.get(ADMIN + "/transfers").status_code == 200
    assert len(sent) <= 12, "\n".join(s[:150].replace("\n", " ") for s in sent)
