"""The demo's Youth Bank decision meeting as its people play it: the chair opens it and
marks who is here, the three members vote on phone-sized screens (one by keyboard
only, one stepped out of an application), the chair works out the proposal by equal
shares, the panel gives one group part of its money with a condition, and the chair
confirms.

It runs on the demo's Autumn 2026 round, so it also proves what README and
docs/youth-bank.md tell a new user to do. Every page on the way is checked by the
`visit` and `follow` fixtures (axe-core, 320 px reflow, Content Security Policy, no
request off this machine). The steps are shared with the whole-round journey
(youth_bank_steps.py).
"""

import re

import pytest
from playwright.sync_api import expect

from thegither.tests.browser import youth_bank_steps as steps
from thegither.tests.browser.journeys import log_in_as, log_out

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_panel_decides_the_demo_round_by_equal_shares_and_the_chair_confirms(
    demo, visit, follow, watcher
):
    round = steps.demo_round()
    page = steps.meeting_open(visit, follow)
    page = steps.members_vote_on_phones(page, visit, follow, watcher, round)
    page = steps.kai_votes_by_keyboard(visit, follow, watcher, round)

    # Changing his mind works the same way, and so does changing it back.
    choir = steps.item(page, "Eastgate Community Choir")
    choir.get_by_role("button", name=re.compile("^Take back my vote")).focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    watcher.check()
    expect(steps.item(page, "Eastgate Community Choir")).to_contain_text("I support this")
    steps.item(page, "Eastgate Community Choir").get_by_role("button").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    watcher.check()
    expect(steps.item(page, "Eastgate Community Choir")).to_contain_text("You support this")
    log_out(page, follow)

    page = steps.proposal_work_out(visit, follow, watcher, round)
    page = steps.partial_award_make(page, follow)
    page = steps.decision_confirm(page, follow, round)
    log_out(page, follow)

    # Ruby's vote never counted on the skate jam, and staff watch without voting.
    page = log_in_as(visit, follow, "sam.worker")
    page = visit(steps.meeting_path(round))
    expect(page.locator("main")).to_contain_text("Pot of £3,000: £2,500 given, £500 left.")
    expect(page.get_by_role("link", name="Vote on your phone")).to_have_count(0)
