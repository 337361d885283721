"""Journeys through accounts: log in, log out, lockout, joining by invitation.

Every page on the way is checked by the `visit` and `follow` fixtures (axe-core,
320 px reflow, Content Security Policy, no request off this machine).
"""

import re

import pytest
from django.conf import settings
from playwright.sync_api import expect

from thegither.accounts.models import AgeBand, Role, User
from thegither.accounts.services import invitation_create
from thegither.demo.services import DEMO_PASSWORD
from thegither.tests.browser.journeys import DEMO_ORGANISATION, log_in

pytestmark = pytest.mark.django_db(transaction=True)

ORGANISATION = DEMO_ORGANISATION


def test_log_in_with_username_then_log_out(demo, visit, follow):
    page = visit("/accounts/login/")

    log_in(page, follow, "jay", DEMO_PASSWORD)

    expect(page).to_have_url(re.compile(r"/accounts/$"))
    expect(page.get_by_text("Logged in as Jay")).to_be_visible()
    follow(lambda: page.get_by_role("button", name="Log out").click())
    expect(page.get_by_role("link", name="Log in").first).to_be_visible()
    expect(page.get_by_role("button", name="Log out")).to_have_count(0)


def test_log_in_with_email_address(demo, visit, follow):
    page = visit("/accounts/login/")

    log_in(page, follow, "KAI@example.org", DEMO_PASSWORD)

    expect(page).to_have_url(re.compile(r"/accounts/$"))
    expect(page.get_by_text("Logged in as Kai")).to_be_visible()


def test_wrong_password_says_so_and_keeps_the_username(demo, visit, follow):
    page = visit("/accounts/login/")

    log_in(page, follow, "ruby", "not-the-password")

    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("There is a problem")
    expect(summary).to_contain_text("don't match")
    expect(page.get_by_label("Username or email")).to_have_value("ruby")
    expect(page.get_by_label("Password", exact=True)).to_have_value("")
    expect(page).to_have_title(re.compile(r"^Error: "))


def test_too_many_wrong_passwords_locks_the_account_with_a_plain_message(demo, visit, follow):
    page = visit("/accounts/login/")
    limit = settings.LOGIN_FAILURE_LIMIT

    for _attempt in range(limit):
        log_in(page, follow, "ruby", "guessing-wrong")
        if page.get_by_role("heading", name="Too many tries").count():
            break

    expect(page.get_by_role("heading", level=1)).to_have_text("Too many tries")
    expect(page.get_by_text("Try again in 1 minute.")).to_be_visible()
    expect(page.get_by_role("heading", name="Your youth worker can help")).to_be_visible()
    # Even the right password is refused while locked out.
    visit("/accounts/login/")
    log_in(page, follow, "ruby", DEMO_PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Too many tries")


def fill_join_form(page, *, code: str, username: str, name: str, age_label: str) -> None:
    page.get_by_label("Code from your youth worker").fill(code)
    page.get_by_label("Username").fill(username)
    page.get_by_label("Name people see").fill(name)
    page.get_by_role("radio", name=age_label, exact=True).check()
    page.get_by_label("Password", exact=True).fill("river-otters-swim-2026")
    page.get_by_label("Password again").fill("river-otters-swim-2026")


def test_youth_worker_invites_and_young_person_joins_without_email(demo, visit, follow):
    demo.accent_colour = "#5b2a86"
    demo.save(update_fields=["accent_colour"])
    page = visit("/accounts/login/")
    log_in(page, follow, "sam.worker", DEMO_PASSWORD)

    visit(f"/accounts/organisations/{ORGANISATION}/invitations/new/")
    # The organisation's own colour themes its pages.
    expect(page.locator(".site-header")).to_have_css("background-color", "rgb(91, 42, 134)")
    page.get_by_role("radio", name="Young panel member").check()
    page.get_by_label("Note for you (optional)").fill("Tuesday group")
    follow(lambda: page.get_by_role("button", name="Make the invitation").click())
    link = page.locator("#invitation-link").inner_text()
    code = page.locator("#invitation-code").inner_text()
    follow(lambda: page.get_by_role("button", name="Log out").click())

    visit(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Join Riverside Youth Trust")
    fill_join_form(page, code=code, username="skye", name="Skye", age_label="13 to 15")
    follow(lambda: page.get_by_role("button", name="Make my account").click())

    expect(page).to_have_url(re.compile(r"/accounts/$"))
    expect(page.get_by_role("status")).to_contain_text("Welcome to Riverside Youth Trust")
    skye = User.objects.get(username="skye")
    assert skye.email == ""
    assert skye.memberships.get().role == Role.PANEL_MEMBER


def test_join_with_a_wrong_code_shows_the_error_and_keeps_what_was_typed(demo, visit, follow):
    staff = User.objects.get(username="sam.worker")
    _invitation, token, _code = invitation_create(
        organisation=demo, role=Role.PANEL_MEMBER, by=staff
    )

    page = visit(f"/accounts/join/{token}/")
    fill_join_form(page, code="AAA AAA", username="skye", name="Skye", age_label="13 to 15")
    follow(lambda: page.get_by_role("button", name="Make my account").click())

    expect(page.get_by_role("alert")).to_contain_text("There is a problem")
    expect(page.get_by_label("Username")).to_have_value("skye")
    assert not User.objects.filter(username="skye").exists()


def test_under_13_who_joins_sees_the_waiting_page(demo, visit, follow):
    staff = User.objects.get(username="sam.worker")
    _invitation, token, code = invitation_create(
        organisation=demo, role=Role.PANEL_MEMBER, by=staff
    )

    page = visit(f"/accounts/join/{token}/")
    fill_join_form(page, code=code, username="milo", name="Milo", age_label="Under 13")
    follow(lambda: page.get_by_role("button", name="Make my account").click())

    expect(page.get_by_role("heading", level=1)).to_contain_text("waiting for a grown-up")
    assert User.objects.get(username="milo").age_band == AgeBand.UNDER_13
