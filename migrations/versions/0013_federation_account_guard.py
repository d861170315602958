"""Only the federation moves a federation clearing account; wind-up migrations kept with a reason

Revision ID: 0013
Revises: 0012

A scheme's ``federation`` account is the clearing account of inter-scheme trade: its
balance, with the scheme's position, must match the trades (the audit's residue identity).
Only the federation's own transfers (kind ``federation``: trade legs, balance migrations)
may move it. The ledger's Python path refuses every other transfer that names it
(``account_not_manageable``); this revision makes the database keep the rule too:

* ``lets_transfer`` (0009's one-call payment) declines such a transfer, so the Python path
  names the refusal. Its live text is ``0013_lets_transfer.sql`` beside this file, as
  ``pg_get_functiondef`` prints it (a test compares the two).
* A trigger on ``transfers`` refuses a row with a federation account on either side unless
  its kind is ``federation``, whatever wrote it (a set-based import, a hand-typed INSERT):
  on PostgreSQL the function ``lets_transfers_federation_only`` (its text in
  ``0013_transfers_federation_only.sql``), on SQLite a trigger of its own.

It also adds ``migration_runs.forced_reason``: a wind-up migration started before the
repayment period ends must be forced by the national body, with a reason kept on the run.
"""

import importlib.util
from pathlib import Path

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

HERE = Path(__file__).parent
TRIGGER = "transfers_federation_only"
SQLITE_TRIGGER = f"""
CREATE TRIGGER {TRIGGER} BEFORE INSERT ON transfers
WHEN NEW.kind <> 'federation' AND EXISTS (
    SELECT 1 FROM accounts WHERE id IN (NEW.payer_id, NEW.payee_id) AND kind = 'federation'
)
BEGIN
    SELECT RAISE(ABORT, 'account_not_manageable: a federation clearing account moves only in federation transfers');
END
"""


def _sql(name: str) -> str:
    return (HERE / name).read_text()


def upgrade() -> None:
    with op.batch_alter_table("migration_runs") as batch:
        batch.add_column(sa.Column("forced_reason", sa.String(500), nullable=True))
    if op.get_bind().dialect.name != "postgresql":
        op.execute(SQLITE_TRIGGER)
        return
    op.execute(_sql("0013_lets_transfer.sql"))
    op.execute(_sql("0013_transfers_federation_only.sql"))
    op.execute(
        f"CREATE TRIGGER {TRIGGER} BEFORE INSERT OR UPDATE OF payer_id, payee_id, kind"
        " ON transfers FOR EACH ROW EXECUTE FUNCTION lets_transfers_federation_only()"
    )


def downgrade() -> None:
    with op.batch_alter_table("migration_runs") as batch:
        batch.drop_column("forced_reason")
    if op.get_bind().dialect.name != "postgresql":
        op.execute(f"DROP TRIGGER {TRIGGER}")
        return
    op.execute(f"DROP TRIGGER {TRIGGER} ON transfers")
    op.execute("DROP FUNCTION lets_transfers_federation_only")
    spec = importlib.util.spec_from_file_location("m0009", HERE / "0009_transfer_function.py")
    assert spec is not None and spec.loader is not None
    m0009 = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(m0009)
    op.execute(m0009.FUNCTION.replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION"))
