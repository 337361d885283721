import pytest

from thegither.accounts.models import Role
from thegither.accounts.tests import factories
from thegither.grants import services
from thegither.grants.models import ApplicationStatus, Criterion, RoundPhase
from thegither.grants.tests.factories import application_make, round_make


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


# Scoring: a round at its scoring step with two criteria (counting once and three times).


@pytest.fixture
def scoring_round(organisation):
    round = round_make(organisation, phase=RoundPhase.ASSESSMENT)
    Criterion.objects.create(
        round=round, title="Good for the area", meaning="It helps people.", weight=3, position=1
    )
    return round


@pytest.fixture
def criteria(scoring_round):
    return list(scoring_round.criteria.order_by("position", "pk"))


@pytest.fixture
def eligible(scoring_round, applicant):
    return application_make(scoring_round, applicant, status=ApplicationStatus.ELIGIBLE)


@pytest.fixture
def members(organisation, scoring_round, staff):
    """Three young panel members on the round, in the order they were added."""
    people = [
        factories.member_make(organisation, Role.PANEL_MEMBER, email=f"member{n}@example.org")
        for n in range(3)
    ]
    for person in people:
        services.panel_member_add(round=scoring_round, person=person, by=staff)
    return people
