"""``lets demo`` shows constitutions at work in Wiltshire: a past AGM with its minutes and
a carried motion, an open EGM request, a pending claim, an application to approve,
sterling fees due (one recorded paid) and a termination whose appeal waits."""

from __future__ import annotations

from sqlalchemy import create_engine, text


def test_the_demo_seeds_governance_fees_and_an_appeal_waiting(lets):
    lets("demo", "--no-serve")

    engine = create_engine(lets.url)
    with engine.connect() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(text("SELECT set_config('lets.schemes', '*', false)"))

        def one(sql: str) -> object:
            return connection.execute(text(sql)).scalar_one()

        found = {
            "agm with minutes": one(
                "SELECT count(*) FROM meetings WHERE kind = 'agm' AND state = 'held' "
                "AND minutes_published_at IS NOT NULL"
            ),
            "carried change": one(
                "SELECT count(*) FROM constitution_versions WHERE authority = 'motion'"
            ),
            "open egm requests": one("SELECT count(*) FROM egm_requests WHERE state = 'open'"),
            "pending claims": one("SELECT count(*) FROM claims WHERE state = 'submitted'"),
            "pending applications": one(
                "SELECT count(*) FROM applications WHERE state = 'pending'"
            ),
            "sterling due": one(
                "SELECT count(*) FROM fees WHERE currency = 'sterling' AND state = 'due'"
            ),
            "sterling paid": one(
                "SELECT count(*) FROM fees WHERE currency = 'sterling' AND state = 'paid'"
            ),
            "local fees paid": one(
                "SELECT count(*) FROM fees WHERE currency = 'local' AND state = 'paid'"
            ),
            "appeals waiting": one(
                "SELECT count(*) FROM terminations WHERE appealed_at IS NOT NULL "
                "AND appeal_outcome IS NULL"
            ),
            "kim's account": one(
                "SELECT a.status FROM accounts a JOIN schemes s ON s.id = a.scheme_id "
                "WHERE s.slug = 'wiltshire' AND a.name = 'kim'"
            ),
        }
    engine.dispose()
    assert found == {
        "agm with minutes": 1,
        "carried change": 1,
        "open egm requests": 1,
        "pending claims": 1,
        "pending applications": 1,
        "sterling due": 2,
        "sterling paid": 1,
        "local fees paid": 3,
        "appeals waiting": 1,
        "kim's account": "suspended",
    }
