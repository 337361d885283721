"""Reports after the grant: the group saves, adds photos and receipts, sends; the panel reads.

A draft is never lost: saving takes whatever has been typed so far, and only sending
checks that everything is there. Money not spent is checked against the award inside
a transaction that locks the award's row, so it can never be more than the award.
Sending twice, or thanking twice, changes nothing and emails once. Reminders are
claimed (a row saved) before their email goes, so the same one is never sent twice.
"""

import datetime
import uuid
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from thegither.accounts.models import User
from thegither.core.image_metadata import DamagedImage, strip_image_metadata
from thegither.core.permissions import require
from thegither.core.refusals import Refusal, Refused
from thegither.core.services import audit_record
from thegither.grants.models import (
    LONG_TEXT_MAX,
    REPORT_CAPTION_MAX,
    REPORT_DUE_DAYS_MAX,
    REPORT_FILES_MAX,
    REPORT_PHOTO_KINDS,
    REPORT_PHOTO_TYPES,
    REPORT_RECEIPT_TYPES,
    REPORT_STORY_MAX,
    REPORT_THANKS_MAX,
    YOUNG_PEOPLE_MAX,
    Award,
    PanelMember,
    Report,
    ReportFile,
    ReportFilePurpose,
    ReportReminder,
    ReportReminderKind,
    ReportStatus,
    Round,
    RoundPhase,
)
from thegither.grants.money import pence_to_pounds
from thegither.grants.permissions import (
    can_acknowledge_report,
    can_edit_report,
    can_set_report_due,
    can_write_report,
    is_funded,
)
from thegither.grants.reporting import (
    SENT_STATUSES,
    reminder_kind_on,
    reminders_due,
    report_due_on,
    report_problems,
)
from thegither.grants.services.uploads import (
    upload_content_type,
    upload_display_name,
    upload_read,
)
from thegither.grants.tasks import (
    report_acknowledged_email,
    report_reminder_email,
    report_sent_email,
)


@dataclass
class ReportDraft:
    """Everything a group has typed into its report so far (any of it may be empty)."""

    what_happened: str = ""
    young_people_count: int | None = None
    story: str = ""
    story_is_public: bool = False
    returned_pence: int | None = None


def _too_long(limit: int) -> str:
    return _("Keep this to %(limit)s letters or fewer.") % {"limit": limit}


def _checked(draft: ReportDraft, award: Award) -> ReportDraft:
    errors: dict[str, list[str]] = {}
    what_happened = (draft.what_happened or "").strip()
    story = (draft.story or "").strip()
    if len(what_happened) > LONG_TEXT_MAX:
        errors["what_happened"] = [_too_long(LONG_TEXT_MAX)]
    if len(story) > REPORT_STORY_MAX:
        errors["story"] = [_too_long(REPORT_STORY_MAX)]
    count = draft.young_people_count
    if count is not None and (
        isinstance(count, bool) or not isinstance(count, int) or not 0 <= count <= YOUNG_PEOPLE_MAX
    ):
        errors["young_people_count"] = [
            _("Write a number from 0 to %(max)s.") % {"max": f"{YOUNG_PEOPLE_MAX:,}"}
        ]
    returned = draft.returned_pence
    if returned is not None:
        if isinstance(returned, bool) or not isinstance(returned, int) or returned < 0:
            errors["returned"] = [_("Write an amount in pounds, like 25 or 12.50.")]
        elif returned > award.amount_pence:
            errors["returned"] = [
                _("That's more than the %(amount)s you were given.")
                % {"amount": pence_to_pounds(award.amount_pence)}
            ]
    if not isinstance(draft.story_is_public, bool):
        errors["story_is_public"] = [_("Tick the box or leave it empty.")]
    elif draft.story_is_public and not story:
        errors["story_is_public"] = [_("Write the story first, or leave this box empty.")]
    if errors:
        raise Refused(errors, kind=Refusal.INVALID)
    return ReportDraft(
        what_happened=what_happened,
        young_people_count=count,
        story=story,
        story_is_public=draft.story_is_public,
        returned_pence=returned,
    )


def _locked_award(award: Award) -> Award:
    """Lock the award's row: every change to its report waits its turn behind it."""
    return (
        Award.objects.select_for_update(of=("self",))
        .select_related("application__round__fund__organisation", "meeting")
        .get(pk=award.pk)
    )


REPORT_FIELDS = (
    "what_happened",
    "young_people_count",
    "story",
    "story_is_public",
    "returned_pence",
)


@transaction.atomic
def report_save(*, award: Award, draft: ReportDraft, by: User) -> Report:
    """Save the group's report as a draft, making it the first time. Nothing is required yet."""
    require(can_write_report(by, award))
    award = _locked_award(award)
    # Checked again under the lock: the report may have been sent a moment ago.
    require(can_write_report(by, award))
    draft = _checked(draft, award)
    report, created = Report.objects.get_or_create(award=award)
    changed = [name for name in REPORT_FIELDS if getattr(report, name) != getattr(draft, name)]
    for name in changed:
        setattr(report, name, getattr(draft, name))
    if changed:
        report.save(update_fields=[*changed, "updated_at"])
    if changed or created:
        audit_record(
            action="grants.report_saved",
            actor=by,
            target=report,
            # Which answers changed, never the words: the group's story stays in the report.
            details={"award": award.pk, "created": created, "changed": changed},
        )
    return report


def _locked_report(report: Report) -> Report:
    _locked_award(report.award)
    return (
        Report.objects.select_for_update(of=("self",))
        .select_related("award__application__round__fund__organisation", "award__meeting")
        .get(pk=report.pk)
    )


@transaction.atomic
def report_send(*, report: Report, by: User) -> Report:
    """Send the report to the panel; after this the group can't change it.

    Sending it again (a double click, a refresh) changes nothing and emails once.
    """
    report = _locked_report(report)
    if report.status in SENT_STATUSES and report.award.application.contact_id == by.pk:
        return report
    require(can_edit_report(by, report))
    problems = report_problems(report)
    if problems:
        raise Refused(problems, kind=Refusal.INVALID)
    report.status = ReportStatus.SENT
    report.sent_at = timezone.now()
    report.sent_by = by
    report.save(update_fields=["status", "sent_at", "sent_by", "updated_at"])
    photos = report.files.filter(purpose=ReportFilePurpose.PHOTO).count()
    audit_record(
        action="grants.report_sent",
        actor=by,
        target=report,
        details={
            "award": report.award_id,
            "young_people": report.young_people_count,
            "returned_pence": report.returned_pence,
            "story_is_public": report.story_is_public,
            "photos": photos,
            "receipts": report.files.count() - photos,
        },
    )
    transaction.on_commit(lambda: report_sent_email.enqueue(report.pk))
    return report


@transaction.atomic
def report_acknowledge(*, report: Report, thanks: str = "", by: User) -> Report:
    """The panel (or staff) say they have read the report, with a thank-you note if they like.

    Saying it again changes nothing and emails once.
    """
    thanks = (thanks or "").strip()
    if len(thanks) > REPORT_THANKS_MAX:
        raise Refused({"thanks": [_too_long(REPORT_THANKS_MAX)]}, kind=Refusal.TOO_LONG)
    report = _locked_report(report)
    if report.status == ReportStatus.ACKNOWLEDGED:
        return report
    require(can_acknowledge_report(by, report))
    report.status = ReportStatus.ACKNOWLEDGED
    report.acknowledged_at = timezone.now()
    report.acknowledged_by = by
    report.thanks = thanks
    report.save(
        update_fields=["status", "acknowledged_at", "acknowledged_by", "thanks", "updated_at"]
    )
    member = PanelMember.objects.filter(round=report.award.application.round_id, user=by).first()
    audit_record(
        action="grants.report_acknowledged",
        actor=by,
        target=report,
        details={
            "award": report.award_id,
            "panel_member": member.number if member is not None else None,
            "thanks": bool(thanks),
        },
    )
    transaction.on_commit(lambda: report_acknowledged_email.enqueue(report.pk))
    return report


# --- Photos and receipts


def _refuse_kind(purpose: str) -> Refused:
    if purpose == ReportFilePurpose.PHOTO:
        message = _(
            "We can't take this kind of file as a photo. Choose a JPEG, PNG or WebP picture."
        )
    else:
        message = _(
            "We can't take this kind of file as a receipt. Choose a PDF, or a JPEG, PNG or "
            "WebP picture."
        )
    return Refused({"file": [message]}, kind=Refusal.BAD_FILE)


@transaction.atomic
def report_file_add(
    *,
    report: Report,
    purpose: str,
    file,
    by: User,
    caption: str = "",
    has_people: bool = False,
    consent: bool = False,
) -> ReportFile:
    """Add a photo or a receipt to a draft report, if its content is a kind we take.

    A photo with people in it needs the group's word that everyone in it (and a
    grown-up for anyone under 16) said yes to sharing it. Pictures are stored with
    their hidden details (where and when, the phone, thumbnails) taken out.
    """
    require(can_edit_report(by, report))
    if purpose not in ReportFilePurpose.values:
        raise Refused({"file": [_("Choose a photo or a receipt.")]}, kind=Refusal.BAD_CHOICE)
    caption = (caption or "").strip()
    if len(caption) > REPORT_CAPTION_MAX:
        raise Refused({"caption": [_too_long(REPORT_CAPTION_MAX)]}, kind=Refusal.TOO_LONG)
    if purpose == ReportFilePurpose.RECEIPT:
        has_people = consent = False
    elif has_people and not consent:
        raise Refused(
            {
                "consent": [
                    _(
                        "A photo with people in it can only be added if everyone in it, and a "
                        "grown-up for anyone under 16, said yes. Tick the box if they did, or "
                        "choose another photo."
                    )
                ]
            },
            kind=Refusal.INVALID,
        )
    data = upload_read(file)
    kinds = REPORT_PHOTO_TYPES if purpose == ReportFilePurpose.PHOTO else REPORT_RECEIPT_TYPES
    kind = kinds.get(upload_content_type(data))
    if kind is None:
        raise _refuse_kind(purpose)
    if kind in REPORT_PHOTO_KINDS:
        try:
            data = strip_image_metadata(data, kind)
        except DamagedImage as error:
            raise Refused(
                {
                    "file": [
                        _(
                            "This picture seems to be damaged, so we can't take it. Try "
                            "saving it again, or choose another."
                        )
                    ]
                },
                kind=Refusal.BAD_FILE,
            ) from error
    # Lock the report, so two files at once can't pass the limit together.
    report = _locked_report(report)
    require(can_edit_report(by, report))
    if report.files.filter(purpose=purpose).count() >= REPORT_FILES_MAX:
        message = (
            _("You can add up to %(count)s photos.")
            if purpose == ReportFilePurpose.PHOTO
            else _("You can add up to %(count)s receipts.")
        )
        raise Refused({"file": [message % {"count": REPORT_FILES_MAX}]}, kind=Refusal.TOO_MANY)
    added = ReportFile(
        report=report,
        purpose=purpose,
        name=upload_display_name(getattr(file, "name", ""), kind),
        kind=kind,
        size_bytes=len(data),
        caption=caption,
        has_people=bool(has_people),
        consent=bool(consent),
        uploaded_by=by,
    )
    added.file.save(f"{uuid.uuid4().hex}.{kind}", ContentFile(data), save=False)
    added.save()
    audit_record(
        action="grants.report_file_added",
        actor=by,
        target=report,
        details={
            "file": added.pk,
            "purpose": purpose,
            "kind": kind,
            "size_bytes": len(data),
            "has_people": added.has_people,
            "consent": added.consent,
        },
    )
    return added


@transaction.atomic
def report_file_remove(*, file: ReportFile, by: User) -> None:
    """Take a photo or receipt off a draft report; the stored file goes once this is saved."""
    require(can_edit_report(by, file.report))
    _locked_report(file.report)
    storage, name = file.file.storage, file.file.name
    audit_record(
        action="grants.report_file_removed",
        actor=by,
        target=file.report,
        details={"file": file.pk, "purpose": file.purpose, "kind": file.kind},
    )
    file.delete()
    transaction.on_commit(lambda: storage.delete(name))


# --- Due dates and reminders


@transaction.atomic
def report_due_days_set(*, round: Round, days: int, by: User) -> Round:
    """Staff choose how many days after the decision the round's reports are due."""
    require(can_set_report_due(by, round))
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= REPORT_DUE_DAYS_MAX:
        raise Refused(
            {
                "days": [
                    _("Give a number of days from 1 to %(max)s.") % {"max": REPORT_DUE_DAYS_MAX}
                ]
            },
            kind=Refusal.INVALID,
        )
    round = Round.objects.select_for_update(of=("self",)).get(pk=round.pk)
    require(can_set_report_due(by, round))
    old = round.report_due_days
    if old == days:
        return round
    round.report_due_days = days
    round.save(update_fields=["report_due_days"])
    audit_record(
        action="grants.report_due_days_set",
        actor=by,
        target=round,
        details={"old": old, "new": days},
    )
    return round


@transaction.atomic
def report_reminders_queue(*, today: datetime.date) -> int:
    """Queue today's reminders (due soon, overdue) for the background worker; return how many.

    Safe to run as often as you like: a reminder already sent is never queued again, and
    the task itself checks once more before it sends.
    """
    due = reminders_due(today)
    for reminder in due:
        transaction.on_commit(
            lambda r=reminder: report_reminder_email.enqueue(
                r.award.pk, r.kind, r.due_on.isoformat(), today.isoformat()
            )
        )
    return len(due)


def _reminder_still_due(award: Award, kind: str, due_on: datetime.date, today) -> bool:
    if not is_funded(award) or award.application.round.phase == RoundPhase.CLOSED:
        return False
    if not award.application.contact.email:
        return False
    if Report.objects.filter(award=award, status__in=SENT_STATUSES).exists():
        return False
    return report_due_on(award) == due_on and reminder_kind_on(due_on, today) == kind


def report_reminder_claim(
    *, award_id: int, kind: str, due_on: datetime.date, today: datetime.date
) -> ReportReminder | None:
    """Record that this reminder is being sent now, or return None if it shouldn't be.

    None if it was sent already (by this or another worker), or if it is no longer due:
    the report has been sent, the due date or the award has changed, or the round closed.
    The row is committed before the email goes, so the email is sent at most once.
    """
    if kind not in ReportReminderKind.values:
        return None
    with transaction.atomic():
        award = (
            Award.objects.select_for_update(of=("self",))
            .select_related("application__round", "application__contact", "meeting")
            .filter(pk=award_id)
            .first()
        )
        if award is None or not _reminder_still_due(award, kind, due_on, today):
            return None
        reminder, created = ReportReminder.objects.get_or_create(
            award=award, kind=kind, due_on=due_on
        )
        if not created:
            return None
        audit_record(
            action="grants.report_reminder_sent",
            target=award.application,
            details={"award": award.pk, "kind": kind, "due_on": due_on.isoformat()},
        )
    return reminder


@transaction.atomic
def report_reminder_release(*, reminder: ReportReminder) -> None:
    """Forget a claimed reminder whose email could not be sent, so a later run tries again."""
    audit_record(
        action="grants.report_reminder_failed",
        target=reminder.award.application,
        details={
            "award": reminder.award_id,
            "kind": reminder.kind,
            "due_on": reminder.due_on.isoformat(),
        },
    )
    reminder.delete()
