"""Federation: rates with history, trades, positions, limits

Revision ID: 0004
Revises: 0003

Row-level security on PostgreSQL, as 0002 does it: a trade is visible when either of its
schemes is in ``lets.schemes``; positions, pair flows and rate history are the
federation's public books (everyone may read them) but are written only within scope.
Every existing scheme gets its position row and the first entry of its rate history.
"""

import sqlalchemy as sa
from alembic import op

import lets_platform.db

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
TS = lets_platform.db.UTCDateTime(timezone=True)

#: table -> the condition under which the current unit of work may write (and, for
#: trades, read) a row; the others are readable by everyone.
POLICIES = {
    "federation_trades": (
        "lets_scheme_visible(payer_scheme_id) OR lets_scheme_visible(payee_scheme_id)",
        False,
    ),
    "federation_positions": ("lets_scheme_visible(scheme_id)", True),
    "federation_rate_changes": ("lets_scheme_visible(scheme_id)", True),
    "federation_pair_limits": (
        "lets_scheme_visible(scheme_a_id) OR lets_scheme_visible(scheme_b_id)",
        True,
    ),
}


def upgrade() -> None:
    _positions_and_pairs()
    _rate_changes()
    _trades()
    op.execute(
        "INSERT INTO federation_positions (scheme_id, position, residue, updated_at) "
        "SELECT id, 0, '0/1', CURRENT_TIMESTAMP FROM schemes"
    )
    op.execute(
        "INSERT INTO federation_rate_changes (scheme_id, rate_num, rate_den, set_at) "
        "SELECT id, rate_num, rate_den, created_at FROM schemes"
    )
    if op.get_bind().dialect.name == "postgresql":
        _enable_rls()


def _positions_and_pairs() -> None:
    op.create_table(
        "federation_pair_limits",
        sa.Column("scheme_a_id", ID, nullable=False),
        sa.Column("scheme_b_id", ID, nullable=False),
        sa.Column("net_flow", sa.BigInteger(), nullable=False),
        sa.Column("max_net_flow", sa.BigInteger(), nullable=True),
        sa.CheckConstraint(
            "max_net_flow IS NULL OR max_net_flow >= 0",
            name=op.f("ck_federation_pair_limits_limit"),
        ),
        sa.CheckConstraint(
            "scheme_a_id < scheme_b_id", name=op.f("ck_federation_pair_limits_ordered")
        ),
        sa.ForeignKeyConstraint(
            ["scheme_a_id"], ["schemes.id"],
            name=op.f("fk_federation_pair_limits_scheme_a_id_schemes"),
        ),
        sa.ForeignKeyConstraint(
            ["scheme_b_id"], ["schemes.id"],
            name=op.f("fk_federation_pair_limits_scheme_b_id_schemes"),
        ),
        sa.PrimaryKeyConstraint(
            "scheme_a_id", "scheme_b_id", name=op.f("pk_federation_pair_limits")
        ),
    )
    op.create_table(
        "federation_positions",
        sa.Column("scheme_id", ID, nullable=False),
        sa.Column("position", sa.BigInteger(), nullable=False),
        sa.Column("residue", sa.String(length=200), nullable=False),
        sa.Column("max_deficit", sa.BigInteger(), nullable=True),
        sa.Column("max_surplus", sa.BigInteger(), nullable=True),
        sa.Column("updated_at", TS, nullable=False),
        sa.CheckConstraint(
            "max_deficit IS NULL OR max_deficit >= 0",
            name=op.f("ck_federation_positions_deficit"),
        ),
        sa.CheckConstraint(
            "max_surplus IS NULL OR max_surplus >= 0",
            name=op.f("ck_federation_positions_surplus"),
        ),
        sa.ForeignKeyConstraint(
            ["scheme_id"], ["schemes.id"], name=op.f("fk_federation_positions_scheme_id_schemes")
        ),
        sa.PrimaryKeyConstraint("scheme_id", name=op.f("pk_federation_positions")),
    )


def _rate_changes() -> None:
    op.create_table(
        "federation_rate_changes",
        sa.Column("id", ID, nullable=False),
        sa.Column("scheme_id", ID, nullable=False),
        sa.Column("rate_num", sa.BigInteger(), nullable=False),
        sa.Column("rate_den", sa.BigInteger(), nullable=False),
        sa.Column("set_by_id", ID, nullable=True),
        sa.Column("set_at", TS, nullable=False),
        sa.CheckConstraint(
            "rate_num > 0 AND rate_den > 0",
            name=op.f("ck_federation_rate_changes_rate_positive"),
        ),
        sa.ForeignKeyConstraint(
            ["scheme_id"], ["schemes.id"],
            name=op.f("fk_federation_rate_changes_scheme_id_schemes"),
        ),
        sa.ForeignKeyConstraint(
            ["set_by_id"], ["persons.id"],
            name=op.f("fk_federation_rate_changes_set_by_id_persons"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_federation_rate_changes")),
    )
    op.create_index(
        "ix_federation_rate_changes_scheme", "federation_rate_changes", ["scheme_id", "id"]
    )


def _trades() -> None:
    op.create_table(
        "federation_trades",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("payer_scheme_id", ID, nullable=False),
        sa.Column("payer_account_id", sa.BigInteger(), nullable=False),
        sa.Column("payee_scheme_id", ID, nullable=False),
        sa.Column("payee_account_id", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=8), nullable=False),
        sa.Column("payer_amount", sa.BigInteger(), nullable=False),
        sa.Column("payee_amount", sa.BigInteger(), nullable=False),
        sa.Column("fed_amount", sa.BigInteger(), nullable=False),
        sa.Column("payer_rate_num", sa.BigInteger(), nullable=False),
        sa.Column("payer_rate_den", sa.BigInteger(), nullable=False),
        sa.Column("payee_rate_num", sa.BigInteger(), nullable=False),
        sa.Column("payee_rate_den", sa.BigInteger(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.String(length=60), nullable=True),
        sa.Column("reason_detail", sa.String(length=300), nullable=True),
        sa.Column("memo", sa.String(length=500), nullable=False),
        sa.Column("created_by_id", ID, nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("expires_at", TS, nullable=False),
        sa.Column("decided_at", TS, nullable=True),
        sa.Column("hold_transfer_id", sa.Uuid(), nullable=True),
        sa.Column("payee_leg_id", sa.Uuid(), nullable=True),
        sa.CheckConstraint(
            "currency IN ('payer', 'payee')", name=op.f("ck_federation_trades_currency")
        ),
        sa.CheckConstraint(
            "state IN ('pending', 'cleared', 'rejected', 'expired')",
            name=op.f("ck_federation_trades_state"),
        ),
        sa.CheckConstraint(
            "payer_amount > 0 AND payee_amount > 0 AND fed_amount > 0",
            name=op.f("ck_federation_trades_amounts"),
        ),
        sa.CheckConstraint(
            "payer_rate_num > 0 AND payer_rate_den > 0 AND payee_rate_num > 0 "
            "AND payee_rate_den > 0",
            name=op.f("ck_federation_trades_rates_positive"),
        ),
        sa.CheckConstraint(
            "payer_scheme_id <> payee_scheme_id",
            name=op.f("ck_federation_trades_schemes_different"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["persons.id"],
            name=op.f("fk_federation_trades_created_by_id_persons"),
        ),
        sa.ForeignKeyConstraint(
            ["hold_transfer_id"], ["transfers.id"],
            name=op.f("fk_federation_trades_hold_transfer_id_transfers"),
        ),
        sa.ForeignKeyConstraint(
            ["payee_leg_id"], ["transfers.id"],
            name=op.f("fk_federation_trades_payee_leg_id_transfers"),
        ),
        sa.ForeignKeyConstraint(
            ["payee_scheme_id", "payee_account_id"], ["accounts.scheme_id", "accounts.id"],
            name=op.f("fk_federation_trades_payee_scheme_id_payee_account_id_accounts"),
        ),
        sa.ForeignKeyConstraint(
            ["payee_scheme_id"], ["schemes.id"],
            name=op.f("fk_federation_trades_payee_scheme_id_schemes"),
        ),
        sa.ForeignKeyConstraint(
            ["payer_scheme_id", "payer_account_id"], ["accounts.scheme_id", "accounts.id"],
            name=op.f("fk_federation_trades_payer_scheme_id_payer_account_id_accounts"),
        ),
        sa.ForeignKeyConstraint(
            ["payer_scheme_id"], ["schemes.id"],
            name=op.f("fk_federation_trades_payer_scheme_id_schemes"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_federation_trades")),
    )
    indexes = {
        "ix_federation_trades_clearing": ["state", "payer_scheme_id", "payee_scheme_id"],
        "ix_federation_trades_expiry": ["state", "expires_at"],
        "ix_federation_trades_payee": ["payee_scheme_id", "payee_account_id", "created_at"],
        "ix_federation_trades_payer": ["payer_scheme_id", "payer_account_id", "created_at"],
    }
    for name, columns in indexes.items():
        op.create_index(name, "federation_trades", columns)


def _enable_rls() -> None:
    for table, (condition, readable_by_all) in POLICIES.items():
        op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        op.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
        op.execute(
            f"CREATE POLICY scheme_isolation ON {table} USING ({condition}) "
            f"WITH CHECK ({condition})"
        )
        if readable_by_all:
            op.execute(f"CREATE POLICY federation_books ON {table} FOR SELECT USING (true)")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table, (_, readable_by_all) in POLICIES.items():
            if readable_by_all:
                op.execute(f"DROP POLICY federation_books ON {table}")
            op.execute(f"DROP POLICY scheme_isolation ON {table}")
            op.execute(f"ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY")
            op.execute(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")
    for name in (
        "ix_federation_trades_payer",
        "ix_federation_trades_payee",
        "ix_federation_trades_expiry",
        "ix_federation_trades_clearing",
    ):
        op.drop_index(name, table_name="federation_trades")
    op.drop_table("federation_trades")
    op.drop_index("ix_federation_rate_changes_scheme", table_name="federation_rate_changes")
    op.drop_table("federation_rate_changes")
    op.drop_table("federation_positions")
    op.drop_table("federation_pair_limits")
