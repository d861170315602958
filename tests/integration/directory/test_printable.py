"""The printable directory: PDF and CSV grouped by category with contact details as each
member chose; a large scheme's is made by a job whose progress can be read."""

from __future__ import annotations

import csv
import io

import pytest

from lets_platform.testing import assert_problem


@pytest.fixture
def w(scheme_with_members):
    world = scheme_with_members()
    alice, bob = world.as_["alice"], world.as_["bob"]
    alice.patch(world.path + "/members/alice/profile", {"contact": "01380 111"})
    bob.patch(
        world.path + "/members/bob/profile",
        {"contact": "bob@secret", "visibility": {"contact": "private"}},
    )
    for client, body in [
        (
            alice,
            {"kind": "offer", "title": "Sourdough “rye”", "category": "baking", "price": "4.00"},
        ),
        (bob, {"kind": "want", "title": "Lawn mowing", "category": "gardening"}),
        (alice, {"kind": "offer", "title": "Bike repairs", "category": "other"}),
    ]:
        assert client.post(world.path + "/listings", body).status_code == 201
    return world


def test_the_csv_is_grouped_by_category_with_contacts_as_chosen(w):
    response = w.as_["olive"].get(w.path + "/directory", format="csv")

    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert [(r["category"], r["title"], r["handle"], r["contact"]) for r in rows] == [
        ("Food and drink — Baking", "Sourdough “rye”", "alice", "01380 111"),
        ("Home and garden — Gardening", "Lawn mowing", "bob", ""),
        ("Other", "Bike repairs", "alice", "01380 111"),
    ]


def test_the_pdf_is_a_pdf(w):
    response = w.as_["olive"].get(w.path + "/directory", format="pdf")

    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    assert "attachment" in response.headers["Content-Disposition"]


def test_members_may_not_print_the_directory(w):
    assert_problem(w.as_["alice"].get(w.path + "/directory", format="csv"), 403, "not_permitted")
    assert_problem(w.as_["olive"].get(w.path + "/directory", format="doc"), 422, "format_invalid")


def test_a_large_scheme_gets_its_directory_from_a_job_with_progress(w, monkeypatch, run_jobs):
    from lets_tenants.directory import printable
    from lets_tenants.directory.tasks import make_export

    monkeypatch.setattr(printable, "AT_ONCE", 2)
    queued = w.as_["olive"].get(w.path + "/directory", format="csv")
    assert queued.status_code == 202, queued.json
    status = queued.headers["Location"][len("/api/v1") :]
    assert w.as_["olive"].get(status).json["state"] == "queued"
    assert_problem(w.as_["olive"].get(status + "/file"), 409, "export_not_ready")

    run_jobs(make_export)

    done = w.as_["olive"].get(status).json
    assert (done["state"], done["done"], done["total"]) == ("done", 3, 3)
    file = w.as_["olive"].get(done["file_url"][len("/api/v1") :])
    assert b"Lawn mowing" in file.data
