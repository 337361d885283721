import pytest

from thegither.accounts.models import Role
from thegither.accounts.tests import factories
from thegither.grants.tests.factories import round_make


@pytest.fixture
def organisation(db):
    return factories.organisation_make()


@pytest.fixture
def staff(organisation):
    return factories.member_make(organisation, Role.STAFF)


@pytest.fixture
def panel_member(organisation):
    return factories.member_make(organisation, Role.PANEL_MEMBER)


@pytest.fixture
def applicant(organisation):
    return factories.member_make(organisation, Role.APPLICANT_CONTACT, email="group@example.org")


@pytest.fixture
def other_applicant(organisation):
    return factories.member_make(organisation, Role.APPLICANT_CONTACT)


@pytest.fixture
def outsider(db):
    """Staff in a different organisation."""
    return factories.member_make(factories.organisation_make(), Role.STAFF)


@pytest.fixture
def open_round(organisation):
    return round_make(organisation)


@pytest.fixture
def draft_round(organisation):
    from thegither.grants.models import RoundPhase

    return round_make(organisation, phase=RoundPhase.DRAFT)
