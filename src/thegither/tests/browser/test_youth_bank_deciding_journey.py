"""The demo's Youth Bank decision meeting as its people play it: the chair opens it and
marks who is here, the three members vote on phone-sized screens (one by keyboard
only, one stepped out of an application), the chair works out the proposal by equal
shares, the panel gives one group part of its money with a condition, and the chair
confirms.

It runs on the demo's Autumn 2026 round, so it also proves what README and
docs/youth-bank.md tell a new user to do. Every page on the way is checked by the
`visit` and `follow` fixtures (axe-core, 320 px reflow, Content Security Policy, no
request off this machine).
"""

import re

import pytest
from playwright.sync_api import expect

from thegither.grants.models import Award, AwardStatus, DecisionMeeting, MeetingStatus, Round
from thegither.tests.browser.journeys import log_in

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 360, "height": 740}
DESK = {"width": 1280, "height": 800}
# Who supports what. The pots hold £3,000 each. North West: Northfield has three
# supporters and goes first; Ruby and Kai then pay for Lockside together; Jay alone
# can't pay for Canal Side. North East: Dunmore has three, the skate jam two, and
# Kai alone can't pay for the choir.
VOTES = {
    "jay": [
        "Canal Side Youth Club",
        "Northfield Young Carers",
        "Eastgate Skate Jam",
        "Dunmore Street Gardeners",
    ],
    "ruby": ["Northfield Young Carers", "Lockside Girls' Football", "Dunmore Street Gardeners"],
}
KAI_VOTES = [
    "Northfield Young Carers",
    "Lockside Girls' Football",
    "Eastgate Skate Jam",
    "Dunmore Street Gardeners",
    "Eastgate Community Choir",
]


def _log_in_as(visit, follow, username):
    return log_in(visit("/accounts/login/"), follow, username)


def _log_out(page, follow):
    follow(lambda: page.get_by_role("button", name="Log out").click())


def _item(page, group):
    return page.locator("li", has=page.get_by_role("heading", name=group, exact=True))


def test_the_panel_decides_the_demo_round_by_equal_shares_and_the_chair_confirms(
    demo, visit, follow, watcher
):
    round = Round.objects.get(fund__name="Youth Bank", name="Autumn 2026")
    meeting_path = f"/grants/rounds/{round.pk}/meeting/"

    # Jay, the chair, finds the meeting on his page, opens it and marks who is here.
    page = _log_in_as(visit, follow, "jay")
    follow(lambda: page.get_by_role("link", name="Decision meeting: Autumn 2026").click())
    expect(page.get_by_role("heading", level=1)).to_have_text("Decision meeting: Autumn 2026")
    expect(page.locator("main")).to_contain_text("Equal shares, from members' votes")
    follow(lambda: page.get_by_role("button", name="Open the meeting").click())
    expect(page.get_by_role("status")).to_contain_text("The meeting is open")
    expect(page.locator("main")).to_contain_text("0 here; 2 needed to decide.")
    for number in (1, 2, 3):
        page.get_by_label(f"Panel member {number}", exact=True).check()
    follow(lambda: page.get_by_role("button", name="Save who is here").click())
    expect(page.locator("main")).to_contain_text("3 here; 2 needed to decide.")

    # Jay and Ruby vote on their phones. Ruby knows the skate jam: she stepped out.
    watcher.page.set_viewport_size(PHONE)
    for username, groups in VOTES.items():
        if username != "jay":
            _log_out(page, follow)
            page = _log_in_as(visit, follow, username)
            page = visit(meeting_path)
        follow(lambda page=page: page.get_by_role("link", name="Vote on your phone").click())
        for group in groups:
            follow(
                lambda page=page, group=group: page.get_by_role(
                    "button", name=f"I support this {group}"
                ).click()
            )
            expect(page.get_by_role("status")).to_contain_text(f"Saved your vote on {group}")
            expect(_item(page, group)).to_contain_text("You support this")
        if username == "ruby":
            skate = _item(page, "Eastgate Skate Jam")
            expect(skate).to_contain_text("You stepped out")
            expect(skate.get_by_role("button")).to_have_count(0)
    _log_out(page, follow)

    # Kai votes by keyboard only: Tab to each button and press Enter.
    page = _log_in_as(visit, follow, "kai")
    page = visit(f"/grants/rounds/{round.pk}/vote/")
    for group in KAI_VOTES:
        button = page.get_by_role("button", name=f"I support this {group}")
        for _ in range(60):
            page.keyboard.press("Tab")
            if button.evaluate("el => el === document.activeElement"):
                break
        else:
            pytest.fail(f"Tab never reached the vote button for {group}")
        with page.expect_navigation():
            page.keyboard.press("Enter")
        watcher.check()
        expect(_item(page, group)).to_contain_text("You support this")
    # Changing his mind works the same way, and so does changing it back.
    choir = _item(page, "Eastgate Community Choir")
    choir.get_by_role("button", name=re.compile("^Take back my vote")).focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    watcher.check()
    expect(_item(page, "Eastgate Community Choir")).to_contain_text("I support this")
    _item(page, "Eastgate Community Choir").get_by_role("button").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    watcher.check()
    expect(_item(page, "Eastgate Community Choir")).to_contain_text("You support this")
    _log_out(page, follow)

    # Jay works out the proposal: each area shows its pot, what is given and left, and why.
    watcher.page.set_viewport_size(DESK)
    page = _log_in_as(visit, follow, "jay")
    page = visit(meeting_path)
    follow(lambda: page.get_by_role("button", name="Work out the proposal").click())
    expect(page.get_by_role("status")).to_contain_text("Here is the proposal")
    main = page.locator("main")
    expect(main).to_contain_text("Pot of £3,000: £3,000 given, £0 left.")
    expect(main).to_contain_text("Pot of £3,000: £2,000 given, £1,000 left.")
    northfield = _item(page, "Northfield Young Carers")
    expect(northfield).to_contain_text("Funded in the proposal: £2,000")
    expect(northfield).to_contain_text("The 3 members who supported this one paid")
    # Equal shares raised every share so the pot is used: the words say so, in pounds.
    expect(northfield).to_contain_text("The pot split equally is £1,000 each")
    expect(northfield).not_to_contain_text(".67")
    expect(_item(page, "Lockside Girls' Football")).to_contain_text("Funded in the proposal")
    canal = _item(page, "Canal Side Youth Club")
    expect(canal).to_contain_text("Not funded in the proposal")
    expect(canal).to_contain_text("each of its supporters would have needed about £1,500")
    expect(_item(page, "Dunmore Street Gardeners")).to_contain_text("Funded in the proposal")
    expect(_item(page, "Eastgate Skate Jam")).to_contain_text("Funded in the proposal")
    choir = _item(page, "Eastgate Community Choir")
    expect(choir).to_contain_text("Not funded in the proposal")
    expect(choir).to_contain_text("most of their shares had gone to others they supported")

    # The panel gives Northfield part of its money, with a condition.
    follow(lambda: northfield.get_by_role("link", name=re.compile("^Change this")).click())
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Change the award for Northfield Young Carers"
    )
    expect(page.locator("main")).to_contain_text("Without this award, the pot has £2,000 left.")
    page.get_by_label("Give part of the money, with a condition").check()
    page.get_by_label("If part: how much, in pounds").fill("1500")
    page.get_by_label("If part: what must the group do to get it?").fill(
        "Spend it on the weekend away; ask the Youth Bank before buying anything else."
    )
    follow(lambda: page.get_by_role("button", name="Save", exact=True).click())
    expect(page.get_by_role("status")).to_contain_text("Saved for Northfield Young Carers")
    expect(main).to_contain_text("Pot of £3,000: £2,500 given, £500 left.")
    northfield = _item(page, "Northfield Young Carers")
    expect(northfield).to_contain_text("Part of the money, with a condition: £1,500")
    expect(northfield).to_contain_text("Condition: Spend it on the weekend away")

    # Jay confirms: the decision is final and nothing can change it now.
    follow(lambda: page.get_by_role("button", name="Confirm the decision").click())
    expect(page.get_by_role("status")).to_contain_text("The decision is final")
    expect(page.get_by_role("button", name="Confirm the decision")).to_have_count(0)
    expect(page.get_by_role("link", name=re.compile("^Change this"))).to_have_count(0)
    meeting = DecisionMeeting.objects.get(round=round)
    assert meeting.status == MeetingStatus.FINAL
    partial = Award.objects.get(application__group_name="Northfield Young Carers", meeting=meeting)
    assert (partial.status, partial.amount_pence) == (AwardStatus.PARTIAL, 150_000)
    _log_out(page, follow)

    # Ruby's vote never counted on the skate jam, and staff watch without voting.
    page = _log_in_as(visit, follow, "sam.worker")
    page = visit(meeting_path)
    expect(page.locator("main")).to_contain_text("Pot of £3,000: £2,500 given, £500 left.")
    expect(page.get_by_role("link", name="Vote on your phone")).to_have_count(0)
