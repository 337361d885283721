"""`organisation_set_up`: a real site's first organisation and its admin."""

import io

import pytest
from django.core.management import CommandError, call_command

from thegither.accounts.models import AgeBand, Membership, Organisation, Role, User
from thegither.accounts.services import organisation_set_up
from thegither.accounts.tests import factories
from thegither.core.models import AuditEvent
from thegither.core.refusals import Refusal, Refused

pytestmark = pytest.mark.django_db

GOOD = {
    "name": "Govan Young People's Network",
    "username": "aileen",
    "display_name": "Aileen",
    "email": "aileen@example.org",
    "password": "heron-on-the-clyde-42",
}


def test_set_up_makes_the_organisation_and_its_admin():
    organisation, admin = organisation_set_up(**GOOD)

    assert organisation.slug == "govan-young-peoples-network"
    assert admin.check_password(GOOD["password"])
    assert not admin.is_superuser
    assert Membership.objects.get(user=admin).role == Role.ORGANISATION_ADMIN
    [event] = AuditEvent.objects.filter(action="organisation.set_up")
    assert event.details == {"admin": admin.pk, "site_admin": False}


def test_set_up_without_a_password_leaves_one_to_choose_by_link():
    _organisation, admin = organisation_set_up(**(GOOD | {"password": None}), site_admin=True)

    assert not admin.has_usable_password()
    assert admin.is_superuser


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "x" * 121}, "name"),
        ({"name": "!!!"}, "slug"),
        ({"age_band": AgeBand.FROM_16_TO_17}, "age_band"),
        ({"username": ""}, "username"),
        ({"email": "not an email"}, "email"),
        ({"password": "12345678"}, "password"),
    ],
)
def test_set_up_refuses_bad_details_and_saves_nothing(change, field):
    with pytest.raises(Refused) as caught:
        organisation_set_up(**(GOOD | change))

    assert caught.value.kind == Refusal.INVALID
    assert field in caught.value.message_dict
    assert not Organisation.objects.exists()
    assert not User.objects.exists()


def test_set_up_refuses_a_short_name_or_username_already_taken():
    factories.organisation_make(slug="govan-young-peoples-network")
    factories.user_make(username="AILEEN")

    with pytest.raises(Refused) as caught:
        organisation_set_up(**GOOD)

    assert set(caught.value.message_dict) == {"slug", "username"}


def test_setup_command_prints_a_one_time_link():
    out = io.StringIO()
    call_command(
        "setup",
        "--organisation",
        "Govan",
        "--username",
        "aileen",
        "--name",
        "Aileen",
        "--link",
        "--site-url",
        "https://thegither.example.org/",
        stdout=out,
    )

    assert "https://thegither.example.org/accounts/password-reset/" in out.getvalue()


def test_setup_command_says_what_was_wrong():
    with pytest.raises(CommandError, match="Nothing was saved"):
        call_command("setup", "--organisation", "", "--username", "a", "--name", "A", "--link")
