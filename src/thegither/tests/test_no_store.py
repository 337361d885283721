"""Pages with children's details, and log-in pages, are never stored by any cache."""

import pytest
from django.urls import reverse

from thegither.accounts.models import Role
from thegither.accounts.tests import factories

pytestmark = pytest.mark.django_db


def no_store(response) -> bool:
    return "no-store" in response.get("Cache-Control", "")


def test_pages_showing_childrens_details_are_not_stored(client):
    organisation = factories.organisation_make()
    factories.child_make(organisation)
    client.force_login(factories.member_make(organisation, Role.STAFF))

    for url in (
        reverse("accounts:people", args=[organisation.slug]),
        reverse("accounts:dashboard"),
    ):
        response = client.get(url)
        assert response.status_code == 200
        assert no_store(response), url
        assert "private" in response["Cache-Control"]


@pytest.mark.parametrize(
    "name", ["accounts:login", "accounts:reset-code", "accounts:password-reset-confirm"]
)
def test_log_in_and_password_pages_are_not_stored(client, name):
    kwargs = {"uidb64": "MQ", "token": "set-password"} if "confirm" in name else {}
    assert no_store(client.get(reverse(name, kwargs=kwargs)))


def test_a_public_page_can_still_be_cached(client):
    organisation = factories.organisation_make()
    client.force_login(factories.member_make(organisation, Role.STAFF))

    response = client.get(reverse("accounts:theme-css", args=[organisation.slug]))

    assert response["Cache-Control"] == "max-age=300, public"
