import pytest

from thegither.accounts.models import Organisation, Role
from thegither.accounts.tests import factories
from thegither.stories.tests.factories import week_make


@pytest.fixture
def network(db):
    return factories.organisation_make(kind=Organisation.Kind.NETWORK)


@pytest.fixture
def staff(network):
    return factories.member_make(network, Role.STAFF, email="staff@example.org")


@pytest.fixture
def outsider(db):
    """Staff of another organisation."""
    return factories.member_make(factories.organisation_make(), Role.STAFF)


@pytest.fixture
def young_person(network):
    return factories.member_make(network, Role.PANEL_MEMBER)


@pytest.fixture
def week(network, staff):
    return week_make(network, staff)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT
