"""The panel pages: staff choose the panel and chair; members say who they know."""

import re

import pytest
from django.urls import reverse

from thegither.accounts.models import Role
from thegither.accounts.tests import factories
from thegither.grants import services
from thegither.grants.models import ApplicationStatus, ConflictDeclaration, PanelMember, RoundPhase
from thegither.grants.tests.factories import application_make, round_make

pytestmark = pytest.mark.django_db


@pytest.fixture
def assessing_round(organisation):
    return round_make(organisation, phase=RoundPhase.ASSESSMENT)


@pytest.fixture
def eligible(assessing_round, applicant):
    return application_make(assessing_round, applicant, status=ApplicationStatus.ELIGIBLE)


@pytest.fixture
def member(assessing_round, panel_member, staff):
    return services.panel_member_add(round=assessing_round, person=panel_member, by=staff)


def test_the_round_set_up_page_links_to_the_panel(client, staff, assessing_round):
    client.force_login(staff)
    response = client.get(reverse("grants:round-setup", args=[assessing_round.pk]))
    assert reverse("grants:panel", args=[assessing_round.pk]) in response.content.decode()


def test_staff_add_a_panel_member_from_the_page(client, staff, assessing_round, panel_member):
    client.force_login(staff)
    url = reverse("grants:panel", args=[assessing_round.pk])
    assert str(panel_member) in client.get(url).content.decode()
    response = client.post(url, {"person": panel_member.pk})
    assert response.status_code == 302
    assert PanelMember.objects.filter(round=assessing_round, user=panel_member).exists()


def test_adding_someone_not_on_the_list_shows_an_error(client, staff, assessing_round, applicant):
    client.force_login(staff)
    response = client.post(
        reverse("grants:panel", args=[assessing_round.pk]), {"person": applicant.pk}
    )
    assert response.status_code == 200
    assert "Choose someone from the list." in response.content.decode()
    assert not PanelMember.objects.exists()


def test_adding_an_under_13_without_a_yes_shows_the_reason(
    client, organisation, staff, assessing_round
):
    child = factories.child_make(organisation)
    client.force_login(staff)
    response = client.post(reverse("grants:panel", args=[assessing_round.pk]), {"person": child.pk})
    assert response.status_code == 200
    assert "grown-up" in response.content.decode()


def test_a_panel_member_cannot_open_the_panel_page(client, panel_member, assessing_round):
    client.force_login(panel_member)
    assert client.get(reverse("grants:panel", args=[assessing_round.pk])).status_code == 403


def test_staff_choose_the_chair_and_remove_a_member(client, staff, member):
    client.force_login(staff)
    response = client.post(reverse("grants:panel-chair", args=[member.pk]))
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.is_chair
    client.post(reverse("grants:panel-member-remove", args=[member.pk]))
    assert not PanelMember.objects.exists()


def test_staff_of_another_organisation_cannot_choose_the_chair(client, outsider, member):
    client.force_login(outsider)
    assert client.post(reverse("grants:panel-chair", args=[member.pk])).status_code == 403
    assert client.post(reverse("grants:panel-member-remove", args=[member.pk])).status_code == 403


def test_a_member_sees_applications_to_read_and_declares_no_conflict(
    client, panel_member, member, eligible
):
    client.force_login(panel_member)
    page = client.get(reverse("grants:to-read", args=[eligible.round_id])).content.decode()
    assert str(eligible) in page
    prefix = f"a{eligible.pk}"
    response = client.post(
        reverse("grants:declare", args=[eligible.pk]), {f"{prefix}-knows_group": "no"}
    )
    assert response.status_code == 302
    assert not ConflictDeclaration.objects.get().has_conflict


def test_a_conflict_without_a_reason_keeps_what_was_chosen(client, panel_member, member, eligible):
    client.force_login(panel_member)
    prefix = f"a{eligible.pk}"
    response = client.post(
        reverse("grants:declare", args=[eligible.pk]), {f"{prefix}-knows_group": "yes"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Say in a few words how you know this group." in page
    assert re.search(r'value="yes"[^>]*checked', page)
    assert not ConflictDeclaration.objects.exists()


def test_a_member_declares_a_conflict_with_a_reason(client, panel_member, member, eligible):
    client.force_login(panel_member)
    prefix = f"a{eligible.pk}"
    client.post(
        reverse("grants:declare", args=[eligible.pk]),
        {f"{prefix}-knows_group": "yes", f"{prefix}-reason": "My brother runs it."},
    )
    page = client.get(reverse("grants:to-read", args=[eligible.round_id])).content.decode()
    assert "You know this group: you step out" in page


def test_staff_cannot_open_the_list_to_read_or_declare(client, staff, eligible):
    client.force_login(staff)
    assert client.get(reverse("grants:to-read", args=[eligible.round_id])).status_code == 403
    assert client.get(reverse("grants:declare", args=[eligible.pk])).status_code == 403


def test_a_member_of_another_round_cannot_declare(client, organisation, staff, eligible):
    person = factories.member_make(organisation, Role.PANEL_MEMBER)
    other = round_make(organisation, phase=RoundPhase.ASSESSMENT)
    services.panel_member_add(round=other, person=person, by=staff)
    client.force_login(person)
    assert client.get(reverse("grants:to-read", args=[eligible.round_id])).status_code == 403
    assert client.post(reverse("grants:declare", args=[eligible.pk])).status_code == 403


def test_a_members_dashboard_links_to_applications_to_read(client, panel_member, member):
    client.force_login(panel_member)
    page = client.get(reverse("accounts:dashboard")).content.decode()
    assert reverse("grants:to-read", args=[member.round_id]) in page


def _queries_for_to_read(client, round) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("grants:to-read", args=[round.pk])).status_code == 200
    return len(captured)


def test_applications_to_read_runs_the_same_queries_for_more_rows(
    client, panel_member, member, assessing_round, applicant
):
    client.force_login(panel_member)
    application_make(assessing_round, applicant, status=ApplicationStatus.ELIGIBLE)
    one = _queries_for_to_read(client, assessing_round)
    for _ in range(3):
        application = application_make(
            assessing_round, applicant, status=ApplicationStatus.ELIGIBLE
        )
        services.conflict_declare(application=application, has_conflict=False, by=panel_member)
    assert _queries_for_to_read(client, assessing_round) == one
