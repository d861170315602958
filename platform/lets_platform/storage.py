"""Storing uploaded files (profile photos, printable directories) through a pluggable
backend chosen by ``LETS_STORAGE``.

``local`` (the default) keeps each file under ``LETS_STORAGE_PATH`` (default
``<instance>/uploads``); another backend (an object store) is one registered class away.
Keys are made by the hub (``photos/<random>.jpg``), never taken from a user.
"""

from __future__ import annotations

import re
import uuid
from pathlib import Path
from typing import Protocol

from flask import current_app

from lets_platform.errors import _error

StorageNotConfigured = _error("storage_not_configured", 500, "The file storage is unknown.")
_KEY = re.compile(r"^[a-z0-9-]+/[a-f0-9]{32}\.[a-z0-9]{2,4}$")


class Storage(Protocol):
    def save(self, key: str, data: bytes) -> None: ...

    def load(self, key: str) -> bytes | None: ...

    def delete(self, key: str) -> None: ...


class LocalStorage:
    """Files in a folder; a write appears whole (written aside, then renamed)."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, key: str) -> Path:
        if not _KEY.match(key):
            raise ValueError(f"not a storage key: {key!r}")
        return self.root / key

    def save(self, key: str, data: bytes) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f".{path.name}.tmp")
        partial.write_bytes(data)
        partial.rename(path)

    def load(self, key: str) -> bytes | None:
        path = self._path(key)
        return path.read_bytes() if path.is_file() else None

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)


def _local() -> Storage:
    configured = current_app.config.get("LETS_STORAGE_PATH")
    root = Path(configured) if configured else Path(current_app.instance_path) / "uploads"
    return LocalStorage(root)


BACKENDS = {"local": _local}


def storage() -> Storage:
    name = current_app.config.get("LETS_STORAGE") or "local"
    if name not in BACKENDS:
        raise StorageNotConfigured(f"LETS_STORAGE={name!r} is not one of {sorted(BACKENDS)}.")
    return BACKENDS[name]()


def new_key(folder: str, extension: str) -> str:
    return f"{folder}/{uuid.uuid4().hex}.{extension}"
