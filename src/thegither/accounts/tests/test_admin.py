"""The admin is for looking: it cannot be used to get round the rules of the pages."""

import pytest
from django.urls import reverse

from thegither.accounts.models import AgeBand, Membership, Role, User
from thegither.accounts.tests import factories
from thegither.core.models import AuditEvent


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


def test_a_site_admin_cannot_make_a_young_person_an_organisation_admin_here(
    admin_client, organisation
):
    young = factories.user_make(age_band=AgeBand.FROM_13_TO_15)

    response = admin_client.post(
        reverse("admin:accounts_membership_add"),
        {"user": young.pk, "organisation": organisation.pk, "role": Role.ORGANISATION_ADMIN},
    )

    assert response.status_code == 403
    assert not Membership.objects.filter(user=young).exists()
    [event] = AuditEvent.objects.filter(action="admin.change_refused")
    assert event.details == {"model": "accounts.membership", "object": ""}


def test_age_bands_and_admin_flags_cannot_be_edited_here(admin_client, panel_member):
    url = reverse("admin:accounts_user_change", args=[panel_member.pk])

    page = admin_client.get(url)
    response = admin_client.post(
        url,
        {
            "username": panel_member.username,
            "display_name": "Changed",
            "age_band": AgeBand.OVER_25,
            "is_staff": "on",
            "is_superuser": "on",
        },
    )

    assert page.status_code == 200
    assert b'name="age_band"' not in page.content
    assert response.status_code == 403
    panel_member.refresh_from_db()
    assert (panel_member.age_band, panel_member.is_superuser) == (AgeBand.FROM_18_TO_25, False)
    assert AuditEvent.objects.filter(action="admin.change_refused").count() == 1


@pytest.mark.parametrize(
    "name", ["accounts_user", "accounts_membership", "accounts_invitation", "accounts_organisation"]
)
def test_nothing_is_added_or_deleted_here(admin_client, organisation, staff, name):
    obj = {
        "accounts_user": staff,
        "accounts_membership": Membership.objects.get(user=staff),
        "accounts_organisation": organisation,
    }.get(name)
    assert admin_client.get(reverse(f"admin:{name}_add")).status_code == 403
    if obj is not None:
        delete = reverse(f"admin:{name}_delete", args=[obj.pk])
        assert admin_client.post(delete, {"post": "yes"}).status_code == 403
        assert type(obj).objects.filter(pk=obj.pk).exists()


def test_site_staff_without_being_a_site_admin_cannot_open_the_admin(client, db):
    client.force_login(factories.user_make(is_staff=True))

    response = client.get(reverse("admin:accounts_user_changelist"))

    assert response.status_code == 302
    assert User.objects.count() == 1
