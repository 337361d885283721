"""Youth Bank part 1 as its people play it: staff set a round up, a group applies from a
phone, staff check the application.

Every page on the way is checked by the `visit` and `follow` fixtures (axe-core,
320 px reflow, Content Security Policy, no request off this machine).
"""

import re

import pytest
from playwright.sync_api import expect

from thegither.grants.models import Application, Round
from thegither.tests.browser.journeys import DEMO_ORGANISATION, log_in

pytestmark = pytest.mark.django_db(transaction=True)


def click(page, follow, role: str, name):
    return follow(lambda: page.get_by_role(role, name=name, exact=True).click())


def log_out(page, follow):
    return follow(lambda: page.get_by_role("button", name="Log out").click())


def test_staff_set_up_a_round_with_two_area_pots(demo, visit, follow):
    page = log_in(visit("/accounts/login/"), follow, "sam.worker")
    page = visit(f"/grants/organisations/{DEMO_ORGANISATION}/funds/")
    click(page, follow, "link", "Start a new round (Youth Bank)")
    page.get_by_label("Name of the round").fill("Autumn 2027")
    page.get_by_label("What it funds").fill("Activities young people lead.")
    page.get_by_label("Who can apply").fill("Groups in North West or North East.")
    page.get_by_label("Day it opens").fill("2027-09-01")
    page.get_by_label("Last day to apply").fill("2027-10-01")
    click(page, follow, "button", "Save the round")
    expect(page.locator("main")).to_contain_text("Add a pot of money for at least one area.")

    click(page, follow, "link", "Pots for each area")
    for area in ("North West", "North East"):
        page.get_by_label("Area").select_option(label=area)
        page.get_by_label("Money in the pot, in pounds").fill("15,000")
        page.get_by_label("Smallest grant, in pounds").fill("100")
        page.get_by_label("Largest grant, in pounds").fill("2500")
        click(page, follow, "button", "Save the pot")
        expect(page.get_by_role("status")).to_contain_text(f"Saved the pot for {area}.")
    expect(page.locator("main")).to_contain_text("North East: £15,000, grants from £100 to £2,500")

    click(page, follow, "link", "Back to the round")
    click(page, follow, "link", "Criteria")
    page.get_by_label("Title").fill("Led by young people")
    page.get_by_label("What it means, in plain words").fill("Young people make the decisions.")
    page.get_by_label("How much it counts").select_option("3")
    click(page, follow, "button", "Add it")
    criteria_page = page.url
    log_out(page, follow)

    # A young panel member adds a criterion of their own, on a phone.
    page = log_in(visit("/accounts/login/"), follow, "jay")
    page.set_viewport_size({"width": 360, "height": 740})
    page = visit(criteria_page)
    page.get_by_label("Title").fill("Fun for young people")
    page.get_by_label("What it means, in plain words").fill("Young people will enjoy it.")
    click(page, follow, "button", "Add it")
    expect(page.locator("main")).to_contain_text("Fun for young people")
    log_out(page, follow)

    page = log_in(visit("/accounts/login/"), follow, "sam.worker")
    page.set_viewport_size({"width": 1280, "height": 800})
    page = visit(criteria_page)
    click(page, follow, "link", "Back to the round")
    click(page, follow, "button", "Move on to: Open for applications")
    expect(page.get_by_role("status")).to_contain_text(
        "The round is now at: Open for applications."
    )
    assert Round.objects.get(name="Autumn 2027").phase == "open"


def test_a_group_finishes_its_draft_on_a_phone_and_staff_check_it(demo, visit, follow, tmp_path):
    page = visit("/accounts/login/")
    page.set_viewport_size({"width": 375, "height": 740})
    page = log_in(page, follow, "dunmore.gardeners")
    page = visit("/grants/applications/")
    expect(page.locator("main")).to_contain_text("Not sent yet")
    click(page, follow, "link", "Carry on with it (Dunmore Street Gardeners)")

    # What was saved last time is still there.
    expect(page.get_by_label("Your group's name")).to_have_value("Dunmore Street Gardeners")
    page.get_by_label("How do young people lead it?").fill("Young people choose what to grow.")
    page.get_by_label("How many young people take part?").fill("15")
    page.get_by_label("13 to 15").check()
    page.get_by_label("Public summary").fill(
        "Young people on Dunmore Street will design, plant and look after a vegetable patch, "
        "learn to grow food, and share what they grow with neighbours at a harvest lunch "
        "they plan and cook themselves."
    )
    page.get_by_label("How will you tell young people in your area about it?").fill("Posters.")
    click(page, follow, "button", "Save and come back later")
    expect(page.get_by_role("status")).to_contain_text("Saved.")

    # Files: a web page renamed quote.pdf is refused for what is inside it; a real PDF is taken.
    fake = tmp_path / "quote.pdf"
    fake.write_bytes(b"<!doctype html><html><body><script>alert(1)</script></body></html>")
    real = tmp_path / "real quote.pdf"
    real.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    click(page, follow, "link", "Add or take off files")
    page.get_by_label("Choose a file").set_input_files(str(fake))
    click(page, follow, "button", "Add the file")
    expect(page.locator("#error-summary")).to_contain_text("We can't take this kind of file.")
    page.get_by_label("Choose a file").set_input_files(str(real))
    click(page, follow, "button", "Add the file")
    expect(page.get_by_role("status")).to_contain_text("Added real quote.pdf.")
    click(page, follow, "link", "Check your answers")

    # The costs don't add up yet: the check page says so in plain words.
    expect(page.locator("main")).to_contain_text("The costs add up to £300 but you asked for £800")
    click(page, follow, "link", "Change your answers")
    page.locator("#id_item_1").fill("Tools")
    page.locator("#id_cost_1").fill("500")
    click(page, follow, "button", "Save and check your answers")
    expect(page.locator("main")).not_to_contain_text("Before you can send it")
    click(page, follow, "button", "Send the application")
    expect(page.get_by_role("status")).to_contain_text("Sent. Thank you!")
    expect(page.locator("main")).to_contain_text("staff check that it can go to the panel")
    log_out(page, follow)

    page = log_in(visit("/accounts/login/"), follow, "sam.worker")
    round = Round.objects.get(name="Spring 2027")
    page = visit(f"/grants/rounds/{round.pk}/screening/")
    click(page, follow, "link", "Check Dunmore Street Gardeners")
    page.get_by_label("No, it can't").check()
    click(page, follow, "button", "Save")
    expect(page.locator("#error-summary")).to_contain_text("Say why")
    page.get_by_label("Why not? (the group will see this)").fill(
        "Your street is outside our areas."
    )
    click(page, follow, "button", "Save")
    expect(page.get_by_role("status")).to_contain_text("Saved. The group will get an email.")
    assert (
        Application.objects.get(
            group_name="Dunmore Street Gardeners", round__name="Spring 2027"
        ).status
        == "not-eligible"
    )


def test_a_second_group_applies_from_scratch_on_a_phone(demo, visit, follow, watcher):
    page = visit("/accounts/login/")
    page.set_viewport_size({"width": 320, "height": 640})
    page = log_in(page, follow, "canal.youth")
    round = Round.objects.get(name="Spring 2027")
    page = visit(f"/grants/rounds/{round.pk}/")
    click(page, follow, "link", "Start an application")
    page.get_by_label("Your group's name").fill("Canal Side Climbers")
    page.get_by_label("About your group").fill("Young climbers who meet at the canal wall.")
    page.get_by_role("group", name="Which area is your group in?").get_by_label(
        re.compile("North West")
    ).check()
    page.get_by_label("What is the activity?").fill("Climbing taster days for beginners.")
    page.get_by_label("How do young people lead it?").fill("Young climbers plan every day.")
    page.get_by_label("How many young people take part?").fill("12")
    page.get_by_label("16 to 17").check()
    page.get_by_label("Public summary").fill(
        "Young climbers at the canal will run four free taster days for beginners, choosing "
        "the routes, teaching the knots and looking after safety with a qualified instructor "
        "they pick themselves."
    )
    page.get_by_label("How much are you asking for, in pounds?").fill("400")
    page.locator("#id_item_0").fill("Instructor for four days")
    page.locator("#id_cost_0").fill("400")
    page.get_by_label("How will you tell young people in your area about it?").fill("Flyers.")
    click(page, follow, "button", "Save and check your answers")
    expect(page.locator("main")).not_to_contain_text("Before you can send it")
    # A double click sends it once. (The browser drops the first request's page for the
    # second's, so wait for where it ends rather than for one navigation.)
    page.get_by_role("button", name="Send the application", exact=True).dblclick()
    page.wait_for_url(re.compile(r"/grants/applications/\d+/$"))
    page.wait_for_load_state()
    watcher.check()
    expect(page.get_by_role("status")).to_contain_text("Sent. Thank you!")
    assert Application.objects.filter(group_name="Canal Side Climbers").count() == 1
    assert Application.objects.get(group_name="Canal Side Climbers").status == "submitted"
