"""Decision pages: the chair's meeting, voting on a phone, changing an award, staff watching."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from thegither.accounts.models import Role
from thegither.accounts.tests import factories
from thegither.grants import services
from thegither.grants.models import ApplicationStatus, Award, AwardStatus, Vote
from thegither.grants.tests.deciding_helpers import deciding_make, meeting_with_everyone, vote
from thegither.grants.tests.factories import application_make


@pytest.fixture
def deciding(organisation):
    return deciding_make(organisation, knows={2: [2]})


def _url(name, pk):
    return reverse(f"grants:{name}", args=[pk])


def test_the_chair_opens_the_meeting_marks_who_is_here_and_works_out_the_money(client, deciding):
    client.force_login(deciding.chair)
    page = client.get(_url("meeting", deciding.round.pk))
    assert "Open the meeting" in page.text
    client.post(_url("meeting-open", deciding.round.pk))
    members = list(deciding.round.panel_members.values_list("pk", flat=True))
    response = client.post(
        _url("meeting-attendance", deciding.round.pk), {"present": [str(pk) for pk in members]}
    )
    assert response.status_code == 302
    vote(deciding, {0: [0], 1: [0]})
    client.post(_url("meeting-propose", deciding.round.pk))
    page = client.get(_url("meeting", deciding.round.pk))
    assert "3 here; 2 needed to decide." in page.text
    assert "Pot of £2,000: £1,000 given, £1,000 left." in page.text
    assert "Nobody voted for it." in page.text
    client.post(_url("meeting-confirm", deciding.round.pk))
    assert deciding.round.meeting.__class__.objects.get().is_final


def test_staff_see_the_meeting_but_cannot_open_it_or_vote(client, deciding):
    client.force_login(deciding.staff)
    page = client.get(_url("meeting", deciding.round.pk))
    assert page.status_code == 200
    assert "Open the meeting" not in page.text
    assert client.post(_url("meeting-open", deciding.round.pk)).status_code == 403
    meeting_with_everyone(deciding)
    assert client.get(_url("vote", deciding.round.pk)).status_code == 404
    response = client.post(_url("vote-set", deciding.applications[0].pk), {"supports": "yes"})
    assert response.status_code == 403
    assert not Vote.objects.exists()


def test_a_member_votes_on_a_phone_and_sees_where_they_stepped_out(client, deciding):
    meeting_with_everyone(deciding)
    client.force_login(deciding.members[2])
    page = client.get(_url("vote", deciding.round.pk))
    assert page.text.count("I support this") == 2
    assert "You stepped out" in page.text
    response = client.post(_url("vote-set", deciding.applications[0].pk), {"supports": "yes"})
    assert response.status_code == 302
    assert Vote.objects.get().application == deciding.applications[0]
    assert "Take back my vote" in client.get(_url("vote", deciding.round.pk)).text
    # The application they know: refused, however the form is sent.
    response = client.post(_url("vote-set", deciding.applications[2].pk), {"supports": "yes"})
    assert response.status_code == 403
    assert Vote.objects.count() == 1


def test_the_panel_gives_part_of_the_money_with_a_condition(client, deciding):
    meeting = meeting_with_everyone(deciding)
    vote(deciding, {0: [0, 1], 1: [0, 1]})
    services.allocation_propose(meeting=meeting, by=deciding.chair)
    award = Award.objects.get(application=deciding.applications[0])
    client.force_login(deciding.chair)
    assert client.get(_url("award-change", award.pk)).status_code == 200
    response = client.post(_url("award-change", award.pk), {"choice": "partial", "amount": "600"})
    assert response.status_code == 400
    assert "Say what the group must do" in response.text
    response = client.post(
        _url("award-change", award.pk),
        {"choice": "partial", "amount": "600", "condition": "Find a cheaper hall."},
    )
    assert response.status_code == 302
    award.refresh_from_db()
    assert (award.status, award.amount_pence) == (AwardStatus.PARTIAL, 60_000)


def test_a_member_who_is_not_the_chair_cannot_change_an_award(client, deciding):
    meeting = meeting_with_everyone(deciding)
    services.allocation_propose(meeting=meeting, by=deciding.chair)
    award = Award.objects.first()
    client.force_login(deciding.members[1])
    assert client.get(_url("award-change", award.pk)).status_code == 403


def test_the_chair_settles_a_tie_with_a_casting_vote(client, deciding):
    deciding.pot.amount_pence = deciding.pot.max_grant_pence = 100_000
    deciding.pot.save()
    meeting = meeting_with_everyone(deciding)
    vote(deciding, {1: [0, 1]})
    (allocation,) = services.allocation_propose(meeting=meeting, by=deciding.chair)
    client.force_login(deciding.chair)
    assert "There's a tie" in client.get(_url("meeting", deciding.round.pk)).text
    client.post(_url("casting-vote", allocation.pk), {"application": deciding.applications[1].pk})
    assert "There's a tie" not in client.get(_url("meeting", deciding.round.pk)).text
    assert Award.objects.get(application=deciding.applications[1]).status == AwardStatus.PROPOSED


def test_staff_set_how_the_panel_decides(client, deciding):
    client.force_login(deciding.staff)
    response = client.post(
        _url("decision-rules", deciding.round.pk),
        {"decision_method": "scores", "allocation_rule": "greedy", "quorum_percent": "60"},
    )
    assert response.status_code == 302
    deciding.round.refresh_from_db()
    assert deciding.round.decision_method == "scores"


def test_someone_from_another_organisation_cannot_see_the_meeting(client, deciding):
    client.force_login(factories.member_make(factories.organisation_make(), Role.STAFF))
    assert client.get(_url("meeting", deciding.round.pk)).status_code == 403


@pytest.mark.parametrize("page", ["meeting", "vote"])
def test_the_decision_pages_run_the_same_queries_for_more_applications(client, deciding, page):
    meeting = meeting_with_everyone(deciding)
    vote(deciding, {0: [0], 1: [0, 1]})
    services.allocation_propose(meeting=meeting, by=deciding.chair)
    client.force_login(deciding.chair)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(_url(page, deciding.round.pk)).status_code == 200
        return len(queries)

    few = count()
    contact = factories.member_make(deciding.round.organisation, Role.APPLICANT_CONTACT)
    for _ in range(5):
        application_make(deciding.round, contact, status=ApplicationStatus.ELIGIBLE)
    services.allocation_propose(meeting=meeting, by=deciding.chair)
    assert count() == few


def test_a_members_dashboard_links_to_the_meeting_once_the_round_is_deciding(client, deciding):
    client.force_login(deciding.members[1])
    page = client.get(reverse("accounts:dashboard")).text
    assert f"Decision meeting: {deciding.round.name}" in page
    assert _url("meeting", deciding.round.pk) in page
    assert _url("to-read", deciding.round.pk) not in page
