"""Each scheme's category tree: the defaults from LETS practice, and organisers' edits."""

from __future__ import annotations

from sqlalchemy import func, select

from lets_platform.db import db
from lets_platform.errors import _error
from lets_platform.tenancy.models import Scheme
from lets_tenants.directory.models import MAX_CATEGORY, Category
from lets_tenants.directory.text import check_text

CategoryNotFound = _error("category_not_found", 422, "There is no such category in this scheme.")
CategoryExists = _error("category_exists", 409, "The scheme has a category with this slug.")

#: The categories printed LETS directories have grouped their entries under for decades:
#: (name, [sub-categories]). Slugs are made from the names.
DEFAULTS: list[tuple[str, list[str]]] = [
    ("Food and drink", ["Baking", "Fruit and vegetables", "Preserves", "Meals and catering"]),
    ("Home and garden", ["Gardening", "Cleaning", "Repairs and DIY", "Decorating"]),
    ("Crafts and making", ["Sewing and alterations", "Knitting", "Woodwork"]),
    ("Health and wellbeing", ["Massage", "Yoga and exercise", "Complementary therapies"]),
    ("Care and family", ["Childcare", "Pet care", "Help for older people"]),
    ("Lessons and skills", ["Languages", "Music lessons", "Tutoring"]),
    ("Computers and technology", ["Computer help", "Websites"]),
    ("Transport and errands", ["Lifts", "Deliveries", "Shopping"]),
    ("Arts and events", ["Music and entertainment", "Photography"]),
    ("Business and admin", ["Bookkeeping", "Typing and letters"]),
    ("Lending and hire", ["Tools", "Equipment"]),
    ("Other", []),
]
OTHER = "other"


def slugify(name: str) -> str:
    """A category's slug: lower-case letters and digits joined by hyphens."""
    out = "".join(c if c.isalnum() else "-" for c in name.lower()).strip("-")
    while "--" in out:
        out = out.replace("--", "-")
    return out[:MAX_CATEGORY] or OTHER


def ensure_categories(scheme: Scheme) -> None:
    """Give a scheme without categories the default tree (at provisioning, or first use)."""
    count = db.session.scalar(select(func.count()).where(Category.scheme_id == scheme.id))
    if count:
        return
    for name, children in DEFAULTS:
        parent = Category(scheme_id=scheme.id, slug=slugify(name), name=name)
        db.session.add(parent)
        db.session.flush()
        for child in children:
            db.session.add(
                Category(scheme_id=scheme.id, slug=slugify(child), name=child, parent_id=parent.id)
            )
    db.session.flush()


def list_categories(scheme: Scheme) -> list[Category]:
    ensure_categories(scheme)
    query = select(Category).where(Category.scheme_id == scheme.id).order_by(Category.id)
    return list(db.session.scalars(query))


def category_by_slug(scheme: Scheme, slug: str | None) -> Category:
    ensure_categories(scheme)
    found = db.session.scalar(
        select(Category).where(Category.scheme_id == scheme.id, Category.slug == (slug or ""))
    )
    if found is None:
        raise CategoryNotFound(
            f"There is no category {slug!r} in {scheme.slug}.",
            errors={"category": ["Choose one of the scheme's categories."]},
        )
    return found


def named_category(scheme: Scheme, name: str | None) -> Category:
    """The category a free-text name means (imports): by slug, else made, else "Other"."""
    slug = slugify(name or "")
    ensure_categories(scheme)
    found = db.session.scalar(
        select(Category).where(Category.scheme_id == scheme.id, Category.slug == slug)
    )
    if found is None:
        found = Category(scheme_id=scheme.id, slug=slug, name=(name or "Other").strip()[:60])
        db.session.add(found)
        db.session.flush()
    return found


def add_category(scheme: Scheme, *, name: str, parent: str | None = None) -> Category:
    """An organiser adds a category (under ``parent``'s slug, if given)."""
    name = check_text("name", name, MAX_CATEGORY, required=True)
    slug = slugify(name)
    ensure_categories(scheme)
    exists = select(Category.id).where(Category.scheme_id == scheme.id, Category.slug == slug)
    if db.session.scalar(exists) is not None:
        raise CategoryExists(f"{scheme.slug} has a category {slug!r} already.")
    parent_id = category_by_slug(scheme, parent).id if parent else None
    category = Category(scheme_id=scheme.id, slug=slug, name=name, parent_id=parent_id)
    db.session.add(category)
    db.session.flush()
    return category
