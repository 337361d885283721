"""What happens next for a group's application, from a draft to the report the panel has read."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from thegither.grants import services
from thegither.grants.models import Application, ApplicationStatus, Award, Round, RoundPhase
from thegither.grants.next_steps import next_step
from thegither.grants.tests.deciding_helpers import deciding_make
from thegither.grants.tests.factories import application_make
from thegither.grants.tests.money_helpers import accept, decided_make, overdue
from thegither.grants.tests.report_helpers import sent_report

pytestmark = pytest.mark.django_db


def _words(award_or_application) -> str:
    application = getattr(award_or_application, "application", award_or_application)
    return next_step(Application.objects.get(pk=application.pk)).words


def _day(day: datetime.date) -> str:
    return f"{day.day} {day:%B %Y}"


@pytest.fixture
def decided(organisation):
    """Three £1,000 asks from £2,000: the first two funded (the second in part), one waiting."""
    return decided_make(organisation, partial=True)


def test_before_the_decision_the_words_follow_the_application_and_the_round(
    organisation, scoring_round, applicant, open_round
):
    assert "finish it and send it" in _words(application_make(open_round, applicant))
    assert "staff check that it can go to the panel" in _words(
        application_make(open_round, applicant, status=ApplicationStatus.SUBMITTED)
    )
    scored = application_make(scoring_round, applicant, status=ApplicationStatus.ELIGIBLE)
    assert _words(scored) == "What happens next: the panel of young people reads it and scores it."
    deciding = deciding_make(organisation)
    words = _words(deciding.applications[0])
    assert "the panel meets to decide who gets the money" in words
    assert next_step(deciding.applications[0]).decision == ""


def test_a_group_given_money_is_told_to_accept_it_by_its_day(decided):
    full, partial = decided.award(0), decided.award(1)
    assert _words(full) == (
        f"What happens next: accept the award by {_day(full.accept_by)}. Then the staff pay "
        "the money to your group."
    )
    assert "accept the award and agree to its condition by" in _words(partial)
    assert next_step(full.application).decision == "Awarded: £1,000"
    assert next_step(partial.application).decision == "Part of the money, with a condition: £800"


def test_after_the_last_day_to_accept_the_group_talks_to_staff(decided):
    late = overdue(decided.award(0))
    assert f"The last day to accept the award was {_day(late.accept_by)}" in _words(late)


def test_once_accepted_the_next_step_is_the_report_then_the_panel_reads_it(decided):
    award = accept(decided, 0)
    due = timezone.localdate(award.meeting.confirmed_at) + datetime.timedelta(
        days=decided.round.report_due_days
    )
    assert _words(award) == (
        "What happens next: do your activity, keep the receipts, and send the panel your "
        f"end-of-grant report by {_day(due)}."
    )
    report = sent_report(award)
    assert _words(award) == "What happens next: the panel reads your end-of-grant report."
    services.report_acknowledge(report=report, by=decided.chair)
    assert _words(award) == "The panel has read your end-of-grant report. Thank you!"


def test_a_no_says_what_next_and_the_waiting_list_may_still_get_money(decided):
    waiting = decided.award(2)
    assert waiting.on_waiting_list
    words = _words(waiting)
    assert words.startswith("The panel couldn't give your group a grant this time")
    assert "apply again in the next round" in words
    assert "If money comes back to the pot, the panel may offer it to you." in words
    assert next_step(waiting.application).decision == "Not funded"
    Round.objects.filter(pk=decided.round.pk).update(phase=RoundPhase.CLOSED)
    assert "may offer it to you" not in _words(waiting)


def test_the_panels_own_no_has_no_waiting_list(organisation):
    from thegither.grants.tests.deciding_helpers import meeting_with_everyone, vote

    deciding = deciding_make(organisation)
    meeting = meeting_with_everyone(deciding)
    vote(deciding, {0: [0, 1, 2], 1: [0, 1], 2: [0, 1]})
    services.allocation_propose(meeting=meeting, by=deciding.chair)
    services.award_decline(
        award=Award.objects.get(application=deciding.applications[2]),
        reason="It isn't led by young people.",
        by=deciding.chair,
    )
    services.meeting_confirm(meeting=meeting, by=deciding.chair)
    words = _words(deciding.applications[2])
    assert "couldn't give your group a grant" in words
    assert "may offer it to you" not in words


def test_giving_the_award_back_and_a_closed_round_say_so(decided):
    services.award_withdraw(award=decided.award(0), reason="Hall closed.", by=decided.contact)
    assert "You gave the award back" in _words(decided.award(0))
    assert next_step(decided.award(0).application).decision == "Withdrawn by the group: £1,000"
    accept(decided, 1)
    Round.objects.filter(pk=decided.round.pk).update(phase=RoundPhase.CLOSED)
    assert _words(decided.award(1)) == "This round is closed, so reports can't be sent now."


# The pages.


def test_your_applications_shows_each_decision_and_next_step_in_few_queries(
    client, decided, django_assert_max_num_queries
):
    accept(decided, 0)
    client.force_login(decided.contact)
    with django_assert_max_num_queries(6):
        response = client.get(reverse("grants:my-applications"))
    html = response.content.decode()
    assert html.count("The panel's decision:") == 3
    assert "Awarded: £1,000" in html
    assert "Part of the money, with a condition: £800" in html
    assert "Not funded" in html
    assert "send the panel your end-of-grant report by" in html
    assert "accept the award and agree to its condition by" in html
    assert "reads it and scores it" not in html


def test_the_application_page_says_the_no_and_what_next(client, decided):
    client.force_login(decided.contact)
    waiting = decided.award(2)
    html = client.get(
        reverse("grants:application-detail", args=[waiting.application_id])
    ).content.decode()
    assert "The panel's decision:" in html
    assert "Not funded" in html
    assert "apply again in the next round" in html
    assert "reads it and scores it" not in html


def test_an_award_without_a_day_to_accept_by_still_says_what_next(organisation):
    from thegither.grants.tests.report_helpers import funded_make

    funded = funded_make(organisation)  # made before accept-by dates existed
    assert funded.award.accept_by is None
    assert _words(funded.award) == (
        "What happens next: accept the award. Then the staff pay the money to your group."
    )
    sent_report(funded.award)
    assert _words(funded.award) == "What happens next: the panel reads your end-of-grant report."
