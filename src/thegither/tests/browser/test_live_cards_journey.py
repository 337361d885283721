"""A meeting with cards in real browsers: a facilitator, the big screen and three phones.

The facilitator makes a meeting (no questions), starts it and puts the big screen up.
Kim's phone is used by keyboard only, Ali's and Jo's by mouse; each is its own browser
at 320 px. Every card is pressed; the facilitator calls speakers under fair turns,
moves people by keyboard and by dragging, then switches to first come, first served.
The console, the big screen and the phones pass the page checks (axe-core, 320 px, CSP)
as they change, and who pressed Stop is never on the big screen.
"""

import re

import pytest
from playwright.sync_api import Locator, Page, expect

from thegither.live.models import Card, LiveSession
from thegither.tests.browser.checks import PageWatcher
from thegither.tests.browser.journeys import DEMO_ORGANISATION, log_in
from thegither.tests.browser.live_site import PHONE_SIZE, browser_context, checked, socket_open

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("asgi_server")]

WAIT_MS = 10_000
TABS_MAX = 80
SPEAK = "I want to speak"
STOP = "Stop - I don't understand"
QUIET = "I don't want to speak"
BREAK = "Can we take a break?"


def tab_to(page: Page, target: Locator) -> None:
    """Press Tab until `target` has the focus, as someone with a keyboard would."""
    for _press in range(TABS_MAX):
        page.keyboard.press("Tab")
        if target.evaluate("element => element === document.activeElement"):
            return
    raise AssertionError(f"{TABS_MAX} presses of Tab never reached {target}")


def join(browser, base_url, code: str, nickname: str, *, keyboard: bool = False) -> PageWatcher:
    phone = PageWatcher(browser_context(browser, base_url, viewport=PHONE_SIZE).new_page())
    page = phone.page
    page.goto("/join")
    checked(phone)
    if keyboard:
        tab_to(page, page.get_by_label("Join code"))
        page.keyboard.type(code.lower())
        with page.expect_navigation():
            page.keyboard.press("Enter")
        checked(phone)
        tab_to(page, page.get_by_label(re.compile("Nickname")))
        page.keyboard.type(nickname)
        with page.expect_navigation():
            page.keyboard.press("Enter")
    else:
        page.get_by_label("Join code").fill(code)
        with page.expect_navigation():
            page.get_by_role("button", name="Join").click()
        checked(phone)
        page.get_by_label(re.compile("Nickname")).fill(nickname)
        with page.expect_navigation():
            page.get_by_role("button", name="Join").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tuesday planning meeting")
    socket_open(page)
    checked(phone)
    return phone


def card(phone: PageWatcher, words: str) -> Locator:
    return phone.page.get_by_role("button", name=words, exact=True)


def press(phone: PageWatcher, words: str, *, keyboard: bool = False, up: bool = True) -> None:
    """Press a card (by keyboard: Tab to it, then Space); it is held up (or put down)."""
    button = card(phone, words)
    if keyboard:
        if not button.evaluate("element => element === document.activeElement"):
            tab_to(phone.page, button)
        phone.page.keyboard.press("Space")
        # Sent without a reload: the keyboard focus stays on the card.
        expect(button).to_have_attribute("aria-pressed", "true" if up else "false")
        expect(button).to_be_focused()
    else:
        button.click()
        expect(button).to_have_attribute("aria-pressed", "true" if up else "false")
    checked(phone)


def _box(locator: Locator) -> dict:
    """Where the element is on the screen, once it is there.

    A snapshot can redraw the queue at any moment, and while the new one replaces the
    old an element has no box for an instant: wait for it rather than fail.
    """
    for _try in range(50):
        expect(locator).to_be_visible()
        box = locator.bounding_box()
        if box is not None:
            return box
        locator.page.wait_for_timeout(100)
    raise AssertionError(f"{locator} never settled on the screen")


def mouse_drag(page: Page, source: Locator, target: Locator) -> None:
    """Drag with the mouse from `source`'s middle to just above `target`'s middle."""
    start, end = _box(source), _box(target)
    page.mouse.move(start["x"] + start["width"] / 2, start["y"] + start["height"] / 2)
    page.mouse.down()
    to_y = end["y"] + end["height"] / 4
    page.mouse.move(end["x"] + end["width"] / 2, to_y, steps=10)
    page.mouse.up()


class Room:
    def __init__(self, console: PageWatcher, presenter: PageWatcher):
        self.console = console
        self.presenter = presenter

    @property
    def page(self) -> Page:
        return self.console.page

    def queue_is(self, names: list[str]) -> None:
        expect(self.page.locator("[data-queue-list] .live-queue__name")).to_have_text(
            names, timeout=WAIT_MS
        )
        expect(self.presenter.page.locator(".live-present__next li")).to_have_text(
            names, timeout=WAIT_MS
        )

    def button(self, name) -> Locator:
        return self.page.get_by_role("button", name=name)

    def call_next(self, name: str) -> None:
        self.button(f"Call the next: {name}").click()
        expect(self.page.locator(".live-queue__speaker")).to_contain_text(name, timeout=WAIT_MS)
        expect(self.presenter.page.get_by_text(f"Speaking now: {name}")).to_be_visible(
            timeout=WAIT_MS
        )

    def done(self, name: str) -> None:
        # The words after "Done" are for screen readers (visually hidden).
        self.button(re.compile(rf"^Done\W+{name} has finished$")).click()
        expect(self.page.get_by_text("Nobody is speaking.")).to_be_visible(timeout=WAIT_MS)

    def check(self) -> None:
        checked(self.console)
        checked(self.presenter)


def test_a_meeting_with_cards_three_phones_and_both_queue_policies(
    browser, asgi_server, context, watcher, visit, follow, demo
):
    # The facilitator makes a meeting: no questions, fair turns, the queue on the big screen.
    page = visit("/accounts/login/")
    log_in(page, follow, "sam.worker")
    page = visit(f"/live/{DEMO_ORGANISATION}/")
    page.get_by_label("Title").fill("Tuesday planning meeting")
    page.get_by_label(re.compile("Meeting: cards")).check()
    page.get_by_label(re.compile("Show the speaking queue")).check()
    follow(lambda: page.get_by_role("button", name="Make the session").click())
    follow(lambda: page.get_by_role("link", name="Run it").click())
    follow(lambda: page.get_by_role("button", name="Start the session").click())
    socket_open(page)
    session = LiveSession.objects.get(title="Tuesday planning meeting")
    assert session.is_meeting
    assert session.queue_policy == "fair"
    assert session.queue_on_screen

    presenter = PageWatcher(context.new_page())
    presenter.page.goto(f"/live/s/{session.pk}/present/")
    socket_open(presenter.page)
    checked(presenter)
    expect(presenter.page.locator(".live-code--big")).to_have_text(session.join_code)
    room = Room(watcher, presenter)

    kim = join(browser, asgi_server, session.join_code, "Kim", keyboard=True)
    ali = join(browser, asgi_server, session.join_code, "Ali")
    jo = join(browser, asgi_server, session.join_code, "Jo")
    expect(page.locator("[data-live-region]")).to_contain_text("3 phones joined", timeout=WAIT_MS)

    # ---- fair turns ----
    press(kim, SPEAK, keyboard=True)
    expect(kim.page.get_by_text("you are number 1 in the queue")).to_be_visible()
    press(ali, SPEAK)
    room.queue_is(["Kim", "Ali"])
    expect(page.locator(".live-queue__item .tag")).to_have_text(["Hasn't spoken yet"] * 2)
    room.check()

    room.call_next("Kim")
    expect(kim.page.get_by_text("It's your turn to speak now.")).to_be_visible(timeout=WAIT_MS)
    expect(ali.page.get_by_text("you are number 1 in the queue")).to_be_visible(timeout=WAIT_MS)
    checked(kim)
    room.done("Kim")
    expect(card(kim, SPEAK)).to_have_attribute("aria-pressed", "false", timeout=WAIT_MS)

    # Kim (one turn) puts a hand up again before Jo (none): Jo still goes first.
    press(kim, SPEAK, keyboard=True)
    press(jo, SPEAK)
    room.queue_is(["Ali", "Jo", "Kim"])
    expect(kim.page.get_by_text("you are number 3 in the queue")).to_be_visible(timeout=WAIT_MS)
    room.check()

    # The facilitator moves Kim up by keyboard: the focus stays on Kim's Up button.
    kim_up = room.button(re.compile(r"^Up\W+Kim$"))
    kim_up.focus()
    page.keyboard.press("Enter")
    room.queue_is(["Ali", "Kim", "Jo"])
    expect(page.get_by_text("In your own order.")).to_be_visible()
    expect(kim_up).to_be_focused(timeout=WAIT_MS)
    room.button("Sort by fair turns again").click()
    room.queue_is(["Ali", "Jo", "Kim"])
    # And by dragging Jo to the top.
    items = page.locator(".live-queue__item")
    names = page.locator("[data-queue-list] .live-queue__name")
    # A redraw (the sort's snapshot) can land in the middle of a drag and drop it:
    # drag again only while the order is still the old one.
    for _try in range(3):
        mouse_drag(page, items.nth(1).locator(".live-rank__handle"), items.nth(0))
        try:
            expect(names).to_have_text(["Jo", "Ali", "Kim"], timeout=5000)
            break
        except AssertionError:
            expect(names).to_have_text(["Ali", "Jo", "Kim"])
    room.queue_is(["Jo", "Ali", "Kim"])
    room.check()
    room.button("Sort by fair turns again").click()
    room.queue_is(["Ali", "Jo", "Kim"])

    room.call_next("Ali")
    room.call_next("Jo")  # fewer turns than Kim, who raised a hand first
    room.done("Jo")
    room.queue_is(["Kim"])
    room.check()

    # ---- first come, first served ----
    follow(lambda: page.get_by_role("link", name="Change the activities or the settings").click())
    page.get_by_label(re.compile("First come, first served")).check()
    follow(lambda: page.get_by_role("button", name="Save the settings").click())
    expect(page.get_by_text("Saved.")).to_be_visible()
    follow(lambda: page.get_by_role("link", name="Run it").click())
    socket_open(page)
    expect(
        page.get_by_text("First come, first served: in the order hands went up.")
    ).to_be_visible()
    press(ali, SPEAK)
    room.queue_is(["Kim", "Ali"])
    room.call_next("Kim")
    # While Kim speaks, Kim's card stays up.
    expect(card(kim, SPEAK)).to_have_attribute("aria-pressed", "true")
    room.done("Kim")
    expect(card(kim, SPEAK)).to_have_attribute("aria-pressed", "false", timeout=WAIT_MS)
    # Kim (two turns now) raises again before Jo (one turn): first come goes first.
    press(kim, SPEAK, keyboard=True)
    press(jo, SPEAK)
    room.queue_is(["Ali", "Kim", "Jo"])
    room.call_next("Ali")
    room.call_next("Kim")
    room.done("Kim")
    room.queue_is(["Jo"])
    room.check()

    # ---- the other cards ----
    ali.page.get_by_label(re.compile("The word or words that lost you")).fill("co-production")
    press(ali, STOP)
    expect(ali.page.get_by_text("They can't see who sent it.")).to_be_visible()
    press(kim, BREAK, keyboard=True)
    press(jo, QUIET)  # Jo's hand comes down: they won't be asked
    expect(card(jo, SPEAK)).to_have_attribute("aria-pressed", "false")
    expect(jo.page.locator("#card-quiet-state")).to_have_text(
        "The facilitator knows. They won't ask you to speak."
    )

    stop_box = page.locator(".live-signal--stop")
    expect(stop_box).to_contain_text("co-production", timeout=WAIT_MS)
    expect(stop_box.locator(".live-signal__count")).to_have_text("1")
    expect(stop_box).not_to_contain_text("Ali")  # names are off for this session
    expect(page.locator(".live-signal--break .live-signal__count")).to_have_text("1")
    expect(page.locator(".live-signal--quiet")).to_contain_text("Jo")
    room.queue_is([])
    presenter_text = presenter.page.locator("main").inner_text()
    assert "co-production" not in presenter_text
    assert "Stop" not in presenter_text
    expect(presenter.page.get_by_text("Nobody is speaking.")).to_be_visible()
    room.check()

    room.button("We've explained: put the Stop cards down").click()
    expect(card(ali, STOP)).to_have_attribute("aria-pressed", "false", timeout=WAIT_MS)
    room.button("Put the break cards down").click()
    expect(card(kim, BREAK)).to_have_attribute("aria-pressed", "false", timeout=WAIT_MS)
    for phone in (kim, ali, jo):
        checked(phone)

    # Turns and time per person, for evening out air time.
    rows = page.locator(".live-queue table tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.nth(0).locator("th")).to_have_text("Kim")
    expect(rows.nth(0).locator("td").first).to_have_text("3")
    expect(rows.nth(1).locator("td").first).to_have_text("2")
    expect(rows.nth(2)).to_contain_text("Doesn't want to speak")
    room.check()
    # The stored record: turns finished, and the Stop card's words kept for the glossary.
    assert Card.objects.filter(session=session, kind="speak", state="done").count() == 6
    assert Card.objects.get(session=session, kind="stop").phrase == "co-production"

    for phone in (kim, ali, jo):
        assert phone.unchecked_problems() == []
        phone.page.context.close()
    assert presenter.unchecked_problems() == []
