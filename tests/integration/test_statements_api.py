"""Statements: each posted transfer with the running balance, between an opening and a
closing balance; as JSON or CSV; for the account's owner and the organisers."""

from __future__ import annotations

import csv
import io
from types import SimpleNamespace

import pytest

from lets_platform.testing import assert_problem


@pytest.fixture
def w(scheme_with_members) -> SimpleNamespace:
    """alice pays bob 10.00, bob pays alice 4.00, alice pays bob 1.00."""
    world = scheme_with_members("wiltshire", handles=("alice", "bob", "carol"))
    world.ids = [
        _pay(world, payer, payee, amount, memo)["id"]
        for payer, payee, amount, memo in (
            ("alice", "bob", "10.00", "Bread"),
            ("bob", "alice", "4.00", "Eggs"),
            ("alice", "bob", "1.00", "=SUM(A1:A9)"),
        )
    ]
    return world


def _pay(w: SimpleNamespace, payer: str, payee: str, amount: str, memo: str) -> dict:
    body = {"payer": payer, "payee": payee, "amount": amount, "memo": memo}
    response = w.as_[payer].post(w.path + "/transfers", body)
    assert response.status_code == 201
    return response.json


def _statement(w: SimpleNamespace, who: str = "alice", account: str = "alice", **query):
    return w.as_[who].get(f"{w.path}/accounts/{account}/statement", **query)


def test_each_line_carries_the_running_balance(w):
    lines = _statement(w).json["lines"]
    assert [(x["counterparty"], x["amount"], x["balance"]) for x in lines] == [
        ("bob", "-10.00", "-10.00"),
        ("bob", "4.00", "-6.00"),
        ("bob", "-1.00", "-7.00"),
    ]


def test_lines_name_the_transfer_memo_kind_and_channel(w):
    first = _statement(w).json["lines"][0]
    assert (first["id"], first["memo"], first["kind"], first["channel"]) == (
        w.ids[0],
        "Bread",
        "payment",
        "online",
    )


def test_without_dates_it_opens_at_zero_and_closes_at_the_balance(w):
    body = _statement(w).json
    account = w.as_["alice"].get(w.path + "/accounts/alice").json
    assert (body["opening_balance"], body["closing_balance"]) == ("0.00", account["balance"])
    assert (body["account"], body["currency"]) == ("wiltshire/alice", "WIL")


def test_from_a_date_it_opens_with_the_balance_before_that_date(w):
    second = w.as_["alice"].get(f"{w.path}/transfers/{w.ids[1]}").json

    body = _statement(w, **{"from": second["posted_at"]}).json

    assert body["opening_balance"] == "-10.00"
    assert [x["balance"] for x in body["lines"]] == ["-6.00", "-7.00"]
    assert body["closing_balance"] == "-7.00"


def test_to_a_date_it_leaves_out_what_was_posted_from_then(w):
    third = w.as_["alice"].get(f"{w.path}/transfers/{w.ids[2]}").json

    body = _statement(w, to=third["posted_at"]).json

    assert [x["id"] for x in body["lines"]] == w.ids[:2]
    assert body["closing_balance"] == "-6.00"


def test_a_correction_appears_as_its_own_line(w):
    w.as_["olive"].post(f"{w.path}/transfers/{w.ids[0]}/correct", {"amount": "10.00"})
    lines = _statement(w).json["lines"]
    assert (lines[-1]["kind"], lines[-1]["amount"], lines[-1]["balance"]) == (
        "correction",
        "10.00",
        "3.00",
    )


def _csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.get_data(as_text=True))))


def test_as_csv_it_is_a_download_with_a_header_and_the_balances(w):
    response = _statement(w, format="csv")

    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="wiltshire-alice-statement.csv"'
    )
    rows = _csv_rows(response)
    assert rows[0] == [
        "date",
        "transfer",
        "counterparty",
        "memo",
        "kind",
        "channel",
        "amount (WIL)",
        "balance (WIL)",
    ]
    assert rows[1][3:] == ["Opening balance", "", "", "", "0.00"]
    assert [(r[1], r[6], r[7]) for r in rows[2:5]] == [
        (w.ids[0], "-10.00", "-10.00"),
        (w.ids[1], "4.00", "-6.00"),
        (w.ids[2], "-1.00", "-7.00"),
    ]
    assert rows[5][3:] == ["Closing balance", "", "", "", "-7.00"]


def test_csv_is_also_chosen_by_the_accept_header(w):
    response = _statement(w, headers={"Accept": "text/csv"})
    assert response.mimetype == "text/csv"


def test_a_memo_that_looks_like_a_formula_is_defused_in_csv(w):
    rows = _csv_rows(_statement(w, format="csv"))
    assert rows[4][3] == "'=SUM(A1:A9)"


def test_the_csv_from_a_date_opens_with_the_earlier_balance(w):
    second = w.as_["alice"].get(f"{w.path}/transfers/{w.ids[1]}").json
    rows = _csv_rows(_statement(w, format="csv", **{"from": second["posted_at"]}))
    assert rows[1][7] == "-10.00"


def test_an_organiser_reads_any_members_statement(w):
    assert _statement(w, who="olive").status_code == 200


def test_a_member_may_not_read_another_members_statement(w):
    assert_problem(_statement(w, who="carol"), 403, "not_permitted")


def test_the_statement_of_an_unknown_account_is_account_not_found(w):
    assert_problem(_statement(w, who="olive", account="nobody"), 404, "account_not_found")


def test_an_unknown_format_is_validation_failed(w):
    assert_problem(_statement(w, format="xlsx"), 422, "validation_failed")


def test_a_date_that_is_not_a_date_is_validation_failed(w):
    assert_problem(_statement(w, **{"from": "yesterday"}), 422, "validation_failed")
