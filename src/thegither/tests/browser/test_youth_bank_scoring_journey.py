"""Youth Bank scoring as its people play it: three panel members say who they know and
score on a phone-sized screen (one by keyboard only), one steps out of an application
and never sees its scores, staff see who has finished, and the review shows the spread.

Every page on the way is checked by the `visit` and `follow` fixtures (axe-core,
320 px reflow, Content Security Policy, no request off this machine).
"""

import re

import pytest
from playwright.sync_api import expect

from thegither.accounts.models import Organisation, User
from thegither.grants import services
from thegither.grants.models import ApplicationStatus, Criterion, RoundPhase
from thegither.grants.tests.factories import application_make, round_make
from thegither.tests.browser.journeys import DEMO_ORGANISATION, log_in

pytestmark = pytest.mark.django_db(transaction=True)

GROUPS = ("Alpha Youth Dance", "Beacon Film Club")


@pytest.fixture
def scoring(demo):
    """A round at its scoring step with two applications and Jay, Ruby and Kai on its panel."""
    trust = Organisation.objects.get(slug=DEMO_ORGANISATION)
    staff = User.objects.get(username="sam.worker")
    round = round_make(trust, phase=RoundPhase.ASSESSMENT)
    Criterion.objects.create(
        round=round, title="Good for the area", meaning="It helps people.", weight=3, position=1
    )
    contact = User.objects.get(username="canal.youth")
    for name in GROUPS:
        application = application_make(round, contact, status=ApplicationStatus.ELIGIBLE)
        application.group_name = name
        application.save()
    for username in ("jay", "ruby", "kai"):
        services.panel_member_add(round=round, person=User.objects.get(username=username), by=staff)
    return round


def _log_in_as(visit, follow, username):
    return log_in(visit("/accounts/login/"), follow, username)


def _log_out(page, follow):
    follow(lambda: page.get_by_role("button", name="Log out").click())


def _declare(page, follow, group, *, knows=False, reason=""):
    item = page.locator("li", has=page.get_by_role("heading", name=group, exact=True))
    if knows:
        item.get_by_label("Yes, I know this group").check()
        item.get_by_label("If yes, how do you know them?").fill(reason)
    else:
        item.get_by_label("No, I don't know this group").check()
    follow(lambda: item.get_by_role("button", name=re.compile("^Save")).click())
    expect(page.get_by_role("status")).to_contain_text("Saved, thank you.")


def _score(page, follow, values, *, then="Save and next"):
    for title, value in zip(("Led by young people", "Good for the area"), values, strict=True):
        page.get_by_role("group", name=f"Score for “{title}”").get_by_label(
            re.compile(rf"\b{value} –")
        ).check()
    follow(lambda: page.get_by_role("button", name=then, exact=True).click())


def test_three_members_score_one_steps_out_and_the_review_shows_the_spread(
    scoring, visit, follow, watcher
):
    round = scoring
    to_read = f"/grants/rounds/{round.pk}/to-read/"
    watcher.page.set_viewport_size({"width": 360, "height": 740})

    # Jay knows neither group and scores both with "Save and next".
    page = _log_in_as(visit, follow, "jay")
    page = visit(to_read)
    for group in GROUPS:
        _declare(page, follow, group)
    expect(page.locator("main")).to_contain_text("0 of 2 scored")
    follow(lambda: page.get_by_role("link", name=f"Score it {GROUPS[0]}").click())
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Score {GROUPS[0]}")
    _score(page, follow, [5, 5])
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Score {GROUPS[1]}")
    expect(page.locator("main")).to_contain_text("1 of 2 scored")
    _score(page, follow, [4, 4])
    expect(page.get_by_role("status")).to_contain_text("scored everything you can")
    _log_out(page, follow)

    # Ruby knows the Beacon Film Club: she steps out of it and scores the other.
    page = _log_in_as(visit, follow, "ruby")
    page = visit(to_read)
    _declare(page, follow, GROUPS[0])
    _declare(page, follow, GROUPS[1], knows=True, reason="My cousin runs it.")
    beacon = page.locator("li", has=page.get_by_role("heading", name=GROUPS[1], exact=True))
    expect(beacon.get_by_role("link", name=re.compile("Score it"))).to_have_count(0)
    follow(lambda: page.get_by_role("link", name=f"Score it {GROUPS[0]}").click())
    _score(page, follow, [4, 3])
    page = visit(f"/grants/rounds/{round.pk}/review/")
    beacon_row = page.get_by_role("row", name=re.compile(GROUPS[1]))
    expect(beacon_row).to_contain_text("You said you know this group")
    expect(beacon_row).not_to_contain_text("of 20")
    expect(page.get_by_role("row", name=re.compile(GROUPS[0]))).to_contain_text("2 members")
    _log_out(page, follow)

    # Kai does it all by keyboard: the radio buttons, then Enter on "Save and next".
    page = _log_in_as(visit, follow, "kai")
    page = visit(to_read)
    for group in GROUPS:
        item = page.locator("li", has=page.get_by_role("heading", name=group, exact=True))
        item.get_by_label("No, I don't know this group").focus()
        page.keyboard.press("Space")
        item.get_by_role("button", name=re.compile("^Save")).focus()
        with page.expect_navigation():
            page.keyboard.press("Enter")
        watcher.check()
    page.get_by_role("link", name=f"Score it {GROUPS[0]}").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    watcher.check()
    for title in ("Led by young people", "Good for the area"):
        page.get_by_role("group", name=f"Score for “{title}”").get_by_label(
            re.compile(r"\b1 –")
        ).focus()
        page.keyboard.press("Space")
    page.get_by_role("button", name="Save and next", exact=True).focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    watcher.check()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Score {GROUPS[1]}")
    _score(page, follow, [3, 3])
    _log_out(page, follow)

    # Staff see who has finished (not the scores), then move the round to the decision.
    page = _log_in_as(visit, follow, "sam.worker")
    page = visit(f"/grants/rounds/{round.pk}/scoring/")
    for name in ("Jay", "Ruby", "Kai"):
        expect(page.get_by_role("row", name=re.compile(name))).to_contain_text("Finished")
    expect(page.locator("main")).not_to_contain_text("of 20")
    page = visit(f"/grants/rounds/{round.pk}/set-up/")
    follow(lambda: page.get_by_role("button", name="Move on to: Panel deciding").click())
    follow(lambda: page.get_by_role("link", name="Score review").click())
    alpha = page.get_by_role("row", name=re.compile(GROUPS[0]))
    # Jay 5+3x5 = 20, Ruby 4+3x3 = 13, Kai 1+3x1 = 4: far apart.
    expect(alpha).to_contain_text("12.3 of 20")
    expect(alpha).to_contain_text("4 – 20")
    expect(alpha).to_contain_text("Big difference")
    expect(page.get_by_role("row", name=re.compile(GROUPS[1]))).to_contain_text("Panel member 2")
    # Sorting works without JavaScript: on a phone, by the "Sort by" form (the column
    # headings, links that sort too, are read out by screen readers but not shown).
    page.get_by_label("Sort by").select_option(label="Group")
    page.get_by_label("Order").select_option(label="Lowest or A first")
    follow(lambda: page.get_by_role("button", name="Sort", exact=True).click())
    expect(page.get_by_role("columnheader", name="Group").first).to_have_attribute(
        "aria-sort", "ascending"
    )
