"""What happens next for a group's application, at every stage, in words the group reads.

The application's own status says where it is until the panel decides; after that the
final award does (accept it, then report; or what to do after a no). Pages are handed
the sentence and the decision's label, never the rules to work them out again.
"""

import datetime
from dataclasses import dataclass

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from thegither.grants.models import (
    Application,
    ApplicationStatus,
    Award,
    AwardStatus,
    Report,
    ReportStatus,
    RoundPhase,
)
from thegither.grants.money import pence_to_pounds
from thegither.grants.reporting import report_due_on

# What `with_next_steps` joins, so a list of applications runs one query.
NEXT_STEP_ROWS = ("award__meeting", "award__report")
DECIDING_PHASES = frozenset({RoundPhase.DECISION, RoundPhase.AWARDS, RoundPhase.FOLLOW_UP})


@dataclass(frozen=True)
class NextStep:
    """The sentence a page shows, and the panel's decision as a short label ("" before it)."""

    words: str
    decision: str = ""


def _day(day: datetime.date) -> str:
    return date_format(day, "j F Y")


def final_award_of(application: Application) -> Award | None:
    """Return the application's award once the decision is final (None before)."""
    try:
        award = application.award
    except ObjectDoesNotExist:
        return None
    return award if award.is_final else None


def _report_of(award: Award) -> Report | None:
    try:
        return award.report
    except ObjectDoesNotExist:
        return None


def decision_label(award: Award) -> str:
    """Return the decision in a few words, with the money where there is some."""
    if award.has_money or award.has_ended:
        return _("%(decision)s: %(amount)s") % {
            "decision": award.get_status_display(),
            "amount": pence_to_pounds(award.amount_pence),
        }
    return award.get_status_display()


def _before_the_decision(application: Application) -> str:
    status = application.status
    if status == ApplicationStatus.DRAFT:
        return _("What happens next: finish it and send it before the last day to apply.")
    if status == ApplicationStatus.SUBMITTED:
        return _("What happens next: staff check that it can go to the panel. We'll email you.")
    if status == ApplicationStatus.NOT_ELIGIBLE:
        return _("It can't go to the panel. Why: %(reason)s") % {
            "reason": application.screening_reason
        }
    if status == ApplicationStatus.WITHDRAWN:
        return _("You took it back, so the panel won't see it.")
    if application.round.phase in DECIDING_PHASES:
        return _(
            "What happens next: the panel meets to decide who gets the money. We'll email "
            "you a letter that says what they decided."
        )
    return _("What happens next: the panel of young people reads it and scores it.")


def _with_money(award: Award, today: datetime.date, closed: bool) -> str:
    report = _report_of(award)
    if report is not None and report.status == ReportStatus.ACKNOWLEDGED:
        return _("The panel has read your end-of-grant report. Thank you!")
    if report is not None and report.status == ReportStatus.SENT:
        return _("What happens next: the panel reads your end-of-grant report.")
    if closed:
        if not award.is_accepted:
            return _("This round is closed. Talk to the staff about this award.")
        return _("This round is closed, so reports can't be sent now.")
    if not award.is_accepted:
        if award.accept_by is None:
            return _(
                "What happens next: accept the award. Then the staff pay the money to your group."
            )
        if today > award.accept_by:
            return _(
                "The last day to accept the award was %(date)s. Talk to the staff if you "
                "still want it."
            ) % {"date": _day(award.accept_by)}
        if award.status == AwardStatus.PARTIAL:
            return _(
                "What happens next: accept the award and agree to its condition by "
                "%(date)s. Then the staff pay the money to your group."
            ) % {"date": _day(award.accept_by)}
        return _(
            "What happens next: accept the award by %(date)s. Then the staff pay the money "
            "to your group."
        ) % {"date": _day(award.accept_by)}
    due = report_due_on(award)
    if due is None:
        return _(
            "What happens next: do your activity, keep the receipts, and send the panel your "
            "end-of-grant report."
        )
    return _(
        "What happens next: do your activity, keep the receipts, and send the panel your "
        "end-of-grant report by %(date)s."
    ) % {"date": _day(due)}


def _after_the_decision(award: Award, today: datetime.date, closed: bool) -> str:
    if award.has_money:
        return _with_money(award, today, closed)
    if award.status == AwardStatus.WITHDRAWN:
        return _(
            "You gave the award back, so the money went back to the pot for other groups. "
            "You can apply again in the next round."
        )
    if award.status == AwardStatus.LAPSED:
        return _(
            "The award wasn't accepted in time, so the money went back to the pot. Talk to "
            "the staff if you think that's wrong."
        )
    words = _(
        "The panel couldn't give your group a grant this time: the letter says why. What "
        "next: you can apply again in the next round, and ask the staff for feedback."
    )
    if award.on_waiting_list and not closed:
        words += " " + _("If money comes back to the pot, the panel may offer it to you.")
    return words


def next_step(application: Application, *, today: datetime.date | None = None) -> NextStep:
    """Return what happens next for the application, and the panel's decision if it is final."""
    award = final_award_of(application)
    if award is None or application.status != ApplicationStatus.ELIGIBLE:
        return NextStep(_before_the_decision(application))
    today = today or timezone.localdate()
    closed = application.round.phase == RoundPhase.CLOSED
    return NextStep(_after_the_decision(award, today, closed), decision_label(award))


def with_next_steps(applications: QuerySet[Application]) -> QuerySet[Application]:
    """Join what `next_step` reads: the award, its meeting and its report."""
    return applications.select_related(*NEXT_STEP_ROWS)
