"""A phone ranks by keyboard with the Up and Down buttons (the focus stays on the moved
option), or by dragging with a finger."""

import re

import pytest
from playwright.sync_api import expect

from thegither.accounts.models import Role
from thegither.accounts.tests import factories
from thegither.live import selectors, services
from thegither.tests.browser.live_site import (
    checked,
    finger_drag,
    phone_join,
    socket_open,
)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("asgi_server")]


def _ranking_open(options):
    organisation = factories.organisation_make()
    staff = factories.member_make(organisation, Role.STAFF)
    session = services.session_create(organisation=organisation, title="Ranking", by=staff)
    activity = services.activity_add(
        session=session,
        kind="ranking",
        prompt="What matters most?",
        options=options,
        by=staff,
    )
    services.session_control(session=session, action="start", by=staff)
    services.session_control(session=session, action="open", by=staff)
    return session, activity


def test_a_phone_ranks_by_keyboard_without_dragging(visit, follow):
    session, activity = _ranking_open(["Fun", "Fair", "Free"])

    page = visit(f"/join/{session.join_code}")
    follow(lambda: page.get_by_role("button", name="Join").click())
    labels = page.locator(".live-rank__label")
    expect(labels).to_have_text(["Fun", "Fair", "Free"])

    page.get_by_role("button", name=re.compile(r"^Down\W+Fun$")).focus()
    follow(lambda: page.keyboard.press("Enter"))
    expect(labels).to_have_text(["Fair", "Fun", "Free"])
    expect(page.get_by_role("button", name=re.compile(r"^Down\W+Fun$"))).to_be_focused()
    expect(page.get_by_role("status").filter(has_text="Fun is now number 2 of 3.")).to_have_count(1)

    follow(lambda: page.keyboard.press("Enter"))
    expect(labels).to_have_text(["Fair", "Free", "Fun"])
    # At the bottom its Down button is off, so the focus is on its Up button.
    expect(page.get_by_role("button", name=re.compile(r"^Up\W+Fun$"))).to_be_focused()

    page.get_by_role("button", name=re.compile("Send my answer")).focus()
    follow(lambda: page.keyboard.press("Enter"))
    expect(labels).to_have_text(["Fair", "Free", "Fun"])
    assert selectors.counts(activity) == {"1": 2, "2": 1, "0": 0}


def test_a_phone_ranks_by_dragging_with_a_finger(browser, asgi_server):
    session, activity = _ranking_open(["Fun", "Fair", "Free", "Friends"])
    phone = phone_join(browser, asgi_server, code=session.join_code, has_touch=True)
    page = phone.page
    socket_open(page)
    labels = page.locator(".live-rank__label")
    handles = page.locator(".live-rank__handle")
    items = page.locator(".live-rank")
    expect(page.get_by_text("Drag one by its handle")).to_be_visible()

    # Friends, at the bottom, goes to the top.
    finger_drag(page, handles.nth(3), items.nth(0))
    expect(labels).to_have_text(["Friends", "Fun", "Fair", "Free"])
    expect(page.locator("input[name=order]")).to_have_value("3,0,1,2")
    expect(
        page.get_by_role("status").filter(has_text="Friends is now number 1 of 4.")
    ).to_have_count(1)
    # The buttons follow: Friends can't go up now, and Free can't go down.
    expect(page.get_by_role("button", name=re.compile(r"^Up\W+Friends$"))).to_be_disabled()
    expect(page.get_by_role("button", name=re.compile(r"^Up\W+Fun$"))).to_be_enabled()
    expect(page.get_by_role("button", name=re.compile(r"^Down\W+Free$"))).to_be_disabled()
    checked(phone)

    # Fun goes down one place, past the middle of Fair.
    finger_drag(page, handles.nth(1), items.nth(2))
    expect(labels).to_have_text(["Friends", "Fair", "Fun", "Free"])

    # A button press after a drag starts from the order shown.
    with page.expect_navigation():
        page.get_by_role("button", name=re.compile(r"^Down\W+Friends$")).click()
    expect(labels).to_have_text(["Fair", "Friends", "Fun", "Free"])
    socket_open(page)
    finger_drag(page, handles.nth(3), items.nth(0))
    expect(labels).to_have_text(["Free", "Fair", "Friends", "Fun"])
    with page.expect_navigation():
        page.get_by_role("button", name="Send my answer").tap()
    checked(phone)
    expect(labels).to_have_text(["Free", "Fair", "Friends", "Fun"])
    # The order sent is the order shown: Free 3, Fair 2, Friends 1, Fun 0.
    assert selectors.counts(activity) == {"2": 3, "1": 2, "3": 1, "0": 0}
    assert phone.unchecked_problems() == []
    page.context.close()
