"""A whole Youth Bank round, played to the end in the browser on the demo's Autumn 2026 round.

Part 1's journey left the round scored and ready to decide. Here the chair opens the
meeting, the members vote (Ruby can't vote on the skate jam she knows), the allocation
by equal shares is shown with its explanations, the panel gives Northfield part of its
money with a condition, and the chair confirms (the steps youth_bank_steps.py shares
with the deciding journey). Then the letters are drawn and emailed by their tasks; the
group's contact reads hers, accepts one award and gives another back, on a 320 px
phone by keyboard only; the chair offers the money that came back to the next on the
waiting list, who gets an award letter in place of its no; staff record a payment;
the group sends its end-of-grant report and the chair thanks them; and the public page
and the 360Giving files show the money.

Every page on the way is checked by `visit`, `follow` or `watcher.check()` (axe-core,
320 px reflow, Content Security Policy, no request off this machine).
"""

import csv
import io
import json

import pytest
from django.core import mail
from playwright.sync_api import expect

from thegither.demo.services import DEMO_PASSWORD
from thegither.grants.models import (
    Application,
    Award,
    AwardStatus,
    Letter,
    LetterKind,
    Payment,
    Report,
    ReportStatus,
)
from thegither.tests.browser import youth_bank_steps as steps
from thegither.tests.browser.journeys import (
    DESK,
    PHONE,
    log_in_as,
    log_out,
    press_enter_on,
    tick,
    type_into,
)

pytestmark = pytest.mark.django_db(transaction=True)

GAVE_BACK = "The sports hall is closed for repairs all winter."


def _application(round, group):
    return Application.objects.get(round=round, group_name=group)


def _card(page, group):
    """The group's Autumn 2026 application on "Your applications" (it applied to every round)."""
    return page.locator("li.card", has=page.get_by_role("heading", name=group)).filter(
        has_text=steps.ROUND
    )


def _log_in_by_keyboard(page, watcher, username):
    type_into(page, page.get_by_label("Username or email"), username)
    type_into(page, page.get_by_label("Password", exact=True), DEMO_PASSWORD)
    return press_enter_on(page, watcher, page.get_by_role("button", name="Log in"))


def test_a_whole_round_from_the_meeting_to_where_the_money_went(demo, visit, follow, watcher):
    round = steps.demo_round()
    northfield = _application(round, "Northfield Young Carers")
    lockside = _application(round, "Lockside Girls' Football")
    canal = _application(round, "Canal Side Youth Club")
    mail.outbox.clear()  # the demo's emails, such as its closed round's letters

    # The decision meeting, as the deciding journey plays it.
    page = steps.meeting_open(visit, follow)
    # (Voting by keyboard only is the deciding journey's: here Kai taps, like the others.)
    votes = {**steps.VOTES, "kai": steps.KAI_VOTES}
    page = steps.members_vote_on_phones(page, visit, follow, watcher, round, votes)
    page = steps.proposal_work_out(visit, follow, watcher, round)
    page = steps.partial_award_make(page, follow)
    page = steps.decision_confirm(page, follow, round)
    log_out(page, follow)

    # The letters' tasks ran after the decision was saved: six PDFs, each emailed once.
    letters = Letter.objects.filter(award__application__round=round)
    assert letters.count() == 6
    assert all(letter.is_made and letter.sent_at for letter in letters)
    assert letters.get(award__application=canal).kind == LetterKind.DECLINE
    emailed = [m for m in mail.outbox if m.attachments]
    assert len(emailed) == 6
    assert all(m.attachments[0][2] == "application/pdf" for m in emailed)

    # Priya, the groups' contact, on her phone and by keyboard only.
    watcher.page.set_viewport_size(PHONE)
    page = visit("/accounts/login/")
    page = _log_in_by_keyboard(page, watcher, "canal.youth")
    press_enter_on(page, watcher, page.get_by_role("link", name="Your applications"))
    card = _card(page, "Northfield Young Carers")
    expect(card).to_contain_text(
        "The panel's decision: Part of the money, with a condition: £1,500"
    )
    expect(card).to_contain_text("accept the award and agree to its condition by")
    expect(_card(page, "Canal Side Youth Club")).to_contain_text("The panel's decision: Not funded")
    expect(_card(page, "Canal Side Youth Club")).to_contain_text("the panel may offer it to you")
    press_enter_on(page, watcher, card.get_by_role("link", name="Northfield Young Carers"))
    main = page.locator("main")
    press_enter_on(page, watcher, page.get_by_role("link", name="Read the panel's letter"))
    expect(page.get_by_role("heading", level=1)).to_have_text("The panel's letter")
    expect(main).to_contain_text("The panel gave your group £1,500")
    expect(page.get_by_role("link", name="Download the letter (PDF)")).to_be_visible()
    press_enter_on(page, watcher, page.get_by_role("link", name="Back to the application"))
    press_enter_on(page, watcher, page.get_by_role("link", name="Accept the award"))
    tick(page, page.get_by_label("Our bank details are with Riverside Youth Trust staff"))
    tick(page, page.get_by_label("We agree to the condition: Spend it on the weekend away"))
    press_enter_on(page, watcher, page.get_by_role("button", name="Accept the award"))
    expect(page.get_by_role("status")).to_contain_text("you have accepted the award")
    expect(main).to_contain_text("send the panel your end-of-grant report by")

    # She gives Lockside's award back: £1,000 returns to the North West pot.
    page = visit(f"/grants/applications/{lockside.pk}/")
    press_enter_on(page, watcher, page.get_by_role("link", name="Give the award back"))
    type_into(page, page.get_by_label("Why is your group giving the award back?"), GAVE_BACK)
    press_enter_on(page, watcher, page.get_by_role("button", name="Yes, give it back"))
    expect(page.get_by_role("status")).to_contain_text("You have given the award back")
    assert Award.objects.get(application=lockside).status == AwardStatus.WITHDRAWN
    press_enter_on(page, watcher, page.get_by_role("button", name="Log out"))

    # Jay, the chair, offers the £1,500 now left in North West: Canal Side is next in line.
    watcher.page.set_viewport_size(DESK)
    page = log_in_as(visit, follow, "jay")
    page = visit(steps.meeting_path(round))
    follow(
        lambda: page.get_by_role("link", name="Offer money that came back in North West").click()
    )
    main = page.locator("main")
    expect(main).to_contain_text("This pot has £1,500 that no award is using")
    canal_item = steps.item(page, "Canal Side Youth Club")
    expect(canal_item).to_contain_text("Funded now")
    expect(canal_item).to_contain_text("The one member who supported this one paid the £1,500")
    mail.outbox.clear()
    follow(lambda: page.get_by_role("button", name="Confirm: offer the money").click())
    expect(page.get_by_role("status")).to_contain_text("Offered £1,500 again")
    award = Award.objects.get(application=canal)
    assert (award.status, award.amount_pence, award.is_final) == ("awarded", 150_000, True)
    # Its letter saying no became an award letter, drawn and emailed by the same task.
    letter = Letter.objects.get(award=award)
    assert (letter.kind, letter.is_made, letter.sent_at is not None) == (
        LetterKind.AWARD,
        True,
        True,
    )
    [offered] = mail.outbox
    assert "takes the place of the letter that said no" in offered.body
    log_out(page, follow)

    # Sam, a youth worker, sees every letter, then records a payment to Northfield.
    page = log_in_as(visit, follow, "sam.worker")
    page = visit(steps.meeting_path(round))
    follow(lambda: page.get_by_role("link", name="The letters to the groups").click())
    table = page.get_by_role("table", name="Each group's letter")
    canal_row = table.get_by_role("row", name="Canal Side Youth Club")
    expect(canal_row).to_contain_text("Award letter (£1,500)")
    expect(table).not_to_contain_text("Not yet")
    page = visit(f"/grants/rounds/{round.pk}/finance/")
    follow(lambda: page.get_by_role("link", name="Northfield Young Carers").click())
    page.get_by_label("Amount paid, in pounds").fill("1000")
    page.get_by_label("Payment reference").fill("BACS 2026-101")
    follow(lambda: page.get_by_role("button", name="Record the payment").click())
    expect(page.get_by_role("status")).to_contain_text(
        "Recorded a payment of £1,000 to Northfield Young Carers"
    )
    assert Payment.objects.get(award__application=northfield).amount_pence == 100_000
    log_out(page, follow)

    # Priya sends Northfield's end-of-grant report from her phone, by keyboard.
    watcher.page.set_viewport_size(PHONE)
    page = visit("/accounts/login/")
    page = _log_in_by_keyboard(page, watcher, "canal.youth")
    page = visit(f"/grants/applications/{northfield.pk}/")
    press_enter_on(page, watcher, page.get_by_role("link", name="Write your end-of-grant report"))
    type_into(
        page,
        page.get_by_label("What happened?"),
        "Twelve young carers spent a weekend by the sea, and chose every activity.",
    )
    type_into(page, page.get_by_label("How many young people took part?"), "12")
    type_into(
        page,
        page.get_by_label("A short story (if you like)"),
        "For two whole days nobody had to look after anyone.",
    )
    tick(page, page.get_by_label("Yes, the Youth Bank can show our story to the public"))
    type_into(page, page.get_by_label("Money you didn't spend, in pounds"), "0")
    press_enter_on(page, watcher, page.get_by_role("button", name="Save and check your report"))
    press_enter_on(page, watcher, page.get_by_role("button", name="Send the report"))
    expect(page.get_by_role("status")).to_contain_text("Sent. Thank you!")
    press_enter_on(page, watcher, page.get_by_role("button", name="Log out"))

    # Jay reads it on the round's reports and thanks the group.
    watcher.page.set_viewport_size(DESK)
    page = log_in_as(visit, follow, "jay")
    page = visit(steps.meeting_path(round))
    follow(lambda: page.get_by_role("link", name="Reports from groups").click())
    expect(page.locator("main")).to_contain_text("Sent: waiting to be read")
    follow(lambda: page.get_by_role("link", name="Northfield Young Carers").click())
    page.get_by_label("A thank-you note for the group (if you like)").fill(
        "What a weekend! From the Youth Bank panel"
    )
    follow(lambda: page.get_by_role("button", name="Mark as read and thank the group").click())
    expect(page.get_by_role("status")).to_contain_text("Marked as read.")
    assert Report.objects.get(award__application=northfield).status == ReportStatus.ACKNOWLEDGED
    log_out(page, follow)

    # Anyone sees where the money went, and the 360Giving files have the same grants.
    page = visit(f"/grants/rounds/{round.pk}/money/")
    main = page.locator("main")
    # North West: Northfield £1,500 and Canal Side £1,500; North East: £800 and £1,200.
    expect(main).to_contain_text("£5,000 went to 4 groups")
    expect(page.get_by_role("table", name="Money in each area")).to_contain_text("£3,000")
    expect(main).to_contain_text("12 young people took part, from 1 of the 4 groups")
    expect(main).to_contain_text("For two whole days nobody had to look after anyone.")
    expect(main.get_by_role("heading", name="Lockside Girls' Football")).to_have_count(0)
    json_link = page.get_by_role("link", name="The grants as 360Giving JSON")
    csv_link = page.get_by_role("link", name="The grants as 360Giving CSV (for spreadsheets)")
    package = json.loads(page.request.get(json_link.get_attribute("href")).text())
    grants = {grant["recipientOrganization"][0]["name"]: grant for grant in package["grants"]}
    assert {name: grant["amountAwarded"] for name, grant in grants.items()} == {
        "Northfield Young Carers": 1500,
        "Canal Side Youth Club": 1500,
        "Dunmore Street Gardeners": 800,
        "Eastgate Skate Jam": 1200,
    }
    assert all(grant["currency"] == "GBP" for grant in grants.values())
    rows = list(
        csv.DictReader(io.StringIO(page.request.get(csv_link.get_attribute("href")).text()))
    )
    assert sorted(row["Amount Awarded"] for row in rows) == ["1200", "1500", "1500", "800"]


def test_the_demos_closed_round_shows_its_money_letters_and_open_data(demo, visit, follow):
    # Anyone: the organisation's page leads to the Summer 2026 round's page (README says so).
    page = visit("/grants/organisations/riverside-youth-trust/money/")
    follow(lambda: page.get_by_role("link", name="Youth Bank: Summer 2026").click())
    main = page.locator("main")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Where the money went: Youth Bank, Summer 2026"
    )
    expect(main).to_contain_text("£5,000 went to 4 groups")
    expect(main).to_contain_text("59 young people took part, from 4 of the 4 groups")
    expect(main).to_contain_text("lock keeper's cat")
    json_link = page.get_by_role("link", name="The grants as 360Giving JSON")
    package = json.loads(page.request.get(json_link.get_attribute("href")).text())
    assert sorted(grant["amountAwarded"] for grant in package["grants"]) == [800, 1200, 1500, 1500]

    # Staff: every group's letter, emailed; the cooks' no became an award letter.
    page = log_in_as(visit, follow, "sam.worker")
    follow(lambda: page.get_by_role("link", name="Youth Bank: rounds and applications").click())
    follow(lambda: page.get_by_role("link", name="Summer 2026").click())
    expect(page.locator("main")).to_contain_text("Closed")
    follow(lambda: page.get_by_role("link", name="Decision meeting").click())
    follow(lambda: page.get_by_role("link", name="The letters to the groups").click())
    table = page.get_by_role("table", name="Each group's letter")
    expect(table.get_by_role("row", name="Eastgate Young Cooks")).to_contain_text(
        "Award letter (£1,500)"
    )
    expect(table.get_by_role("row", name="Eastgate Community Choir")).to_contain_text(
        "Letter saying no"
    )
    expect(table).not_to_contain_text("Not yet")
    log_out(page, follow)

    # The group: each application says what the panel decided and what happened next.
    page = log_in_as(visit, follow, "dunmore.gardeners")
    follow(lambda: page.get_by_role("link", name="Your applications").click())
    cooks = page.locator("li.card", has=page.get_by_role("heading", name="Eastgate Young Cooks"))
    expect(cooks).to_contain_text("The panel's decision: Awarded: £1,500")
    expect(cooks).to_contain_text("the panel reads your end-of-grant report")
    skate = page.locator("li.card", has=page.get_by_role("heading", name="Eastgate Skate Jam"))
    expect(skate.filter(has_text="Summer 2026")).to_contain_text("You gave the award back")
