"""A funded group sends its end-of-grant report from a 320 px phone, by keyboard only, and a
young panel member reads it and thanks them.

The group saves a draft, adds a photo (refused until they say everyone in it agreed)
and a receipt, checks and sends. Every page on the way is checked by the `visit`
and `follow` fixtures or `watcher.check()` (axe-core, 320 px reflow, Content Security
Policy, no request off this machine).
"""

import datetime

import pytest
from playwright.sync_api import expect

from thegither.accounts.tests.factories import PASSWORD, organisation_make
from thegither.grants.models import Report, ReportStatus
from thegither.grants.tests.report_helpers import PDF, funded_make, photo_bytes
from thegither.tests.browser.journeys import (
    PHONE,
    log_in,
    press_enter_on,
    tab_to,
    tick,
    type_into,
)

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_group_sends_its_report_from_a_phone_by_keyboard_and_the_panel_thanks_them(
    visit, follow, watcher, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    funded = funded_make(organisation_make(), decided_on=datetime.date.today())
    funded.award.application.group_name = "Canal Side Climbers"
    funded.award.application.save(update_fields=["group_name"])
    camp = tmp_path / "camp.jpg"
    camp.write_bytes(photo_bytes("JPEG"))
    till = tmp_path / "till.pdf"
    till.write_bytes(PDF)

    watcher.page.set_viewport_size(PHONE)
    page = log_in(visit("/accounts/login/"), follow, funded.contact.username, PASSWORD)
    page = visit(f"/grants/applications/{funded.award.application_id}/")
    expect(page.locator("main")).to_contain_text("Tell the panel how it went")
    press_enter_on(page, watcher, page.get_by_role("link", name="Write your end-of-grant report"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Your end-of-grant report")

    # The group writes part of it, ticks "public", and saves to add photos.
    type_into(page, page.get_by_label("What happened?"), "We ran four climbing taster days.")
    type_into(page, page.get_by_label("How many young people took part?"), "24")
    type_into(
        page, page.get_by_label("A short story (if you like)"), "A shy climber reached the top."
    )
    tick(page, page.get_by_label("Yes, the Youth Bank can show our story to the public"))
    type_into(page, page.get_by_label("Money you didn't spend, in pounds"), "12.50")
    press_enter_on(
        page, watcher, page.get_by_role("button", name="Save and add photos and receipts")
    )
    expect(page.get_by_role("heading", level=1)).to_have_text("Photos and receipts")

    # A photo with people in it is refused until they say everyone in it agreed.
    photo_file = page.locator("#id_photo-file")
    tab_to(page, photo_file)
    photo_file.set_input_files(str(camp))  # a phone's file picker can't be driven by keys
    type_into(page, page.get_by_label("What is in the photo? (if you like)"), "Ropes on the wall")
    tick(page, page.get_by_label("There are people in this photo"))
    press_enter_on(page, watcher, page.get_by_role("button", name="Add the photo"))
    expect(page.locator("#error-summary")).to_contain_text("said yes. Tick the box if they did")
    photo_file = page.locator("#id_photo-file")
    tab_to(page, photo_file)
    photo_file.set_input_files(str(camp))
    expect(page.get_by_label("There are people in this photo")).to_be_checked()
    tick(
        page,
        page.get_by_label(
            "Everyone in it, and a grown-up for anyone under 16, said yes to sharing it"
        ),
    )
    press_enter_on(page, watcher, page.get_by_role("button", name="Add the photo"))
    expect(page.get_by_role("status")).to_contain_text("Added camp.jpg.")
    receipt_file = page.locator("#id_receipt-file")
    tab_to(page, receipt_file)
    receipt_file.set_input_files(str(till))
    press_enter_on(page, watcher, page.get_by_role("button", name="Add the receipt"))
    expect(page.get_by_role("status")).to_contain_text("Added till.pdf.")

    # The check page shows everything; the group sends it.
    press_enter_on(page, watcher, page.get_by_role("link", name="Check your report"))
    main = page.locator("main")
    expect(main).to_contain_text("We ran four climbing taster days.")
    expect(main).to_contain_text("£12.50")
    expect(main).not_to_contain_text("Before you can send it")
    photo = page.get_by_role("img", name="Ropes on the wall")
    expect(photo).to_be_visible()
    assert photo.evaluate("img => img.naturalWidth") > 0  # served, and drawn
    press_enter_on(page, watcher, page.get_by_role("button", name="Send the report"))
    expect(page.get_by_role("status")).to_contain_text("Sent. Thank you!")
    expect(page.locator("main")).not_to_contain_text("Carry on with it")
    report = Report.objects.get(award=funded.award)
    assert (report.status, report.young_people_count, report.returned_pence) == (
        ReportStatus.SENT,
        24,
        1_250,
    )
    press_enter_on(page, watcher, page.get_by_role("button", name="Log out"))

    # A young panel member reads it on the round's list and thanks the group.
    page = log_in(visit("/accounts/login/"), follow, funded.member.username, PASSWORD)
    page = visit(f"/grants/rounds/{funded.round.pk}/reports/")
    expect(page.locator("main")).to_contain_text("Sent: waiting to be read")
    press_enter_on(page, watcher, page.get_by_role("link", name="Canal Side Climbers"))
    type_into(
        page,
        page.get_by_label("A thank-you note for the group (if you like)"),
        "Well done, climbers! From the panel",
    )
    press_enter_on(
        page, watcher, page.get_by_role("button", name="Mark as read and thank the group")
    )
    expect(page.get_by_role("status")).to_contain_text("Marked as read.")
    expect(page.locator("main")).to_contain_text("Well done, climbers!")
    report.refresh_from_db()
    assert (report.status, report.acknowledged_by) == (ReportStatus.ACKNOWLEDGED, funded.member)
