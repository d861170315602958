"""The layout in a real browser: nothing wider than a phone's screen, a visible focus, and
sign-in by keyboard alone."""

from __future__ import annotations

from lets_platform.web.testing import no_horizontal_scroll, screenshot, sign_in_page


def test_the_landing_page_fits_a_phone(page, scheme_with_members):
    scheme_with_members("wiltshire")
    page.goto("/")
    screenshot(page, "landing")

    page.set_viewport_size({"width": 320, "height": 800})

    assert no_horizontal_scroll(page)
    assert page.get_by_role("heading", name="Schemes by region").is_visible()


def test_a_member_signs_in_by_keyboard_and_sees_their_dashboard_on_a_phone(
    page, scheme_with_members
):
    wiltshire = scheme_with_members("wiltshire")
    page.set_viewport_size({"width": 390, "height": 800})

    sign_in_page(page, wiltshire.people["alice"])

    page.wait_for_url("**/s/wiltshire/")
    assert page.get_by_text("You can spend").is_visible()
    assert no_horizontal_scroll(page)
    screenshot(page, "dashboard")
