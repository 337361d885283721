"""Background work for grants: emails to groups, sent after the change is saved.

Tasks take ids and load fresh rows, so a task that runs late sends what is true then.
"""

from django.core.mail import send_mail
from django.tasks import task
from django.template.loader import render_to_string

from thegither.grants.models import Application, Award, AwardStatus, PanelMember, RoundPhase
from thegither.grants.scoring import member_queue, progress_of


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
def award_offered_email(award_id: int) -> None:
    """Tell the group they have been awarded money, and the day to accept it by."""
    award = _award_waiting(award_id)
    if award is not None:
        _send_award(award, "award_offered")


@task
def award_reminder_email(award_id: int) -> None:
    """Remind the group to accept their award, if they still haven't when this runs."""
    award = _award_waiting(award_id)
    if award is not None:
        _send_award(award, "award_reminder")
