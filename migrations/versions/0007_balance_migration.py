"""Balance migration runs and closure reports

Revision ID: 0007
Revises: 0006

A run moves one scheme's balances (a wind-up or a merge); its items are the closure
report. Row-level security as 0002 does it: a run and its items are visible when their
(closing) scheme is in ``lets.schemes``.
"""

import sqlalchemy as sa
from alembic import op

import lets_platform.db

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
TS = lets_platform.db.UTCDateTime(timezone=True)
TABLES = ("migration_runs", "migration_items")


def upgrade() -> None:
    _runs()
    _items()
    if op.get_bind().dialect.name == "postgresql":
        for table in TABLES:
            condition = "lets_scheme_visible(scheme_id)"
            op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
            op.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
            op.execute(
                f"CREATE POLICY scheme_isolation ON {table} USING ({condition}) "
                f"WITH CHECK ({condition})"
            )


def _runs() -> None:
    op.create_table(
        "migration_runs",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("scheme_id", ID, nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("central_scheme_id", ID, nullable=True),
        sa.Column("wind_up_id", sa.BigInteger(), nullable=True),
        sa.Column("total", sa.BigInteger(), nullable=False),
        sa.Column("done", sa.BigInteger(), nullable=False),
        sa.Column("started_by_id", ID, nullable=True),
        sa.Column("started_at", TS, nullable=False),
        sa.Column("finished_at", TS, nullable=True),
        sa.CheckConstraint(
            "kind IN ('wind_up', 'merge', 'provision')", name=op.f("ck_migration_runs_kind")
        ),
        sa.CheckConstraint(
            "state IN ('running', 'finished')", name=op.f("ck_migration_runs_state")
        ),
        sa.CheckConstraint("done >= 0 AND done <= total", name=op.f("ck_migration_runs_progress")),
        sa.ForeignKeyConstraint(
            ["scheme_id"], ["schemes.id"], name=op.f("fk_migration_runs_scheme_id_schemes")
        ),
        sa.ForeignKeyConstraint(
            ["central_scheme_id"],
            ["schemes.id"],
            name=op.f("fk_migration_runs_central_scheme_id_schemes"),
        ),
        sa.ForeignKeyConstraint(
            ["started_by_id"],
            ["persons.id"],
            name=op.f("fk_migration_runs_started_by_id_persons"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_migration_runs")),
    )
    op.create_index("ix_migration_runs_scheme", "migration_runs", ["scheme_id", "started_at"])


def _items() -> None:
    op.create_table(
        "migration_items",
        sa.Column("id", ID, nullable=False),
        sa.Column("run_id", sa.Uuid(), nullable=False),
        sa.Column("scheme_id", ID, nullable=False),
        sa.Column("account_id", ID, nullable=False),
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("balance_before", sa.BigInteger(), nullable=False),
        sa.Column("dest_scheme_id", ID, nullable=False),
        sa.Column("dest_name", sa.String(length=40), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("amount_moved", sa.BigInteger(), nullable=True),
        sa.Column("fed_amount", sa.BigInteger(), nullable=True),
        sa.Column("residue_out", sa.String(length=200), nullable=True),
        sa.Column("residue_in", sa.String(length=200), nullable=True),
        sa.Column("trade_id", sa.Uuid(), nullable=True),
        sa.Column("done_at", TS, nullable=True),
        sa.CheckConstraint("state IN ('pending', 'done')", name=op.f("ck_migration_items_state")),
        sa.ForeignKeyConstraint(
            ["run_id"], ["migration_runs.id"], name=op.f("fk_migration_items_run_id_migration_runs")
        ),
        sa.ForeignKeyConstraint(
            ["scheme_id"], ["schemes.id"], name=op.f("fk_migration_items_scheme_id_schemes")
        ),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_migration_items_account_id_accounts")
        ),
        sa.ForeignKeyConstraint(
            ["dest_scheme_id"],
            ["schemes.id"],
            name=op.f("fk_migration_items_dest_scheme_id_schemes"),
        ),
        sa.ForeignKeyConstraint(
            ["trade_id"],
            ["federation_trades.id"],
            name=op.f("fk_migration_items_trade_id_federation_trades"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_migration_items")),
        sa.UniqueConstraint(
            "run_id", "account_id", name=op.f("uq_migration_items_run_id_account_id")
        ),
    )
    op.create_index("ix_migration_items_pending", "migration_items", ["run_id", "state", "id"])


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in TABLES:
            op.execute(f"DROP POLICY scheme_isolation ON {table}")
            op.execute(f"ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY")
            op.execute(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")
    op.drop_index("ix_migration_items_pending", table_name="migration_items")
    op.drop_table("migration_items")
    op.drop_index("ix_migration_runs_scheme", table_name="migration_runs")
    op.drop_table("migration_runs")
