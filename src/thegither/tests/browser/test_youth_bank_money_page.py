"""The public "where the money went" pages, as anyone sees them: no log-in, by keyboard.

A round is decided through the real services (two awards, one no), then the round's
page, the organisation's page and the year's page are each checked by `visit` and
`follow` (axe-core, 320 px reflow, Content Security Policy, no request off this machine).
"""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from thegither.accounts.tests import factories
from thegither.accounts.tests.factories import PASSWORD
from thegither.grants import services
from thegither.grants.tests.letters_helpers import decided_make
from thegither.tests.browser.journeys import log_in
from thegither.tests.browser.test_public_pages import press_tab_until

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def decided(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    organisation = factories.organisation_make(name="Dunmore Youth Trust")
    return decided_make(
        organisation,
        confirm=lambda chair, meeting: services.meeting_confirm(meeting=meeting, by=chair),
    )


def test_anyone_sees_where_the_money_went_and_finds_the_open_data(decided, visit, follow):
    page = visit(f"/grants/rounds/{decided.round.pk}/money/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Where the money went")
    main = page.locator("main")
    expect(main).to_contain_text("£1,500 went to 2 groups")
    expect(page.get_by_role("img", name="Money given in each area")).to_be_visible()
    expect(page.get_by_role("table", name="Money in each area")).to_contain_text("£1,500")
    expect(main.get_by_role("heading", name=decided.full.application.group_name)).to_be_visible()
    expect(main).not_to_contain_text(decided.declined.application.group_name)
    expect(page.get_by_role("link", name="The grants as 360Giving JSON")).to_be_visible()

    press_tab_until(page, "main a[href$='/money/'][href*='organisations']")
    follow(lambda: page.keyboard.press("Enter"))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Where Dunmore Youth Trust's money went"
    )
    year = timezone.localtime(decided.round.meeting.confirmed_at).year
    follow(lambda: page.get_by_role("link", name=f"Where the money went in {year}").click())
    expect(page).to_have_url(re.compile(rf"/money/{year}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Where the money went in {year}")


def test_staff_and_the_group_find_the_letters(decided, visit, follow):
    # Staff see every group's letter, emailed, with a download link.
    page = log_in(visit("/accounts/login/"), follow, decided.staff.username, PASSWORD)
    page = visit(f"/grants/rounds/{decided.round.pk}/meeting/")
    follow(lambda: page.get_by_role("link", name="The letters to the groups").click())
    table = page.get_by_role("table", name="Each group's letter")
    expect(table).to_contain_text(decided.declined.application.group_name)
    expect(table).not_to_contain_text("Not yet")
    follow(lambda: page.get_by_role("button", name="Log out").click())

    # The group finds its letter on its application.
    page = log_in(visit("/accounts/login/"), follow, decided.contact.username, PASSWORD)
    page = visit(f"/grants/applications/{decided.partial.application_id}/")
    follow(lambda: page.get_by_role("link", name="Read the panel's letter").click())
    expect(page.get_by_role("heading", level=1)).to_have_text("The panel's letter")
    expect(page.locator("main")).to_contain_text("The panel gave your group £500")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the letter (PDF)").click()
    assert download.value.suggested_filename.endswith(".pdf")
