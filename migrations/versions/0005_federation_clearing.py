"""Federation: clearing runs and invoices across schemes

Revision ID: 0005
Revises: 0004

Row-level security on PostgreSQL, as 0002 and 0004 do it: a clearing run's scheme row is
visible within its scheme's scope, a pair row and a cross-scheme invoice when either of
their schemes is in scope. The runs' totals (no scheme id) are federation-wide.
"""

import sqlalchemy as sa
from alembic import op

import lets_platform.db

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
TS = lets_platform.db.UTCDateTime(timezone=True)
RUNS = "federation_clearing_runs"

#: table -> the condition under which the current unit of work may read and write a row
POLICIES = {
    "federation_clearing_run_schemes": "lets_scheme_visible(scheme_id)",
    "federation_clearing_run_pairs": (
        "lets_scheme_visible(scheme_a_id) OR lets_scheme_visible(scheme_b_id)"
    ),
    "federation_invoices": (
        "lets_scheme_visible(payer_scheme_id) OR lets_scheme_visible(payee_scheme_id)"
    ),
}


def upgrade() -> None:
    _runs()
    _run_schemes()
    _run_pairs()
    _invoices()
    if op.get_bind().dialect.name == "postgresql":
        for table, condition in POLICIES.items():
            op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
            op.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
            op.execute(
                f"CREATE POLICY scheme_isolation ON {table} USING ({condition}) "
                f"WITH CHECK ({condition})"
            )


def _runs() -> None:
    op.create_table(
        RUNS,
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("started_at", TS, nullable=False),
        sa.Column("finished_at", TS, nullable=True),
        sa.Column("since", TS, nullable=True),
        sa.Column("trade_count", sa.BigInteger(), nullable=False),
        sa.Column("gross", sa.BigInteger(), nullable=False),
        sa.Column("bilateral_net", sa.BigInteger(), nullable=False),
        sa.Column("multilateral_net", sa.BigInteger(), nullable=False),
        sa.Column("near_limit_percent", sa.BigInteger(), nullable=False),
        sa.Column("started_by_id", ID, nullable=True),
        sa.CheckConstraint(
            "gross >= bilateral_net AND bilateral_net >= multilateral_net "
            "AND multilateral_net >= 0",
            name=op.f("ck_federation_clearing_runs_netting_only_reduces"),
        ),
        sa.ForeignKeyConstraint(
            ["started_by_id"], ["persons.id"],
            name=op.f("fk_federation_clearing_runs_started_by_id_persons"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_federation_clearing_runs")),
    )
    op.create_index(
        op.f("ix_federation_clearing_runs_started_at"), RUNS, ["started_at"], unique=False
    )


def _run_schemes() -> None:
    op.create_table(
        "federation_clearing_run_schemes",
        sa.Column("run_id", sa.Uuid(), nullable=False),
        sa.Column("scheme_id", ID, nullable=False),
        sa.Column("paid", sa.BigInteger(), nullable=False),
        sa.Column("received", sa.BigInteger(), nullable=False),
        sa.Column("net", sa.BigInteger(), nullable=False),
        sa.Column("position", sa.BigInteger(), nullable=False),
        sa.Column("max_deficit", sa.BigInteger(), nullable=True),
        sa.Column("max_surplus", sa.BigInteger(), nullable=True),
        sa.Column("near_limit", sa.String(length=8), nullable=False),
        sa.CheckConstraint(
            "near_limit IN ('', 'deficit', 'surplus')",
            name=op.f("ck_federation_clearing_run_schemes_near_limit"),
        ),
        sa.ForeignKeyConstraint(
            ["run_id"], [f"{RUNS}.id"], ondelete="CASCADE",
            name=op.f("fk_federation_clearing_run_schemes_run_id_federation_clearing_runs"),
        ),
        sa.ForeignKeyConstraint(
            ["scheme_id"], ["schemes.id"],
            name=op.f("fk_federation_clearing_run_schemes_scheme_id_schemes"),
        ),
        sa.PrimaryKeyConstraint(
            "run_id", "scheme_id", name=op.f("pk_federation_clearing_run_schemes")
        ),
    )


def _run_pairs() -> None:
    op.create_table(
        "federation_clearing_run_pairs",
        sa.Column("run_id", sa.Uuid(), nullable=False),
        sa.Column("scheme_a_id", ID, nullable=False),
        sa.Column("scheme_b_id", ID, nullable=False),
        sa.Column("a_to_b", sa.BigInteger(), nullable=False),
        sa.Column("b_to_a", sa.BigInteger(), nullable=False),
        sa.Column("trades", sa.BigInteger(), nullable=False),
        sa.CheckConstraint(
            "scheme_a_id < scheme_b_id",
            name=op.f("ck_federation_clearing_run_pairs_ordered_pair"),
        ),
        sa.ForeignKeyConstraint(
            ["run_id"], [f"{RUNS}.id"], ondelete="CASCADE",
            name=op.f("fk_federation_clearing_run_pairs_run_id_federation_clearing_runs"),
        ),
        sa.ForeignKeyConstraint(
            ["scheme_a_id"], ["schemes.id"],
            name=op.f("fk_federation_clearing_run_pairs_scheme_a_id_schemes"),
        ),
        sa.ForeignKeyConstraint(
            ["scheme_b_id"], ["schemes.id"],
            name=op.f("fk_federation_clearing_run_pairs_scheme_b_id_schemes"),
        ),
        sa.PrimaryKeyConstraint(
            "run_id", "scheme_a_id", "scheme_b_id", name=op.f("pk_federation_clearing_run_pairs")
        ),
    )


def _invoices() -> None:
    op.create_table(
        "federation_invoices",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("payer_scheme_id", ID, nullable=False),
        sa.Column("payer_account_id", sa.BigInteger(), nullable=False),
        sa.Column("payee_scheme_id", ID, nullable=False),
        sa.Column("payee_account_id", sa.BigInteger(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("memo", sa.String(length=500), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("trade_id", sa.Uuid(), nullable=True),
        sa.Column("created_by_id", ID, nullable=True),
        sa.Column("decided_by_id", ID, nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("decided_at", TS, nullable=True),
        sa.CheckConstraint(
            "(state = 'accepted') = (trade_id IS NOT NULL)",
            name=op.f("ck_federation_invoices_trade_when_accepted"),
        ),
        sa.CheckConstraint(
            "state IN ('open', 'accepted', 'declined', 'cancelled')",
            name=op.f("ck_federation_invoices_state"),
        ),
        sa.CheckConstraint("amount > 0", name=op.f("ck_federation_invoices_amount_positive")),
        sa.CheckConstraint(
            "payer_scheme_id <> payee_scheme_id",
            name=op.f("ck_federation_invoices_schemes_different"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["persons.id"],
            name=op.f("fk_federation_invoices_created_by_id_persons"),
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"], ["persons.id"],
            name=op.f("fk_federation_invoices_decided_by_id_persons"),
        ),
        sa.ForeignKeyConstraint(
            ["payee_scheme_id", "payee_account_id"], ["accounts.scheme_id", "accounts.id"],
            name=op.f("fk_federation_invoices_payee_scheme_id_payee_account_id_accounts"),
        ),
        sa.ForeignKeyConstraint(
            ["payee_scheme_id"], ["schemes.id"],
            name=op.f("fk_federation_invoices_payee_scheme_id_schemes"),
        ),
        sa.ForeignKeyConstraint(
            ["payer_scheme_id", "payer_account_id"], ["accounts.scheme_id", "accounts.id"],
            name=op.f("fk_federation_invoices_payer_scheme_id_payer_account_id_accounts"),
        ),
        sa.ForeignKeyConstraint(
            ["payer_scheme_id"], ["schemes.id"],
            name=op.f("fk_federation_invoices_payer_scheme_id_schemes"),
        ),
        sa.ForeignKeyConstraint(
            ["trade_id"], ["federation_trades.id"],
            name=op.f("fk_federation_invoices_trade_id_federation_trades"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_federation_invoices")),
        sa.UniqueConstraint("trade_id", name=op.f("uq_federation_invoices_trade_id")),
    )
    for side in ("payee", "payer"):
        op.create_index(
            f"ix_federation_invoices_{side}",
            "federation_invoices",
            [f"{side}_scheme_id", f"{side}_account_id"],
            unique=False,
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in POLICIES:
            op.execute(f"DROP POLICY scheme_isolation ON {table}")
            op.execute(f"ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY")
            op.execute(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")
    op.drop_index("ix_federation_invoices_payer", table_name="federation_invoices")
    op.drop_index("ix_federation_invoices_payee", table_name="federation_invoices")
    op.drop_table("federation_invoices")
    op.drop_table("federation_clearing_run_pairs")
    op.drop_table("federation_clearing_run_schemes")
    op.drop_index(op.f("ix_federation_clearing_runs_started_at"), table_name=RUNS)
    op.drop_table(RUNS)
