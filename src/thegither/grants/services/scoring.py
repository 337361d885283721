"""Scoring: each panel member scores each application against the round's criteria.

An assessment is finished when every criterion has a score. Saving the same thing
twice changes nothing and writes nothing to the audit log, so a double tap or a
retry is harmless.
"""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from thegither.accounts.models import User
from thegither.core.permissions import require
from thegither.core.refusals import Refusal, Refused
from thegither.core.services import audit_record
from thegither.grants.models import (
    NOTES_MAX,
    SCORE_COMMENT_MAX,
    SCORE_MAX,
    SCORE_MIN,
    Application,
    Assessment,
    PanelMember,
    Round,
    Score,
)
from thegither.grants.permissions import can_remind_panel, can_score
from thegither.grants.scoring import scoring_progress
from thegither.grants.tasks import scoring_reminder_email


@dataclass(frozen=True)
class ScoreEntry:
    """What a member gave for one criterion: a score (or none yet) and an optional comment."""

    value: int | None
    comment: str = ""


def score_field(criterion_id: int) -> str:
    """The form field a criterion's score is typed in (errors are reported against it)."""
    return f"score_{criterion_id}"


def comment_field(criterion_id: int) -> str:
    return f"comment_{criterion_id}"


def _checked(
    entries: dict[int, ScoreEntry], criteria: set[int], notes: str
) -> dict[int, ScoreEntry]:
    problems: dict[str, list[str]] = {}
    unknown = set(entries) - criteria
    if unknown:
        raise Refused(_("That isn't one of this round's criteria."), kind=Refusal.UNKNOWN)
    cleaned: dict[int, ScoreEntry] = {}
    for criterion_id, entry in entries.items():
        comment = (entry.comment or "").strip()
        value = entry.value
        if value is not None and (
            isinstance(value, bool)
            or not isinstance(value, int)
            or not SCORE_MIN <= value <= SCORE_MAX
        ):
            problems[score_field(criterion_id)] = [
                _("Choose a score from %(min)s to %(max)s.") % {"min": SCORE_MIN, "max": SCORE_MAX}
            ]
        elif value is None and comment:
            problems[score_field(criterion_id)] = [_("Choose a score to go with your comment.")]
        if len(comment) > SCORE_COMMENT_MAX:
            problems[comment_field(criterion_id)] = [
                _("Keep this to %(limit)s letters or fewer.") % {"limit": SCORE_COMMENT_MAX}
            ]
        cleaned[criterion_id] = ScoreEntry(value=value, comment=comment)
    if len(notes) > NOTES_MAX:
        problems["notes"] = [_("Keep this to %(limit)s letters or fewer.") % {"limit": NOTES_MAX}]
    if problems:
        raise Refused(problems, kind=Refusal.INVALID)
    return cleaned


def _is_score(value) -> bool:
    return type(value) is int and SCORE_MIN <= value <= SCORE_MAX


@transaction.atomic
def scores_save(
    *, application: Application, entries: dict[int, ScoreEntry], notes: str = "", by: User
) -> Assessment:
    """Save a member's scores, comments and notes on one application.

    Criteria left out keep what was saved before; a criterion given no score and no
    comment is cleared. The assessment is finished once every criterion has a score.
    """
    require(can_score(by, application))
    notes = (notes or "").strip()
    criteria = set(application.round.criteria.values_list("pk", flat=True))
    entries = _checked(entries, criteria, notes)
    # The member's row is locked, so two saves of one member never interleave.
    member = PanelMember.objects.select_for_update().get(round=application.round_id, user=by)
    assessment, _created = Assessment.objects.get_or_create(
        panel_member=member, application=application
    )
    saved = {score.criterion_id: score for score in assessment.scores.all()}
    changed: set[int] = set()
    for criterion_id, entry in entries.items():
        score = saved.get(criterion_id)
        if entry.value is None:
            if score is not None:
                score.delete()
                del saved[criterion_id]
                changed.add(criterion_id)
        elif score is None:
            saved[criterion_id] = Score.objects.create(
                assessment=assessment,
                criterion_id=criterion_id,
                value=entry.value,
                comment=entry.comment,
            )
            changed.add(criterion_id)
        elif (score.value, score.comment) != (entry.value, entry.comment):
            score.value, score.comment = entry.value, entry.comment
            score.save(update_fields=["value", "comment"])
            changed.add(criterion_id)
    finished = criteria <= set(saved)
    fields = []
    if finished != assessment.is_finished:
        assessment.finished_at = timezone.now() if finished else None
        fields.append("finished_at")
    if notes != assessment.notes:
        assessment.notes = notes
        fields.append("notes")
    if fields:
        assessment.save(update_fields=[*fields, "changed_at"])
    if changed or fields:
        audit_record(
            action="grants.scores_saved",
            actor=by,
            target=application,
            details={
                "panel_member": member.number,
                # Which criteria changed, never the scores: the audit log is read by
                # site admins, and scores follow the conflict rule (can_see_scores).
                "criteria_changed": sorted(changed),
                "notes_changed": "notes" in fields,
                "finished": finished,
            },
        )
    return assessment


@transaction.atomic
def scoring_reminders_send(*, round: Round, by: User) -> int:
    """Email every panel member who hasn't finished scoring; return how many were sent."""
    require(can_remind_panel(by, round))
    waiting = [
        row.member
        for row in scoring_progress(round)
        if not row.is_finished and row.member.user.email
    ]
    for member in waiting:
        transaction.on_commit(lambda member_id=member.pk: scoring_reminder_email.enqueue(member_id))
    audit_record(
        action="grants.scoring_reminders_sent",
        actor=by,
        target=round,
        details={"panel_members": [member.number for member in waiting]},
    )
    return len(waiting)
