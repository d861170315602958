"""Wind-up: decisions, repayment period, members' destinations, regional pools

Revision ID: 0006
Revises: 0005

A scheme's wind-up (the recorded two-thirds decision, its deadline and state), each
member's chosen destination, and the notices sent to members. Regional pools are
schemes of kind ``pool`` and need no table of their own. Row-level security on
PostgreSQL as 0002 does it: every row is visible within its scheme's scope (a choice
also within its destination's).
"""

import sqlalchemy as sa
from alembic import op

import lets_platform.db

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
TS = lets_platform.db.UTCDateTime(timezone=True)
TABLES = ("wind_ups", "wind_up_choices", "wind_up_notices")
#: table -> when the current unit of work may read and write a row: in its scheme's scope;
#: a choice also in its destination's (so a handle promised there is seen there).
POLICIES = {
    "wind_ups": "lets_scheme_visible(scheme_id)",
    "wind_up_choices": "lets_scheme_visible(scheme_id) OR lets_scheme_visible(destination_id)",
    "wind_up_notices": "lets_scheme_visible(scheme_id)",
}


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    referred = target.split(".")[0]
    return sa.ForeignKeyConstraint([column], [target], name=op.f(f"fk_{table}_{column}_{referred}"))


def upgrade() -> None:
    _wind_ups()
    _choices()
    _notices()
    if op.get_bind().dialect.name == "postgresql":
        for table, condition in POLICIES.items():
            op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
            op.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
            op.execute(
                f"CREATE POLICY scheme_isolation ON {table} USING ({condition}) "
                f"WITH CHECK ({condition})"
            )


def _wind_ups() -> None:
    t = "wind_ups"
    op.create_table(
        t,
        sa.Column("id", ID, nullable=False),
        sa.Column("scheme_id", ID, nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("decided_at", TS, nullable=False),
        sa.Column("meeting_date", sa.Date(), nullable=False),
        sa.Column("votes_for", sa.BigInteger(), nullable=False),
        sa.Column("votes_against", sa.BigInteger(), nullable=False),
        sa.Column("votes_abstaining", sa.BigInteger(), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=False),
        sa.Column("significant_debit", sa.BigInteger(), nullable=True),
        sa.Column("pool_id", ID, nullable=False),
        sa.Column("created_by_id", ID, nullable=True),
        sa.Column("migration_started_at", TS, nullable=True),
        sa.Column("closed_at", TS, nullable=True),
        sa.CheckConstraint(
            "state IN ('repayment', 'migrating', 'closed')", name=op.f("ck_wind_ups_state")
        ),
        sa.CheckConstraint(
            "deadline >= meeting_date", name=op.f("ck_wind_ups_deadline_after_meeting")
        ),
        sa.CheckConstraint(
            "significant_debit IS NULL OR significant_debit >= 0",
            name=op.f("ck_wind_ups_significant_debit"),
        ),
        sa.CheckConstraint(
            "votes_for > 0 AND 3 * votes_for >= 2 * (votes_for + votes_against)",
            name=op.f("ck_wind_ups_two_thirds"),
        ),
        sa.CheckConstraint(
            "votes_for >= 0 AND votes_against >= 0 AND votes_abstaining >= 0",
            name=op.f("ck_wind_ups_votes"),
        ),
        _fk(t, "created_by_id", "persons.id"),
        _fk(t, "pool_id", "schemes.id"),
        _fk(t, "scheme_id", "schemes.id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wind_ups")),
        sa.UniqueConstraint("scheme_id", name=op.f("uq_wind_ups_scheme_id")),
    )


def _choices() -> None:
    t = "wind_up_choices"
    op.create_table(
        t,
        sa.Column("id", ID, nullable=False),
        sa.Column("wind_up_id", ID, nullable=False),
        sa.Column("scheme_id", ID, nullable=False),
        sa.Column("membership_id", ID, nullable=False),
        sa.Column("destination_id", ID, nullable=False),
        sa.Column("destination_handle", sa.String(length=40), nullable=False),
        sa.Column("creates_membership", sa.Boolean(), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("entered_by_id", ID, nullable=True),
        sa.Column("chosen_at", TS, nullable=False),
        sa.CheckConstraint(
            "channel IN ('online', 'paper')", name=op.f("ck_wind_up_choices_channel")
        ),
        _fk(t, "destination_id", "schemes.id"),
        _fk(t, "entered_by_id", "persons.id"),
        _fk(t, "membership_id", "memberships.id"),
        _fk(t, "scheme_id", "schemes.id"),
        _fk(t, "wind_up_id", "wind_ups.id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wind_up_choices")),
        sa.UniqueConstraint(
            "wind_up_id", "membership_id", name=op.f("uq_wind_up_choices_wind_up_id_membership_id")
        ),
    )


def _notices() -> None:
    t = "wind_up_notices"
    op.create_table(
        t,
        sa.Column("id", ID, nullable=False),
        sa.Column("wind_up_id", ID, nullable=False),
        sa.Column("scheme_id", ID, nullable=False),
        sa.Column("membership_id", ID, nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("queued_at", TS, nullable=False),
        sa.Column("sent_at", TS, nullable=True),
        _fk(t, "membership_id", "memberships.id"),
        _fk(t, "scheme_id", "schemes.id"),
        _fk(t, "wind_up_id", "wind_ups.id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wind_up_notices")),
        sa.UniqueConstraint(
            "wind_up_id", "membership_id", name=op.f("uq_wind_up_notices_wind_up_id_membership_id")
        ),
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in TABLES:
            op.execute(f"DROP POLICY scheme_isolation ON {table}")
            op.execute(f"ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY")
            op.execute(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")
    for table in reversed(TABLES):
        op.drop_table(table)
