"""Journeys through the public pages, by keyboard."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)


def press_tab_until(page, selector: str, limit: int = 60) -> None:
    """Press Tab until the element matching `selector` has focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


def test_skip_link_is_first_and_moves_focus_to_main(visit):
    page = visit("/")

    page.keyboard.press("Tab")
    skip_link = page.get_by_role("link", name="Skip to main content")
    expect(skip_link).to_be_focused()
    expect(skip_link).to_be_in_viewport()

    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()


def test_home_to_privacy_to_accessibility_by_keyboard(visit, follow):
    page = visit("/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Thegither: doing things together")

    press_tab_until(page, "footer a[href='/privacy/']")
    follow(lambda: page.keyboard.press("Enter"))
    expect(page).to_have_url(re.compile(r"/privacy/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Privacy: what we keep about you")

    press_tab_until(page, "footer a[href='/accessibility/']")
    follow(lambda: page.keyboard.press("Enter"))
    expect(page).to_have_url(re.compile(r"/accessibility/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Accessibility")


def test_focus_ring_is_visible_on_links(visit):
    page = visit("/")

    press_tab_until(page, "footer a[href='/privacy/']")
    background = page.evaluate("getComputedStyle(document.activeElement).backgroundColor")

    # The focus style paints the link yellow (#ffdd00), whatever the theme.
    assert background == "rgb(255, 221, 0)"


def test_home_page_log_in_link_goes_to_log_in(visit, follow):
    page = visit("/")

    follow(lambda: page.get_by_role("main").get_by_role("link", name="Log in").click())

    expect(page).to_have_url(re.compile(r"/accounts/login/"))
