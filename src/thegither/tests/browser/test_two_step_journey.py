"""Journeys through two-step log-in: setting it up, logging in with a code or a recovery code,
and an organisation that requires it.

Every page on the way is checked by the `visit` and `follow` fixtures (axe-core,
320 px reflow, Content Security Policy, no request off this machine).
"""

import re
import time
from base64 import b32decode

import pytest
from django_otp.oath import TOTP
from playwright.sync_api import expect

from thegither.demo.services import DEMO_PASSWORD
from thegither.tests.browser.journeys import DEMO_ORGANISATION, log_in

pytestmark = pytest.mark.django_db(transaction=True)

ORGANISATION = DEMO_ORGANISATION


def app_code(typed_key: str, steps_ahead: int = 0) -> str:
    """Return what an authenticator app shows for the key typed from the set-up page."""
    totp = TOTP(b32decode(typed_key.replace(" ", "")))
    totp.time = time.time() + 30 * steps_ahead
    return f"{totp.token():06d}"


def log_out(page, follow):
    follow(lambda: page.get_by_role("button", name="Log out", exact=True).click())


def test_youth_worker_sets_up_two_step_then_logs_in_with_a_code_and_a_recovery_code(
    demo, visit, follow
):
    page = visit("/accounts/login/")
    log_in(page, follow, "sam.worker")
    follow(lambda: page.get_by_role("link", name=re.compile("^Your account")).click())
    expect(page.get_by_role("heading", level=1)).to_have_text("Your account")
    follow(lambda: page.get_by_role("link", name="Two-step log-in").click())
    follow(lambda: page.get_by_role("link", name="Set up two-step log-in").click())

    expect(page.get_by_role("img", name="QR code for your authenticator app")).to_be_visible()
    typed_key = page.locator("#two-step-key").inner_text()
    page.get_by_label("Code from your app").fill(app_code(typed_key))
    follow(lambda: page.get_by_role("button", name="Turn on two-step log-in").click())

    expect(page.get_by_role("heading", level=1)).to_have_text("Your recovery codes")
    codes = page.locator("#recovery-codes li").all_inner_texts()
    assert len(codes) == 10
    follow(lambda: page.get_by_role("link", name="I've saved them: carry on").click())
    log_out(page, follow)

    # Password, then the code from the app.
    visit("/accounts/login/")
    log_in(page, follow, "sam.worker")
    expect(page.get_by_role("heading", level=1)).to_have_text("Type your code")
    expect(page.get_by_text("Logged in as")).to_have_count(0)
    page.get_by_label("Code from your app").fill(app_code(typed_key, steps_ahead=1))
    follow(lambda: page.get_by_role("button", name="Log in").click())
    expect(page).to_have_url(re.compile(r"/accounts/$"))
    expect(page.get_by_text("Logged in as Sam")).to_be_visible()
    log_out(page, follow)

    # Password, then a recovery code, as if the phone were lost.
    visit("/accounts/login/")
    log_in(page, follow, "sam.worker")
    page.get_by_label("Code from your app").fill(codes[0])
    follow(lambda: page.get_by_role("button", name="Log in").click())
    expect(page.get_by_text("Logged in as Sam")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("You have 9 left")


def set_up_two_step(page, visit, follow) -> str:
    visit("/accounts/two-step/set-up/")
    typed_key = page.locator("#two-step-key").inner_text()
    page.get_by_label("Code from your app").fill(app_code(typed_key))
    follow(lambda: page.get_by_role("button", name="Turn on two-step log-in").click())
    return typed_key


def test_youth_worker_makes_new_recovery_codes_then_turns_two_step_off(demo, visit, follow):
    page = visit("/accounts/login/")
    log_in(page, follow, "sam.worker")
    typed_key = set_up_two_step(page, visit, follow)

    visit("/accounts/two-step/")
    follow(lambda: page.get_by_role("link", name="Make new recovery codes").click())
    page.get_by_label("Code from your app").fill(app_code(typed_key, steps_ahead=1))
    follow(lambda: page.get_by_role("button", name="Make new codes").click())
    expect(page.get_by_text("Your old recovery codes have stopped working")).to_be_visible()
    new_code = page.locator("#recovery-codes li").first.inner_text()

    visit("/accounts/two-step/")
    follow(lambda: page.get_by_role("link", name="Turn off two-step log-in").click())
    page.get_by_label("Code from your app").fill(new_code)
    follow(lambda: page.get_by_role("button", name="Turn it off").click())

    expect(page.get_by_role("status")).to_contain_text("Two-step log-in is off.")
    follow(lambda: page.get_by_role("link", name="Change your email address").click())
    page.get_by_label("New email address (optional)").fill("sam.new@example.org")
    page.get_by_label("Your password").fill(DEMO_PASSWORD)
    follow(lambda: page.get_by_role("button", name="Save").click())
    expect(page.get_by_role("status")).to_contain_text("Saved your email address.")
    log_out(page, follow)
    visit("/accounts/login/")
    log_in(page, follow, "sam.worker")
    expect(page.get_by_text("Logged in as Sam")).to_be_visible()


def test_a_wrong_code_says_so_and_does_not_log_in(demo, visit, follow):
    page = visit("/accounts/login/")
    log_in(page, follow, "sam.worker")
    set_up_two_step(page, visit, follow)
    log_out(page, follow)

    visit("/accounts/login/")
    log_in(page, follow, "sam.worker")
    page.get_by_label("Code from your app").fill("000000")
    follow(lambda: page.get_by_role("button", name="Log in").click())

    expect(page.get_by_role("alert")).to_contain_text("There is a problem")
    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(page.get_by_text("Logged in as")).to_have_count(0)


def test_admin_requires_two_step_and_staff_without_it_are_sent_to_set_it_up(demo, visit, follow):
    page = visit("/accounts/login/")
    log_in(page, follow, "alex.admin")
    follow(lambda: page.get_by_role("link", name="Two-step log-in for staff").click())
    page.get_by_role("radio", name=re.compile("^Yes")).check()
    follow(lambda: page.get_by_role("button", name="Save").click())
    expect(page.get_by_role("status")).to_contain_text("Saved")
    log_out(page, follow)

    visit("/accounts/login/")
    log_in(page, follow, "sam.worker")

    expect(page).to_have_url(re.compile(r"/accounts/two-step/set-up/$"))
    expect(page.get_by_text("Your organisation needs staff and admins")).to_be_visible()
    # Anything else brings them back here until it's set up.
    visit(f"/accounts/organisations/{ORGANISATION}/people/")
    expect(page).to_have_url(re.compile(r"/accounts/two-step/set-up/$"))
    typed_key = page.locator("#two-step-key").inner_text()
    page.get_by_label("Code from your app").fill(app_code(typed_key))
    follow(lambda: page.get_by_role("button", name="Turn on two-step log-in").click())
    follow(lambda: page.get_by_role("link", name="I've saved them: carry on").click())
    visit(f"/accounts/organisations/{ORGANISATION}/people/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("People in")

    # A young person in the same organisation logs in with just a password.
    log_out(page, follow)
    visit("/accounts/login/")
    log_in(page, follow, "jay")
    expect(page).to_have_url(re.compile(r"/accounts/$"))


def test_a_notice_before_the_idle_log_out_lets_you_stay_logged_in(
    demo, visit, follow, watcher, settings
):
    # Warn 2 minutes before a log-out that comes after 2 minutes 6 seconds: in 6 seconds.
    settings.SESSION_IDLE_TIMEOUT = 126
    settings.SESSION_IDLE_WARNING = 120
    page = visit("/accounts/login/")
    log_in(page, follow, "jay")

    notice = page.get_by_role("dialog", name="Are you still there?")
    # Hidden until it's needed, and it doesn't take the focus from the page.
    expect(notice).to_be_hidden()
    assert page.evaluate("document.activeElement.tagName") == "BODY"
    expect(notice).to_be_visible(timeout=15_000)
    expect(notice.get_by_role("button", name="Stay logged in")).to_be_focused()
    watcher.check()
    notice.get_by_role("button", name="Stay logged in").click()

    expect(notice).to_be_hidden()
    visit("/accounts/")
    expect(page.get_by_text("Logged in as Jay")).to_be_visible()
