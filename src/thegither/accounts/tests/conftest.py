import pytest

from thegither.accounts.models import Role
from thegither.accounts.tests import factories


@pytest.fixture
def organisation(db):
    return factories.organisation_make()


@pytest.fixture
def org_admin(organisation):
    return factories.member_make(organisation, Role.ORGANISATION_ADMIN)


@pytest.fixture
def staff(organisation):
    return factories.member_make(organisation, Role.STAFF)


@pytest.fixture
def panel_member(organisation):
    return factories.member_make(organisation, Role.PANEL_MEMBER)


@pytest.fixture
def applicant(organisation):
    return factories.member_make(organisation, Role.APPLICANT_CONTACT)


@pytest.fixture
def child(organisation):
    return factories.child_make(organisation)


@pytest.fixture
def outsider(db):
    """Staff in a different organisation."""
    return factories.member_make(factories.organisation_make(), Role.STAFF)


@pytest.fixture
def superuser(db):
    return factories.superuser_make()
