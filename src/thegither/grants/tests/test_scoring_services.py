"""Saving scores: what finishes an assessment, what is refused, and reminders."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied

from thegither.core.models import AuditEvent
from thegither.core.refusals import Refusal, Refused
from thegither.grants import services
from thegither.grants.models import Assessment, RoundPhase, Score
from thegither.grants.services import ScoreEntry
from thegither.grants.tests.factories import round_make
from thegither.grants.tests.scoring_helpers import declare, score


@pytest.fixture
def member(members, eligible):
    declare(eligible, members[0])
    return members[0]


def audits():
    return list(AuditEvent.objects.filter(action="grants.scores_saved").order_by("pk"))


def test_scoring_some_criteria_saves_them_but_is_not_finished(member, eligible, criteria):
    assessment = services.scores_save(
        application=eligible, entries={criteria[0].pk: ScoreEntry(4, "Clear plan.")}, by=member
    )
    assert not assessment.is_finished
    assert list(assessment.scores.values_list("value", "comment")) == [(4, "Clear plan.")]


def test_scoring_every_criterion_finishes_it_and_is_audited_without_the_scores(
    member, eligible, criteria
):
    assessment = score(eligible, member, [4, 2])
    assert assessment.is_finished
    (event,) = audits()
    assert event.details["finished"] is True
    assert event.details["criteria_changed"] == sorted(c.pk for c in criteria)
    assert "4" not in str(event.details.get("scores", "")), "no score values in the audit log"


def test_saving_the_same_scores_again_changes_nothing(member, eligible):
    first = score(eligible, member, [4, 2], "Good.")
    again = score(eligible, member, [4, 2], "Good.")
    assert again.pk == first.pk
    assert again.finished_at == first.finished_at
    assert Score.objects.filter(assessment=first).count() == 2
    assert len(audits()) == 1


def test_criteria_left_out_keep_their_scores(member, eligible, criteria):
    score(eligible, member, [4, 2])
    services.scores_save(application=eligible, entries={criteria[1].pk: ScoreEntry(5)}, by=member)
    values = dict(Score.objects.values_list("criterion_id", "value"))
    assert values == {criteria[0].pk: 4, criteria[1].pk: 5}


def test_clearing_a_score_makes_it_unfinished_again(member, eligible, criteria):
    score(eligible, member, [4, 2])
    assessment = services.scores_save(
        application=eligible, entries={criteria[0].pk: ScoreEntry(None)}, by=member
    )
    assert not assessment.is_finished
    assert assessment.scores.count() == 1


def test_notes_are_saved_and_trimmed(member, eligible, criteria):
    assessment = services.scores_save(
        application=eligible, entries={}, notes="  We visited on Tuesday.  ", by=member
    )
    assert assessment.notes == "We visited on Tuesday."


@pytest.mark.parametrize("value", [0, 6, -1, True, "3", 3.0])
def test_a_score_outside_1_to_5_is_refused(member, eligible, criteria, value):
    with pytest.raises(Refused) as refused:
        services.scores_save(
            application=eligible, entries={criteria[0].pk: ScoreEntry(value)}, by=member
        )
    assert refused.value.kind == Refusal.INVALID
    assert refused.value.message_dict == {
        f"score_{criteria[0].pk}": ["Choose a score from 1 to 5."]
    }
    assert not Assessment.objects.exists()


def test_a_comment_without_a_score_is_refused(member, eligible, criteria):
    with pytest.raises(Refused) as refused:
        services.scores_save(
            application=eligible, entries={criteria[0].pk: ScoreEntry(None, "Hmm")}, by=member
        )
    assert refused.value.message_dict == {
        f"score_{criteria[0].pk}": ["Choose a score to go with your comment."]
    }


def test_too_long_comments_and_notes_are_refused(member, eligible, criteria):
    with pytest.raises(Refused) as refused:
        services.scores_save(
            application=eligible,
            entries={criteria[0].pk: ScoreEntry(3, "x" * 501)},
            notes="y" * 3001,
            by=member,
        )
    assert set(refused.value.message_dict) == {f"comment_{criteria[0].pk}", "notes"}


def test_another_rounds_criterion_is_refused(member, eligible, organisation):
    elsewhere = round_make(organisation).criteria.get()
    with pytest.raises(Refused) as refused:
        services.scores_save(application=eligible, entries={elsewhere.pk: ScoreEntry(3)}, by=member)
    assert refused.value.kind == Refusal.UNKNOWN


def test_a_member_who_knows_the_group_cannot_score(members, eligible, criteria):
    declare(eligible, members[1], knows=True)
    with pytest.raises(PermissionDenied):
        score(eligible, members[1], [3, 3])


def test_a_member_who_has_not_declared_cannot_score(members, eligible):
    with pytest.raises(PermissionDenied):
        score(eligible, members[1], [3, 3])


def test_staff_cannot_score(staff, eligible):
    with pytest.raises(PermissionDenied):
        score(eligible, staff, [3, 3])


def test_nobody_scores_once_the_round_has_moved_on(member, eligible):
    eligible.round.phase = RoundPhase.DECISION
    eligible.round.save()
    with pytest.raises(PermissionDenied):
        score(eligible, member, [3, 3])


def test_taking_a_member_off_the_panel_takes_their_scores(member, eligible, staff):
    score(eligible, member, [3, 3])
    services.panel_member_remove(member=member.grant_panels.get(), by=staff)
    assert not Score.objects.exists()


def test_panel_members_get_numbers_that_stay_with_them(members, scoring_round, staff):
    numbers = [person.grant_panels.get().number for person in members]
    assert numbers == [1, 2, 3]
    services.panel_member_remove(member=members[0].grant_panels.get(), by=staff)
    assert [person.grant_panels.get().number for person in members[1:]] == [2, 3]
    assert members[1].grant_panels.get().pseudonym == "Panel member 2"


# Reminders


def test_reminders_go_to_members_who_have_not_finished(
    members, eligible, staff, django_capture_on_commit_callbacks
):
    declare(eligible, members[0])
    score(eligible, members[0], [3, 3])
    declare(eligible, members[1])
    with django_capture_on_commit_callbacks(execute=True):
        sent = services.scoring_reminders_send(round=eligible.round, by=staff)
    assert sent == 2
    assert sorted(message.to[0] for message in mail.outbox) == [
        "member1@example.org",
        "member2@example.org",
    ]
    body = mail.outbox[0].body
    assert "You have scored 0 of" in body
    assert AuditEvent.objects.filter(action="grants.scoring_reminders_sent").count() == 1


def test_a_reminder_that_runs_after_the_member_finished_sends_nothing(members, eligible):
    from thegither.grants.tasks import scoring_reminder_email

    declare(eligible, members[0])
    score(eligible, members[0], [3, 3])
    scoring_reminder_email.call(members[0].grant_panels.get().pk)
    assert mail.outbox == []


def test_reminders_are_for_staff_during_scoring_only(members, eligible, staff):
    with pytest.raises(PermissionDenied):
        services.scoring_reminders_send(round=eligible.round, by=members[0])
    eligible.round.phase = RoundPhase.DECISION
    eligible.round.save()
    with pytest.raises(PermissionDenied):
        services.scoring_reminders_send(round=eligible.round, by=staff)
