"""OAuth2 and OpenID Connect: clients, codes, tokens; login lock-out columns

Revision ID: 0003
Revises: 0002

``oauth_clients`` carries the scheme that registered a client, so it gets row-level
security like the tenant tables of 0002, with one difference: every unit of work may
read it, because the provider must find a client by its id before any scheme is entered
(at the token endpoint, and when an API call presents an access token). Writing a client
row is walled by its scheme. Codes and tokens belong to persons, not schemes (like
``api_tokens``), and carry no ``scheme_id``.
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
WRITE_CONDITION = "scheme_id IS NULL OR lets_scheme_visible(scheme_id)"


def upgrade() -> None:
    with op.batch_alter_table("persons", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("failed_logins", sa.BigInteger(), server_default="0", nullable=False)
        )
        batch_op.add_column(sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "oauth_clients",
        sa.Column("id", ID, nullable=False),
        sa.Column("client_id", sa.String(length=64), nullable=False),
        sa.Column("secret_hash", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("redirect_uris", sa.JSON(), nullable=False),
        sa.Column("scopes", sa.String(length=255), nullable=False),
        sa.Column("scheme_id", ID, nullable=True),
        sa.Column("created_by_id", ID, nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["persons.id"], name=op.f("fk_oauth_clients_created_by_id_persons")
        ),
        sa.ForeignKeyConstraint(
            ["scheme_id"], ["schemes.id"], name=op.f("fk_oauth_clients_scheme_id_schemes")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_oauth_clients")),
        sa.UniqueConstraint("client_id", name=op.f("uq_oauth_clients_client_id")),
    )
    op.create_index(op.f("ix_oauth_clients_scheme_id"), "oauth_clients", ["scheme_id"])
    op.create_table(
        "oauth_codes",
        sa.Column("id", ID, nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("client_id", ID, nullable=False),
        sa.Column("person_id", ID, nullable=False),
        sa.Column("redirect_uri", sa.String(length=500), nullable=False),
        sa.Column("scope", sa.String(length=255), nullable=False),
        sa.Column("nonce", sa.String(length=255), nullable=True),
        sa.Column("code_challenge", sa.String(length=128), nullable=False),
        sa.Column("code_challenge_method", sa.String(length=10), nullable=False),
        sa.Column("auth_time", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["client_id"], ["oauth_clients.id"], name=op.f("fk_oauth_codes_client_id_oauth_clients")
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["persons.id"], name=op.f("fk_oauth_codes_person_id_persons")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_oauth_codes")),
        sa.UniqueConstraint("code_hash", name=op.f("uq_oauth_codes_code_hash")),
    )
    op.create_index(op.f("ix_oauth_codes_client_id"), "oauth_codes", ["client_id"])
    op.create_index(op.f("ix_oauth_codes_person_id"), "oauth_codes", ["person_id"])
    op.create_table(
        "oauth_tokens",
        sa.Column("id", ID, nullable=False),
        sa.Column("client_id", ID, nullable=False),
        sa.Column("person_id", ID, nullable=False),
        sa.Column("code_id", ID, nullable=True),
        sa.Column("access_token_hash", sa.String(length=64), nullable=False),
        sa.Column("refresh_token_hash", sa.String(length=64), nullable=True),
        sa.Column("scope", sa.String(length=255), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("refresh_expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["client_id"], ["oauth_clients.id"], name=op.f("fk_oauth_tokens_client_id_oauth_clients")
        ),
        sa.ForeignKeyConstraint(
            ["code_id"], ["oauth_codes.id"], name=op.f("fk_oauth_tokens_code_id_oauth_codes")
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["persons.id"], name=op.f("fk_oauth_tokens_person_id_persons")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_oauth_tokens")),
        sa.UniqueConstraint("access_token_hash", name=op.f("uq_oauth_tokens_access_token_hash")),
        sa.UniqueConstraint("refresh_token_hash", name=op.f("uq_oauth_tokens_refresh_token_hash")),
    )
    op.create_index(op.f("ix_oauth_tokens_client_id"), "oauth_tokens", ["client_id"])
    op.create_index(op.f("ix_oauth_tokens_code_id"), "oauth_tokens", ["code_id"])
    op.create_index(op.f("ix_oauth_tokens_person_id"), "oauth_tokens", ["person_id"])
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE oauth_clients ENABLE ROW LEVEL SECURITY")
        op.execute("ALTER TABLE oauth_clients FORCE ROW LEVEL SECURITY")
        op.execute("CREATE POLICY client_lookup ON oauth_clients FOR SELECT USING (true)")
        for command in ("INSERT", "UPDATE", "DELETE"):
            using = "" if command == "INSERT" else f" USING ({WRITE_CONDITION})"
            check = "" if command == "DELETE" else f" WITH CHECK ({WRITE_CONDITION})"
            op.execute(
                f"CREATE POLICY scheme_isolation_{command.lower()} ON oauth_clients "
                f"FOR {command}{using}{check}"
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for name in ("client_lookup", "scheme_isolation_insert", "scheme_isolation_update",
                     "scheme_isolation_delete"):
            op.execute(f"DROP POLICY {name} ON oauth_clients")
    op.drop_index(op.f("ix_oauth_tokens_person_id"), table_name="oauth_tokens")
    op.drop_index(op.f("ix_oauth_tokens_code_id"), table_name="oauth_tokens")
    op.drop_index(op.f("ix_oauth_tokens_client_id"), table_name="oauth_tokens")
    op.drop_table("oauth_tokens")
    op.drop_index(op.f("ix_oauth_codes_person_id"), table_name="oauth_codes")
    op.drop_index(op.f("ix_oauth_codes_client_id"), table_name="oauth_codes")
    op.drop_table("oauth_codes")
    op.drop_index(op.f("ix_oauth_clients_scheme_id"), table_name="oauth_clients")
    op.drop_table("oauth_clients")
    with op.batch_alter_table("persons", schema=None) as batch_op:
        batch_op.drop_column("locked_until")
        batch_op.drop_column("failed_logins")
