"""After the demo's Autumn 2026 decision: a group accepts its award on a phone (by keyboard),
gives another back, staff record a payment (and are refused one too many), move money left
in one area to another, the panel re-offers what came back, and finance downloads the
workbook.

The decision itself is made through the services as the deciding journey makes it in
the browser (the same votes, the same part award), so this test starts where that one
ends. Every page on the way is checked by the `visit` and `follow` fixtures (axe-core,
320 px reflow, Content Security Policy, no request off this machine).
"""

import io

import openpyxl
import pytest
from playwright.sync_api import expect

from thegither.grants.models import Application, Award, AwardStatus, Payment, Round
from thegither.tests.browser.journeys import DESK, PHONE, log_in_as, log_out, tab_to
from thegither.tests.browser.youth_bank_steps import decide_by_services

pytestmark = pytest.mark.django_db(transaction=True)


def _application(round, group):
    return Application.objects.get(round=round, group_name=group)


def test_a_group_accepts_staff_pay_money_moves_and_the_panel_re_offers(
    demo, visit, follow, watcher
):
    round = Round.objects.get(fund__name="Youth Bank", name="Autumn 2026")
    decide_by_services(round)
    northfield = _application(round, "Northfield Young Carers")
    lockside = _application(round, "Lockside Girls' Football")
    canal = _application(round, "Canal Side Youth Club")
    assert Award.objects.get(application=canal).status == AwardStatus.DECLINED

    # Priya, Northfield's contact, accepts on her phone, by keyboard only.
    watcher.page.set_viewport_size(PHONE)
    page = log_in_as(visit, follow, "canal.youth")
    page = visit(f"/grants/applications/{northfield.pk}/")
    main = page.locator("main")
    expect(main).to_contain_text("Part of the money, with a condition: £1,500")
    expect(main).to_contain_text("Please accept it by")
    follow(lambda: page.get_by_role("link", name="Accept the award").click())
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Accept the award for Northfield Young Carers"
    )
    # Sending it without the ticks says what is missing.
    follow(lambda: page.get_by_role("button", name="Accept the award").click())
    expect(main).to_contain_text("Never type them in here.")
    bank = page.get_by_label("Our bank details are with Riverside Youth Trust staff")
    tab_to(page, bank)
    page.keyboard.press("Space")
    condition = page.get_by_label("We agree to the condition: Spend it on the weekend away")
    tab_to(page, condition)
    page.keyboard.press("Space")
    button = page.get_by_role("button", name="Accept the award")
    tab_to(page, button)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    watcher.check()
    expect(page.get_by_role("status")).to_contain_text("you have accepted the award")
    expect(main).to_contain_text("Paid so far: £0 of £1,500.")

    # She gives Lockside's award back: the hall is closed.
    page = visit(f"/grants/applications/{lockside.pk}/")
    follow(lambda: page.get_by_role("link", name="Give the award back").click())
    page.get_by_label("Why is your group giving the award back?").fill(
        "The sports hall is closed for repairs all winter."
    )
    follow(lambda: page.get_by_role("button", name="Yes, give it back").click())
    expect(page.get_by_role("status")).to_contain_text("You have given the award back")
    expect(main).to_contain_text("Why: The sports hall is closed for repairs all winter.")
    log_out(page, follow)

    # Sam, a youth worker, finds the money from the round and records a payment.
    watcher.page.set_viewport_size(DESK)
    page = log_in_as(visit, follow, "sam.worker")
    page = visit(f"/grants/rounds/{round.pk}/set-up/")
    follow(lambda: page.get_by_role("link", name="Money: accepting and paying").click())
    main = page.locator("main")
    expect(page.get_by_role("heading", level=1)).to_have_text("Money: Autumn 2026")
    north_west = page.locator("h2:text-is('North West') + dl")
    expect(north_west).to_contain_text("Left in the pot£1,500")
    follow(lambda: page.get_by_role("link", name="Northfield Young Carers").click())
    page.get_by_label("Amount paid, in pounds").fill("1000")
    page.get_by_label("Payment reference").fill("BACS 2027-001")
    follow(lambda: page.get_by_role("button", name="Record the payment").click())
    expect(page.get_by_role("status")).to_contain_text(
        "Recorded a payment of £1,000 to Northfield Young Carers"
    )
    page.get_by_label("Amount paid, in pounds").fill("600")
    page.get_by_label("Payment reference").fill("BACS 2027-002")
    follow(lambda: page.get_by_role("button", name="Record the payment").click())
    expect(main).to_contain_text(
        "Only £500 of the £1,500 award is left to pay, so £600 is too much."
    )
    expect(page.get_by_label("Amount paid, in pounds")).to_have_value("600")
    assert Payment.objects.filter(award__application=northfield).count() == 1

    # North East has £1,000 left; Sam moves £500 of it to North West.
    page = visit(f"/grants/rounds/{round.pk}/finance/")
    follow(lambda: page.get_by_role("link", name="Move money left in one area to another").click())
    page.get_by_label("Move money from").select_option(label="North East")
    page.get_by_label("Move it to").select_option(label="North West")
    page.get_by_label("How much, in pounds").fill("500")
    page.get_by_label("Why is the money moving?").fill("North West has a waiting list.")
    follow(lambda: page.get_by_role("button", name="Move the money").click())
    expect(page.get_by_role("status")).to_contain_text("Moved £500 from North East to North West")
    expect(main).to_contain_text("North West has a waiting list.")
    log_out(page, follow)

    # Jay, the chair, offers North West's £2,000 again: Canal Side is next in line.
    page = log_in_as(visit, follow, "jay")
    page = visit(f"/grants/rounds/{round.pk}/meeting/")
    follow(
        lambda: page.get_by_role("link", name="Offer money that came back in North West").click()
    )
    main = page.locator("main")
    expect(main).to_contain_text("This pot has £2,000 that no award is using")
    canal_item = page.locator("li", has=page.get_by_role("heading", name="Canal Side Youth Club"))
    expect(canal_item).to_contain_text("Funded now")
    expect(canal_item).to_contain_text("The one member who supported this one paid the £1,500")
    follow(lambda: page.get_by_role("button", name="Confirm: offer the money").click())
    expect(page.get_by_role("status")).to_contain_text("Offered £1,500 again")
    expect(main).to_contain_text("Canal Side Youth Club: £1,500")
    award = Award.objects.get(application=canal)
    assert (award.status, award.amount_pence, award.is_final) == ("awarded", 150_000, True)
    log_out(page, follow)

    # Sam downloads the workbook for finance: the payment and the balances are in it.
    page = log_in_as(visit, follow, "sam.worker")
    page = visit(f"/grants/rounds/{round.pk}/finance/")
    with page.expect_download() as download:
        page.get_by_role("link", name="Everything as an Excel workbook (XLSX)").click()
    assert download.value.suggested_filename == "youth-bank-autumn-2026-money.xlsx"
    book = openpyxl.load_workbook(io.BytesIO(download.value.path().read_bytes()))
    payments = list(book["Payments"].iter_rows(values_only=True))
    assert payments[1][1] == "Northfield Young Carers"
    assert payments[1][5] == "BACS 2027-001"
    balances = {row[0]: row for row in book["Balances per pot"].iter_rows(values_only=True)}
    # North West: £3,000 + £500 moved in; £1,500 + £1,500 awarded; £1,000 paid; £500 left.
    assert balances["North West"][2:] == (500, 0, 3500, 3000, 1000, 500)
    assert balances["North East"][2:] == (0, 500, 2500, 2000, 0, 500)
