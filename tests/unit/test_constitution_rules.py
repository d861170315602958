"""The constitutions' counting rules, as examples from the seed texts."""

from __future__ import annotations

from lets_tenants.constitution.rules import (
    Count,
    committee_quorum,
    general_quorum,
    needed_for,
    passes,
)

WES_COMMITTEE = {"rule": "majority_or_n_smaller", "n": 5}
GENERAL = {"rule": "committee_fraction_and_members", "committee": "2/3", "members": 5}


def test_two_thirds_of_those_voting_ignores_abstentions_wes_13b():
    assert passes("two_thirds_of_votes_cast", Count(10, 5, abstaining=40))
    assert not passes("two_thirds_of_votes_cast", Count(9, 5))


def test_two_thirds_of_the_membership_counts_everyone_bright_12_2():
    assert not passes("two_thirds_of_membership", Count(5, 1, electorate=10))
    assert passes("two_thirds_of_membership", Count(7, 3, electorate=10))
    assert needed_for("two_thirds_of_membership", Count(5, 1, electorate=10)) == 7


def test_a_simple_majority_needs_more_for_than_against():
    assert passes("simple_majority_of_votes_cast", Count(3, 2))
    assert not passes("simple_majority_of_votes_cast", Count(2, 2))


def test_committee_quorum_is_a_majority_or_five_whichever_is_smaller_wes_6d():
    assert committee_quorum(WES_COMMITTEE, 5) == 3
    assert committee_quorum(WES_COMMITTEE, 7) == 4
    assert committee_quorum(WES_COMMITTEE, 12) == 5


def test_general_quorum_is_two_thirds_of_the_committee_and_five_others_wes_10h():
    quorum = general_quorum(GENERAL, 6)
    assert (quorum.committee_needed, quorum.members_needed) == (4, 5)
    assert quorum.met(4, 5)
    assert not quorum.met(3, 9)
    assert not quorum.met(6, 4)
