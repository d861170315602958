"""Imports from legacy systems; offers

Revision ID: 0008
Revises: 0007

``offers`` is the directory's first table (the directory issue extends it); ``imports``
records each import that was written. Both are tenant tables: row-level security on
PostgreSQL as 0002 does it.
"""

import sqlalchemy as sa
from alembic import op

import lets_platform.db

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
TS = lets_platform.db.UTCDateTime(timezone=True)
TENANT_TABLES = ("offers", "imports")


def upgrade() -> None:
    op.create_table(
        "offers",
        sa.Column("id", ID, nullable=False),
        sa.Column("scheme_id", ID, nullable=False),
        sa.Column("membership_id", ID, nullable=False),
        sa.Column("title", sa.String(length=120), nullable=False),
        sa.Column("description", sa.String(length=2000), nullable=False),
        sa.Column("category", sa.String(length=60), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.CheckConstraint("status IN ('active', 'withdrawn')", name=op.f("ck_offers_status")),
        sa.CheckConstraint("length(title) > 0", name=op.f("ck_offers_title_present")),
        sa.ForeignKeyConstraint(
            ["membership_id"], ["memberships.id"], name=op.f("fk_offers_membership_id_memberships")
        ),
        sa.ForeignKeyConstraint(
            ["scheme_id"], ["schemes.id"], name=op.f("fk_offers_scheme_id_schemes")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_offers")),
    )
    op.create_index("ix_offers_scheme_status", "offers", ["scheme_id", "status"])
    op.create_index(op.f("ix_offers_membership_id"), "offers", ["membership_id"])
    op.create_table(
        "imports",
        sa.Column("id", ID, nullable=False),
        sa.Column("scheme_id", ID, nullable=False),
        sa.Column("actor_id", ID, nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("members", sa.BigInteger(), nullable=False),
        sa.Column("central_accounts", sa.BigInteger(), nullable=False),
        sa.Column("offers", sa.BigInteger(), nullable=False),
        sa.Column("total_credit", sa.BigInteger(), nullable=False),
        sa.Column("accounts_sha256", sa.String(length=64), nullable=False),
        sa.Column("offers_sha256", sa.String(length=64), nullable=True),
        sa.CheckConstraint(
            "members >= 0 AND central_accounts >= 0 AND offers >= 0",
            name=op.f("ck_imports_counts"),
        ),
        sa.CheckConstraint("total_credit >= 0", name=op.f("ck_imports_total_credit")),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["persons.id"], name=op.f("fk_imports_actor_id_persons")
        ),
        sa.ForeignKeyConstraint(
            ["scheme_id"], ["schemes.id"], name=op.f("fk_imports_scheme_id_schemes")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_imports")),
    )
    op.create_index(op.f("ix_imports_scheme_id"), "imports", ["scheme_id"])
    if op.get_bind().dialect.name == "postgresql":
        for table in TENANT_TABLES:
            condition = "lets_scheme_visible(scheme_id)"
            op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
            op.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
            op.execute(
                f"CREATE POLICY scheme_isolation ON {table} USING ({condition}) "
                f"WITH CHECK ({condition})"
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in TENANT_TABLES:
            op.execute(f"DROP POLICY scheme_isolation ON {table}")
            op.execute(f"ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY")
            op.execute(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")
    op.drop_index(op.f("ix_imports_scheme_id"), table_name="imports")
    op.drop_table("imports")
    op.drop_index(op.f("ix_offers_membership_id"), table_name="offers")
    op.drop_index("ix_offers_scheme_status", table_name="offers")
    op.drop_table("offers")
