"""The migration's API: the national body starts a merge or a wind-up's migration (202
with progress), organisers follow it and download the closure report; a closed scheme's
books stay readable and refuse every write with ``scheme_closed``."""

from __future__ import annotations

import pytest

from lets_federation.migration.testing import run_of, run_to_end
from lets_platform.db import db
from lets_platform.testing import assert_problem
from lets_tenants.ledger.operations import transfer


@pytest.fixture
def hub(scheme_with_members, create_scheme, create_admin, token_for, api):
    wes = scheme_with_members("wiltshire", rate="10")
    create_scheme("bright", rate="12")
    transfer(wes.scheme, payer="alice", payee="bob", amount="5.00", entered_by=None)
    db.session.commit()
    wes.admin = api.as_(token_for(create_admin()))
    return wes


def merged(hub) -> None:
    response = hub.admin.post(f"{hub.path}/merge", {"into": "bright"})
    assert response.status_code == 202, response.json
    run_to_end(run_of(hub.scheme).id)


def test_the_national_body_starts_a_merge_and_gets_its_progress(hub):
    response = hub.admin.post(f"{hub.path}/merge", {"into": "bright"})
    assert response.status_code == 202
    assert response.json | {"id": None, "started_at": None} == {
        "id": None,
        "scheme": "wiltshire",
        "kind": "merge",
        "state": "running",
        "done": 0,
        "total": 3,
        "percent": 0,
        "started_at": None,
        "finished_at": None,
        "forced_reason": None,
    }


def test_progress_shows_done_of_total_once_finished(hub):
    merged(hub)
    body = hub.as_["olive"].get(f"{hub.path}/wind-up/migration").json
    assert (body["state"], body["done"], body["total"], body["percent"]) == ("finished", 3, 3, 100)


def test_an_organiser_may_not_start_a_merge(hub):
    response = hub.as_["olive"].post(f"{hub.path}/merge", {"into": "bright"})
    assert_problem(response, 403, "not_permitted")


def test_a_member_may_not_read_the_progress(hub):
    merged(hub)
    assert_problem(hub.as_["alice"].get(f"{hub.path}/wind-up/migration"), 403, "not_permitted")


def test_a_merge_into_itself_is_refused(hub):
    response = hub.admin.post(f"{hub.path}/merge", {"into": "wiltshire"})
    assert_problem(response, 422, "merge_invalid")


def test_a_merge_into_an_unknown_scheme_is_not_found_and_writes_nothing(hub):
    assert_problem(
        hub.admin.post(f"{hub.path}/merge", {"into": "nowhere"}), 404, "scheme_not_found"
    )
    assert_problem(hub.admin.get(f"{hub.path}/wind-up/migration"), 404, "migration_not_found")


def test_a_scheme_without_a_wind_up_is_not_migrated(hub):
    assert_problem(hub.admin.post(f"{hub.path}/wind-up/migrate"), 409, "not_winding_up")


def test_a_closed_scheme_refuses_writes_with_scheme_closed(hub):
    merged(hub)
    body = {"payer": "alice", "payee": "bob", "amount": "1.00"}
    assert_problem(hub.as_["alice"].post(f"{hub.path}/transfers", body), 409, "scheme_closed")


def test_a_closed_schemes_statements_stay_readable(hub):
    merged(hub)
    response = hub.as_["alice"].get(f"{hub.path}/accounts/alice/statement")
    assert response.status_code == 200
    assert len(response.json["lines"]) == 2  # the payment and the migration


def test_the_report_downloads_as_json_csv_and_pdf(hub):
    merged(hub)
    report = hub.as_["olive"].get(f"{hub.path}/wind-up/report").json
    assert report["reconciles"] is True
    assert {line["account"]: line["amount_there"] for line in report["lines"]} == {
        "alice": "-6.00",
        "bob": "6.00",
        "olive": "0.00",
    }
    as_csv = hub.as_["olive"].get(f"{hub.path}/wind-up/report", format="csv")
    assert as_csv.mimetype == "text/csv" and as_csv.text.startswith("account,kind")
    as_pdf = hub.as_["olive"].get(f"{hub.path}/wind-up/report", format="pdf")
    assert as_pdf.mimetype == "application/pdf" and as_pdf.data.startswith(b"%PDF-")
