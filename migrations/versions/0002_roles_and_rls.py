"""Regional organiser grants; PostgreSQL row-level security on every tenant table

Revision ID: 0002
Revises: 0001

Each tenant table shows a row only when its scheme is in the transaction-local setting
``lets.schemes`` (see lets_platform.tenancy.scope). FORCE makes the policies bind the
tables' owner too; superusers and BYPASSRLS roles still pass, so the application must
connect as an ordinary role (``lets db grant ROLE``).
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

#: table -> whether rows without a scheme (platform-wide) are visible to everyone
TENANT_TABLES = {
    "memberships": False,
    "accounts": False,
    "transfers": False,
    "invoices": False,
    "role_grants": True,
    "audit_log": True,
}

VISIBLE = """
CREATE FUNCTION lets_scheme_visible(sid bigint) RETURNS boolean
LANGUAGE sql STABLE AS $$
  SELECT CASE coalesce(current_setting('lets.schemes', true), '')
    WHEN '*' THEN true
    WHEN '' THEN false
    ELSE sid = ANY (string_to_array(current_setting('lets.schemes', true), ',')::bigint[])
  END
$$
"""


def upgrade() -> None:
    with op.batch_alter_table("role_grants", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("network_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
                      nullable=True)
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_role_grants_network_id_networks"), "networks", ["network_id"], ["id"]
        )
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(VISIBLE)
    for table, platform_rows in TENANT_TABLES.items():
        condition = "lets_scheme_visible(scheme_id)"
        if platform_rows:
            condition = f"scheme_id IS NULL OR {condition}"
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
        op.execute("DROP FUNCTION lets_scheme_visible(bigint)")
    with op.batch_alter_table("role_grants", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_role_grants_network_id_networks"),
                                 type_="foreignkey")
        batch_op.drop_column("network_id")
