"""Alembic, driven from the ``lets db`` commands and from tests."""

from __future__ import annotations

import os
from pathlib import Path

from alembic import command
from alembic.config import Config


def migrations_dir() -> Path:
    """``$LETS_MIGRATIONS_DIR``, or ``migrations/`` at the top of the source tree."""
    configured = os.environ.get("LETS_MIGRATIONS_DIR")
    return Path(configured) if configured else Path(__file__).resolve().parents[2] / "migrations"


def alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(migrations_dir()))
    return cfg


def upgrade(revision: str = "head") -> None:
    """Migrate the current app's database (call inside an app context)."""
    command.upgrade(alembic_config(), revision)


def downgrade(revision: str = "base") -> None:
    command.downgrade(alembic_config(), revision)
