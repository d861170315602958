"""The constitutions' counting rules, one home each: majorities and quorums.

Named rules in registries (a version's parameters name them), pure functions of counts,
tested without a database.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction


@dataclass(frozen=True)
class Count:
    """A vote's numbers: for, against, abstaining, and the electorate (every member with a
    vote when the count was made)."""

    votes_for: int
    votes_against: int
    abstaining: int = 0
    electorate: int = 0

    @property
    def cast(self) -> int:
        """Votes cast: for and against (abstentions are not cast)."""
        return self.votes_for + self.votes_against


def _simple(c: Count) -> bool:
    return c.votes_for > c.votes_against


def _two_thirds_cast(c: Count) -> bool:
    return c.votes_for > 0 and 3 * c.votes_for >= 2 * c.cast


def _two_thirds_membership(c: Count) -> bool:
    return c.votes_for > 0 and 3 * c.votes_for >= 2 * c.electorate


#: majority rule -> (what people call it, the test).
MAJORITIES: dict[str, tuple[str, Callable[[Count], bool]]] = {
    "simple_majority_of_votes_cast": ("more votes for than against", _simple),
    "two_thirds_of_votes_cast": (
        "two thirds of the members present and voting (abstentions are not cast)",
        _two_thirds_cast,
    ),
    "two_thirds_of_membership": ("two thirds of the whole membership", _two_thirds_membership),
}


def passes(rule: str, count: Count) -> bool:
    """Whether ``count`` carries under the majority ``rule``."""
    return MAJORITIES[rule][1](count)


def describe_majority(rule: str) -> str:
    return MAJORITIES[rule][0]


def needed_for(rule: str, count: Count) -> int:
    """The fewest votes for that would carry, the others as counted (for messages)."""
    if rule == "two_thirds_of_membership":
        return -(-2 * count.electorate // 3) or 1
    if rule == "two_thirds_of_votes_cast":
        return max(1, 2 * count.votes_against)
    return count.votes_against + 1


def committee_quorum(rule: dict[str, object], committee_size: int) -> int:
    """Voting committee members a committee meeting needs.

    ``majority_or_n_smaller`` (WES 6(d), Bright 7.5): a majority of the committee or ``n``
    members, whichever is smaller.
    """
    if rule.get("rule") != "majority_or_n_smaller":
        raise ValueError(f"unknown committee quorum rule {rule!r}")
    n = int(str(rule["n"]))
    return min(committee_size // 2 + 1, n)


@dataclass(frozen=True)
class GeneralQuorum:
    committee_needed: int
    members_needed: int

    def met(self, committee_present: int, others_present: int) -> bool:
        return committee_present >= self.committee_needed and others_present >= self.members_needed


def general_quorum(rule: dict[str, object], committee_size: int) -> GeneralQuorum:
    """What a general meeting needs.

    ``committee_fraction_and_members`` (WES 10(h), Bright 9.4): at least a fraction (two
    thirds) of the serving committee and ``members`` other members.
    """
    if rule.get("rule") != "committee_fraction_and_members":
        raise ValueError(f"unknown general meeting quorum rule {rule!r}")
    fraction = Fraction(str(rule["committee"]))
    needed = -(-fraction.numerator * committee_size // fraction.denominator)
    return GeneralQuorum(needed, int(str(rule["members"])))
