"""Applying: saving a draft, sending it, taking it back, and staff checking it.

A draft is never lost: saving takes whatever has been typed so far, and only
sending checks that everything is there. Sending twice (a double click, a
refresh, a retry after a time-out) makes one application: the row is locked
and the key the "check your answers" page made is compared.
"""

import uuid
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from thegither.accounts.models import AgeBand, User
from thegither.core.permissions import require
from thegither.core.refusals import Refusal, Refused
from thegither.core.services import audit_record
from thegither.grants.models import (
    BUDGET_LINES_MAX,
    LONG_TEXT_MAX,
    MONEY_MAX_PENCE,
    SHORT_TEXT_MAX,
    SUMMARY_MAX,
    Answer,
    Application,
    ApplicationStatus,
    BudgetLine,
    Pot,
    Round,
)
from thegither.grants.permissions import (
    can_apply,
    can_edit_application,
    can_screen,
    can_withdraw,
)
from thegither.grants.selectors import application_problems

YOUNG_PEOPLE_MAX = 100_000


@dataclass
class ApplicationDraft:
    """Everything a group has typed into its application so far (any of it may be empty)."""

    group_name: str = ""
    group_about: str = ""
    activity: str = ""
    youth_leadership: str = ""
    young_people_count: int | None = None
    age_bands: list[str] = field(default_factory=list)
    summary: str = ""
    amount_pence: int = 0
    pot_id: int | None = None
    budget_lines: list[tuple[str, int]] = field(default_factory=list)
    answers: dict[int, str] = field(default_factory=dict)


TEXT_LIMITS = {
    "group_name": 120,
    "group_about": LONG_TEXT_MAX,
    "activity": LONG_TEXT_MAX,
    "youth_leadership": LONG_TEXT_MAX,
    "summary": SUMMARY_MAX,
}


def _checked(draft: ApplicationDraft, round: Round) -> dict[str, list[str]]:
    """Return what in the draft can't be kept at all (too long, not on a list)."""
    errors: dict[str, list[str]] = {}
    for name, limit in TEXT_LIMITS.items():
        if len(getattr(draft, name) or "") > limit:
            errors[name] = [_("Keep this to %(limit)s letters or fewer.") % {"limit": limit}]
    count = draft.young_people_count
    if count is not None and not (0 <= count <= YOUNG_PEOPLE_MAX):
        errors["young_people_count"] = [_("Write a number of young people, like 12.")]
    if any(band not in AgeBand.values for band in draft.age_bands):
        errors["age_bands"] = [_("Choose ages from the list.")]
    if not 0 <= draft.amount_pence <= MONEY_MAX_PENCE:
        errors["amount"] = [_("Write an amount of money, like 1500 or 12.50.")]
    if draft.pot_id is not None and not Pot.objects.filter(pk=draft.pot_id, round=round).exists():
        errors["pot"] = [_("Choose an area from the list.")]
    if len(draft.budget_lines) > BUDGET_LINES_MAX:
        errors["budget"] = [
            _("Put your costs in %(count)s lines or fewer.") % {"count": BUDGET_LINES_MAX}
        ]
    for item, cost in draft.budget_lines:
        if len(item) > 120 or not 0 <= cost <= MONEY_MAX_PENCE:
            errors["budget"] = [_("Each cost needs a short name and an amount of money.")]
    questions = set(round.questions.values_list("pk", flat=True))
    for question_id, text in draft.answers.items():
        if question_id not in questions:
            errors["answers"] = [_("Answer the questions on the page.")]
        elif len(text) > LONG_TEXT_MAX:
            errors[f"question_{question_id}"] = [
                _("Keep this to %(limit)s letters or fewer.") % {"limit": LONG_TEXT_MAX}
            ]
    return errors


def _start(*, round: Round, start_key: uuid.UUID, by: User) -> Application:
    """Return the draft made with this key, making it if this is its first save."""
    existing = Application.objects.select_for_update().filter(start_key=start_key).first()
    if existing is None:
        require(can_apply(by, round))
        try:
            with transaction.atomic():
                application = Application.objects.create(
                    round=round, contact=by, start_key=start_key
                )
        except IntegrityError:
            # Two saves with the same new key at once: the other one made it.
            existing = Application.objects.select_for_update().get(start_key=start_key)
        else:
            audit_record(action="grants.application_started", actor=by, target=application)
            return application
    if existing.contact_id != by.pk or existing.round_id != round.pk:
        raise Refused(_("This form belongs to another application."), kind=Refusal.MISMATCH)
    return existing


@transaction.atomic
def application_draft_save(
    *, round: Round, start_key: uuid.UUID, draft: ApplicationDraft, by: User
) -> Application:
    """Keep everything typed so far in the group's draft (making it on the first save).

    The same `start_key` always saves into the same draft, so a double click on
    "Save" makes one application, not two.
    """
    errors = _checked(draft, round)
    if errors:
        raise Refused(errors, kind=Refusal.INVALID)
    application = _start(round=round, start_key=start_key, by=by)
    require(can_edit_application(by, application))
    for name in TEXT_LIMITS:
        setattr(application, name, (getattr(draft, name) or "").strip())
    application.young_people_count = draft.young_people_count
    application.age_bands = [band for band in AgeBand.values if band in draft.age_bands]
    application.amount_pence = draft.amount_pence
    application.pot_id = draft.pot_id
    application.save(
        update_fields=[
            *TEXT_LIMITS,
            "young_people_count",
            "age_bands",
            "amount_pence",
            "pot",
            "updated_at",
        ]
    )
    application.budget_lines.all().delete()
    BudgetLine.objects.bulk_create(
        BudgetLine(application=application, item=item.strip(), cost_pence=cost, position=index)
        for index, (item, cost) in enumerate(draft.budget_lines)
        if item.strip() or cost
    )
    for question_id, text in draft.answers.items():
        Answer.objects.update_or_create(
            application=application, question_id=question_id, defaults={"text": text.strip()}
        )
    audit_record(action="grants.application_saved", actor=by, target=application)
    return application


def _locked(application: Application) -> Application:
    return (
        Application.objects.select_for_update(of=("self",))
        .select_related("round__fund__organisation", "pot__area")
        .get(pk=application.pk)
    )


@transaction.atomic
def application_submit(
    *, application: Application, submission_key: uuid.UUID, by: User
) -> Application:
    """Send the application to the round, if everything is there.

    Sending again with the same key (a double click, a refresh, a retry) returns
    the application as it is, sent once.
    """
    application = _locked(application)
    if application.contact_id == by.pk and application.submission_key == submission_key:
        return application
    require(can_edit_application(by, application))
    problems = application_problems(application)
    if problems:
        raise Refused(problems, kind=Refusal.INVALID)
    application.status = ApplicationStatus.SUBMITTED
    application.submission_key = submission_key
    application.submitted_at = timezone.now()
    application.save(update_fields=["status", "submission_key", "submitted_at", "updated_at"])
    audit_record(
        action="grants.application_submitted",
        actor=by,
        target=application,
        details={"amount_pence": application.amount_pence, "pot": application.pot_id},
    )
    from thegither.grants.tasks import application_submitted_email

    transaction.on_commit(lambda: application_submitted_email.enqueue(application.pk))
    return application


@transaction.atomic
def application_withdraw(*, application: Application, by: User) -> Application:
    """Take the application back: the panel won't see it. Doing it twice changes nothing."""
    application = _locked(application)
    if application.status == ApplicationStatus.WITHDRAWN and application.contact_id == by.pk:
        return application
    require(can_withdraw(by, application))
    before = application.status
    application.status = ApplicationStatus.WITHDRAWN
    application.withdrawn_at = timezone.now()
    application.save(update_fields=["status", "withdrawn_at", "updated_at"])
    audit_record(
        action="grants.application_withdrawn",
        actor=by,
        target=application,
        details={"from": before},
    )
    return application


@transaction.atomic
def application_screen(
    *, application: Application, eligible: bool, reason: str = "", by: User
) -> Application:
    """Say whether a sent application can go to the panel; if not, say why in plain words.

    The group sees the reason and gets it by email. Saying the same again changes nothing.
    """
    require(can_screen(by, application))
    reason = (reason or "").strip()
    if not eligible and not reason:
        raise Refused(
            {"reason": [_("Say why, in words the group will understand.")]},
            kind=Refusal.INVALID,
        )
    if len(reason) > SHORT_TEXT_MAX:
        raise Refused(
            {"reason": [_("Keep this to %(limit)s letters or fewer.") % {"limit": SHORT_TEXT_MAX}]},
            kind=Refusal.TOO_LONG,
        )
    application = _locked(application)
    require(can_screen(by, application))
    status = ApplicationStatus.ELIGIBLE if eligible else ApplicationStatus.NOT_ELIGIBLE
    if application.status == status and application.screening_reason == reason:
        return application
    before = application.status
    application.status = status
    application.screening_reason = reason
    application.screened_at = timezone.now()
    application.screened_by = by
    application.save(
        update_fields=["status", "screening_reason", "screened_at", "screened_by", "updated_at"]
    )
    audit_record(
        action="grants.application_screened",
        actor=by,
        target=application,
        details={"from": before, "to": status},
    )
    from thegither.grants.tasks import application_screened_email

    transaction.on_commit(lambda: application_screened_email.enqueue(application.pk))
    return application
