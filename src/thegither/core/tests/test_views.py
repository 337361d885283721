"""The public pages: home, privacy notice and accessibility statement."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("name", ["core:home", "core:privacy", "core:accessibility"])
def test_public_page_opens_for_anyone(client, name):
    response = client.get(reverse(name))

    assert response.status_code == 200
    html = response.content.decode()
    assert '<a class="skip-link" href="#main">Skip to main content</a>' in html
    assert '<main class="page-width main" id="main" tabindex="-1">' in html
    assert 'role="status" aria-live="polite"' in html
    assert reverse("core:privacy") in html
    assert reverse("core:accessibility") in html


def test_home_page_says_what_each_part_is_for(client):
    html = client.get(reverse("core:home")).content.decode()

    for part in ("Youth Bank", "Live workshops", "Meeting cards", "Bid for a Fiver", "Planner"):
        assert part in html
    assert f'href="{reverse("accounts:login")}"' in html


def test_privacy_notice_names_what_is_kept_and_what_never_happens(client):
    html = client.get(reverse("core:privacy")).content.decode()

    assert "never ask for your birthday" in html
    assert "No adverts." in html
    assert "No private messages." in html
    assert "parent or carer" in html
    assert 'id="deleting"' in html


def test_accessibility_statement_names_the_standard_and_how_to_report(client):
    html = client.get(reverse("core:accessibility")).content.decode()

    assert "2.2 at level AA" in html
    assert "axe-core" in html
    assert 'id="report"' in html


def test_logged_out_header_offers_log_in(client):
    html = client.get(reverse("core:home")).content.decode()

    assert "Log in" in html
    assert reverse("accounts:logout") not in html


def test_logged_in_header_offers_log_out_as_a_form_button(client, django_user_model):
    user = django_user_model.objects.create_user(
        "robin", "a-long-test-password", display_name="Robin", age_band="16-17"
    )
    client.force_login(user)

    html = client.get(reverse("core:home")).content.decode()

    assert f'method="post" action="{reverse("accounts:logout")}"' in html
    assert '<button class="site-nav__button" type="submit">Log out</button>' in html
    assert "Logged in as Robin" in html


def test_pages_have_no_inline_script_style_or_event_handlers(client):
    for name in ("core:home", "core:privacy", "core:accessibility"):
        html = client.get(reverse(name)).content.decode().lower()
        assert "<style" not in html
        assert " style=" not in html
        assert not re.search(r"\son[a-z]+\s*=", html), "no onclick= and the like"
        for chunk in html.split("<script")[1:]:
            assert chunk.lstrip().startswith("src="), "every script must come from a file"


def test_log_in_page_shows_the_platform_name_not_the_web_address(client):
    response = client.get("/accounts/login/")

    assert '<span class="site-header__name">Thegither</span>' in response.content.decode()
