"""A trade starts in one round trip: the lets_start_trade() function (PostgreSQL)

Revision ID: 0011
Revises: 0010

``lets_start_trade`` is the happy path of ``lets_federation.trades.operations.start_trade``
after the schemes are known and the amounts quoted (Python does both: the exact rounding
rule lives in one place, ``lets_federation.units``): it finds both accounts by name,
checks that the payer's account is the caller's own (``p_person``; NULL for the hub),
holds the amount with ``lets_transfer`` (the same conditional UPDATE as every payment,
so the limit checks and the lock order are the ledger's) and records the trade. The
hold's id is derived from the trade's (``hold_id``), so a concurrent start of the same
trade makes the hold's insert decline first; the trade's own insert cannot then meet its
id, and if it ever did, its unique violation would abort the transaction rather than
leave a hold without a trade. It answers ``created`` with the ids the caller does not know
(the accounts', the federation account's): every other column of the new trade is the
caller's own value.

When any step does not go through it leaves nothing written and answers without ids:
for a limit on the hold, the refusal ``lets_transfer`` named and the account that refused;
for anything else (a trade id that exists, an unknown or federation account, a payer's
account that is not the caller's, an inactive account, a scheme not trading)
``declined``, and the Python path, which names every refusal in the documented order and
judges organisers acting for members, takes over.

It runs as the caller (SECURITY INVOKER), so row-level security binds it as it binds
every other statement; ``p_scope`` (or NULL) widens the transaction's ``lets.schemes`` to
both schemes before anything is read. SQLite has no functions: there, the Python path is
the only one.
"""

from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

FUNCTION = """
CREATE FUNCTION lets_start_trade(
    p_id uuid, p_hold uuid, p_payer_scheme bigint, p_payer text, p_payee_scheme bigint,
    p_payee text, p_currency text, p_payer_amount bigint, p_payee_amount bigint,
    p_fed_amount bigint, p_payer_rate_num bigint, p_payer_rate_den bigint,
    p_payee_rate_num bigint, p_payee_rate_den bigint, p_memo text, p_hold_memo text,
    p_person bigint, p_now timestamptz, p_expires_at timestamptz, p_ceiling bigint,
    p_scope text, OUT outcome text, OUT party accounts, OUT federation_account bigint,
    OUT payer_account bigint, OUT payee_account bigint
) LANGUAGE plpgsql AS $$
DECLARE
    payer accounts%ROWTYPE;
    payee accounts%ROWTYPE;
    hold record;
BEGIN
    outcome := 'declined';
    IF p_scope IS NOT NULL THEN
        PERFORM set_config('lets.schemes', p_scope, true);
    END IF;
    IF EXISTS (SELECT 1 FROM federation_trades WHERE id = p_id) THEN
        RETURN;  -- a replay: the Python path answers the original (or names the conflict)
    END IF;
    SELECT * INTO payer FROM accounts WHERE scheme_id = p_payer_scheme AND name = p_payer;
    SELECT * INTO payee FROM accounts WHERE scheme_id = p_payee_scheme AND name = p_payee;
    IF payer.id IS NULL OR payee.id IS NULL
       OR payer.kind = 'federation' OR payee.kind = 'federation' THEN
        RETURN;
    END IF;
    IF p_person IS NOT NULL AND NOT EXISTS (
        SELECT 1 FROM memberships WHERE id = payer.membership_id AND person_id = p_person
    ) THEN
        RETURN;  -- someone acting for the payer: the Python path judges whether they may
    END IF;
    SELECT * INTO hold FROM lets_transfer(
        p_payer_scheme, p_hold, p_payer, 'federation', p_payer_amount, p_hold_memo,
        'federation', 'online', p_person, NULL, true, false, p_now, p_ceiling, NULL
    );
    IF hold.outcome <> 'created' THEN
        outcome := hold.outcome;
        party := hold.party;
        RETURN;
    END IF;
    INSERT INTO federation_trades (
        id, payer_scheme_id, payer_account_id, payee_scheme_id, payee_account_id, currency,
        payer_amount, payee_amount, fed_amount, payer_rate_num, payer_rate_den,
        payee_rate_num, payee_rate_den, state, memo, created_by_id, created_at, expires_at,
        hold_transfer_id
    ) VALUES (
        p_id, p_payer_scheme, payer.id, p_payee_scheme, payee.id, p_currency,
        p_payer_amount, p_payee_amount, p_fed_amount, p_payer_rate_num, p_payer_rate_den,
        p_payee_rate_num, p_payee_rate_den, 'pending', p_memo, p_person, p_now, p_expires_at,
        p_hold
    );  -- no ON CONFLICT: see the note above
    outcome := 'created';
    federation_account := (hold.transfer).payee_id;
    payer_account := payer.id;
    payee_account := payee.id;
END
$$
"""


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(FUNCTION)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION lets_start_trade")
