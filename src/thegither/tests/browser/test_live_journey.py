"""A live workshop in real browsers: a facilitator, the big screen and three phones.

The site runs on uvicorn (pages and WebSockets, like `thegither up`), not on Django's
test server, which has no WebSockets. One phone's socket is cut: it keeps working by
polling and catches up, then its socket comes back.
"""

import re

import pytest
from playwright.sync_api import expect

from thegither.live.models import LiveSession
from thegither.tests.browser.checks import PageWatcher
from thegither.tests.browser.journeys import DEMO_ORGANISATION, log_in
from thegither.tests.browser.live_site import (
    SOCKET_WAIT_MS,
    browser_context,
    checked,
    socket_open,
)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("asgi_server")]


def test_a_workshop_with_three_phones_one_losing_its_socket(
    browser, asgi_server, context, watcher, visit, follow, demo
):
    # The facilitator logs in and starts the demo workshop.
    page = visit("/accounts/login/")
    log_in(page, follow, "sam.worker")
    page = visit(f"/live/{DEMO_ORGANISATION}/")
    follow(lambda: page.get_by_role("link", name=re.compile("In it together")).click())
    follow(lambda: page.get_by_role("link", name="Run it").click())
    follow(lambda: page.get_by_role("button", name="Start the session").click())
    follow(lambda: page.get_by_role("button", name="Open answers").click())
    socket_open(page)
    session = LiveSession.objects.get(title__startswith="In it together")
    code = session.join_code

    # The big screen, in the facilitator's browser.
    presenter = PageWatcher(context.new_page())
    presenter.page.goto(f"/live/s/{session.pk}/present/")
    checked(presenter)
    expect(presenter.page.locator(".live-code--big")).to_have_text(code)
    expect(presenter.page.locator("svg.live-qr")).to_be_visible()
    socket_open(presenter.page)

    # Three phones, each in its own browser, at 320 px; the third one's socket can be cut.
    cut = {"now": False}
    routes = []

    def route_socket(ws):
        if cut["now"]:
            ws.close()
            return
        ws.connect_to_server()
        routes.append(ws)

    phones = []
    for number in range(3):
        phone_context = browser_context(
            browser, asgi_server, viewport={"width": 320, "height": 640}
        )
        watched = PageWatcher(phone_context.new_page())
        if number == 2:
            watched.page.route_web_socket(re.compile(r"/ws/live/"), route_socket)
        watched.page.goto("/join")
        checked(watched)
        watched.page.get_by_label("Join code").fill(code.lower())
        with watched.page.expect_navigation():
            watched.page.get_by_role("button", name="Join").click()
        checked(watched)
        watched.page.get_by_label(re.compile("Nickname")).fill(f"Phone {number + 1}")
        with watched.page.expect_navigation():
            watched.page.get_by_role("button", name="Join").click()
        checked(watched)
        expect(watched.page.get_by_role("heading", level=1)).to_have_text(
            "Have you heard the word co-production before?"
        )
        socket_open(watched.page)
        phones.append((phone_context, watched))

    expect(presenter.page.locator(".live-count")).to_contain_text("3 joined", timeout=5000)

    # Each phone answers; the first by keyboard only.
    first = phones[0][1].page
    first.get_by_label("Yes").focus()
    first.keyboard.press("Space")
    first.keyboard.press("Tab")
    expect(first.get_by_role("button", name="Send my answer")).to_be_focused()
    with first.expect_navigation():
        first.keyboard.press("Enter")
    checked(phones[0][1])
    expect(first.get_by_text("Thanks, your answer is in.")).to_be_visible()
    for _unused, watched in phones[1:]:
        watched.page.get_by_label("No", exact=True).check()
        with watched.page.expect_navigation():
            watched.page.get_by_role("button", name="Send my answer").click()
        checked(watched)

    # The big screen and the console count them, live.
    expect(presenter.page.locator(".live-count")).to_contain_text("3 answered", timeout=5000)
    expect(page.locator("[data-live-region]")).to_contain_text("3 answers", timeout=5000)

    # The third phone loses its socket; results are shown while it is cut off.
    third = phones[2][1]
    cut["now"] = True
    for ws in routes:
        ws.close()
    expect(third.page.locator("[data-live]")).to_have_attribute("data-socket", "closed")
    follow(lambda: page.get_by_role("button", name="Show results").click())
    for _unused, watched in phones:
        # Every phone reloads to show the results: by socket, or by polling for the third.
        expect(watched.page.locator(".live-chart")).to_be_visible(timeout=10_000)
        checked(watched)
        expect(watched.page.locator(".live-chart desc")).to_have_text("Yes: 1; No: 2; Not sure: 0")
    expect(presenter.page.locator(".live-chart")).to_be_visible(timeout=5000)
    checked(presenter)

    # Its socket comes back, and it follows the next question like the others.
    cut["now"] = False
    # It retries with growing waits (1 s, 2 s, 4 s...), so this can take a while.
    expect(third.page.locator("[data-live]")).to_have_attribute(
        "data-socket", "open", timeout=3 * SOCKET_WAIT_MS
    )
    follow(lambda: page.get_by_role("button", name="Next").click())
    for _unused, watched in phones:
        expect(watched.page.get_by_role("heading", level=1)).to_have_text(
            re.compile("^Is this co-production?"), timeout=10_000
        )
        expect(watched.page.get_by_text("Answers are closed for now.")).to_be_visible()
        checked(watched)
    follow(lambda: page.get_by_role("button", name="Open answers").click())
    for _unused, watched in phones:
        expect(watched.page.get_by_label("Co-production")).to_be_visible(timeout=10_000)
        checked(watched)
    expect(
        presenter.page.get_by_role("heading", level=2, name=re.compile("^Is this"))
    ).to_be_visible(timeout=5000)
    checked(presenter)

    for phone_context, watched in phones:
        assert watched.unchecked_problems() == []
        phone_context.close()
    assert presenter.unchecked_problems() == []
