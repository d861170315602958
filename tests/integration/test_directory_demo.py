"""``lets demo`` seeds a realistic directory for its schemes."""

from __future__ import annotations

from sqlalchemy import create_engine, text


def test_the_demo_seeds_listings_events_feedback_a_group_and_an_open_report(lets):
    lets("demo", "--no-serve")

    engine = create_engine(lets.url)
    with engine.connect() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(text("SELECT set_config('lets.schemes', '*', false)"))

        def one(sql: str) -> int:
            return int(connection.execute(text(sql)).scalar_one())

        per_scheme = connection.execute(
            text(
                "SELECT s.slug, count(*), count(DISTINCT l.category_id), "
                "sum(CASE WHEN l.visibility = 'federation' THEN 1 ELSE 0 END), "
                "sum(CASE WHEN l.kind = 'want' THEN 1 ELSE 0 END) "
                "FROM listings l JOIN schemes s ON s.id = l.scheme_id GROUP BY s.slug"
            )
        ).all()
        counts = {
            "events": one("SELECT count(*) FROM events"),
            "waiting": one("SELECT count(*) FROM rsvps WHERE state = 'waiting'"),
            "feedback": one("SELECT count(*) FROM feedback"),
            "groups": one("SELECT count(*) FROM groups"),
            "open reports": one("SELECT count(*) FROM reports WHERE state = 'open'"),
        }
    engine.dispose()
    slugs = {row[0]: row[1:] for row in per_scheme}
    for slug in ("wiltshire", "bright", "london"):
        listings, categories, shared, wants = slugs[slug]
        assert listings >= 24 and categories >= 15 and shared >= 10 and wants >= 3, slug
    assert counts == {"events": 6, "waiting": 1, "feedback": 18, "groups": 1, "open reports": 1}
