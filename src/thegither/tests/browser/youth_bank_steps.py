"""The demo's Autumn 2026 decision meeting, as steps the Youth Bank journeys share.

`meeting_open` to `decision_confirm` play it in the browser, as README and
docs/youth-bank.md tell a new user to: the chair opens it and marks who is here, the
members vote on phones (Ruby stepped out of the skate jam; Kai by keyboard only), the
chair works out the proposal by equal shares and reads why, the panel gives Northfield
part of its money with a condition, and the chair confirms. `decide_by_services` makes
the same decision without the browser, for journeys that start after it.
"""

import re

from playwright.sync_api import expect

from thegither.accounts.models import User
from thegither.grants import services
from thegither.grants.models import Application, Award, AwardStatus, DecisionMeeting, Round
from thegither.tests.browser.journeys import DESK, PHONE, log_in_as, log_out, tab_to

ROUND = "Autumn 2026"
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
PART_AMOUNT_PENCE = 150_000
CONDITION = "Spend it on the weekend away; ask the Youth Bank before buying anything else."


def demo_round() -> Round:
    return Round.objects.get(fund__name="Youth Bank", name=ROUND)


def meeting_path(round: Round) -> str:
    return f"/grants/rounds/{round.pk}/meeting/"


def item(page, group):
    """The list item of one application on the meeting or voting page."""
    return page.locator("li", has=page.get_by_role("heading", name=group, exact=True))


def meeting_open(visit, follow):
    """Jay, the chair, finds the meeting on his page, opens it and marks everyone here."""
    page = log_in_as(visit, follow, "jay")
    follow(lambda: page.get_by_role("link", name=f"Decision meeting: {ROUND}").click())
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Decision meeting: {ROUND}")
    expect(page.locator("main")).to_contain_text("Equal shares, from members' votes")
    follow(lambda: page.get_by_role("button", name="Open the meeting").click())
    expect(page.get_by_role("status")).to_contain_text("The meeting is open")
    expect(page.locator("main")).to_contain_text("0 here; 2 needed to decide.")
    for number in (1, 2, 3):
        page.get_by_label(f"Panel member {number}", exact=True).check()
    follow(lambda: page.get_by_role("button", name="Save who is here").click())
    expect(page.locator("main")).to_contain_text("3 here; 2 needed to decide.")
    return page


def members_vote_on_phones(page, visit, follow, watcher, round: Round, votes=VOTES):
    """Jay and Ruby (and whoever else `votes` names) tap their votes on phones.

    Ruby can't vote on the skate jam she knows. Jay is logged in already.
    """
    watcher.page.set_viewport_size(PHONE)
    for username, groups in votes.items():
        if username != "jay":
            log_out(page, follow)
            page = log_in_as(visit, follow, username)
            page = visit(meeting_path(round))
        follow(lambda page=page: page.get_by_role("link", name="Vote on your phone").click())
        for group in groups:
            follow(
                lambda page=page, group=group: page.get_by_role(
                    "button", name=f"I support this {group}"
                ).click()
            )
            expect(page.get_by_role("status")).to_contain_text(f"Saved your vote on {group}")
            expect(item(page, group)).to_contain_text("You support this")
        if username == "ruby":
            skate = item(page, "Eastgate Skate Jam")
            expect(skate).to_contain_text("You stepped out")
            expect(skate.get_by_role("button")).to_have_count(0)
    log_out(page, follow)
    return page


def kai_votes_by_keyboard(visit, follow, watcher, round: Round):
    """Kai votes by keyboard only: Tab to each button and press Enter."""
    page = log_in_as(visit, follow, "kai")
    page = visit(f"/grants/rounds/{round.pk}/vote/")
    for group in KAI_VOTES:
        tab_to(page, page.get_by_role("button", name=f"I support this {group}"))
        with page.expect_navigation():
            page.keyboard.press("Enter")
        watcher.check()
        expect(item(page, group)).to_contain_text("You support this")
    return page


def proposal_work_out(visit, follow, watcher, round: Round):
    """Jay works out the proposal: each area's pot, what is given and left, and why, by MES."""
    watcher.page.set_viewport_size(DESK)
    page = log_in_as(visit, follow, "jay")
    page = visit(meeting_path(round))
    follow(lambda: page.get_by_role("button", name="Work out the proposal").click())
    expect(page.get_by_role("status")).to_contain_text("Here is the proposal")
    main = page.locator("main")
    expect(main).to_contain_text("Pot of £3,000: £3,000 given, £0 left.")
    expect(main).to_contain_text("Pot of £3,000: £2,000 given, £1,000 left.")
    northfield = item(page, "Northfield Young Carers")
    expect(northfield).to_contain_text("Funded in the proposal: £2,000")
    expect(northfield).to_contain_text("The 3 members who supported this one paid")
    # Equal shares raised every share so the pot is used: the words say so, in pounds.
    expect(northfield).to_contain_text("The pot split equally is £1,000 each")
    expect(northfield).not_to_contain_text(".67")
    expect(item(page, "Lockside Girls' Football")).to_contain_text("Funded in the proposal")
    canal = item(page, "Canal Side Youth Club")
    expect(canal).to_contain_text("Not funded in the proposal")
    expect(canal).to_contain_text("each of its supporters would have needed about £1,500")
    expect(item(page, "Dunmore Street Gardeners")).to_contain_text("Funded in the proposal")
    expect(item(page, "Eastgate Skate Jam")).to_contain_text("Funded in the proposal")
    choir = item(page, "Eastgate Community Choir")
    expect(choir).to_contain_text("Not funded in the proposal")
    expect(choir).to_contain_text("most of their shares had gone to others they supported")
    return page


def partial_award_make(page, follow):
    """The panel gives Northfield part of its money, with a condition."""
    northfield = item(page, "Northfield Young Carers")
    follow(lambda: northfield.get_by_role("link", name=re.compile("^Change this")).click())
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Change the award for Northfield Young Carers"
    )
    expect(page.locator("main")).to_contain_text("Without this award, the pot has £2,000 left.")
    page.get_by_label("Give part of the money, with a condition").check()
    page.get_by_label("If part: how much, in pounds").fill(str(PART_AMOUNT_PENCE // 100))
    page.get_by_label("If part: what must the group do to get it?").fill(CONDITION)
    follow(lambda: page.get_by_role("button", name="Save", exact=True).click())
    expect(page.get_by_role("status")).to_contain_text("Saved for Northfield Young Carers")
    expect(page.locator("main")).to_contain_text("Pot of £3,000: £2,500 given, £500 left.")
    northfield = item(page, "Northfield Young Carers")
    expect(northfield).to_contain_text("Part of the money, with a condition: £1,500")
    expect(northfield).to_contain_text("Condition: Spend it on the weekend away")
    return page


def decision_confirm(page, follow, round: Round):
    """Jay confirms: the decision is final and nothing can change it now."""
    follow(lambda: page.get_by_role("button", name="Confirm the decision").click())
    expect(page.get_by_role("status")).to_contain_text("The decision is final")
    expect(page.get_by_role("button", name="Confirm the decision")).to_have_count(0)
    expect(page.get_by_role("link", name=re.compile("^Change this"))).to_have_count(0)
    meeting = DecisionMeeting.objects.get(round=round)
    assert meeting.is_final
    partial = Award.objects.get(application__group_name="Northfield Young Carers", meeting=meeting)
    assert (partial.status, partial.amount_pence) == (AwardStatus.PARTIAL, PART_AMOUNT_PENCE)
    return page


def decide_by_services(round: Round) -> None:
    """Make the same decision through the services, for journeys that start after it."""
    people = {name: User.objects.get(username=name) for name in ("jay", "ruby", "kai")}
    meeting = services.meeting_open(round=round, by=people["jay"])
    services.attendance_set(
        meeting=meeting,
        present=set(round.panel_members.values_list("pk", flat=True)),
        by=people["jay"],
    )
    for name, groups in {**VOTES, "kai": KAI_VOTES}.items():
        for group in groups:
            application = Application.objects.get(round=round, group_name=group)
            services.vote_set(application=application, supports=True, by=people[name])
    services.allocation_propose(meeting=meeting, by=people["jay"])
    services.award_change(
        award=Award.objects.get(
            application__round=round, application__group_name="Northfield Young Carers"
        ),
        amount_pence=PART_AMOUNT_PENCE,
        condition=CONDITION,
        by=people["jay"],
    )
    services.meeting_confirm(meeting=meeting, by=people["jay"])
