"""Constitution templates: the seed schemes' constitutions as text plus parameters, each
parameter with the clause of the text it comes from (``None`` where the text is silent).

A provisioned scheme starts from one of these (``model`` unless another is named).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

_TEXTS = Path(__file__).parent / "texts"


@dataclass(frozen=True)
class Template:
    key: str
    title: str
    parameters: dict[str, Any]
    clauses: dict[str, str | None]

    @property
    def text(self) -> str:
        return (_TEXTS / f"{self.key}.md").read_text(encoding="utf-8")


def _both(value: Any, clause: str | None) -> tuple[Any, str | None]:
    return value, clause


#: Wiltshire Exchange Scheme, draft at March 2014 (sections numbered 1-13 by the hub).
_WILTSHIRE: dict[str, tuple[Any, str | None]] = {
    "fee_sterling": ("0.00", "3(b)"),
    "fee_local": ("0.00", "3(b)"),
    "fee_period_months": (12, "3(b)"),
    "default_min_balance": ("-100.00", None),
    "default_max_balance": (None, None),
    "committee_min_size": (5, "5(b)"),
    "committee_roles": (["chair", "secretary", "treasurer"], "5(b)"),
    "committee_meets_every_days": (92, "6(a)"),
    "committee_quorum": ({"rule": "majority_or_n_smaller", "n": 5}, "6(d)"),
    "minutes_deadline_days": (30, "6(c)"),
    "absences_deemed_resignation": (3, "6(e)"),
    "agm_every_months": (12, "10(a)"),
    "agm_notice_days": (14, "10(g)"),
    "egm_notice_days": (7, "10(g)"),
    "egm_request_members": (6, "10(e)"),
    "egm_request_days": (4, "10(e)"),
    "general_quorum": (
        {
            "rule": "committee_fraction_and_members",
            "committee": "2/3",
            "members": 5,
            "reconvene_days": 30,
        },
        "10(h)",
    ),
    "change_majority": ("two_thirds_of_votes_cast", "12(b)"),
    "change_meetings": (["agm", "egm"], "12(a)"),
    "change_consultation": ("LETSlink UK, at national or regional level", "12(a)"),
    "wind_up_majority": ("two_thirds_of_votes_cast", "13(b)"),
    "wind_up_form": ("ballot", "13(b)"),
    "wind_up_result_notice_days": (0, None),
    "paid_for_meetings": ("whole_committee", "11(h)"),
    "wage_claims_approval": ("committee", "11(f)"),
    "organisation_votes": ("representative", "10(b)"),
    "termination_by": ("committee", "3(d)"),
    "appeal_to": ("the Mediation Group", "3(d)"),
    "terminated_balance": ("suspended_until_settled", None),
    "mediation_group_min": (2, "8(b)"),
    "local_groups": (False, None),
}

#: The Bright Exchange, draft at November 2016.
_BRIGHT: dict[str, tuple[Any, str | None]] = {
    **_WILTSHIRE,
    "fee_sterling": ("0.00", "3.2"),
    "fee_local": ("0.00", "3.2"),
    "fee_period_months": (12, "3.2"),
    "committee_min_size": (3, "5.2"),
    "committee_roles": (["chair", "secretary", "treasurer"], "5.2"),
    "committee_meets_every_days": (92, "7.1"),
    "committee_quorum": ({"rule": "majority_or_n_smaller", "n": 5}, "7.5"),
    "minutes_deadline_days": (30, "7.3"),
    "absences_deemed_resignation": (3, "7.6"),
    "agm_every_months": (12, "9.1"),
    "agm_notice_days": (14, "9.3"),
    "egm_notice_days": (7, "9.3"),
    "egm_request_members": (4, "9.2"),
    "egm_request_days": (3, "9.2"),
    "general_quorum": (_WILTSHIRE["general_quorum"][0], "9.4"),
    # 11.1 names no majority: votes are taken by simple majority (8.4).
    "change_majority": ("simple_majority_of_votes_cast", "8.4"),
    "change_meetings": (["agm"], "11.1"),
    "change_consultation": ("LETSlink UK, at national level", "11.1"),
    "wind_up_majority": ("two_thirds_of_membership", "12.2"),
    "wind_up_form": ("ballot", "12.2"),
    "wind_up_result_notice_days": (14, "12.2"),
    "paid_for_meetings": ("whole_committee", "10.5"),
    "wage_claims_approval": ("committee", "10.4"),
    "organisation_votes": ("representative", "9.5"),
    # Bright has no termination clause; the Committee's conditions on membership (3.1).
    "termination_by": ("committee", "3.1"),
    "appeal_to": ("the Mediators", "6(d)"),
    "mediation_group_min": (2, "6(d)"),
}

_LONDON: dict[str, tuple[Any, str | None]] = {
    "fee_sterling": ("0.00", "3.2"),
    "fee_local": ("0.00", "3.2"),
    "fee_period_months": (12, "3.2"),
    "default_min_balance": ("-100.00", "3.4"),
    "default_max_balance": (None, "3.4"),
    "committee_min_size": (5, "4.1"),
    "committee_roles": (["chair", "secretary", "treasurer"], "4.1"),
    "committee_meets_every_days": (92, "4.2"),
    "committee_quorum": ({"rule": "majority_or_n_smaller", "n": 5}, "4.3"),
    "minutes_deadline_days": (30, "4.2"),
    "absences_deemed_resignation": (3, "4.4"),
    "agm_every_months": (12, "6.1"),
    "agm_notice_days": (14, "6.2"),
    "egm_notice_days": (7, "6.2"),
    "egm_request_members": (10, "6.3"),
    "egm_request_days": (7, "6.3"),
    "general_quorum": (
        {
            "rule": "committee_fraction_and_members",
            "committee": "2/3",
            "members": 10,
            "reconvene_days": 30,
        },
        "6.4",
    ),
    "change_majority": ("two_thirds_of_votes_cast", "8.1"),
    "change_meetings": (["agm", "egm"], "8.1"),
    "change_consultation": ("LETSlink UK", "8.1"),
    "wind_up_majority": ("two_thirds_of_votes_cast", "8.2"),
    "wind_up_form": ("ballot", "8.2"),
    "wind_up_result_notice_days": (0, None),
    "paid_for_meetings": ("whole_committee", "7.3"),
    "wage_claims_approval": ("committee", "7.2"),
    "organisation_votes": ("representative", "6.1"),
    "termination_by": ("committee", "3.3"),
    "appeal_to": ("the Mediation Group", "3.3"),
    "terminated_balance": ("suspended_until_settled", None),
    "mediation_group_min": (2, "5.1"),
    "local_groups": (True, "2.1"),
}


def _template(key: str, title: str, rows: dict[str, tuple[Any, str | None]]) -> Template:
    return Template(
        key,
        title,
        {name: value for name, (value, _) in rows.items()},
        {name: clause for name, (_, clause) in rows.items()},
    )


TEMPLATES: dict[str, Template] = {
    t.key: t
    for t in (
        _template("model", "LETSlink model (parameters as WES)", _WILTSHIRE),
        _template("wiltshire", "Wiltshire Exchange Scheme (March 2014)", _WILTSHIRE),
        _template("bright", "The Bright Exchange (November 2016)", _BRIGHT),
        _template("london", "London LETS: one platform with local groups", _LONDON),
    )
}
DEFAULT_TEMPLATE = "model"
