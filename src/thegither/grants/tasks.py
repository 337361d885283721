"""Background work for grants: emails to groups, sent after the change is saved.

Tasks take ids and load fresh rows, so a task that runs late sends what is true then.
"""

import datetime
import logging

from django.core.mail import send_mail
from django.tasks import task
from django.template.loader import render_to_string

from thegither.grants.models import (
    Application,
    Award,
    AwardStatus,
    Letter,
    PanelMember,
    Report,
    ReportStatus,
    RoundPhase,
)
from thegither.grants.scoring import member_queue, progress_of

logger = logging.getLogger(__name__)


def _send(application: Application, template: str) -> None:
    email = application.contact.email
    if not email:
        return
    context = {"application": application, "round": application.round}
    subject = render_to_string(f"grants/email/{template}_subject.txt", context)
    send_mail(
        subject=" ".join(subject.split()),
        message=render_to_string(f"grants/email/{template}.txt", context),
        from_email=None,
        recipient_list=[email],
    )


def _application(application_id: int) -> Application | None:
    return (
        Application.objects.select_related("contact", "round__fund__organisation", "pot__area")
        .filter(pk=application_id)
        .first()
    )


@task
def application_submitted_email(application_id: int) -> None:
    """Tell the group's contact their application has arrived."""
    application = _application(application_id)
    if application is not None:
        _send(application, "application_submitted")


@task
def application_screened_email(application_id: int) -> None:
    """Tell the group's contact whether their application goes to the panel, and why not."""
    application = _application(application_id)
    if application is not None and application.status in {"eligible", "not-eligible"}:
        _send(application, "application_screened")


@task
def scoring_reminder_email(panel_member_id: int) -> None:
    """Remind a panel member to finish scoring, if they still haven't when this runs."""
    member = (
        PanelMember.objects.select_related("user", "round__fund__organisation")
        .filter(pk=panel_member_id)
        .first()
    )
    if member is None or not member.user.email or member.round.phase != RoundPhase.ASSESSMENT:
        return
    progress = progress_of(member_queue(member))
    if progress.is_finished:
        return
    context = {"member": member, "round": member.round, "progress": progress}
    subject = render_to_string("grants/email/scoring_reminder_subject.txt", context)
    send_mail(
        subject=" ".join(subject.split()),
        message=render_to_string("grants/email/scoring_reminder.txt", context),
        from_email=None,
        recipient_list=[member.user.email],
    )


# Reports after the grant (emails to the group's contact).


def _report(report_id: int) -> Report | None:
    return (
        Report.objects.select_related(
            "award__application__contact", "award__application__round__fund__organisation"
        )
        .filter(pk=report_id)
        .first()
    )


def _send_about_report(application: Application, template: str, **context) -> None:
    context = {"application": application, "round": application.round, **context}
    subject = render_to_string(f"grants/email/{template}_subject.txt", context)
    send_mail(
        subject=" ".join(subject.split()),
        message=render_to_string(f"grants/email/{template}.txt", context),
        from_email=None,
        recipient_list=[application.contact.email],
    )


@task
def report_sent_email(report_id: int) -> None:
    """Tell the group's contact their end-of-grant report has arrived."""
    report = _report(report_id)
    if report is not None and report.award.application.contact.email and not report.is_draft:
        _send_about_report(report.award.application, "report_sent", report=report)


@task
def report_acknowledged_email(report_id: int) -> None:
    """Tell the group's contact the panel has read their report, with any thank-you note."""
    report = _report(report_id)
    if (
        report is not None
        and report.award.application.contact.email
        and report.status == ReportStatus.ACKNOWLEDGED
    ):
        _send_about_report(report.award.application, "report_acknowledged", report=report)


@task
def report_reminder_email(award_id: int, kind: str, due_on: str, on: str) -> None:
    """Remind a group its report is due soon, or overdue: at most once per reminder.

    `on` is the day the reminder was queued for. The reminder is recorded before the
    email goes, and forgotten again if it can't be sent, so neither a second worker
    nor a second run ever emails twice.
    """
    from thegither.grants.services.reports import report_reminder_claim, report_reminder_release

    reminder = report_reminder_claim(
        award_id=award_id,
        kind=kind,
        due_on=datetime.date.fromisoformat(due_on),
        today=datetime.date.fromisoformat(on),
    )
    if reminder is None:
        return
    application = Application.objects.select_related("contact", "round__fund__organisation").get(
        pk=reminder.award.application_id
    )
    try:
        _send_about_report(
            application,
            f"report_{kind.replace('-', '_')}",
            award=reminder.award,
            due_on=reminder.due_on,
        )
    except Exception:
        report_reminder_release(reminder=reminder)


@task
def award_letter_send(award_id: int) -> None:
    """Draw the award's letter and email it to the group's contact, once (decision 0059).

    A letter already sent is not sent again. If this server can't draw PDFs, the task
    fails with the message that says which packages to install (staff see it too).
    """
    from thegither.grants.letters import CannotMakeLetters
    from thegither.grants.services.letters import letter_send

    letter = Letter.objects.filter(award_id=award_id, award__is_final=True).first()
    if letter is None:
        return
    try:
        letter_send(letter=letter)
    except CannotMakeLetters as error:
        logger.error("Letter for award %s not made: %s", award_id, error)
        raise


def _award_waiting(award_id: int) -> Award | None:
    """The award, if it still has money the group hasn't accepted (else nothing to send)."""
    award = (
        Award.objects.select_related(
            "application__contact", "application__round__fund__organisation", "pot__area"
        )
        .filter(
            pk=award_id,
            is_final=True,
            status__in=(AwardStatus.AWARDED, AwardStatus.PARTIAL),
            accepted_at__isnull=True,
        )
        .first()
    )
    if award is None or not award.application.contact.email:
        return None
    return award


def _send_award(award: Award, template: str) -> None:
    application = award.application
    context = {
        "award": award,
        "application": application,
        "round": application.round,
        "organisation": application.round.organisation,
    }
    subject = render_to_string(f"grants/email/{template}_subject.txt", context)
    send_mail(
        subject=" ".join(subject.split()),
        message=render_to_string(f"grants/email/{template}.txt", context),
        from_email=None,
        recipient_list=[application.contact.email],
    )


@task
def award_reminder_email(award_id: int) -> None:
    """Remind the group to accept their award, if they still haven't when this runs."""
    award = _award_waiting(award_id)
    if award is not None:
        _send_award(award, "award_reminder")
