"""The templates are the seed constitutions parameter for parameter: every parameter
cites a clause that exists in the template's own text, and only the parameters the texts
are silent on cite none."""

from __future__ import annotations

import re

import pytest

from lets_tenants.constitution.parameters import PARAMETERS, check
from lets_tenants.constitution.templates import TEMPLATES

#: What the texts do not say: credit limits (the administrators'), the balance of a
#: terminated member, local groups (WES and Bright have none), WES's further EGM.
SILENT = {
    "wiltshire": {
        "default_min_balance",
        "default_max_balance",
        "terminated_balance",
        "local_groups",
        "wind_up_result_notice_days",
    },
    "bright": {"default_min_balance", "default_max_balance", "terminated_balance", "local_groups"},
    "london": {"terminated_balance", "wind_up_result_notice_days"},
}


def _clause_in(text: str, clause: str) -> bool:
    wes = re.fullmatch(r"(\d+)\(([a-z])\)(?:\((i+v?|v?i*)\))?", clause)
    if wes:  # "10(e)": a line "(e)" inside the section headed "## 10."
        section, letter = wes.group(1), wes.group(2)
        found = re.search(rf"^## {section}\. .*?(?=^## |\Z)", text, re.M | re.S)
        return found is not None and re.search(rf"^\({letter}\)", found.group(0), re.M) is not None
    return re.search(rf"^{re.escape(clause)}[ .]", text, re.M) is not None


@pytest.mark.parametrize("key", ["wiltshire", "bright", "london"])
def test_every_parameter_cites_a_clause_of_the_templates_own_text(key):
    template = TEMPLATES[key]
    cited = {name for name, clause in template.clauses.items() if clause}

    assert set(template.parameters) == set(PARAMETERS)
    assert set(PARAMETERS) - cited == SILENT[key]
    missing = [
        (name, clause)
        for name, clause in template.clauses.items()
        if clause and not _clause_in(template.text, clause)
    ]
    assert missing == []


@pytest.mark.parametrize("key", sorted(TEMPLATES))
def test_every_template_is_well_typed(key):
    assert check(dict(TEMPLATES[key].parameters)) == TEMPLATES[key].parameters
