"""Scoring pages: score on a phone with save and next, who has finished, the review, the admin."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from thegither.accounts.models import Role
from thegither.accounts.tests import factories
from thegither.grants import services
from thegither.grants.models import ApplicationStatus, Assessment, RoundPhase
from thegither.grants.tests.factories import application_make
from thegither.grants.tests.scoring_helpers import declare, score


def _score_url(application):
    return reverse("grants:score", args=[application.pk])


def _form(criteria, values, comment="", then="next", notes=""):
    data = {"then": then, "notes": notes}
    for criterion, value in zip(criteria, values, strict=True):
        data[f"score_{criterion.pk}"] = value
        data[f"comment_{criterion.pk}"] = comment
    return data


@pytest.fixture
def two_to_score(members, eligible, scoring_round, applicant):
    second = application_make(scoring_round, applicant, status=ApplicationStatus.ELIGIBLE)
    for application in (eligible, second):
        declare(application, members[0])
    return sorted([eligible, second], key=lambda a: (a.group_name, a.pk))


def test_the_score_page_shows_the_groups_answers_the_criteria_and_progress(
    client, members, two_to_score
):
    client.force_login(members[0])
    page = client.get(_score_url(two_to_score[0])).content.decode()
    assert two_to_score[0].activity in page
    assert "Good for the area" in page
    assert "counts 3 times" in page
    assert "0 of 2 scored" in page
    assert "Save and next" in page


def test_save_and_next_goes_to_the_next_application_then_back_to_the_list(
    client, members, two_to_score, criteria
):
    client.force_login(members[0])
    first, second = two_to_score
    response = client.post(_score_url(first), _form(criteria, ["4", "5"], "Strong plan."))
    assert response.status_code == 302
    assert response.url == _score_url(second)
    assert Assessment.objects.get(application=first).is_finished
    assert "1 of 2 scored" in client.get(response.url).content.decode()
    response = client.post(_score_url(second), _form(criteria, ["2", "3"]))
    assert response.url == reverse("grants:to-read", args=[first.round_id])
    page = client.get(response.url).content.decode()
    assert "scored everything you can. Thank you!" in page
    assert "2 of 2 scored" in page


def test_save_stays_on_the_page_and_keeps_what_was_chosen(client, members, two_to_score, criteria):
    client.force_login(members[0])
    first = two_to_score[0]
    response = client.post(
        _score_url(first), _form(criteria, ["4", ""], then="stay", notes="Visited.")
    )
    assert response.url == _score_url(first)
    page = client.get(_score_url(first)).content.decode()
    assert re.search(r'value="4"[^>]*checked', page)
    assert "Visited." in page
    assert not Assessment.objects.get(application=first).is_finished


def test_a_bad_score_keeps_everything_typed(client, members, two_to_score, criteria):
    client.force_login(members[0])
    response = client.post(_score_url(two_to_score[0]), _form(criteria, ["9", "3"], "Keep me"))
    assert response.status_code == 400
    page = response.content.decode()
    assert "Choose a score from 1 to 5." in page
    assert "Keep me" in page
    assert not Assessment.objects.exists()


def test_a_comment_without_a_score_is_shown_on_its_field(client, members, two_to_score, criteria):
    client.force_login(members[0])
    data = _form(criteria, ["", "3"], "Only words")
    response = client.post(_score_url(two_to_score[0]), data)
    assert response.status_code == 400
    assert "Choose a score to go with your comment." in response.content.decode()


def test_a_member_who_knows_the_group_cannot_open_the_score_page(client, members, eligible):
    declare(eligible, members[1], knows=True)
    client.force_login(members[1])
    assert client.get(_score_url(eligible)).status_code == 403


def test_others_scores_show_with_pseudonyms_once_your_own_are_in(client, members, eligible):
    declare(eligible, members[1])
    score(eligible, members[1], [2, 2], "Not sure about the budget.")
    declare(eligible, members[0])
    client.force_login(members[0])
    before = client.get(_score_url(eligible)).content.decode()
    assert "Not sure about the budget." not in before
    score(eligible, members[0], [4, 4])
    after = client.get(_score_url(eligible)).content.decode()
    assert "Not sure about the budget." in after
    assert "Panel member 2" in after
    assert members[1].display_name not in after


def test_a_member_who_knows_the_group_never_sees_its_comments_in_the_review(
    client, members, eligible
):
    declare(eligible, members[0])
    score(eligible, members[0], [5, 5], "Secret thought.")
    declare(eligible, members[1], knows=True)
    client.force_login(members[1])
    page = client.get(reverse("grants:review", args=[eligible.round_id])).content.decode()
    assert "You said you know this group" in page
    assert "20 of 20" not in page
    assert "Secret thought." not in page


# Staff follow who has finished


def test_staff_see_who_has_finished_but_not_the_scores(client, staff, members, eligible):
    declare(eligible, members[0])
    score(eligible, members[0], [5, 5], "Lovely idea.")
    client.force_login(staff)
    page = client.get(reverse("grants:scoring-progress", args=[eligible.round_id])).content.decode()
    assert members[0].display_name in page
    assert "1 of 1" in page
    assert "Finished" in page
    assert "Lovely idea." not in page
    assert "Email a reminder" in page


def test_staff_send_reminders_from_the_page(
    client, staff, members, eligible, django_capture_on_commit_callbacks
):
    from django.core import mail

    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("grants:scoring-remind", args=[eligible.round_id]))
    assert response.status_code == 302
    assert len(mail.outbox) == 3
    page = client.get(response.url).content.decode()
    assert "Sent reminders to 3 panel members." in page


# The review


def test_the_review_is_a_sortable_table_with_aria_sort(client, staff, members, eligible):
    declare(eligible, members[0])
    score(eligible, members[0], [4, 2])
    eligible.round.phase = RoundPhase.DECISION
    eligible.round.save()
    client.force_login(staff)
    url = reverse("grants:review", args=[eligible.round_id])
    page = client.get(url).content.decode()
    assert "<table" in page
    assert 'aria-sort="descending"' in page
    assert "10.0 of 20" in page
    assert f'href="{reverse("grants:application-detail", args=[eligible.pk])}"' in page
    page = client.get(url + "?sort=group&order=up").content.decode()
    assert 'aria-sort="ascending"' in page
    assert client.get(url + "?sort=%3Cscript%3E&order=x").status_code == 200


def _review_queries(client, round) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("grants:review", args=[round.pk])).status_code == 200
    return len(captured)


def test_the_review_runs_the_same_queries_for_more_applications_and_members(
    client, staff, organisation, members, eligible, scoring_round, applicant
):
    declare(eligible, members[0])
    score(eligible, members[0], [3, 3])
    scoring_round.phase = RoundPhase.DECISION
    scoring_round.save()
    client.force_login(staff)
    one = _review_queries(client, scoring_round)
    scoring_round.phase = RoundPhase.ASSESSMENT
    scoring_round.save()
    more = [factories.member_make(organisation, Role.PANEL_MEMBER) for _ in range(2)]
    for person in more:
        services.panel_member_add(round=scoring_round, person=person, by=staff)
    for _ in range(4):
        application = application_make(scoring_round, applicant, status=ApplicationStatus.ELIGIBLE)
        for person in [*members, *more]:
            declare(application, person, knows=person == more[0])
            if person != more[0]:
                score(application, person, [4, 2])
    scoring_round.phase = RoundPhase.DECISION
    scoring_round.save()
    assert _review_queries(client, scoring_round) == one


def test_the_score_page_runs_the_same_queries_for_more_applications(
    client, members, eligible, scoring_round, applicant
):
    declare(eligible, members[0])
    client.force_login(members[0])

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(_score_url(eligible)).status_code == 200
        return len(captured)

    one = queries()
    for _ in range(3):
        declare(
            application_make(scoring_round, applicant, status=ApplicationStatus.ELIGIBLE),
            members[0],
        )
    assert queries() == one


# The admin follows the conflict rule


def test_the_admin_lists_scores_only_where_the_conflict_rule_allows(
    client, organisation, members, eligible
):
    superuser = factories.user_make(is_superuser=True, is_staff=True)
    declare(eligible, members[0])
    score(eligible, members[0], [3, 3])
    client.force_login(superuser)
    url = reverse("admin:grants_score_changelist")
    assert "0 scores" in client.get(url).content.decode(), "the panel is still scoring"
    eligible.round.phase = RoundPhase.DECISION
    eligible.round.save()
    assert "2 scores" in client.get(url).content.decode()
    assessments = client.get(reverse("admin:grants_assessment_changelist")).content.decode()
    assert "1 assessment" in assessments


def test_who_has_finished_runs_the_same_queries_for_more_members_and_applications(
    client, staff, organisation, members, eligible, scoring_round, applicant
):
    client.force_login(staff)
    url = reverse("grants:scoring-progress", args=[scoring_round.pk])

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    declare(eligible, members[0])
    score(eligible, members[0], [3, 3])
    one = queries()
    for person in [factories.member_make(organisation, Role.PANEL_MEMBER) for _ in range(3)]:
        services.panel_member_add(round=scoring_round, person=person, by=staff)
        application = application_make(scoring_round, applicant, status=ApplicationStatus.ELIGIBLE)
        declare(application, person)
        score(application, person, [5, 5])
    assert queries() == one


def test_someone_on_another_rounds_panel_cannot_score_here(organisation, staff, eligible):
    from django.core.exceptions import PermissionDenied

    from thegither.grants.tests.factories import round_make

    person = factories.member_make(organisation, Role.PANEL_MEMBER)
    services.panel_member_add(
        round=round_make(organisation, phase=RoundPhase.ASSESSMENT), person=person, by=staff
    )
    with pytest.raises(PermissionDenied):
        score(eligible, person, [3, 3])
