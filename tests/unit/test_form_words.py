"""The shared words for refusals fit every area and no area writes into them: each area
passes its own words, so a page reads the same whatever areas were loaded before it."""

from __future__ import annotations

import pytest

from lets_platform.errors import _error
from lets_platform.web.forms import MESSAGES, plain

HandleTaken = _error("handle_taken", 409, "Handle taken.")


def test_no_area_can_write_into_the_shared_words():
    with pytest.raises(TypeError):
        MESSAGES["handle_taken"] = "Someone else's wording"  # type: ignore[index]
    assert not hasattr(MESSAGES, "update")


def test_an_areas_own_words_win_and_the_detail_is_the_fallback():
    error = HandleTaken("'jo' is taken in wiltshire.")

    assert plain(error, {"handle_taken": "Choose another handle"}) == "Choose another handle"
    assert plain(error, {"handle_taken": "{detail} Choose another."}) == (
        "'jo' is taken in wiltshire. Choose another."
    )
    assert plain(error) == "'jo' is taken in wiltshire."
