"""Every member can sign in: one-time links (invitations, password resets, email changes)
and members without an email address

Revision ID: 0017
Revises: 0015

A link belongs to a person, not to a scheme, so the table has no ``scheme_id`` and no
row-level security; only each token's SHA-256 is stored. ``persons.email`` becomes
nullable: a paper member has none until an organiser invites them.
"""

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0015"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    with op.batch_alter_table("persons", schema=None) as batch_op:
        batch_op.alter_column("email", existing_type=sa.String(length=254), nullable=True)
    op.create_table(
        "one_time_links",
        sa.Column("id", ID, nullable=False),
        sa.Column("person_id", ID, nullable=False),
        sa.Column("purpose", sa.String(length=20), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("created_by_id", ID, nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "purpose IN ('invitation', 'password_reset', 'email_change')",
            name=op.f("ck_one_time_links_purpose"),
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["persons.id"],
            name=op.f("fk_one_time_links_person_id_persons"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["persons.id"], name=op.f("fk_one_time_links_created_by_id_persons")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_one_time_links")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_one_time_links_token_hash")),
    )
    op.create_index("ix_one_time_links_person", "one_time_links", ["person_id", "purpose"])


def downgrade() -> None:
    op.drop_index("ix_one_time_links_person", table_name="one_time_links")
    op.drop_table("one_time_links")
    with op.batch_alter_table("persons", schema=None) as batch_op:
        batch_op.alter_column("email", existing_type=sa.String(length=254), nullable=False)
