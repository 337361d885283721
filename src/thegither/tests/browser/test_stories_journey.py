"""Co-production Week, by keyboard only: a member sends an event and a story from a 320 px
phone, the network's staff approve them and decline another story, the public sees the
approved ones on the week's page, and search finds a phrase of the podcast's transcript
and lands on its turn.

Every page on the way is checked by the `visit` and `follow` fixtures or
`press_enter_on` (axe-core, 320 px reflow, Content Security Policy, no request off
this machine).
"""

import re

import pytest
from playwright.sync_api import expect

from thegither.accounts.models import Organisation, Role
from thegither.accounts.tests.factories import PASSWORD, member_make, organisation_make
from thegither.stories.models import Event, Status, Story
from thegither.stories.tests.factories import seed_import, story_make, week_make
from thegither.tests.browser.journeys import (
    PHONE,
    log_in,
    press_enter_on,
    tab_to,
    tick,
    type_into,
)

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_member_sends_staff_check_the_public_sees_and_search_finds_the_turn(
    visit, follow, watcher, mailoutbox
):
    network = organisation_make(name="Co-production Network", kind=Organisation.Kind.NETWORK)
    staff = member_make(network, Role.STAFF, username="nadia", email="nadia@example.org")
    week = week_make(network, staff)
    story_make(week, title="A story naming a child")
    seed_import()
    day = week.starts_on

    # A member, on a phone, tells the network what they can do.
    watcher.page.set_viewport_size(PHONE)
    page = visit(week.get_absolute_url())
    press_enter_on(page, watcher, page.get_by_role("link", name="Tell us what you can do"))
    type_into(page, page.get_by_label("What is it called?"), "Kite festival")
    tab_to(page, page.get_by_label("Day"))
    page.keyboard.press("ArrowDown")  # the week's first day
    expect(page.get_by_label("Day")).to_have_value(day.isoformat())
    type_into(page, page.get_by_label("Starts at"), "10:00")
    type_into(page, page.get_by_label("Where is it? (if it is in a place)"), "The park")
    type_into(page, page.get_by_label("Who is running it?"), "Canal Side Youth Club")
    type_into(page, page.get_by_label("Accessibility (if you like)"), "Step-free paths.")
    type_into(page, page.get_by_label("Your name"), "Priya")
    type_into(page, page.get_by_label("Your email address"), "priya@example.org")
    press_enter_on(page, watcher, page.get_by_role("button", name="Send your event"))
    expect(page.get_by_role("status")).to_contain_text("The network's staff will check it")
    expect(page.locator("main")).not_to_contain_text("Kite festival")

    # ...and shares a story; the consent tick is needed first.
    press_enter_on(page, watcher, page.get_by_role("link", name="Share your story"))
    type_into(page, page.get_by_label("Title"), "Our co-produced menu")
    type_into(
        page,
        page.get_by_label("Your story (if you are writing it here)"),
        "The young people chose the food, the prices and the posters.",
    )
    type_into(page, page.get_by_label("Your organisation or group"), "Canal Side Youth Club")
    type_into(page, page.get_by_label("Sector (if you like)"), "Youth work")
    type_into(page, page.get_by_label("Your name"), "Priya")
    type_into(page, page.get_by_label("Your email address"), "priya@example.org")
    press_enter_on(page, watcher, page.get_by_role("button", name="Send your story"))
    expect(page.locator("#error-summary")).to_contain_text("Tick the box")
    tick(page, page.get_by_label(re.compile("^I agree this story can be shared")))
    press_enter_on(page, watcher, page.get_by_role("button", name="Send your story"))
    expect(page.get_by_role("status")).to_contain_text("The network's staff will check it")
    assert Story.objects.get(title="Our co-produced menu").status == Status.WAITING

    # The network's staff approve the event and the story, and decline the other story.
    page = log_in(visit("/accounts/login/"), follow, staff.username, PASSWORD)
    press_enter_on(
        page,
        watcher,
        page.get_by_role("link", name="Co-production Week: weeks, events and stories to check"),
    )
    press_enter_on(page, watcher, page.get_by_role("link", name=re.compile("^Check what people")))
    press_enter_on(
        page, watcher, page.get_by_role("button", name=re.compile(r"^Approve\W+Kite festival$"))
    )
    expect(page.get_by_role("status")).to_contain_text("Approved: Kite festival")
    press_enter_on(
        page,
        watcher,
        page.get_by_role("button", name=re.compile(r"^Approve\W+Our co-produced menu$")),
    )
    press_enter_on(
        page,
        watcher,
        page.get_by_role("link", name=re.compile(r"^Decline\W+A story naming a child$")),
    )
    type_into(
        page,
        page.get_by_label(re.compile("^Why?")),
        "Please take out the child's full name and send it again.",
    )
    press_enter_on(page, watcher, page.get_by_role("button", name="Decline and email the reason"))
    expect(page.get_by_role("status")).to_contain_text("Declined: A story naming a child")
    assert Event.objects.get().status == Status.APPROVED
    assert "Please take out the child's full name" in mailoutbox[-1].body
    press_enter_on(page, watcher, page.get_by_role("button", name="Log out"))

    # The public sees what was approved, and only that.
    page = visit(week.get_absolute_url())
    main = page.locator("main")
    expect(main).to_contain_text("Kite festival")
    expect(main).to_contain_text("Our co-produced menu")
    expect(main).not_to_contain_text("A story naming a child")
    expect(page.get_by_text("organisation took part")).to_be_visible()

    # Search finds a phrase of the transcript and lands on its turn.
    page = visit("/stories/")
    type_into(page, page.get_by_label("Search episodes, stories and events"), "voting pads")
    press_enter_on(page, watcher, page.get_by_role("button", name="Search"))
    result = page.get_by_role("link", name=re.compile(r"^Abbie, turn \d+$"))
    expect(page.locator("mark").first).to_have_text("voting")
    press_enter_on(page, watcher, result)
    expect(page).to_have_url(re.compile(r"/stories/episodes/co-production-week-2018/#turn-\d+$"))
    turn = page.locator(":target")
    expect(turn).to_contain_text("voting pads")
    expect(turn).to_contain_text("Abbie")
    expect(turn).to_be_in_viewport()
    tab_to(page, turn.get_by_role("link", name=re.compile("^Link to turn")))
