"""Every kind of activity, live: a facilitator, the big screen and three phones.

The demo workshop "In it together..." has one activity of each kind. The facilitator
runs it from the console; three phones (each its own browser, at 320 px) answer:
Kim's phone by keyboard only, Ali's by finger (taps, and a drag to rank), Jo's by
mouse. After each step the big screen must show the right counts and results as
text, and all the screens pass the page checks (axe-core, 320 px, CSP).
"""

import re
from dataclasses import dataclass

import pytest
from playwright.sync_api import Locator, Page, expect

from thegither.demo.services import DEMO_ACTIVITIES
from thegither.live.models import LiveSession
from thegither.tests.browser.checks import PageWatcher
from thegither.tests.browser.journeys import DEMO_ORGANISATION, log_in
from thegither.tests.browser.live_site import (
    PHONE_SIZE,
    browser_context,
    checked,
    finger_drag,
    socket_open,
)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("asgi_server")]

PROMPTS = [activity["prompt"] for activity in DEMO_ACTIVITIES]
KINDS = [activity["kind"] for activity in DEMO_ACTIVITIES]
WAIT_MS = 10_000
TABS_MAX = 80
PLACES = ("Seeds for a garden", "A litter pick", "A games night")


def tab_to(page: Page, target: Locator) -> None:
    """Press Tab until `target` has the focus, as someone with a keyboard would."""
    for _press in range(TABS_MAX):
        page.keyboard.press("Tab")
        if target.evaluate("element => element === document.activeElement"):
            return
    raise AssertionError(f"{TABS_MAX} presses of Tab never reached {target}")


def press_and_wait(phone: PageWatcher, key: str) -> Page:
    """Press a key that sends a form, wait for the new page and its socket, check it."""
    with phone.page.expect_navigation():
        phone.page.keyboard.press(key)
    return settled(phone)


def tap_and_wait(phone: PageWatcher, target: Locator, *, finger: bool = False) -> Page:
    with phone.page.expect_navigation():
        target.tap() if finger else target.click()
    return settled(phone)


def settled(phone: PageWatcher) -> Page:
    phone.page.wait_for_load_state("load")
    socket_open(phone.page)
    return checked(phone)


@dataclass
class Room:
    console: PageWatcher
    presenter: PageWatcher
    phones: list[PageWatcher]

    @property
    def kim(self) -> PageWatcher:  # keyboard only
        return self.phones[0]

    @property
    def ali(self) -> PageWatcher:  # a finger: taps, and a drag to rank
        return self.phones[1]

    @property
    def jo(self) -> PageWatcher:  # a mouse
        return self.phones[2]

    def control(self, words: str | re.Pattern) -> None:
        """Press one of the console's buttons (Next, Open answers, Show results...)."""
        page = self.console.page
        with page.expect_navigation():
            page.get_by_role("button", name=words, exact=True).click()
        settled(self.console)

    def check_all(self) -> None:
        checked(self.console)
        checked(self.presenter)
        for phone in self.phones:
            checked(phone)

    def next_activity(self, number: int) -> None:
        """Move to activity `number` (from 1) and open it; wait until every screen shows it."""
        prompt = PROMPTS[number - 1]
        if number > 1:
            self.control("Next")
            for phone in self.phones:
                expect(phone.page.get_by_role("heading", level=1)).to_have_text(
                    prompt, timeout=WAIT_MS
                )
                expect(phone.page.get_by_text("Answers are closed for now.")).to_be_visible()
                socket_open(phone.page)
        self.control("Open answers")
        expect(self.presenter.page.locator("#question-heading")).to_have_text(
            prompt, timeout=WAIT_MS
        )
        expect(self.presenter.page.get_by_text("Answer on your phone now.")).to_be_visible(
            timeout=WAIT_MS
        )
        socket_open(self.presenter.page)
        for phone in self.phones:
            expect(phone.page.get_by_role("button", name="Send my answer")).to_be_visible(
                timeout=WAIT_MS
            )
            socket_open(phone.page)
        self.check_all()

    def all_answered(self) -> None:
        expect(self.presenter.page.locator(".live-count")).to_have_text(
            "3 joined · 3 answered", timeout=WAIT_MS
        )
        expect(self.console.page.locator("[data-live-region]")).to_contain_text(
            "3 answers", timeout=WAIT_MS
        )
        self.check_all()

    def results(self, description: str) -> None:
        """Show the results; the big screen and every phone show these numbers as text."""
        self.control("Show results")
        expect(self.presenter.page.locator(".live-chart desc")).to_have_text(
            description, timeout=WAIT_MS
        )
        socket_open(self.presenter.page)
        for phone in self.phones:
            expect(phone.page.locator(".live-chart desc")).to_have_text(
                description, timeout=WAIT_MS
            )
            socket_open(phone.page)
        self.check_all()


def _join(browser, base_url, code: str, nickname: str, *, keyboard=False, finger=False):
    context = browser_context(browser, base_url, viewport=PHONE_SIZE, has_touch=finger)
    phone = PageWatcher(context.new_page())
    page = phone.page
    page.goto("/join")
    checked(phone)
    if keyboard:
        tab_to(page, page.get_by_label("Join code"))
        page.keyboard.type(code.lower())
        press_and_wait_page(phone, "Enter")
        tab_to(page, page.get_by_label(re.compile("Nickname")))
        page.keyboard.type(nickname)
        press_and_wait(phone, "Enter")
    else:
        page.get_by_label("Join code").fill(code)
        with page.expect_navigation():
            page.get_by_role("button", name="Join").click()
        checked(phone)
        page.get_by_label(re.compile("Nickname")).fill(nickname)
        tap_and_wait(phone, page.get_by_role("button", name="Join"), finger=finger)
    expect(page.get_by_text(f"You are {nickname}")).to_be_visible()
    return phone


def press_and_wait_page(phone: PageWatcher, key: str) -> Page:
    """Press a key that sends a form to a page without a socket (joining); check it."""
    with phone.page.expect_navigation():
        phone.page.keyboard.press(key)
    return checked(phone)


def _send(phone: PageWatcher, *, keyboard=False, finger=False) -> Page:
    page = phone.page
    send = page.get_by_role("button", name=re.compile("Send my answer|Change my answer"))
    if keyboard:
        tab_to(page, send)
        page = press_and_wait(phone, "Enter")
    else:
        page = tap_and_wait(phone, send, finger=finger)
    expect(page.get_by_text("Thanks, your answer is in.")).to_be_visible()
    return page


def test_every_kind_of_activity_with_a_presenter_a_console_and_three_phones(
    browser, asgi_server, context, watcher, visit, follow, demo
):
    assert sorted(set(KINDS)) == sorted(
        ["yes-no", "ladder", "choice", "scale", "word-cloud", "open-text", "ranking", "points"]
    )
    # The facilitator logs in, starts the demo workshop and puts the big screen up.
    page = visit("/accounts/login/")
    log_in(page, follow, "sam.worker")
    page = visit(f"/live/{DEMO_ORGANISATION}/")
    follow(lambda: page.get_by_role("link", name=re.compile("In it together")).click())
    follow(lambda: page.get_by_role("link", name="Run it").click())
    follow(lambda: page.get_by_role("button", name="Start the session").click())
    session = LiveSession.objects.get(title__startswith="In it together")
    presenter = PageWatcher(context.new_page())
    presenter.page.goto(f"/live/s/{session.pk}/present/")
    socket_open(presenter.page)
    checked(presenter)

    phones = [
        _join(browser, asgi_server, session.join_code, "Kim", keyboard=True),
        _join(browser, asgi_server, session.join_code, "Ali", finger=True),
        _join(browser, asgi_server, session.join_code, "Jo"),
    ]
    room = Room(console=watcher, presenter=presenter, phones=phones)
    kim, ali, jo = room.kim.page, room.ali.page, room.jo.page
    for phone in phones:
        socket_open(phone.page)
    expect(presenter.page.locator(".live-count")).to_have_text(
        "3 joined · 0 answered", timeout=WAIT_MS
    )

    # 1. Yes, no or not sure.
    room.next_activity(1)
    tab_to(kim, kim.get_by_label("Yes"))
    kim.keyboard.press("Space")
    _send(room.kim, keyboard=True)
    ali.get_by_label("No", exact=True).tap()
    _send(room.ali, finger=True)
    jo.get_by_label("No", exact=True).check()
    _send(room.jo)
    room.all_answered()
    room.results("Yes: 1; No: 2; Not sure: 0")

    # 2. Is this co-production? The seven-step ladder.
    room.next_activity(2)
    tab_to(kim, kim.get_by_label("Coercion"))
    kim.keyboard.press("ArrowUp")  # round to the last step
    expect(kim.get_by_label("Co-production")).to_be_checked()
    _send(room.kim, keyboard=True)
    ali.get_by_label("Consultation").tap()
    _send(room.ali, finger=True)
    jo.get_by_label("Co-design").check()
    _send(room.jo)
    room.all_answered()
    room.results(
        "Coercion: 0; Educating: 0; Informing: 0; Consultation: 1; Engagement: 0; "
        "Co-design: 1; Co-production: 1"
    )

    # 3. Multiple choice, one answer.
    room.next_activity(3)
    tab_to(kim, kim.get_by_label("Staff", exact=True))
    kim.keyboard.press("ArrowDown")
    expect(kim.get_by_label("Young people", exact=True)).to_be_checked()
    _send(room.kim, keyboard=True)
    ali.get_by_label("Staff and young people together").tap()
    _send(room.ali, finger=True)
    jo.get_by_label("Staff and young people together").check()
    _send(room.jo)
    room.all_answered()
    room.results("Staff: 0; Young people: 1; Staff and young people together: 2; The council: 0")

    # 4. Multiple choice, several answers.
    room.next_activity(4)
    expect(kim.get_by_text("Choose as many as you like.")).to_be_visible()
    tab_to(kim, kim.get_by_label("Jargon"))
    kim.keyboard.press("Space")
    tab_to(kim, kim.get_by_label("Travel costs"))
    kim.keyboard.press("Space")
    _send(room.kim, keyboard=True)
    ali.get_by_label("Jargon").tap()
    _send(room.ali, finger=True)
    jo.get_by_label("Meeting times").check()
    jo.get_by_label("Jargon").check()
    _send(room.jo)
    room.all_answered()
    room.results("Jargon: 3; Meeting times: 1; Not feeling listened to: 0; Travel costs: 1")

    # 5. A scale from 1 to 5, with words and faces.
    room.next_activity(5)
    for phone in (kim, ali, jo):
        expect(phone.locator(".live-choice svg.live-face-icon")).to_have_count(5)
    tab_to(kim, kim.get_by_label("1 Not at all"))
    for _press in range(3):
        kim.keyboard.press("ArrowDown")
    expect(kim.get_by_label("4 A lot")).to_be_checked()
    _send(room.kim, keyboard=True)
    ali.get_by_label("5 Completely").tap()
    _send(room.ali, finger=True)
    jo.get_by_label("2 A little").check()
    _send(room.jo)
    room.all_answered()
    room.results("1 Not at all: 0; 2 A little: 1; 3 Some: 0; 4 A lot: 1; 5 Completely: 1")
    expect(presenter.page.locator(".live-chart .live-face")).to_have_count(5)
    expect(presenter.page.get_by_text("Average: 3.7 out of 5")).to_be_visible()

    # 6. A word cloud: the same words in any case, with or without punctuation, count together.
    room.next_activity(6)
    tab_to(kim, kim.get_by_label("Word 1"))
    kim.keyboard.type("Together")
    press_and_wait(room.kim, "Enter")
    expect(kim.get_by_text("Thanks, your answer is in.")).to_be_visible()
    ali.get_by_label("Word 1").fill("together")
    ali.get_by_label("Word 2").fill("fair")
    _send(room.ali, finger=True)
    jo.get_by_label("Word 1").fill("Fair!")
    jo.get_by_label("Word 2").fill("listening")
    _send(room.jo)
    room.all_answered()
    room.results("fair: 2; together: 2; listening: 1")

    # 7. Open text: held until the facilitator shows it, then phones up-vote.
    room.next_activity(7)
    tab_to(kim, kim.get_by_label("Your answer"))
    kim.keyboard.type("Ask us before you decide")
    _send(room.kim, keyboard=True)
    ali.get_by_label("Your answer").fill("More snacks please")
    _send(room.ali, finger=True)
    jo.get_by_label("Your answer").fill("Shorter meetings")
    _send(room.jo)
    room.all_answered()
    console = room.console.page
    review = console.locator("[data-live-region]").get_by_role(
        "button", name=re.compile(r"^Show\W+")
    )
    expect(review).to_have_count(3, timeout=WAIT_MS)
    room.control(re.compile(r"^Show\W+Ask us before you decide$"))
    room.control(re.compile(r"^Show\W+Shorter meetings$"))
    expect(console.get_by_role("button", name=re.compile(r"^Hide\W+"))).to_have_count(2)
    room.control("Show results")
    texts = presenter.page.locator(".live-texts li")
    expect(texts).to_have_text(["Shorter meetings", "Ask us before you decide"], timeout=WAIT_MS)
    for phone in phones:
        expect(phone.page.locator(".live-texts li")).to_have_count(2, timeout=WAIT_MS)
        expect(phone.page.locator(".live-texts")).not_to_contain_text("More snacks")
        socket_open(phone.page)
    room.check_all()
    # Nobody can up-vote their own answer.
    expect(kim.get_by_role("button", name=re.compile(r"^Up-vote\W+Ask us"))).to_have_count(0)
    expect(kim.get_by_role("button", name=re.compile(r"^Up-vote\W+Shorter"))).to_have_count(1)
    # Kim gets to the up-vote button first; while Kim is on it, Ali up-votes another
    # answer and Kim's screen redraws: the focus stays on Kim's button.
    upvote_shorter = kim.get_by_role("button", name=re.compile(r"^Up-vote\W+Shorter"))
    tab_to(kim, upvote_shorter)
    tap_and_wait(
        room.ali, ali.get_by_role("button", name=re.compile(r"^Up-vote\W+Ask us")), finger=True
    )
    expect(texts).to_have_text(["Ask us before you decide +1", "Shorter meetings"], timeout=WAIT_MS)
    expect(kim.locator(".live-texts")).to_contain_text("1 up-vote", timeout=WAIT_MS)
    expect(upvote_shorter).to_be_focused()
    press_and_wait(room.kim, "Enter")
    expect(
        kim.get_by_role("button", name=re.compile(r"^Take back my up-vote\W+Shorter"))
    ).to_be_visible()
    tap_and_wait(room.jo, jo.get_by_role("button", name=re.compile(r"^Up-vote\W+Ask us")))
    expect(texts).to_have_text(
        ["Ask us before you decide +2", "Shorter meetings +1"], timeout=WAIT_MS
    )
    room.check_all()

    # 8. Ranking: Kim by keyboard with the Up buttons, Ali by dragging, Jo with a Down button.
    room.next_activity(8)
    labels = {phone: phone.locator(".live-rank__label") for phone in (kim, ali, jo)}
    start = ["Plain words", "Snacks", "Being listened to", "Having fun"]
    for phone in (kim, ali, jo):
        expect(labels[phone]).to_have_text(start)
    tab_to(kim, kim.get_by_role("button", name=re.compile(r"^Up\W+Being listened to$")))
    press_and_wait(room.kim, "Enter")
    press_and_wait(room.kim, "Enter")  # the focus stayed on the moved option's button
    expect(labels[kim]).to_have_text(["Being listened to", "Plain words", "Snacks", "Having fun"])
    _send(room.kim, keyboard=True)
    finger_drag(ali, ali.locator(".live-rank__handle").nth(3), ali.locator(".live-rank").nth(0))
    expect(labels[ali]).to_have_text(["Having fun", "Plain words", "Snacks", "Being listened to"])
    _send(room.ali, finger=True)
    expect(labels[ali]).to_have_text(["Having fun", "Plain words", "Snacks", "Being listened to"])
    tap_and_wait(room.jo, jo.get_by_role("button", name=re.compile(r"^Down\W+Plain words$")))
    expect(labels[jo]).to_have_text(["Snacks", "Plain words", "Being listened to", "Having fun"])
    _send(room.jo)
    room.all_answered()
    # A Borda count: the top place scores 3, the last 0.
    room.results("Plain words: 6; Snacks: 5; Being listened to: 4; Having fun: 3")

    # 9. Points to share out: £5 in pence; a share that doesn't add up is refused kindly.
    room.next_activity(9)
    tab_to(kim, kim.get_by_label("Seeds for a garden"))
    kim.keyboard.type("300")
    kim.keyboard.press("Tab")
    kim.keyboard.type("200")
    _send(room.kim, keyboard=True)
    for label, points in zip(PLACES, ("100", "100", "300"), strict=True):
        ali.get_by_label(label).fill(points)
    _send(room.ali, finger=True)
    for label in PLACES:
        jo.get_by_label(label).fill("100")
    with jo.expect_navigation():
        jo.get_by_role("button", name="Send my answer").click()
    settled(room.jo)
    expect(jo.get_by_role("alert")).to_contain_text("Share out exactly 500 points. You gave 300.")
    expect(jo.get_by_label("A games night")).to_have_value("100")  # what Jo typed is kept
    expect(presenter.page.locator(".live-count")).to_have_text("3 joined · 2 answered")
    jo.get_by_label("Seeds for a garden").fill("0")
    jo.get_by_label("A litter pick").fill("200")
    jo.get_by_label("A games night").fill("300")
    _send(room.jo)
    room.all_answered()
    room.results("Seeds for a garden: 400; A litter pick: 500; A games night: 600")

    # The end: every screen says thank you.
    room.control("End the session")
    expect(presenter.page.locator("#question-heading")).to_have_text(
        "Thank you! This session has ended.", timeout=WAIT_MS
    )
    for phone in phones:
        expect(phone.page.get_by_role("heading", level=1)).to_have_text(
            "Thank you! This session has ended.", timeout=WAIT_MS
        )
    room.check_all()
    for phone in [*phones, presenter]:
        assert phone.unchecked_problems() == []
    for phone in phones:
        phone.page.context.close()
