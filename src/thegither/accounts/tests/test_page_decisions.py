"""Pages show exactly what the permission functions decide, row by row."""

import pytest
from django.urls import reverse

from thegither.accounts.models import Membership, Role
from thegither.accounts.tests import factories

pytestmark = pytest.mark.django_db


def test_a_child_in_two_organisations_gets_no_yes_button_from_staff_of_one(
    client, organisation, staff
):
    child = factories.child_make(organisation, display_name="Milo")
    Membership.objects.create(
        user=child, organisation=factories.organisation_make(), role=Role.PANEL_MEMBER
    )
    client.force_login(staff)

    html = client.get(reverse("accounts:people", args=[organisation.slug])).content.decode()

    assert "A grown-up said yes for Milo" not in html
    assert "New-password code for Milo" not in html
    assert "takes part somewhere you don&#x27;t look after" in html


def test_staff_are_offered_the_yes_button_and_codes_for_their_own_young_people(
    client, organisation, staff
):
    factories.child_make(organisation, display_name="Milo")
    client.force_login(staff)

    html = client.get(reverse("accounts:people", args=[organisation.slug])).content.decode()

    assert "A grown-up said yes for Milo" in html
    assert "New-password code for Milo" in html
    assert 'name="role"' not in html  # only organisation admins change roles


def test_the_admin_site_link_is_only_for_site_administrators(client, superuser):
    site_staff = factories.user_make(is_staff=True)
    client.force_login(site_staff)
    assert "Admin site" not in client.get(reverse("accounts:dashboard")).content.decode()

    client.force_login(superuser)
    assert "Admin site" in client.get(reverse("accounts:dashboard")).content.decode()


def test_the_dashboard_offers_staff_what_staff_may_do(client, organisation, staff):
    client.force_login(staff)

    html = client.get(reverse("accounts:dashboard")).content.decode()

    assert "See your people" in html
    assert "Invite someone" in html
    assert "Two-step log-in for staff" not in html
