"""The conflict rule: who may score an application and see others' scores on it."""

import pytest
from django.contrib.auth.models import AnonymousUser

from thegither.accounts.models import Role
from thegither.accounts.tests import factories
from thegither.grants import services
from thegither.grants.models import ApplicationStatus, PanelMember, RoundPhase
from thegither.grants.permissions import (
    can_declare,
    can_join_panel,
    can_read_as_panel,
    can_score,
    can_see_scores,
)
from thegither.grants.tests.factories import application_make, round_make

STEP_OUT = "You said you know this group, so you step out for this one."


@pytest.fixture
def assessing_round(organisation):
    return round_make(organisation, phase=RoundPhase.ASSESSMENT)


@pytest.fixture
def eligible(assessing_round, applicant):
    return application_make(assessing_round, applicant, status=ApplicationStatus.ELIGIBLE)


@pytest.fixture
def member(assessing_round, panel_member, staff):
    return services.panel_member_add(round=assessing_round, person=panel_member, by=staff)


both = pytest.mark.parametrize("rule", [can_score, can_see_scores])


def finish_scoring(application, person):
    services.scores_save(
        application=application,
        entries={c.pk: services.ScoreEntry(3) for c in application.round.criteria.all()},
        by=person,
    )


def test_a_member_who_said_no_conflict_may_score(member, eligible, panel_member):
    services.conflict_declare(application=eligible, has_conflict=False, by=panel_member)
    assert can_score(panel_member, eligible)


def test_a_member_sees_others_scores_only_once_their_own_are_finished(
    member, eligible, panel_member
):
    services.conflict_declare(application=eligible, has_conflict=False, by=panel_member)
    decision = can_see_scores(panel_member, eligible)
    assert not decision
    assert decision.reason == "Score it yourself first. Then you can see what the others gave."
    first = eligible.round.criteria.first()
    services.scores_save(
        application=eligible, entries={first.pk: services.ScoreEntry(4)}, by=panel_member
    )
    assert can_see_scores(panel_member, eligible), "every criterion scored: finished"


@both
def test_a_member_with_a_conflict_steps_out(rule, member, eligible, panel_member):
    services.conflict_declare(
        application=eligible, has_conflict=True, reason="My sister.", by=panel_member
    )
    decision = rule(panel_member, eligible)
    assert not decision
    assert decision.reason == STEP_OUT


@both
def test_a_member_who_has_not_declared_must_declare_first(rule, member, eligible, panel_member):
    decision = rule(panel_member, eligible)
    assert not decision
    assert "whether you know this group" in decision.reason


@both
def test_a_conflict_on_one_application_does_not_block_another(
    rule, assessing_round, member, eligible, panel_member, other_applicant
):
    second = application_make(assessing_round, other_applicant, status=ApplicationStatus.ELIGIBLE)
    services.conflict_declare(
        application=eligible, has_conflict=True, reason="Mine.", by=panel_member
    )
    services.conflict_declare(application=second, has_conflict=False, by=panel_member)
    finish_scoring(second, panel_member)
    assert rule(panel_member, second)
    assert not rule(panel_member, eligible)


@both
def test_staff_during_assessment_do_not_score_or_see_scores(rule, eligible, staff):
    decision = rule(staff, eligible)
    assert not decision
    assert "don't score" in decision.reason


def test_staff_see_scores_from_the_decision_step_but_never_score(eligible, staff):
    eligible.round.phase = RoundPhase.DECISION
    eligible.round.save()
    assert can_see_scores(staff, eligible)
    assert not can_score(staff, eligible)


@both
def test_staff_of_another_organisation_never_may(rule, eligible, outsider):
    eligible.round.phase = RoundPhase.DECISION
    eligible.round.save()
    decision = rule(outsider, eligible)
    assert not decision
    assert "panel members" in decision.reason


@both
def test_someone_logged_out_may_not(rule, eligible):
    assert rule(AnonymousUser(), eligible).reason == "Please log in first."


@both
def test_a_member_of_another_round_may_not(rule, organisation, eligible, staff):
    person = factories.member_make(organisation, Role.PANEL_MEMBER)
    services.panel_member_add(
        round=round_make(organisation, phase=RoundPhase.ASSESSMENT), person=person, by=staff
    )
    assert not rule(person, eligible)


@both
def test_an_application_only_sent_not_yet_eligible_is_not_scored(
    rule, assessing_round, member, applicant, panel_member
):
    sent = application_make(assessing_round, applicant, status=ApplicationStatus.SUBMITTED)
    services.conflict_declare(application=sent, has_conflict=False, by=panel_member)
    decision = rule(panel_member, sent)
    assert not decision
    assert "isn't going to the panel" in decision.reason


@both
def test_an_under_13_whose_yes_is_missing_may_not(rule, organisation, assessing_round, eligible):
    child = factories.child_make(organisation)
    PanelMember.objects.create(round=assessing_round, user=child, number=9)
    decision = rule(child, eligible)
    assert not decision
    assert "grown-up" in decision.reason


def test_can_join_panel_wants_a_young_panel_member(assessing_round, panel_member, applicant):
    assert can_join_panel(panel_member, assessing_round)
    assert not can_join_panel(applicant, assessing_round)


def test_only_members_read_the_round_as_panel(assessing_round, member, panel_member, staff):
    assert can_read_as_panel(panel_member, assessing_round)
    assert not can_read_as_panel(staff, assessing_round)
    assert not can_read_as_panel(AnonymousUser(), assessing_round)


def test_declaring_is_closed_once_the_round_moves_on_to_awards(member, eligible, panel_member):
    eligible.round.phase = RoundPhase.AWARDS
    eligible.round.save()
    assert not can_declare(panel_member, eligible)
