"""Audit checks that prove the books from the database; areas register their own.

``lets audit`` runs every registered check; each returns a list of findings (empty
when all is well). The ledger registers zero-sum and balance checks, the federation
its position checks.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Finding:
    scheme: str
    check: str
    detail: str


#: A check takes an optional scheme slug (None: every scheme) and returns its findings.
Check = Callable[[str | None], list[Finding]]
_checks: dict[str, Check] = {}


def register(name: str, check: Check) -> None:
    _checks[name] = check


def run_all(scheme: str | None = None) -> list[Finding]:
    findings: list[Finding] = []
    for check in _checks.values():
        findings.extend(check(scheme))
    return findings


def names() -> list[str]:
    return list(_checks)
