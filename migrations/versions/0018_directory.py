"""The directory and community: categories, listings (offers and wants, with full-text
search), profiles, messages and blocks, events and RSVPs, feedback, groups, reports and
printable-directory exports

Revision ID: 0018
Revises: 0016

The imports' ``offers`` become listings like any other: each is copied into ``listings``
(an offer, visible to its scheme, in the category named like its free-text one, made if
missing, or "Other"), then the table goes. Search: on PostgreSQL a stored generated column
``search_vector``, the weighted ``tsvector`` of title, tags and description, with a GIN
index (ranking reads it instead of parsing the text again; no model has it); on SQLite an FTS5 table with external content kept by triggers. Every table
is a tenant table with row-level security as 0002 does it; a message is seen by the
schemes of both its sender and its recipient. (The search across schemes, like the
federation's endpoints, opens every scheme to its request and filters in code.)
"""

from datetime import date, timedelta

import sqlalchemy as sa
from alembic import op

import lets_platform.db

revision = "0018"
down_revision = "0016"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
TS = lets_platform.db.UTCDateTime(timezone=True)

TENANT_TABLES = (
    "categories",
    "listings",
    "directory_exports",
    "profiles",
    "messages",
    "blocks",
    "events",
    "rsvps",
    "feedback",
    "groups",
    "group_members",
    "reports",
)

#: What the generated column ``search_vector`` holds.
TSVECTOR = (
    "(setweight(to_tsvector('simple', title), 'A') || "
    "setweight(to_tsvector('simple', tags), 'B') || "
    "setweight(to_tsvector('simple', description), 'C'))"
)

FTS = [
    "CREATE VIRTUAL TABLE listings_fts USING fts5(title, tags, description, "
    "content='listings', content_rowid='id', tokenize='unicode61 remove_diacritics 2')",
    "CREATE TRIGGER listings_fts_insert AFTER INSERT ON listings BEGIN "
    "INSERT INTO listings_fts(rowid, title, tags, description) "
    "VALUES (new.id, new.title, new.tags, new.description); END",
    "CREATE TRIGGER listings_fts_delete AFTER DELETE ON listings BEGIN "
    "INSERT INTO listings_fts(listings_fts, rowid, title, tags, description) "
    "VALUES ('delete', old.id, old.title, old.tags, old.description); END",
    "CREATE TRIGGER listings_fts_update AFTER UPDATE OF title, tags, description ON listings "
    "BEGIN INSERT INTO listings_fts(listings_fts, rowid, title, tags, description) "
    "VALUES ('delete', old.id, old.title, old.tags, old.description); "
    "INSERT INTO listings_fts(rowid, title, tags, description) "
    "VALUES (new.id, new.title, new.tags, new.description); END",
]


def _policies() -> None:
    for table in TENANT_TABLES:
        condition = "lets_scheme_visible(scheme_id)"
        if table == "messages":
            condition = f"({condition} OR lets_scheme_visible(recipient_scheme_id))"
        op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        op.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
        op.execute(
            f"CREATE POLICY scheme_isolation ON {table} USING ({condition}) "
            f"WITH CHECK ({condition})"
        )


def _slug(name: str) -> str:
    out = "".join(c if c.isalnum() else "-" for c in name.lower()).strip("-")
    while "--" in out:
        out = out.replace("--", "-")
    return out[:60] or "other"


def _move_offers() -> None:
    """Each imported offer becomes an offer listing of its scheme, in its category."""
    bind = op.get_bind()
    offers = bind.execute(
        sa.text(
            "SELECT id, scheme_id, membership_id, title, description, category, status, "
            "created_at FROM offers ORDER BY id"
        )
    ).all()
    categories: dict[tuple[int, str], int] = {}
    expires = date.today() + timedelta(days=365)
    for offer in offers:
        name = (offer.category or "").strip() or "Other"
        key = (offer.scheme_id, _slug(name))
        if key not in categories:
            found = bind.execute(
                sa.text("SELECT id FROM categories WHERE scheme_id = :s AND slug = :slug"),
                {"s": key[0], "slug": key[1]},
            ).scalar()
            if found is None:
                bind.execute(
                    sa.text(
                        "INSERT INTO categories (scheme_id, slug, name) VALUES (:s, :slug, :n)"
                    ),
                    {"s": key[0], "slug": key[1], "n": name[:60]},
                )
                found = bind.execute(
                    sa.text("SELECT id FROM categories WHERE scheme_id = :s AND slug = :slug"),
                    {"s": key[0], "slug": key[1]},
                ).scalar()
            categories[key] = found
        bind.execute(
            sa.text(
                "INSERT INTO listings (scheme_id, membership_id, kind, title, description, "
                "category_id, per_hour, area, tags, visibility, status, expires_on, "
                "created_at, updated_at) VALUES (:s, :m, 'offer', :t, :d, :c, false, '', '', "
                "'scheme', :st, :e, :at, :at)"
            ),
            {
                "s": offer.scheme_id,
                "m": offer.membership_id,
                "t": offer.title,
                "d": offer.description,
                "c": categories[key],
                "st": "active" if offer.status == "active" else "expired",
                "e": expires,
                "at": offer.created_at,
            },
        )


def upgrade() -> None:
    op.create_table('categories',
    sa.Column('id', ID, nullable=False),
    sa.Column('scheme_id', ID, nullable=False),
    sa.Column('slug', sa.String(length=60), nullable=False),
    sa.Column('name', sa.String(length=60), nullable=False),
    sa.Column('parent_id', ID, nullable=True),
    sa.ForeignKeyConstraint(['parent_id'], ['categories.id'], name=op.f('fk_categories_parent_id_categories')),
    sa.ForeignKeyConstraint(['scheme_id'], ['schemes.id'], name=op.f('fk_categories_scheme_id_schemes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_categories')),
    sa.UniqueConstraint('scheme_id', 'slug', name=op.f('uq_categories_scheme_id_slug'))
    )
    op.create_table('directory_exports',
    sa.Column('id', ID, nullable=False),
    sa.Column('scheme_id', ID, nullable=False),
    sa.Column('format', sa.String(length=4), nullable=False),
    sa.Column('state', sa.String(length=8), nullable=False),
    sa.Column('done', sa.BigInteger(), nullable=False),
    sa.Column('total', sa.BigInteger(), nullable=False),
    sa.Column('file', sa.String(length=200), nullable=True),
    sa.Column('requested_by_id', ID, nullable=True),
    sa.Column('created_at', TS, nullable=False),
    sa.Column('finished_at', TS, nullable=True),
    sa.CheckConstraint("format IN ('pdf', 'csv')", name=op.f('ck_directory_exports_format')),
    sa.CheckConstraint("state IN ('queued', 'running', 'done', 'failed')", name=op.f('ck_directory_exports_state')),
    sa.ForeignKeyConstraint(['requested_by_id'], ['persons.id'], name=op.f('fk_directory_exports_requested_by_id_persons')),
    sa.ForeignKeyConstraint(['scheme_id'], ['schemes.id'], name=op.f('fk_directory_exports_scheme_id_schemes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_directory_exports'))
    )
    with op.batch_alter_table('directory_exports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_directory_exports_scheme_id'), ['scheme_id'], unique=False)

    op.create_table('reports',
    sa.Column('id', ID, nullable=False),
    sa.Column('scheme_id', ID, nullable=False),
    sa.Column('subject', sa.String(length=8), nullable=False),
    sa.Column('subject_id', ID, nullable=False),
    sa.Column('reason', sa.String(length=1000), nullable=False),
    sa.Column('reporter_id', ID, nullable=False),
    sa.Column('state', sa.String(length=10), nullable=False),
    sa.Column('note', sa.String(length=1000), nullable=False),
    sa.Column('resolved_by_id', ID, nullable=True),
    sa.Column('resolved_at', TS, nullable=True),
    sa.Column('created_at', TS, nullable=False),
    sa.CheckConstraint("state IN ('open', 'hidden', 'dismissed')", name=op.f('ck_reports_state')),
    sa.CheckConstraint("subject IN ('listing', 'event', 'message', 'profile')", name=op.f('ck_reports_subject')),
    sa.ForeignKeyConstraint(['reporter_id'], ['persons.id'], name=op.f('fk_reports_reporter_id_persons')),
    sa.ForeignKeyConstraint(['resolved_by_id'], ['persons.id'], name=op.f('fk_reports_resolved_by_id_persons')),
    sa.ForeignKeyConstraint(['scheme_id'], ['schemes.id'], name=op.f('fk_reports_scheme_id_schemes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reports'))
    )
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.create_index('ix_reports_scheme_state', ['scheme_id', 'state'], unique=False)

    op.create_table('blocks',
    sa.Column('id', ID, nullable=False),
    sa.Column('scheme_id', ID, nullable=False),
    sa.Column('blocker_id', ID, nullable=False),
    sa.Column('blocked_id', ID, nullable=False),
    sa.Column('created_at', TS, nullable=False),
    sa.ForeignKeyConstraint(['blocked_id'], ['memberships.id'], name=op.f('fk_blocks_blocked_id_memberships')),
    sa.ForeignKeyConstraint(['blocker_id'], ['memberships.id'], name=op.f('fk_blocks_blocker_id_memberships')),
    sa.ForeignKeyConstraint(['scheme_id'], ['schemes.id'], name=op.f('fk_blocks_scheme_id_schemes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_blocks')),
    sa.UniqueConstraint('blocker_id', 'blocked_id', name=op.f('uq_blocks_blocker_id_blocked_id'))
    )
    op.create_table('groups',
    sa.Column('id', ID, nullable=False),
    sa.Column('scheme_id', ID, nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('description', sa.String(length=1000), nullable=False),
    sa.Column('visibility', sa.String(length=8), nullable=False),
    sa.Column('created_by_id', ID, nullable=False),
    sa.Column('created_at', TS, nullable=False),
    sa.CheckConstraint("visibility IN ('open', 'invite')", name=op.f('ck_groups_visibility')),
    sa.ForeignKeyConstraint(['created_by_id'], ['memberships.id'], name=op.f('fk_groups_created_by_id_memberships')),
    sa.ForeignKeyConstraint(['scheme_id'], ['schemes.id'], name=op.f('fk_groups_scheme_id_schemes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_groups')),
    sa.UniqueConstraint('scheme_id', 'name', name=op.f('uq_groups_scheme_id_name'))
    )
    op.create_table('messages',
    sa.Column('id', ID, nullable=False),
    sa.Column('scheme_id', ID, nullable=False),
    sa.Column('recipient_scheme_id', ID, nullable=False),
    sa.Column('sender_id', ID, nullable=False),
    sa.Column('recipient_id', ID, nullable=False),
    sa.Column('subject', sa.String(length=120), nullable=False),
    sa.Column('body', sa.String(length=4000), nullable=False),
    sa.Column('listing_id', ID, nullable=True),
    sa.Column('hidden', sa.Boolean(), nullable=False),
    sa.Column('created_at', TS, nullable=False),
    sa.Column('read_at', TS, nullable=True),
    sa.CheckConstraint('length(body) > 0', name=op.f('ck_messages_body_present')),
    sa.ForeignKeyConstraint(['recipient_id'], ['memberships.id'], name=op.f('fk_messages_recipient_id_memberships')),
    sa.ForeignKeyConstraint(['recipient_scheme_id'], ['schemes.id'], name=op.f('fk_messages_recipient_scheme_id_schemes')),
    sa.ForeignKeyConstraint(['scheme_id'], ['schemes.id'], name=op.f('fk_messages_scheme_id_schemes')),
    sa.ForeignKeyConstraint(['sender_id'], ['memberships.id'], name=op.f('fk_messages_sender_id_memberships')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_messages'))
    )
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.create_index('ix_messages_recipient', ['recipient_id', 'created_at'], unique=False)
        batch_op.create_index('ix_messages_sender', ['sender_id', 'created_at'], unique=False)

    op.create_table('profiles',
    sa.Column('id', ID, nullable=False),
    sa.Column('scheme_id', ID, nullable=False),
    sa.Column('membership_id', ID, nullable=False),
    sa.Column('area', sa.String(length=80), nullable=False),
    sa.Column('about', sa.String(length=2000), nullable=False),
    sa.Column('skills', sa.String(length=500), nullable=False),
    sa.Column('contact', sa.String(length=300), nullable=False),
    sa.Column('photo', sa.String(length=200), nullable=True),
    sa.Column('audience', sa.JSON(), nullable=False),
    sa.Column('hidden', sa.Boolean(), nullable=False),
    sa.Column('updated_at', TS, nullable=False),
    sa.ForeignKeyConstraint(['membership_id'], ['memberships.id'], name=op.f('fk_profiles_membership_id_memberships')),
    sa.ForeignKeyConstraint(['scheme_id'], ['schemes.id'], name=op.f('fk_profiles_scheme_id_schemes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_profiles')),
    sa.UniqueConstraint('scheme_id', 'membership_id', name=op.f('uq_profiles_scheme_id_membership_id'))
    )
    op.create_table('events',
    sa.Column('id', ID, nullable=False),
    sa.Column('scheme_id', ID, nullable=False),
    sa.Column('title', sa.String(length=120), nullable=False),
    sa.Column('starts_at', TS, nullable=False),
    sa.Column('ends_at', TS, nullable=True),
    sa.Column('location', sa.String(length=200), nullable=False),
    sa.Column('description', sa.String(length=4000), nullable=False),
    sa.Column('capacity', sa.BigInteger(), nullable=True),
    sa.Column('group_id', ID, nullable=True),
    sa.Column('created_by_id', ID, nullable=False),
    sa.Column('status', sa.String(length=8), nullable=False),
    sa.Column('created_at', TS, nullable=False),
    sa.CheckConstraint("status IN ('active', 'hidden')", name=op.f('ck_events_status')),
    sa.CheckConstraint('capacity IS NULL OR capacity > 0', name=op.f('ck_events_capacity_positive')),
    sa.CheckConstraint('ends_at IS NULL OR ends_at >= starts_at', name=op.f('ck_events_ends_after_start')),
    sa.ForeignKeyConstraint(['created_by_id'], ['memberships.id'], name=op.f('fk_events_created_by_id_memberships')),
    sa.ForeignKeyConstraint(['group_id'], ['groups.id'], name=op.f('fk_events_group_id_groups')),
    sa.ForeignKeyConstraint(['scheme_id'], ['schemes.id'], name=op.f('fk_events_scheme_id_schemes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_events'))
    )
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.create_index('ix_events_scheme_starts', ['scheme_id', 'starts_at'], unique=False)

    op.create_table('group_members',
    sa.Column('id', ID, nullable=False),
    sa.Column('scheme_id', ID, nullable=False),
    sa.Column('group_id', ID, nullable=False),
    sa.Column('membership_id', ID, nullable=False),
    sa.Column('state', sa.String(length=8), nullable=False),
    sa.Column('created_at', TS, nullable=False),
    sa.CheckConstraint("state IN ('member', 'invited')", name=op.f('ck_group_members_state')),
    sa.ForeignKeyConstraint(['group_id'], ['groups.id'], name=op.f('fk_group_members_group_id_groups'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['membership_id'], ['memberships.id'], name=op.f('fk_group_members_membership_id_memberships')),
    sa.ForeignKeyConstraint(['scheme_id'], ['schemes.id'], name=op.f('fk_group_members_scheme_id_schemes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_group_members')),
    sa.UniqueConstraint('group_id', 'membership_id', name=op.f('uq_group_members_group_id_membership_id'))
    )
    with op.batch_alter_table('group_members', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_group_members_membership_id'), ['membership_id'], unique=False)

    op.create_table('listings',
    sa.Column('id', ID, nullable=False),
    sa.Column('scheme_id', ID, nullable=False),
    sa.Column('membership_id', ID, nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('title', sa.String(length=120), nullable=False),
    sa.Column('description', sa.String(length=4000), nullable=False),
    sa.Column('category_id', ID, nullable=False),
    sa.Column('price', sa.BigInteger(), nullable=True),
    sa.Column('per_hour', sa.Boolean(), nullable=False),
    sa.Column('area', sa.String(length=80), nullable=False),
    sa.Column('tags', sa.String(length=400), nullable=False),
    sa.Column('visibility', sa.String(length=12), nullable=False),
    sa.Column('group_id', ID, nullable=True),
    sa.Column('status', sa.String(length=8), nullable=False),
    sa.Column('expires_on', sa.Date(), nullable=False),
    sa.Column('reminded_for', sa.Date(), nullable=True),
    sa.Column('entered_by_id', ID, nullable=True),
    sa.Column('created_at', TS, nullable=False),
    sa.Column('updated_at', TS, nullable=False),
    sa.CheckConstraint("(visibility = 'group') = (group_id IS NOT NULL)", name=op.f('ck_listings_group_named')),
    sa.CheckConstraint("kind IN ('offer', 'want')", name=op.f('ck_listings_kind')),
    sa.CheckConstraint("status IN ('active', 'hidden', 'expired')", name=op.f('ck_listings_status')),
    sa.CheckConstraint("visibility IN ('scheme', 'federation', 'group')", name=op.f('ck_listings_visibility')),
    sa.CheckConstraint('length(title) > 0', name=op.f('ck_listings_title_present')),
    sa.CheckConstraint('price IS NULL OR price >= 0', name=op.f('ck_listings_price_not_negative')),
    sa.ForeignKeyConstraint(['category_id'], ['categories.id'], name=op.f('fk_listings_category_id_categories')),
    sa.ForeignKeyConstraint(['entered_by_id'], ['persons.id'], name=op.f('fk_listings_entered_by_id_persons')),
    sa.ForeignKeyConstraint(['group_id'], ['groups.id'], name=op.f('fk_listings_group_id_groups')),
    sa.ForeignKeyConstraint(['membership_id'], ['memberships.id'], name=op.f('fk_listings_membership_id_memberships')),
    sa.ForeignKeyConstraint(['scheme_id'], ['schemes.id'], name=op.f('fk_listings_scheme_id_schemes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_listings'))
    )
    with op.batch_alter_table('listings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_listings_category_id'), ['category_id'], unique=False)
        batch_op.create_index('ix_listings_expires', ['status', 'expires_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_listings_group_id'), ['group_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_listings_membership_id'), ['membership_id'], unique=False)
        batch_op.create_index('ix_listings_scheme_updated', ['scheme_id', 'updated_at'], unique=False)
        batch_op.create_index('ix_listings_visibility', ['visibility', 'status'], unique=False)

    op.create_table('feedback',
    sa.Column('id', ID, nullable=False),
    sa.Column('scheme_id', ID, nullable=False),
    sa.Column('transfer_id', sa.Uuid(), nullable=False),
    sa.Column('author_id', ID, nullable=False),
    sa.Column('subject_id', ID, nullable=False),
    sa.Column('rating', sa.String(length=8), nullable=False),
    sa.Column('comment', sa.String(length=1000), nullable=False),
    sa.Column('created_at', TS, nullable=False),
    sa.Column('updated_at', TS, nullable=False),
    sa.CheckConstraint("rating IN ('positive', 'neutral', 'negative')", name=op.f('ck_feedback_rating')),
    sa.CheckConstraint('author_id <> subject_id', name=op.f('ck_feedback_not_on_oneself')),
    sa.ForeignKeyConstraint(['author_id'], ['memberships.id'], name=op.f('fk_feedback_author_id_memberships')),
    sa.ForeignKeyConstraint(['scheme_id'], ['schemes.id'], name=op.f('fk_feedback_scheme_id_schemes')),
    sa.ForeignKeyConstraint(['subject_id'], ['memberships.id'], name=op.f('fk_feedback_subject_id_memberships')),
    sa.ForeignKeyConstraint(['transfer_id'], ['transfers.id'], name=op.f('fk_feedback_transfer_id_transfers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_feedback')),
    sa.UniqueConstraint('transfer_id', 'author_id', name=op.f('uq_feedback_transfer_id_author_id'))
    )
    with op.batch_alter_table('feedback', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_feedback_subject_id'), ['subject_id'], unique=False)

    op.create_table('rsvps',
    sa.Column('id', ID, nullable=False),
    sa.Column('scheme_id', ID, nullable=False),
    sa.Column('event_id', ID, nullable=False),
    sa.Column('membership_id', ID, nullable=False),
    sa.Column('state', sa.String(length=8), nullable=False),
    sa.Column('created_at', TS, nullable=False),
    sa.CheckConstraint("state IN ('going', 'waiting')", name=op.f('ck_rsvps_state')),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_rsvps_event_id_events'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['membership_id'], ['memberships.id'], name=op.f('fk_rsvps_membership_id_memberships')),
    sa.ForeignKeyConstraint(['scheme_id'], ['schemes.id'], name=op.f('fk_rsvps_scheme_id_schemes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rsvps')),
    sa.UniqueConstraint('event_id', 'membership_id', name=op.f('uq_rsvps_event_id_membership_id'))
    )


    postgresql = op.get_bind().dialect.name == "postgresql"
    if postgresql:
        op.execute(
            f"ALTER TABLE listings ADD COLUMN search_vector tsvector "
            f"GENERATED ALWAYS AS ({TSVECTOR}) STORED"
        )
        op.execute("CREATE INDEX ix_listings_search ON listings USING gin (search_vector)")
        _policies()
    else:
        for statement in FTS:
            op.execute(statement)
    _move_offers()
    op.drop_index(op.f("ix_offers_membership_id"), table_name="offers")
    op.drop_index("ix_offers_scheme_status", table_name="offers")
    op.drop_table("offers")


def downgrade() -> None:
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
    op.execute(
        "INSERT INTO offers (scheme_id, membership_id, title, description, category, status, "
        "created_at) SELECT l.scheme_id, l.membership_id, l.title, substr(l.description, 1, "
        "2000), c.name, CASE l.status WHEN 'active' THEN 'active' ELSE 'withdrawn' END, "
        "l.created_at FROM listings l JOIN categories c ON c.id = l.category_id "
        "WHERE l.kind = 'offer'"
    )
    postgresql = op.get_bind().dialect.name == "postgresql"
    if postgresql:
        condition = "lets_scheme_visible(scheme_id)"
        op.execute("ALTER TABLE offers ENABLE ROW LEVEL SECURITY")
        op.execute("ALTER TABLE offers FORCE ROW LEVEL SECURITY")
        op.execute(
            f"CREATE POLICY scheme_isolation ON offers USING ({condition}) "
            f"WITH CHECK ({condition})"
        )
        for table in TENANT_TABLES:
            op.execute(f"DROP POLICY scheme_isolation ON {table}")
        op.execute("DROP INDEX ix_listings_search")
    else:
        for name in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER listings_fts_{name}")
        op.execute("DROP TABLE listings_fts")
    op.drop_table('rsvps')
    with op.batch_alter_table('feedback', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_feedback_subject_id'))

    op.drop_table('feedback')
    with op.batch_alter_table('listings', schema=None) as batch_op:
        batch_op.drop_index('ix_listings_visibility')
        batch_op.drop_index('ix_listings_scheme_updated')
        batch_op.drop_index(batch_op.f('ix_listings_membership_id'))
        batch_op.drop_index(batch_op.f('ix_listings_group_id'))
        batch_op.drop_index('ix_listings_expires')
        batch_op.drop_index(batch_op.f('ix_listings_category_id'))

    op.drop_table('listings')
    with op.batch_alter_table('group_members', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_group_members_membership_id'))

    op.drop_table('group_members')
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_index('ix_events_scheme_starts')

    op.drop_table('events')
    op.drop_table('profiles')
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.drop_index('ix_messages_sender')
        batch_op.drop_index('ix_messages_recipient')

    op.drop_table('messages')
    op.drop_table('groups')
    op.drop_table('blocks')
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.drop_index('ix_reports_scheme_state')

    op.drop_table('reports')
    with op.batch_alter_table('directory_exports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_directory_exports_scheme_id'))

    op.drop_table('directory_exports')
    op.drop_table('categories')
