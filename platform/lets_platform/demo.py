"""Demo data registry: each capability registers a seeder; ``lets demo`` runs them in order."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class DemoContext:
    """What seeders share: persons to print tokens for, and lines for the welcome message."""

    people: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


Seeder = Callable[[DemoContext], None]
_seeders: list[tuple[int, str, Seeder]] = []


def register(order: int, name: str, seeder: Seeder) -> None:
    if all(existing != name for _, existing, _ in _seeders):
        _seeders.append((order, name, seeder))


def seeders() -> list[tuple[str, Seeder]]:
    return [(name, fn) for _, name, fn in sorted(_seeders, key=lambda s: s[0])]
