"""The organisers' and national body's pages in a real browser (Debian's chromium): an
organiser adds a member and enters a paper cheque after checking it; the national body
sets a rate and runs clearing. Every page fits a phone; screenshots are saved for CI."""

from __future__ import annotations

from sqlalchemy import select

from lets_federation.trades.operations import create_trade, settle
from lets_platform.db import db
from lets_platform.web import testing as web_testing
from lets_platform.web.testing import no_horizontal_scroll, screenshot, sign_in_page
from lets_tenants.accounts.models import Account


def _balance(scheme, name):
    db.session.expire_all()
    found = db.session.scalar(
        select(Account.balance).where(Account.scheme_id == scheme.id, Account.name == name)
    )
    db.session.commit()  # hold no transaction while the browser works
    return found


def _trade_for_months(world):
    """Payments between alice and olive, more each month for the last few months."""
    from datetime import timedelta

    from sqlalchemy import update

    from lets_platform import clock
    from lets_tenants.ledger.models import Transfer
    from lets_tenants.ledger.operations import transfer

    for months_ago in range(5):
        for n in range(5 - months_ago):
            made = transfer(
                world.scheme, payer="alice", payee="olive", amount=f"{n + 1}.00", entered_by=None
            ).transfer
            when = clock.now() - timedelta(days=30 * months_ago + n)
            db.session.execute(
                update(Transfer).where(Transfer.id == made.id).values(posted_at=when)
            )
    db.session.commit()


def _fits_a_phone(page, name):
    """Screenshots at both widths, nothing wider than a phone, and (once the web helpers
    have it) no serious or critical axe-core violation."""
    axe = getattr(web_testing, "axe_violations", None)
    if axe is not None:
        assert axe(page) == [], name
    screenshot(page, name)
    page.set_viewport_size({"width": 390, "height": 900})
    fits = no_horizontal_scroll(page)
    page.set_viewport_size({"width": 1280, "height": 900})
    assert fits, f"{name} is wider than a phone"


def test_an_organiser_adds_a_member_and_enters_a_paper_cheque(page, scheme_with_members):
    world = scheme_with_members("wiltshire", handles=("alice",))
    _trade_for_months(world)
    sign_in_page(page, world.people["olive"])

    page.goto("/s/wiltshire/admin/")
    assert page.get_by_role("img", name="Active traders per month").is_visible()
    _fits_a_phone(page, "organiser-overview")
    page.get_by_role("link", name="Members", exact=True).first.click()
    _fits_a_phone(page, "organiser-members")
    page.get_by_role("link", name="Add a member").click()
    page.get_by_label("Full name").fill("Pat Paper")
    page.get_by_label("Handle").fill("pat")
    page.get_by_role("button", name="Add the member").click()
    page.wait_for_url("**/admin/members/pat")
    assert page.get_by_text("Pat Paper is now a member, as pat.").is_visible()
    _fits_a_phone(page, "organiser-member")

    page.get_by_role("link", name="Enter a cheque from Pat Paper").click()
    assert page.get_by_label("Who pays (handle or account name)").input_value() == "pat"
    page.get_by_label("Who is paid (handle or account name)").fill("alice")
    page.get_by_label("Amount").fill("999.00")
    page.get_by_label("What it was for (optional)").fill("Apples")
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name="Enter the transfer").click()
    # too much: the error is beside the amount, and what was typed is kept
    assert page.locator("#amount-error").is_visible()
    assert page.get_by_label("Amount").input_value() == "999.00"
    _fits_a_phone(page, "organiser-enter-error")
    page.get_by_label("Amount").fill("12.50")
    page.get_by_role("button", name="Continue").click()
    assert page.get_by_role("heading", name="Check the transfer before it is entered").is_visible()
    _fits_a_phone(page, "organiser-enter-check")
    page.get_by_role("button", name="Enter the transfer").click()
    assert page.get_by_text("The transfer is entered.").is_visible()
    _fits_a_phone(page, "organiser-transfer")
    # alice had paid olive 35.00 over the months; the cheque pays her 12.50
    assert (_balance(world.scheme, "pat"), _balance(world.scheme, "alice")) == (-1250, -2250)


def test_the_national_body_provisions_a_scheme_sets_its_rate_and_runs_clearing(
    page, scheme_with_members, create_admin
):
    scheme_with_members("wiltshire", handles=("alice",), rate="10")
    scheme_with_members("bright", handles=("bob",), organiser="bea", rate="12")
    trade = create_trade(
        None, payer="wiltshire/alice", payee="bright/bob", amount="30.00", currency="payer"
    )
    db.session.commit()
    settle(trade.id)
    db.session.commit()
    sign_in_page(page, create_admin())

    page.goto("/hub/")
    _fits_a_phone(page, "hub-overview")
    page.get_by_role("link", name="Provision a scheme").click()
    page.get_by_label("Short name for addresses").fill("exmoor")
    page.get_by_label("Name of the scheme").fill("Exmoor LETS")
    page.get_by_label("Currency code").fill("EXM")
    page.get_by_label("Currency name").fill("Exes")
    page.get_by_label("Exchange rate").fill("ten")
    page.get_by_role("button", name="Provision the scheme").click()
    assert page.locator("#rate-error").is_visible()  # beside the field, the rest kept
    assert page.get_by_label("Name of the scheme").input_value() == "Exmoor LETS"
    _fits_a_phone(page, "hub-provision-error")
    page.get_by_label("Exchange rate").fill("10")
    page.get_by_role("button", name="Provision the scheme").click()
    page.wait_for_url("**/hub/schemes/exmoor")
    assert page.get_by_text("Exmoor LETS is provisioned.").is_visible()

    page.get_by_role("link", name="history and change").click()
    page.get_by_label("New rate").fill("12.5")
    page.get_by_role("button", name="Set the rate").click()
    assert page.get_by_text("The rate of exmoor is now 12.5.").is_visible()
    assert page.get_by_role("cell", name="25/2").is_visible()  # kept exact, with its history
    _fits_a_phone(page, "hub-rate")

    page.get_by_role("link", name="Clearing").first.click()
    page.get_by_role("button", name="Run clearing now").click()
    assert page.get_by_text("The clearing run is done.").is_visible()
    assert page.get_by_role("img", name="Flows between schemes in federation units").is_visible()
    assert page.get_by_role("row", name="wiltshire and bright").is_visible()
    _fits_a_phone(page, "hub-clearing-run")

    page.goto("/hub/schemes/wiltshire")
    _fits_a_phone(page, "hub-scheme-console")


def test_an_import_with_problems_lists_them_row_by_row_then_a_good_one_is_written(
    page, scheme_with_members
):
    world = scheme_with_members("wiltshire", handles=("alice",))
    sign_in_page(page, world.people["olive"])
    header = b"handle,display_name,email,balance\n"

    page.goto("/s/wiltshire/admin/imports")
    _fits_a_phone(page, "organiser-import")
    bad = header + b"zoe,Zoe,not-an-email,5.00\nalice,Alice,a@example.org,-4.00\n"
    page.get_by_label("Accounts file (CSV)").set_input_files(
        files=[{"name": "accounts.csv", "mimeType": "text/csv", "buffer": bad}]
    )
    page.get_by_role("button", name="Check the files").click()
    assert page.get_by_text("Nothing was imported").is_visible()
    assert page.get_by_role("cell", name="email_invalid", exact=False).is_visible()
    _fits_a_phone(page, "organiser-import-problems")

    page.get_by_role("link", name="Check other files").click()
    good = header + b"zoe,Zoe,zoe@example.org,5.00\nyan,Yan,yan@example.org,-5.00\n"
    page.get_by_label("Accounts file (CSV)").set_input_files(
        files=[{"name": "accounts.csv", "mimeType": "text/csv", "buffer": good}]
    )
    page.get_by_role("button", name="Check the files").click()
    assert _balance(world.scheme, "zoe") is None  # the dry run wrote nothing
    _fits_a_phone(page, "organiser-import-check")
    page.get_by_role("button", name="Import now").click()
    assert page.get_by_role("heading", name="Import complete").is_visible()
    assert _balance(world.scheme, "zoe") == 500


def test_a_forced_migration_shows_its_progress_then_its_report_without_script(
    page, scheme_with_members, create_admin
):
    from datetime import timedelta

    from lets_federation.migration.testing import run_of, run_to_end
    from lets_platform import clock

    world = scheme_with_members("wiltshire", handles=("alice", "bob"), network="wessex")
    deadline = (clock.now().date() + timedelta(days=30)).isoformat()
    db.session.commit()
    sign_in_page(page, create_admin())
    page.goto("/hub/schemes/wiltshire")
    page.get_by_label("Votes for").fill("12")
    page.get_by_label("Votes against").fill("3")
    page.get_by_label("Last day to repay").fill(deadline)
    page.get_by_role("button", name="Record the decision").click()
    assert page.get_by_text("The wind-up is recorded").is_visible()

    page.get_by_role("button", name="Start the migration").click()
    assert page.locator("#force-error").is_visible()  # the repayment period is not over
    page.get_by_label("Start before the repayment period is over").check()
    page.get_by_label("Why it must start early").fill("The hall closed")
    page.get_by_role("button", name="Start the migration").click()
    page.wait_for_url("**/hub/schemes/wiltshire/migration")
    assert page.get_by_text("This page reloads itself").is_visible()
    _fits_a_phone(page, "hub-migration-running")

    run = run_of(world.scheme)
    run_to_end(run.id)  # the worker's batches
    db.session.commit()
    # the page reloads by its Refresh header, with no script, and shows the report
    page.get_by_role("heading", name="Closure report").wait_for(timeout=10_000)
    assert page.get_by_text("The hall closed").is_visible()
    _fits_a_phone(page, "hub-migration-report")
