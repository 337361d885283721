"""A phone ranks by keyboard with the Up and Down buttons; the focus stays on the moved option."""

import re

import pytest
from playwright.sync_api import expect

from thegither.accounts.models import Role
from thegither.accounts.tests import factories
from thegither.live import selectors, services

# The site on uvicorn (pages and sockets), as in the workshop journey.
from thegither.tests.browser.test_live_journey import asgi_server, context  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_phone_ranks_by_keyboard_without_dragging(visit, follow):
    organisation = factories.organisation_make()
    staff = factories.member_make(organisation, Role.STAFF)
    session = services.session_create(organisation=organisation, title="Ranking", by=staff)
    activity = services.activity_add(
        session=session,
        kind="ranking",
        prompt="What matters most?",
        options=["Fun", "Fair", "Free"],
        by=staff,
    )
    services.session_control(session=session, action="start", by=staff)
    services.session_control(session=session, action="open", by=staff)

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
