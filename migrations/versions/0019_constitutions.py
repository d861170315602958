"""Constitutions as code: versions, meetings, ballots and votes, EGM requests, joining,
fees, terminations, budgets, claims and disputes; wind-ups decided by the scheme's majority

Revision ID: 0019
Revises: 0018

Every new table is a tenant table: row-level security on PostgreSQL as 0002 does it.
``wind_ups`` keeps the majority rule its decision met (and the electorate, for two thirds
of the membership); its CHECK now tests the rule recorded instead of two thirds of the
votes cast for every scheme (Bright 12.2 counts the whole membership).
"""
import sqlalchemy as sa
from alembic import op

import lets_platform.db


revision = '0019'
down_revision = "0018"
branch_labels = None
depends_on = None

TENANT_TABLES = (
    "constitution_versions", "meetings", "agenda_items", "attendances", "ballots", "votes",
    "egm_requests", "egm_signatures", "applications", "member_standings", "fees",
    "terminations", "budgets", "claims", "claim_approvals", "disputes",
)
OLD_TWO_THIRDS = "votes_for > 0 AND 3 * votes_for >= 2 * (votes_for + votes_against)"
NEW_TWO_THIRDS = (
    "votes_for > 0 AND ("
    "(majority = 'two_thirds_of_votes_cast'"
    " AND 3 * votes_for >= 2 * (votes_for + votes_against))"
    " OR (majority = 'two_thirds_of_membership' AND electorate IS NOT NULL"
    " AND 3 * votes_for >= 2 * electorate))"
)


def upgrade() -> None:
    op.create_table('meetings',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('scheme_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('starts_at', lets_platform.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('location', sa.String(length=200), nullable=False),
    sa.Column('notice_given_at', lets_platform.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('quorate', sa.Boolean(), nullable=True),
    sa.Column('reconvenes_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('minutes', sa.Text(), nullable=True),
    sa.Column('minutes_published_at', lets_platform.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('minutes_reminded_at', lets_platform.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_by_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.CheckConstraint("kind IN ('committee', 'agm', 'egm')", name=op.f('ck_meetings_kind')),
    sa.CheckConstraint("state IN ('scheduled', 'held', 'cancelled')", name=op.f('ck_meetings_state')),
    sa.ForeignKeyConstraint(['created_by_id'], ['persons.id'], name=op.f('fk_meetings_created_by_id_persons')),
    sa.ForeignKeyConstraint(['reconvenes_id'], ['meetings.id'], name=op.f('fk_meetings_reconvenes_id_meetings')),
    sa.ForeignKeyConstraint(['scheme_id'], ['schemes.id'], name=op.f('fk_meetings_scheme_id_schemes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meetings'))
    )
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meetings_scheme_id'), ['scheme_id'], unique=False)

    op.create_table('agenda_items',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('scheme_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('meeting_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('detail', sa.String(length=2000), nullable=False),
    sa.Column('submitted_by_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('created_at', lets_platform.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_agenda_items_meeting_id_meetings')),
    sa.ForeignKeyConstraint(['scheme_id'], ['schemes.id'], name=op.f('fk_agenda_items_scheme_id_schemes')),
    sa.ForeignKeyConstraint(['submitted_by_id'], ['memberships.id'], name=op.f('fk_agenda_items_submitted_by_id_memberships')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agenda_items'))
    )
    with op.batch_alter_table('agenda_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agenda_items_meeting_id'), ['meeting_id'], unique=False)

    op.create_table('attendances',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('scheme_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('meeting_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('membership_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('presence', sa.String(length=16), nullable=False),
    sa.Column('committee', sa.Boolean(), nullable=False),
    sa.CheckConstraint("presence IN ('present', 'apologies', 'absent')", name=op.f('ck_attendances_presence')),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_attendances_meeting_id_meetings')),
    sa.ForeignKeyConstraint(['membership_id'], ['memberships.id'], name=op.f('fk_attendances_membership_id_memberships')),
    sa.ForeignKeyConstraint(['scheme_id'], ['schemes.id'], name=op.f('fk_attendances_scheme_id_schemes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attendances')),
    sa.UniqueConstraint('meeting_id', 'membership_id', name=op.f('uq_attendances_meeting_id_membership_id'))
    )
    with op.batch_alter_table('attendances', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attendances_meeting_id'), ['meeting_id'], unique=False)

    op.create_table('ballots',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('scheme_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('meeting_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('form', sa.String(length=16), nullable=False),
    sa.Column('purpose', sa.String(length=24), nullable=False),
    sa.Column('question', sa.String(length=500), nullable=False),
    sa.Column('majority', sa.String(length=40), nullable=False),
    sa.Column('clause', sa.String(length=20), nullable=True),
    sa.Column('changes', sa.JSON(), nullable=True),
    sa.Column('consultation', sa.String(length=1000), nullable=True),
    sa.Column('consulted_at', lets_platform.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('wind_up_deadline', sa.Date(), nullable=True),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('opened_at', lets_platform.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('closes_at', lets_platform.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('closed_at', lets_platform.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('votes_for', sa.BigInteger(), nullable=True),
    sa.Column('votes_against', sa.BigInteger(), nullable=True),
    sa.Column('votes_abstaining', sa.BigInteger(), nullable=True),
    sa.Column('electorate', sa.BigInteger(), nullable=True),
    sa.Column('passed', sa.Boolean(), nullable=True),
    sa.Column('created_by_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.CheckConstraint("form = 'ballot' OR meeting_id IS NOT NULL", name=op.f('ck_ballots_motion_at_meeting')),
    sa.CheckConstraint("form IN ('motion', 'ballot')", name=op.f('ck_ballots_form')),
    sa.CheckConstraint("purpose IN ('general', 'constitution_change', 'wind_up', 'election')", name=op.f('ck_ballots_purpose')),
    sa.CheckConstraint("state IN ('open', 'closed')", name=op.f('ck_ballots_state')),
    sa.ForeignKeyConstraint(['created_by_id'], ['persons.id'], name=op.f('fk_ballots_created_by_id_persons')),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_ballots_meeting_id_meetings')),
    sa.ForeignKeyConstraint(['scheme_id'], ['schemes.id'], name=op.f('fk_ballots_scheme_id_schemes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ballots'))
    )
    with op.batch_alter_table('ballots', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ballots_scheme_id'), ['scheme_id'], unique=False)

    op.create_table('disputes',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('scheme_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('raised_by_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('against_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('description', sa.String(length=2000), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('handling', sa.String(length=4000), nullable=False),
    sa.Column('outcome', sa.String(length=2000), nullable=True),
    sa.Column('handled_by_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('created_at', lets_platform.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', lets_platform.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("state IN ('open', 'in_mediation', 'resolved', 'referred')", name=op.f('ck_disputes_state')),
    sa.ForeignKeyConstraint(['against_id'], ['memberships.id'], name=op.f('fk_disputes_against_id_memberships')),
    sa.ForeignKeyConstraint(['handled_by_id'], ['persons.id'], name=op.f('fk_disputes_handled_by_id_persons')),
    sa.ForeignKeyConstraint(['raised_by_id'], ['memberships.id'], name=op.f('fk_disputes_raised_by_id_memberships')),
    sa.ForeignKeyConstraint(['scheme_id'], ['schemes.id'], name=op.f('fk_disputes_scheme_id_schemes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_disputes'))
    )
    with op.batch_alter_table('disputes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_disputes_scheme_id'), ['scheme_id'], unique=False)

    op.create_table('egm_requests',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('scheme_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('purpose', sa.String(length=1000), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('opened_at', lets_platform.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('window_ends_at', lets_platform.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('members_needed', sa.BigInteger(), nullable=False),
    sa.Column('clause', sa.String(length=20), nullable=True),
    sa.Column('reached_at', lets_platform.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('call_by', lets_platform.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('meeting_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.CheckConstraint("state IN ('open', 'reached', 'called', 'lapsed')", name=op.f('ck_egm_requests_state')),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_egm_requests_meeting_id_meetings')),
    sa.ForeignKeyConstraint(['scheme_id'], ['schemes.id'], name=op.f('fk_egm_requests_scheme_id_schemes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_egm_requests'))
    )
    with op.batch_alter_table('egm_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_egm_requests_scheme_id'), ['scheme_id'], unique=False)

    op.create_table('fees',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('scheme_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('membership_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('currency', sa.String(length=8), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.Column('state', sa.String(length=8), nullable=False),
    sa.Column('transfer_id', sa.Uuid(), nullable=True),
    sa.Column('paid_at', lets_platform.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('recorded_by_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('created_at', lets_platform.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("currency IN ('local', 'sterling')", name=op.f('ck_fees_currency')),
    sa.CheckConstraint("state IN ('due', 'paid')", name=op.f('ck_fees_state')),
    sa.CheckConstraint('amount > 0', name=op.f('ck_fees_amount_positive')),
    sa.ForeignKeyConstraint(['membership_id'], ['memberships.id'], name=op.f('fk_fees_membership_id_memberships')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['persons.id'], name=op.f('fk_fees_recorded_by_id_persons')),
    sa.ForeignKeyConstraint(['scheme_id'], ['schemes.id'], name=op.f('fk_fees_scheme_id_schemes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fees'))
    )
    with op.batch_alter_table('fees', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_fees_scheme_id'), ['scheme_id'], unique=False)

    op.create_table('terminations',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('scheme_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('membership_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('reason', sa.String(length=2000), nullable=False),
    sa.Column('clause', sa.String(length=20), nullable=True),
    sa.Column('decided_by_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('decided_at', lets_platform.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('appeal', sa.String(length=2000), nullable=True),
    sa.Column('appealed_at', lets_platform.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('appeal_outcome', sa.String(length=16), nullable=True),
    sa.Column('appeal_note', sa.String(length=2000), nullable=True),
    sa.Column('appeal_decided_by_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('appeal_decided_at', lets_platform.db.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint("appeal_outcome IS NULL OR appeal_outcome IN ('upheld', 'overturned')", name=op.f('ck_terminations_appeal_outcome')),
    sa.ForeignKeyConstraint(['appeal_decided_by_id'], ['persons.id'], name=op.f('fk_terminations_appeal_decided_by_id_persons')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['persons.id'], name=op.f('fk_terminations_decided_by_id_persons')),
    sa.ForeignKeyConstraint(['membership_id'], ['memberships.id'], name=op.f('fk_terminations_membership_id_memberships')),
    sa.ForeignKeyConstraint(['scheme_id'], ['schemes.id'], name=op.f('fk_terminations_scheme_id_schemes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_terminations'))
    )
    with op.batch_alter_table('terminations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_terminations_scheme_id'), ['scheme_id'], unique=False)

    op.create_table('budgets',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('scheme_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('account_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('purpose', sa.String(length=200), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.Column('created_by_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('created_at', lets_platform.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('amount > 0', name=op.f('ck_budgets_amount_positive')),
    sa.CheckConstraint('period_end >= period_start', name=op.f('ck_budgets_period')),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_budgets_account_id_accounts')),
    sa.ForeignKeyConstraint(['created_by_id'], ['persons.id'], name=op.f('fk_budgets_created_by_id_persons')),
    sa.ForeignKeyConstraint(['scheme_id'], ['schemes.id'], name=op.f('fk_budgets_scheme_id_schemes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_budgets'))
    )
    with op.batch_alter_table('budgets', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_budgets_scheme_id'), ['scheme_id'], unique=False)

    op.create_table('constitution_versions',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('scheme_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('number', sa.BigInteger(), nullable=False),
    sa.Column('template', sa.String(length=40), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('parameters', sa.JSON(), nullable=False),
    sa.Column('clauses', sa.JSON(), nullable=False),
    sa.Column('authority', sa.String(length=16), nullable=False),
    sa.Column('ballot_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('meeting_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('note', sa.String(length=500), nullable=False),
    sa.Column('adopted_by_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('adopted_at', lets_platform.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['adopted_by_id'], ['persons.id'], name=op.f('fk_constitution_versions_adopted_by_id_persons')),
    sa.ForeignKeyConstraint(['ballot_id'], ['ballots.id'], name=op.f('fk_constitution_versions_ballot_id_ballots')),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_constitution_versions_meeting_id_meetings')),
    sa.ForeignKeyConstraint(['scheme_id'], ['schemes.id'], name=op.f('fk_constitution_versions_scheme_id_schemes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_constitution_versions')),
    sa.UniqueConstraint('scheme_id', 'number', name=op.f('uq_constitution_versions_scheme_id_number'))
    )
    op.create_table('egm_signatures',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('scheme_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('request_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('membership_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('signed_at', lets_platform.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['membership_id'], ['memberships.id'], name=op.f('fk_egm_signatures_membership_id_memberships')),
    sa.ForeignKeyConstraint(['request_id'], ['egm_requests.id'], name=op.f('fk_egm_signatures_request_id_egm_requests')),
    sa.ForeignKeyConstraint(['scheme_id'], ['schemes.id'], name=op.f('fk_egm_signatures_scheme_id_schemes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_egm_signatures')),
    sa.UniqueConstraint('request_id', 'membership_id', name=op.f('uq_egm_signatures_request_id_membership_id'))
    )
    with op.batch_alter_table('egm_signatures', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_egm_signatures_request_id'), ['request_id'], unique=False)

    op.create_table('votes',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('scheme_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('ballot_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('membership_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('choice', sa.String(length=8), nullable=False),
    sa.Column('cast_by_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('cast_at', lets_platform.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("choice IN ('for', 'against', 'abstain')", name=op.f('ck_votes_choice')),
    sa.ForeignKeyConstraint(['ballot_id'], ['ballots.id'], name=op.f('fk_votes_ballot_id_ballots')),
    sa.ForeignKeyConstraint(['cast_by_id'], ['persons.id'], name=op.f('fk_votes_cast_by_id_persons')),
    sa.ForeignKeyConstraint(['membership_id'], ['memberships.id'], name=op.f('fk_votes_membership_id_memberships')),
    sa.ForeignKeyConstraint(['scheme_id'], ['schemes.id'], name=op.f('fk_votes_scheme_id_schemes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_votes')),
    sa.UniqueConstraint('ballot_id', 'membership_id', name=op.f('uq_votes_ballot_id_membership_id'))
    )
    with op.batch_alter_table('votes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_votes_ballot_id'), ['ballot_id'], unique=False)

    op.create_table('applications',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('scheme_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('person_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('handle', sa.String(length=40), nullable=False),
    sa.Column('display_name', sa.String(length=120), nullable=False),
    sa.Column('organisation', sa.String(length=160), nullable=True),
    sa.Column('constitution_version_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('endorsed_at', lets_platform.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('decided_by_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('decided_at', lets_platform.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('reason', sa.String(length=500), nullable=False),
    sa.Column('membership_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.CheckConstraint("state IN ('pending', 'approved', 'rejected')", name=op.f('ck_applications_state')),
    sa.ForeignKeyConstraint(['constitution_version_id'], ['constitution_versions.id'], name=op.f('fk_applications_constitution_version_id_constitution_versions')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['persons.id'], name=op.f('fk_applications_decided_by_id_persons')),
    sa.ForeignKeyConstraint(['membership_id'], ['memberships.id'], name=op.f('fk_applications_membership_id_memberships')),
    sa.ForeignKeyConstraint(['person_id'], ['persons.id'], name=op.f('fk_applications_person_id_persons')),
    sa.ForeignKeyConstraint(['scheme_id'], ['schemes.id'], name=op.f('fk_applications_scheme_id_schemes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_applications'))
    )
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_applications_scheme_id'), ['scheme_id'], unique=False)

    op.create_table('claims',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('scheme_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('membership_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('budget_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('description', sa.String(length=1000), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('submitted_at', lets_platform.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('decided_at', lets_platform.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('transfer_id', sa.Uuid(), nullable=True),
    sa.CheckConstraint("kind IN ('wage', 'meeting_attendance')", name=op.f('ck_claims_kind')),
    sa.CheckConstraint("state IN ('submitted', 'approved', 'paid', 'rejected')", name=op.f('ck_claims_state')),
    sa.CheckConstraint('amount > 0', name=op.f('ck_claims_amount_positive')),
    sa.ForeignKeyConstraint(['budget_id'], ['budgets.id'], name=op.f('fk_claims_budget_id_budgets')),
    sa.ForeignKeyConstraint(['membership_id'], ['memberships.id'], name=op.f('fk_claims_membership_id_memberships')),
    sa.ForeignKeyConstraint(['scheme_id'], ['schemes.id'], name=op.f('fk_claims_scheme_id_schemes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_claims'))
    )
    with op.batch_alter_table('claims', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_claims_scheme_id'), ['scheme_id'], unique=False)

    op.create_table('member_standings',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('scheme_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('membership_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('organisation', sa.String(length=160), nullable=True),
    sa.Column('representative_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('constitution_version_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('paid_until', sa.Date(), nullable=True),
    sa.Column('reminded_at', lets_platform.db.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint("kind IN ('individual', 'organisation')", name=op.f('ck_member_standings_kind')),
    sa.CheckConstraint("state IN ('active', 'lapsed', 'terminated')", name=op.f('ck_member_standings_state')),
    sa.ForeignKeyConstraint(['constitution_version_id'], ['constitution_versions.id'], name=op.f('fk_member_standings_constitution_version_id_constitution_versions')),
    sa.ForeignKeyConstraint(['membership_id'], ['memberships.id'], name=op.f('fk_member_standings_membership_id_memberships')),
    sa.ForeignKeyConstraint(['representative_id'], ['persons.id'], name=op.f('fk_member_standings_representative_id_persons')),
    sa.ForeignKeyConstraint(['scheme_id'], ['schemes.id'], name=op.f('fk_member_standings_scheme_id_schemes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_member_standings')),
    sa.UniqueConstraint('membership_id', name=op.f('uq_member_standings_membership_id'))
    )
    with op.batch_alter_table('member_standings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_member_standings_scheme_id'), ['scheme_id'], unique=False)

    op.create_table('claim_approvals',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('scheme_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('claim_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('person_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('approved_at', lets_platform.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['claim_id'], ['claims.id'], name=op.f('fk_claim_approvals_claim_id_claims')),
    sa.ForeignKeyConstraint(['person_id'], ['persons.id'], name=op.f('fk_claim_approvals_person_id_persons')),
    sa.ForeignKeyConstraint(['scheme_id'], ['schemes.id'], name=op.f('fk_claim_approvals_scheme_id_schemes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_claim_approvals')),
    sa.UniqueConstraint('claim_id', 'person_id', name=op.f('uq_claim_approvals_claim_id_person_id'))
    )
    with op.batch_alter_table('claim_approvals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_claim_approvals_claim_id'), ['claim_id'], unique=False)

    with op.batch_alter_table('wind_ups', schema=None) as batch_op:
        batch_op.add_column(sa.Column('majority', sa.String(length=40), nullable=False,
                                      server_default='two_thirds_of_votes_cast'))
        batch_op.add_column(sa.Column('electorate', sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column('ballot_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_wind_ups_ballot_id_ballots'), 'ballots', ['ballot_id'], ['id'])
        batch_op.drop_constraint(batch_op.f('ck_wind_ups_two_thirds'), type_='check')
        batch_op.create_check_constraint('two_thirds', NEW_TWO_THIRDS)
    with op.batch_alter_table('wind_ups', schema=None) as batch_op:
        batch_op.alter_column('majority', server_default=None)
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
    with op.batch_alter_table('wind_ups', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_wind_ups_two_thirds'), type_='check')
        batch_op.create_check_constraint('two_thirds', OLD_TWO_THIRDS)
        batch_op.drop_constraint(batch_op.f('fk_wind_ups_ballot_id_ballots'), type_='foreignkey')
        batch_op.drop_column('ballot_id')
        batch_op.drop_column('electorate')
        batch_op.drop_column('majority')

    with op.batch_alter_table('claim_approvals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_claim_approvals_claim_id'))

    op.drop_table('claim_approvals')
    with op.batch_alter_table('member_standings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_member_standings_scheme_id'))

    op.drop_table('member_standings')
    with op.batch_alter_table('claims', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_claims_scheme_id'))

    op.drop_table('claims')
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_applications_scheme_id'))

    op.drop_table('applications')
    with op.batch_alter_table('votes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_votes_ballot_id'))

    op.drop_table('votes')
    with op.batch_alter_table('egm_signatures', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_egm_signatures_request_id'))

    op.drop_table('egm_signatures')
    op.drop_table('constitution_versions')
    with op.batch_alter_table('budgets', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_budgets_scheme_id'))

    op.drop_table('budgets')
    with op.batch_alter_table('terminations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_terminations_scheme_id'))

    op.drop_table('terminations')
    with op.batch_alter_table('fees', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_fees_scheme_id'))

    op.drop_table('fees')
    with op.batch_alter_table('egm_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_egm_requests_scheme_id'))

    op.drop_table('egm_requests')
    with op.batch_alter_table('disputes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_disputes_scheme_id'))

    op.drop_table('disputes')
    with op.batch_alter_table('ballots', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ballots_scheme_id'))

    op.drop_table('ballots')
    with op.batch_alter_table('attendances', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attendances_meeting_id'))

    op.drop_table('attendances')
    with op.batch_alter_table('agenda_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agenda_items_meeting_id'))

    op.drop_table('agenda_items')
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meetings_scheme_id'))

    op.drop_table('meetings')
