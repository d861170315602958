"""The mail queue every mail goes through; the periods the schedulers have claimed

Revision ID: 0016
Revises: 0017

``mail_queue`` keeps each mail from the transaction that decides to send it until it has
left (``sent_at``), with its attempts and last error, so that mail left unsent (a worker
that never ran, a mail server that was down) is sent later by a periodic job. Rows about
a scheme carry its id and row-level security keeps them with it (the hub's own rows,
without a scheme, are visible as in ``audit_log``). ``scheduled_jobs`` holds, per
periodic job, the last period a scheduler claimed, so that of several schedulers exactly
one sends each job each period.
"""

import sqlalchemy as sa
from alembic import op

import lets_platform.db

revision = "0016"
down_revision = "0017"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
TS = lets_platform.db.UTCDateTime(timezone=True)
VISIBLE = "scheme_id IS NULL OR lets_scheme_visible(scheme_id)"


def upgrade() -> None:
    op.create_table(
        "mail_queue",
        sa.Column("id", ID, nullable=False),
        sa.Column("scheme_id", ID, nullable=True),
        sa.Column("to_address", sa.String(length=254), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("message_id", sa.String(length=255), nullable=False),
        sa.Column("queued_at", TS, nullable=False),
        sa.Column("attempts", sa.BigInteger(), nullable=False),
        sa.Column("last_attempt_at", TS, nullable=True),
        sa.Column("last_error", sa.String(length=500), nullable=True),
        sa.Column("sent_at", TS, nullable=True),
        sa.ForeignKeyConstraint(
            ["scheme_id"], ["schemes.id"], name=op.f("fk_mail_queue_scheme_id_schemes")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mail_queue")),
    )
    op.create_index("ix_mail_queue_sent_at", "mail_queue", ["sent_at"])
    op.create_table(
        "scheduled_jobs",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("slot", sa.BigInteger(), nullable=False),
        sa.Column("sent_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_scheduled_jobs")),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE mail_queue ENABLE ROW LEVEL SECURITY")
        op.execute("ALTER TABLE mail_queue FORCE ROW LEVEL SECURITY")
        op.execute(
            f"CREATE POLICY scheme_isolation ON mail_queue USING ({VISIBLE}) "
            f"WITH CHECK ({VISIBLE})"
        )


def downgrade() -> None:
    op.drop_table("scheduled_jobs")
    op.drop_index("ix_mail_queue_sent_at", table_name="mail_queue")
    op.drop_table("mail_queue")
