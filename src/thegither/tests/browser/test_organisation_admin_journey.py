"""Journeys of an organisation admin: name, colour, logo, areas, invitations, people.

Every page on the way is checked by the `visit` and `follow` fixtures (axe-core,
320 px reflow, Content Security Policy, no request off this machine).
"""

import re

import pytest
from playwright.sync_api import expect

from thegither.accounts.models import Area, Invitation, Membership, Role, User
from thegither.accounts.services import invitation_create
from thegither.accounts.tests import images
from thegither.tests.browser.journeys import DEMO_ORGANISATION, log_in

pytestmark = pytest.mark.django_db(transaction=True)

SLUG = DEMO_ORGANISATION


def click(page, follow, role: str, name):
    return follow(lambda: page.get_by_role(role, name=name).click())


def test_admin_looks_after_the_organisation(demo, visit, follow, tmp_path):
    sam = User.objects.get(username="sam.worker")
    invitation_create(organisation=demo, role=Role.PANEL_MEMBER, by=sam, note="Tuesday group")
    page = log_in(visit("/accounts/login/"), follow, "alex.admin")

    # Name and colour
    click(page, follow, "link", "Name, logo and colour")
    page.get_by_label("Name").fill("Riverside Young People")
    page.get_by_label("Colour").fill("#5b2a86")
    click(page, follow, "button", "Save the name and colour")
    expect(page.get_by_role("status")).to_contain_text("Saved the name and colour.")
    expect(page.locator(".site-header__name")).to_have_text("Riverside Young People")
    expect(page.locator(".site-header")).to_have_css("background-color", "rgb(91, 42, 134)")

    # A web page renamed logo.png is refused; a real picture is taken.
    fake = tmp_path / "logo.png"
    fake.write_bytes(images.HTML)
    real = tmp_path / "our logo.png"
    real.write_bytes(images.png(16, 16))
    click(page, follow, "link", "Add a logo")
    page.get_by_label("Logo picture").set_input_files(str(fake))
    click(page, follow, "button", "Upload the logo")
    expect(page.locator("#error-summary")).to_contain_text("isn't a picture we can use")
    expect(page.locator("#error-summary")).to_be_focused()
    page.get_by_label("Logo picture").set_input_files(str(real))
    click(page, follow, "button", "Upload the logo")
    expect(page.get_by_role("status")).to_contain_text("Saved the new logo.")
    expect(page.locator(".site-header__logo")).to_be_visible()
    assert page.locator(".logo-preview").evaluate("img => img.naturalWidth") == 16

    # Areas
    click(page, follow, "link", "Areas")
    page.get_by_label("Area name").fill("South Side")
    click(page, follow, "button", "Add the area")
    expect(page.get_by_role("status")).to_contain_text("Added the area South Side.")
    page.get_by_label("Area name").fill("north west")
    click(page, follow, "button", "Add the area")
    expect(page.locator("#error-summary")).to_contain_text("There's already an area called")
    click(page, follow, "link", "Rename South Side")
    page.get_by_label("Area name").fill("Southside")
    click(page, follow, "button", "Save the new name")
    expect(page.get_by_role("status")).to_contain_text("South Side is now called Southside.")
    assert set(Area.objects.values_list("name", flat=True)) == {
        "North West",
        "North East",
        "Southside",
    }

    # Cancel an invitation
    visit(f"/accounts/organisations/{SLUG}/people/")
    click(page, follow, "button", re.compile(r"^Cancel the invitation for a Young panel member"))
    expect(page.get_by_role("status")).to_contain_text("Cancelled the invitation.")
    assert Invitation.objects.get().cancelled_at is not None

    # Switch Jay's account off and back on
    click(page, follow, "button", "Switch off Jay's account")
    expect(page.get_by_role("status")).to_contain_text("Jay's account is switched off.")
    assert not User.objects.get(username="jay").is_active
    click(page, follow, "button", "Switch Jay's account back on")
    expect(page.get_by_role("status")).to_contain_text("Jay's account is switched on again.")
    assert User.objects.get(username="jay").is_active

    # Take Ruby out of the organisation
    click(page, follow, "link", "Take Ruby out of Riverside Young People")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Take Ruby out of Riverside Young People?"
    )
    click(page, follow, "button", "Yes, take Ruby out")
    expect(page.get_by_role("status")).to_contain_text("Ruby is no longer in")
    assert not Membership.objects.filter(user__username="ruby").exists()
    assert User.objects.filter(username="ruby").exists()


def test_focus_lands_on_the_error_summary_after_a_failed_log_in(demo, visit, follow):
    page = visit("/accounts/login/")
    page.get_by_label("Username or email").fill("ruby")
    page.get_by_label("Password", exact=True).fill("not-the-password")

    follow(lambda: page.get_by_role("button", name="Log in").click())

    expect(page.locator("#error-summary")).to_be_focused()
