"""The layout in a real browser: nothing wider than a phone's screen, a visible focus, and
sign-in by keyboard alone."""

from __future__ import annotations

from lets_platform.web.testing import no_horizontal_scroll, screenshot


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
    from lets_platform.db import db
    from lets_platform.identity.operations import hash_password

    wiltshire = scheme_with_members("wiltshire")
    wiltshire.people["alice"].password_hash = hash_password("alice's password")
    db.session.commit()
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto("/")

    # from the top of the page: the skip link, the site's name, then "Sign in"
    for _ in range(3):
        page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    page.keyboard.press("Enter")
    page.wait_for_url("**/login")
    tabs = 0
    while page.evaluate("document.activeElement.id") != "email" and tabs < 10:
        page.keyboard.press("Tab")
        tabs += 1
    page.keyboard.type("alice@wiltshire.test")
    page.keyboard.press("Tab")
    page.keyboard.type("alice's password")
    page.keyboard.press("Enter")

    assert focused == "Sign in" and tabs == 4  # skip link, name, "Sign in", the field
    page.wait_for_url("**/s/wiltshire/")
    assert page.get_by_text("You can spend").is_visible()
    assert no_horizontal_scroll(page)
