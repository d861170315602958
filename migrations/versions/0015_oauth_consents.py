"""Remembered OAuth consents: what each person has allowed each client

Revision ID: 0015
Revises: 0012

A consent belongs to a person, not to a scheme (like ``oauth_tokens`` and ``api_tokens``),
so the table carries no ``scheme_id`` and no row-level security: the provider reads it by
person and client only, and a person's page and API list their own.
"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0013"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "oauth_consents",
        sa.Column("id", ID, nullable=False),
        sa.Column("person_id", ID, nullable=False),
        sa.Column("client_id", ID, nullable=False),
        sa.Column("scope", sa.String(length=255), nullable=False),
        sa.Column("granted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["oauth_clients.id"],
            name=op.f("fk_oauth_consents_client_id_oauth_clients"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["persons.id"],
            name=op.f("fk_oauth_consents_person_id_persons"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_oauth_consents")),
        sa.UniqueConstraint(
            "person_id", "client_id", name=op.f("uq_oauth_consents_person_id_client_id")
        ),
    )
    op.create_index(op.f("ix_oauth_consents_client_id"), "oauth_consents", ["client_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_oauth_consents_client_id"), table_name="oauth_consents")
    op.drop_table("oauth_consents")
