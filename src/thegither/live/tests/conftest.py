import pytest

from thegither.accounts.models import Role
from thegither.accounts.tests import factories
from thegither.live import services


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
def outsider(db):
    """Staff in a different organisation."""
    return factories.member_make(factories.organisation_make(), Role.STAFF)


@pytest.fixture
def session(organisation, staff):
    return services.session_create(organisation=organisation, title="Test workshop", by=staff)


@pytest.fixture
def running(session, staff):
    """A started session with a yes/no question, open for answers."""
    services.activity_add(session=session, kind="yes-no", prompt="Is it fair?", by=staff)
    services.session_control(session=session, action="start", by=staff)
    services.session_control(session=session, action="open", by=staff)
    session.refresh_from_db()
    return session


@pytest.fixture
def phone(running):
    return services.session_join(session=running, token="a-phone-token-1234567890").participant
