"""A request enters its scheme in one round trip: the lets_enter() function (PostgreSQL)

Revision ID: 0012
Revises: 0011

An API request on a scheme's ledger starts with four lookups: the person of its bearer
token, the scheme by slug, the person's roles there, and the accounts it names with their
memberships. The roles and the accounts are behind row-level security, which shows them
only once the transaction's ``lets.schemes`` includes the scheme, so they cannot be joined
into one plain statement with the scheme's lookup. ``lets_enter`` makes the four
lookups in order, setting ``lets.schemes`` (``p_scope_prefix`` and the scheme's id, as
``lets_platform.tenancy.scope.entering`` does) before the protected reads, and answers
every row as the table has it. It reads only and decides nothing: the caller checks the
permission and the owners with the same code as the Python lookups
(``lets_tenants.context``).

An unknown token or scheme answers no person or no scheme (and reads nothing further);
the caller's Python path then names the error. It runs as the caller (SECURITY INVOKER),
so row-level security binds it as it binds every other statement. SQLite has no
functions: there, the Python lookups are the only ones.
"""

from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

FUNCTION = """
CREATE FUNCTION lets_enter(
    p_digest text, p_slug text, p_scope_prefix text, p_payer text, p_payee text,
    OUT person persons, OUT scheme schemes, OUT roles text[],
    OUT payer accounts, OUT payer_membership memberships,
    OUT payee accounts, OUT payee_membership memberships
) LANGUAGE plpgsql AS $$
BEGIN
    SELECT p.* INTO person FROM persons p JOIN api_tokens t ON t.person_id = p.id
     WHERE t.token_hash = p_digest AND t.revoked_at IS NULL;
    SELECT * INTO scheme FROM schemes WHERE slug = p_slug;
    IF person.id IS NULL OR scheme.id IS NULL THEN
        RETURN;
    END IF;
    PERFORM set_config('lets.schemes', CASE WHEN p_scope_prefix = '*' THEN '*'
                                            ELSE p_scope_prefix || scheme.id::text END, true);
    roles := ARRAY(
        SELECT g.role FROM role_grants g
         WHERE g.person_id = person.id AND g.revoked_at IS NULL
           AND (g.scheme_id = scheme.id
                OR (g.role = 'regional_organiser' AND g.network_id = scheme.network_id))
    );
    SELECT * INTO payer FROM accounts WHERE scheme_id = scheme.id AND name = p_payer;
    SELECT * INTO payer_membership FROM memberships WHERE id = payer.membership_id;
    SELECT * INTO payee FROM accounts WHERE scheme_id = scheme.id AND name = p_payee;
    SELECT * INTO payee_membership FROM memberships WHERE id = payee.membership_id;
END
$$
"""


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(FUNCTION)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION lets_enter")
