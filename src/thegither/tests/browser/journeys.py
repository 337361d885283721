"""Steps that many browser journeys share."""

import pytest
from playwright.sync_api import expect

from thegither.demo.services import DEMO_PASSWORD

DEMO_ORGANISATION = "riverside-youth-trust"
PHONE = {"width": 320, "height": 640}
DESK = {"width": 1280, "height": 800}


def log_in(page, follow, username: str, password: str = DEMO_PASSWORD):
    """Fill in the log-in form on the page now showing and send it; return the next page."""
    page.get_by_label("Username or email").fill(username)
    page.get_by_label("Password", exact=True).fill(password)
    return follow(lambda: page.get_by_role("button", name="Log in").click())


def log_in_as(visit, follow, username: str, password: str = DEMO_PASSWORD):
    """Open the log-in page and log in; return the page after it."""
    return log_in(visit("/accounts/login/"), follow, username, password)


def log_out(page, follow):
    follow(lambda: page.get_by_role("button", name="Log out").click())


# Keyboard only: Tab to each control, type, Space to tick, Enter to go.


def tab_to(page, target, *, limit: int = 80) -> None:
    """Press Tab until `target` has the focus, as someone with a keyboard would."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if target.evaluate("el => el === document.activeElement"):
            return
    pytest.fail(f"Tab never reached {target}")


def press_enter_on(page, watcher, target):
    """Tab to a link or button and press Enter; check the page it opens."""
    tab_to(page, target)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    watcher.check()
    return page


def type_into(page, target, text: str) -> None:
    tab_to(page, target)
    page.keyboard.type(text)


def tick(page, target) -> None:
    tab_to(page, target)
    page.keyboard.press("Space")
    expect(target).to_be_checked()
