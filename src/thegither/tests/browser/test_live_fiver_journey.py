"""A whole Bid for a Fiver in real browsers, with a word explained through the glossary.

The facilitator runs the demo's Bid for a Fiver (with cards on) by keyboard, with the big
screen up. Three phones at 320 px, each its own browser: Kim (keyboard only) and Ali join
the Kestrels with its code and write one plan together at once; Jo is put in a team by the
facilitator. A plan over £5 is refused and keeps what was typed. Jo presses Stop on a word;
the facilitator explains it from the console, and Jo taps the word to read it. Time is
paused, then up: every screen shows the plans; everyone votes (a team can't vote for its
own plan) and the winner is shown. The glossary's pages and the record close the journey.
Every screen passes the page checks (axe-core, 320 px, CSP) as it changes.
"""

import re

import pytest
from playwright.sync_api import Page, expect

from thegither.demo.meetings import FIVER_TITLE
from thegither.live.models import LiveSession, PlanItem, Team
from thegither.tests.browser.checks import PageWatcher
from thegither.tests.browser.journeys import DEMO_ORGANISATION, log_in, tab_to
from thegither.tests.browser.live_site import checked, phone_join, socket_open

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("asgi_server")]

WAIT_MS = 10_000


def press(page: Page, button) -> None:
    """Keyboard only: Tab to the button and press Enter."""
    tab_to(page, button)
    page.keyboard.press("Enter")


def join_team(phone: PageWatcher, code: str, *, keyboard: bool = False) -> None:
    page = phone.page
    box = page.get_by_label("Your team's code")
    if keyboard:
        tab_to(page, box)
        page.keyboard.type(code.lower())
        page.keyboard.press("Enter")
    else:
        box.fill(code)
        page.get_by_role("button", name="Join my team").click()
    expect(page.locator("[data-fiver-region]")).to_contain_text(
        "You're in Kestrels", timeout=WAIT_MS
    )


def add_item(phone: PageWatcher, what: str, cost: str, *, keyboard: bool = False) -> None:
    page = phone.page
    if keyboard:
        tab_to(page, page.get_by_label("What it is"))
        page.keyboard.type(what)
        page.keyboard.press("Tab")
        page.keyboard.type(cost)
        page.keyboard.press("Enter")
    else:
        page.get_by_label("What it is").fill(what)
        page.get_by_label("What it costs, in £").fill(cost)
        page.get_by_role("button", name="Add it").click()


def refused_once(phone: PageWatcher) -> None:
    """The refusal answered 400 (docs/live-protocol.md), which the browser logs: only that."""
    assert len(phone.console_errors) == 1, phone.console_errors
    assert "status of 400 (Bad Request)" in phone.console_errors[0]
    phone.console_errors.clear()


def test_a_bid_for_a_fiver_with_three_phones_the_vote_and_a_word_explained(
    browser, asgi_server, context, watcher, visit, follow, demo
):
    # ---- the facilitator turns the cards on and starts, by keyboard ----
    page = visit("/accounts/login/")
    log_in(page, follow, "sam.worker")
    page = visit(f"/live/{DEMO_ORGANISATION}/")
    follow(lambda: press(page, page.get_by_role("link", name=FIVER_TITLE)))
    expect(page.get_by_label("Budget for each team")).to_have_value("5.00")
    tab_to(page, page.get_by_label("Cards on phones in a workshop too"))
    page.keyboard.press("Space")
    follow(lambda: press(page, page.get_by_role("button", name="Save the settings")))
    follow(lambda: press(page, page.get_by_role("link", name="Run it")))
    follow(lambda: press(page, page.get_by_role("button", name="Start the session")))
    socket_open(page)
    session = LiveSession.objects.get(title=FIVER_TITLE)
    kestrels = Team.objects.get(fiver__session=session, name="Kestrels")

    presenter = PageWatcher(context.new_page())
    presenter.page.goto(f"/live/s/{session.pk}/present/")
    socket_open(presenter.page)
    expect(presenter.page.locator(".live-present__teams")).to_contain_text(kestrels.code)
    checked(presenter)

    # ---- three phones; two join the Kestrels with its code, one is put in a team ----
    kim = phone_join(browser, asgi_server, code=session.join_code, nickname="Kim")
    socket_open(kim.page)
    join_team(kim, kestrels.code, keyboard=True)
    checked(kim)
    ali = phone_join(browser, asgi_server, code=session.join_code, nickname="Ali")
    socket_open(ali.page)
    join_team(ali, kestrels.code)
    jo = phone_join(browser, asgi_server, code=session.join_code, nickname="Jo")
    socket_open(jo.page)
    press(page, page.get_by_role("button", name="Put everyone without a team into one"))
    expect(jo.page.locator("[data-fiver-region]")).to_contain_text(
        "You're in Otters", timeout=WAIT_MS
    )
    expect(presenter.page.locator(".live-present__teams li").first).to_contain_text("2 people")
    checked(jo)
    checked(watcher)

    # ---- the clock starts: Kim and Ali write the Kestrels' plan at once ----
    press(page, page.get_by_role("button", name="Start the clock (10 minutes)"))
    for phone in (kim, ali, jo):
        expect(phone.page.locator("[data-countdown]")).to_contain_text("left", timeout=WAIT_MS)
    expect(presenter.page.locator(".live-clock--big")).to_contain_text("left")
    tab_to(kim.page, kim.page.get_by_label("Your plan's name"))
    kim.page.keyboard.type("Seed bombs for the park")
    press(kim.page, kim.page.get_by_role("button", name="Save the plan"))
    expect(kim.page.locator("[data-fiver-status]")).to_have_text("Saved your plan.")
    add_item(kim, "Seed packets", "2.50", keyboard=True)
    add_item(ali, "Compost", "2")
    # Each sees the other's item: nothing typed at once is lost.
    for phone in (kim, ali):
        expect(phone.page.locator("#plan-total")).to_contain_text(
            "Planned: £4.50 of £5.00", timeout=WAIT_MS
        )
    expect(kim.page.get_by_label("Your plan's name")).to_have_value("Seed bombs for the park")
    checked(kim)
    # One more pound is too much: refused, with what was typed kept.
    add_item(kim, "Watering can", "1.00", keyboard=True)
    alert = kim.page.get_by_role("alert")
    expect(alert).to_contain_text("£5.50, which is 50p more than your budget of £5.00")
    expect(alert).to_be_focused()
    expect(kim.page.get_by_label("What it is")).to_have_value("Watering can")
    refused_once(kim)
    checked(kim)
    tab_to(kim.page, kim.page.get_by_label("What it costs, in £"))
    kim.page.keyboard.press("Control+A")
    kim.page.keyboard.type("50p")
    kim.page.keyboard.press("Enter")
    expect(kim.page.locator("#plan-total")).to_contain_text("Planned: £5.00 of £5.00")
    jo.page.get_by_label("Your plan's name").fill("Pavement art")
    jo.page.get_by_role("button", name="Save the plan").click()
    add_item(jo, "Chalk", "3")  # sent while the plan's name is still on its way: it waits
    expect(jo.page.locator("#plan-total")).to_contain_text("Planned: £3.00 of £5.00")
    expect(jo.page.get_by_label("What it is")).to_have_value("")
    expect(jo.page.get_by_label("What it is")).to_be_focused()
    expect(presenter.page.locator(".live-present__teams")).to_contain_text("£5.00 of £5.00")
    checked(presenter)

    # ---- Jo is lost on a word; the facilitator explains it; Jo taps it ----
    jo.page.get_by_label(re.compile("The word or words that lost you")).fill("seed bombs")
    jo.page.get_by_role("button", name="Stop - I don't understand", exact=True).click()
    expect(jo.page.get_by_text("They can't see who sent it.")).to_be_visible()
    meaning = page.get_by_label(re.compile("What “seed bombs” means"))
    expect(meaning).to_be_visible(timeout=WAIT_MS)
    tab_to(page, meaning)
    page.keyboard.type("Balls of earth with seeds inside, thrown where flowers should grow.")
    page.keyboard.press("Enter")
    expect(page.get_by_text("Saved. Phones can see what “seed bombs” means now.")).to_be_visible()
    words = jo.page.locator("[data-words-region]")
    expect(words).to_be_visible(timeout=WAIT_MS)
    words.get_by_text("seed bombs", exact=True).click()
    expect(words.get_by_text("Balls of earth with seeds inside")).to_be_visible()
    checked(jo)
    checked(watcher)

    # ---- the clock is paused, then time is up: every screen shows the plans ----
    press(page, page.get_by_role("button", name="Pause the clock"))
    expect(ali.page.get_by_text("The clock is paused. You can carry on")).to_be_visible(
        timeout=WAIT_MS
    )
    expect(ali.page.get_by_role("button", name="Add it")).to_have_count(0)
    checked(ali)
    press(page, page.get_by_role("button", name="Start the clock again"))
    expect(ali.page.get_by_role("button", name="Add it")).to_be_visible(timeout=WAIT_MS)
    press(page, page.get_by_role("button", name="Time's up now"))
    for phone in (kim, ali, jo):
        expect(phone.page.get_by_text("Time's up! Here are everyone's plans.")).to_be_visible(
            timeout=WAIT_MS
        )
    expect(presenter.page.get_by_role("heading", name="Seed bombs for the park")).to_be_visible(
        timeout=WAIT_MS
    )
    expect(presenter.page.locator(".live-plan")).to_have_count(2)
    checked(presenter)
    checked(kim)

    # ---- everyone votes: a team can't vote for its own plan ----
    press(page, page.get_by_role("button", name="Everyone votes now"))
    own = kim.page.get_by_role("radio", name=re.compile("^Kestrels"))
    expect(own).to_be_disabled(timeout=WAIT_MS)
    otters = kim.page.get_by_role("radio", name=re.compile("^Otters"))
    tab_to(kim.page, otters)
    kim.page.keyboard.press("Space")
    expect(otters).to_be_checked()
    with kim.page.expect_navigation():
        press(kim.page, kim.page.get_by_role("button", name="Send my answer"))
    checked(kim)
    for phone, plan in ((ali, "^Otters"), (jo, "^Kestrels")):
        phone.page.get_by_role("radio", name=re.compile(plan)).check(timeout=WAIT_MS)
        with phone.page.expect_navigation():
            phone.page.get_by_role("button", name="Send my answer").click()
    expect(page.locator("[data-live-region]")).to_contain_text("3 answers", timeout=WAIT_MS)
    press(page, page.get_by_role("button", name="Close the vote and show the winner"))
    expect(presenter.page.locator(".live-present__winner")).to_have_text(
        "The winner: Pavement art (Otters)", timeout=WAIT_MS
    )
    expect(presenter.page.locator(".live-plan--won")).to_contain_text("2 votes")
    checked(presenter)
    for phone in (kim, ali, jo):
        expect(phone.page.get_by_text("The votes are in.")).to_be_visible(timeout=WAIT_MS)
        checked(phone)
    checked(watcher)
    assert PlanItem.objects.filter(team=kestrels, removed_at__isnull=True).count() == 3

    # ---- the record, and the glossary's pages ----
    record = page.request.get(f"/live/s/{session.pk}/record.csv")
    assert record.ok
    assert "Pavement art" in record.text()
    assert "seed bombs" in record.text()
    page = visit(f"/live/{DEMO_ORGANISATION}/glossary/")
    expect(page.locator(f"#word-{session.cards.get(kind='stop').word_id}")).to_contain_text(
        "Lost someone 1 time"
    )
    page = visit(f"/live/{DEMO_ORGANISATION}/words/")
    expect(page.get_by_text("Balls of earth with seeds inside")).to_be_visible()
    expect(page.get_by_text("co-production", exact=True)).to_be_visible()

    for phone in (kim, ali, jo):
        assert phone.unchecked_problems() == []
        phone.page.context.close()
    assert presenter.unchecked_problems() == []
