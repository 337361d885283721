"""Journey: a young person is locked out, a youth worker unlocks them, they log in.

Every page on the way is checked by the `visit` and `follow` fixtures (axe-core,
320 px reflow, Content Security Policy, no request off this machine).
"""

import re

import pytest
from django.conf import settings
from playwright.sync_api import expect

from thegither.accounts.views.passwords import RESET_CODES_PER_CLIENT
from thegither.demo.services import DEMO_PASSWORD
from thegither.tests.browser.journeys import DEMO_ORGANISATION, log_in

pytestmark = pytest.mark.django_db(transaction=True)

ORGANISATION = DEMO_ORGANISATION


def test_locked_out_young_person_is_unlocked_by_their_youth_worker(demo, visit, follow):
    page = visit("/accounts/login/")
    # Other capitals are the same person, so they don't give a fresh start.
    names = ["ruby", "Ruby", "RUBY", "rUBY", "Ruby "]
    for attempt in range(settings.LOGIN_FAILURE_LIMIT - 1):
        log_in(page, follow, names[attempt % len(names)], "guessing-wrong")
        expect(page.get_by_role("alert")).to_contain_text("don't match")
    log_in(page, follow, "RuBy", "guessing-wrong")

    expect(page.get_by_role("heading", level=1)).to_have_text("Too many tries")
    expect(page.get_by_text("Try again in 1 minute.")).to_be_visible()
    expect(
        page.get_by_text("Your youth worker can let you log in again straight away")
    ).to_be_visible()
    # The right password is refused too, until the wait is over.
    visit("/accounts/login/")
    log_in(page, follow, "ruby", DEMO_PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Too many tries")

    visit("/accounts/login/")
    log_in(page, follow, "sam.worker", DEMO_PASSWORD)
    visit(f"/accounts/organisations/{ORGANISATION}/people/")
    expect(page.get_by_role("heading", name="Locked out for now")).to_be_visible()
    expect(page.get_by_text("Ruby (ruby): can try again in 1 minute")).to_be_visible()
    follow(lambda: page.get_by_role("button", name="Let Ruby log in now").click())
    expect(page.get_by_role("status")).to_contain_text("Ruby can log in again now.")
    expect(page.get_by_role("heading", name="Locked out for now")).to_have_count(0)
    follow(lambda: page.get_by_role("button", name="Log out").click())

    visit("/accounts/login/")
    log_in(page, follow, "ruby", DEMO_PASSWORD)
    expect(page).to_have_url(re.compile(r"/accounts/$"))
    expect(page.get_by_text("Logged in as Ruby")).to_be_visible()


def test_too_many_new_password_codes_says_how_long_to_wait(demo, visit, follow):
    # The live server shares this process's cache: use up this browser's tries.
    for _ in range(RESET_CODES_PER_CLIENT.limit):
        RESET_CODES_PER_CLIENT.hit("127.0.0.1")
    page = visit("/accounts/password-reset/code/")
    page.get_by_label("Username").fill("ruby")
    page.get_by_label("Code from your youth worker").fill("AAA AAA")
    page.get_by_label("New password", exact=True).fill("green-kites-fly-77")
    page.get_by_label("New password again").fill("green-kites-fly-77")
    follow(lambda: page.get_by_role("button", name="Save my new password").click())

    expect(page.get_by_role("heading", level=1)).to_have_text("Too many tries")
    expect(page.get_by_text("Try again in 15 minutes.")).to_be_visible()
    follow(lambda: page.get_by_role("link", name="Go back").click())
    expect(page.get_by_role("heading", level=1)).to_have_text("New password with a code")
