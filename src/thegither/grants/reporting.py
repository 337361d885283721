"""Reads for reports after the grant: due dates, what's missing, the round's list, totals.

Each function runs a fixed number of queries, whatever the number of awards. The
totals (`young_people_by_award`, `report_totals`, `report_totals_by_area`,
`report_totals_by_round`, `public_stories`) count sent reports of final awards with
money only, so the public "where the money went" page can use them as they are.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from thegither.accounts.models import Area, User
from thegither.grants.models import (
    AWARD_STATUSES_WITH_MONEY,
    REPORT_REMINDER_DAYS_BEFORE,
    Application,
    Award,
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
from thegither.grants.permissions import can_see_report, can_write_report, is_funded

SENT_STATUSES = (ReportStatus.SENT, ReportStatus.ACKNOWLEDGED)


def funded_awards(awards: QuerySet[Award] | None = None) -> QuerySet[Award]:
    """Final awards that give a group money (of `awards`, or all of them)."""
    awards = Award.objects.all() if awards is None else awards
    return awards.filter(is_final=True, status__in=AWARD_STATUSES_WITH_MONEY)


def report_due_on(award: Award) -> datetime.date | None:
    """The day the group's report is due: the round's number of days after the decision."""
    confirmed_at = award.meeting.confirmed_at
    if not is_funded(award) or confirmed_at is None:
        return None
    decided_on = timezone.localdate(confirmed_at)
    return decided_on + datetime.timedelta(days=award.application.round.report_due_days)


def _report_rows():
    return Report.objects.select_related(
        "award__application__round__fund__organisation",
        "award__application__contact",
        "award__application__pot__area",
        "award__meeting",
        "award__pot__area",
    )


def report_get(pk: int) -> Report:
    """Return the report with everything its pages show (raises Report.DoesNotExist)."""
    return _report_rows().prefetch_related("files").get(pk=pk)


def award_get(pk: int) -> Award:
    """Return the award with its application, round and meeting (raises Award.DoesNotExist)."""
    return Award.objects.select_related(
        "application__round__fund__organisation", "application__contact", "meeting", "pot__area"
    ).get(pk=pk)


def report_file_get(pk: int) -> ReportFile:
    """Return a photo or receipt with its report (raises ReportFile.DoesNotExist)."""
    return ReportFile.objects.select_related(
        "report__award__application__round__fund__organisation", "report__award__meeting"
    ).get(pk=pk)


def report_of(award: Award) -> Report | None:
    return Report.objects.filter(award=award).first()


def report_problems(report: Report) -> dict[str, list[str]]:
    """What the group still has to do before the report can be sent, in plain words."""
    problems: dict[str, list[str]] = {}
    if not report.what_happened.strip():
        problems["what_happened"] = [_("Say what happened.")]
    if report.young_people_count is None:
        problems["young_people_count"] = [_("Say how many young people took part.")]
    if report.returned_pence is None:
        problems["returned"] = [
            _("Say how much money you didn't spend. Write 0 if you spent it all.")
        ]
    elif report.returned_pence > report.award.amount_pence:
        problems["returned"] = [
            _("That's more than the %(amount)s you were given.")
            % {"amount": pence_to_pounds(report.award.amount_pence)}
        ]
    return problems


def photos_and_receipts(report: Report) -> tuple[list[ReportFile], list[ReportFile]]:
    files = list(report.files.all())
    photos = [f for f in files if f.purpose == ReportFilePurpose.PHOTO]
    receipts = [f for f in files if f.purpose == ReportFilePurpose.RECEIPT]
    return photos, receipts


# --- The round's list of reports, for the panel and staff.

STATE_WORDS = {
    None: gettext_lazy("Not started"),
    ReportStatus.DRAFT: gettext_lazy("Being written"),
    ReportStatus.SENT: gettext_lazy("Sent: waiting to be read"),
    ReportStatus.ACKNOWLEDGED: gettext_lazy("Read by the panel"),
}


@dataclass
class ReportRow:
    award: Award
    report: Report | None
    due_on: datetime.date | None
    today: datetime.date

    @property
    def status(self) -> str | None:
        return self.report.status if self.report is not None else None

    @property
    def state_words(self) -> str:
        return str(STATE_WORDS[self.status])

    @property
    def is_sent(self) -> bool:
        return self.status in SENT_STATUSES

    @property
    def is_overdue(self) -> bool:
        return not self.is_sent and self.due_on is not None and self.today > self.due_on


@dataclass
class AreaReports:
    area: Area
    rows: list[ReportRow] = field(default_factory=list)


def round_reports(round: Round, *, today: datetime.date | None = None) -> list[AreaReports]:
    """Every funded award in the round by area, with its report (if any) and due date."""
    today = today or timezone.localdate()
    awards = list(
        funded_awards(Award.objects.filter(pot__round=round))
        .select_related("application__round", "meeting", "pot__area")
        .order_by("pot__area__name", "application__group_name", "pk")
    )
    reports = {r.award_id: r for r in Report.objects.filter(award__in=awards)}
    areas: dict[int, AreaReports] = {}
    for award in awards:
        area = areas.setdefault(award.pot.area_id, AreaReports(award.pot.area))
        area.rows.append(ReportRow(award, reports.get(award.pk), report_due_on(award), today))
    return list(areas.values())


# --- The group's way in, on its application's page.


@dataclass(frozen=True)
class ReportLink:
    url: str
    words: str
    due_on: datetime.date | None
    status: str | None


def report_link(user: User, application: Application) -> ReportLink | None:
    """The link to the report on an application's page, for whoever may follow it, or None."""
    award = (
        Award.objects.filter(application=application)
        .select_related("meeting", "application__round")
        .first()
    )
    if award is None or not is_funded(award):
        return None
    report = report_of(award)
    due_on = report_due_on(award)
    status = report.status if report is not None else None
    if report is not None and can_see_report(user, report):
        if report.is_draft and can_write_report(user, award):
            url = reverse("grants:report-write", args=[award.pk])
            return ReportLink(url, _("Carry on with your end-of-grant report"), due_on, status)
        words = (
            _("See your end-of-grant report")
            if application.contact_id == user.pk
            else _("Read the group's end-of-grant report")
        )
        return ReportLink(reverse("grants:report-detail", args=[report.pk]), words, due_on, status)
    if report is None and can_write_report(user, award):
        url = reverse("grants:report-write", args=[award.pk])
        return ReportLink(url, _("Write your end-of-grant report"), due_on, status)
    return None


# --- Reminders: which groups should hear from us today.


@dataclass(frozen=True)
class ReminderDue:
    award: Award
    kind: str
    due_on: datetime.date


def reminder_kind_on(due_on: datetime.date, today: datetime.date) -> str | None:
    """Which reminder is due today for a report due on `due_on`, if any."""
    if today > due_on:
        return ReportReminderKind.OVERDUE
    if today >= due_on - datetime.timedelta(days=REPORT_REMINDER_DAYS_BEFORE):
        return ReportReminderKind.DUE_SOON
    return None


def reminders_due(today: datetime.date) -> list[ReminderDue]:
    """The reminders to send today: groups with an email whose report isn't sent.

    Rounds that are closed get none. A reminder already sent for the same due date is
    left out (the task checks again before it sends, so a repeat never emails twice).
    """
    awards = (
        funded_awards()
        .exclude(application__round__phase=RoundPhase.CLOSED)
        .exclude(report__status__in=SENT_STATUSES)
        .exclude(application__contact__email="")
        .select_related("application__round", "meeting")
        .order_by("pk")
    )
    awards = list(awards)
    sent = set(
        ReportReminder.objects.filter(award__in=awards).values_list("award_id", "kind", "due_on")
    )
    due = []
    for award in awards:
        due_on = report_due_on(award)
        kind = reminder_kind_on(due_on, today) if due_on is not None else None
        if kind is not None and (award.pk, kind, due_on) not in sent:
            due.append(ReminderDue(award, kind, due_on))
    return due


# --- Totals from sent reports, for the public "where the money went" page.


def _sent_reports(awards: Iterable[Award] | QuerySet[Award]) -> QuerySet[Report]:
    return Report.objects.filter(
        award__in=funded_awards(_as_queryset(awards)), status__in=SENT_STATUSES
    )


def young_people_by_award(awards: Iterable[Award] | QuerySet[Award]) -> dict[int, int]:
    """How many young people took part, by award id, from the groups' sent reports.

    Awards without a sent report (or not final with money) are left out: no number
    is guessed for them. One query.
    """
    return dict(_sent_reports(awards).values_list("award_id", "young_people_count"))


@dataclass(frozen=True)
class ReportTotals:
    """What the sent reports add up to, for some awards."""

    funded: int = 0  # final awards with money
    reports: int = 0  # of them, with a sent report
    young_people: int = 0
    given_pence: int = 0
    returned_pence: int = 0

    @property
    def spent_pence(self) -> int:
        return self.given_pence - self.returned_pence


def _add(totals: ReportTotals, award: Award, report: Report | None) -> ReportTotals:
    return ReportTotals(
        funded=totals.funded + 1,
        reports=totals.reports + (report is not None),
        young_people=totals.young_people + (report.young_people_count if report else 0),
        given_pence=totals.given_pence + award.amount_pence,
        returned_pence=totals.returned_pence + (report.returned_pence if report else 0),
    )


def _as_queryset(awards: Iterable[Award] | QuerySet[Award]) -> QuerySet[Award]:
    if isinstance(awards, QuerySet):
        return awards
    return Award.objects.filter(pk__in=[award.pk for award in awards])


def _funded_with_reports(awards, *related: str) -> list[tuple[Award, Report | None]]:
    funded = funded_awards(_as_queryset(awards))
    rows = list((funded.select_related(*related) if related else funded).order_by("pk"))
    reports = {
        report.award_id: report
        for report in Report.objects.filter(award__in=rows, status__in=SENT_STATUSES)
    }
    return [(award, reports.get(award.pk)) for award in rows]


def report_totals(awards: Iterable[Award] | QuerySet[Award]) -> ReportTotals:
    """Add up the sent reports of these awards: young people, money given and returned."""
    totals = ReportTotals()
    for award, report in _funded_with_reports(awards):
        totals = _add(totals, award, report)
    return totals


def report_totals_by_area(awards: Iterable[Award] | QuerySet[Award]) -> dict[Area, ReportTotals]:
    """The same totals for each area (ordered by area name). Two queries."""
    by_area: dict[int, tuple[Area, ReportTotals]] = {}
    for award, report in _funded_with_reports(awards, "pot__area"):
        area, totals = by_area.get(award.pot.area_id, (award.pot.area, ReportTotals()))
        by_area[area.pk] = (area, _add(totals, award, report))
    return dict(sorted(by_area.values(), key=lambda pair: (pair[0].name, pair[0].pk)))


def report_totals_by_round(
    awards: Iterable[Award] | QuerySet[Award],
) -> dict[Round, ReportTotals]:
    """The same totals for each round (newest first), for a page per year. Two queries."""
    by_round: dict[int, tuple[Round, ReportTotals]] = {}
    for award, report in _funded_with_reports(awards, "pot__round"):
        round, totals = by_round.get(award.pot.round_id, (award.pot.round, ReportTotals()))
        by_round[round.pk] = (round, _add(totals, award, report))
    return dict(
        sorted(by_round.values(), key=lambda pair: (pair[0].created_at, pair[0].pk), reverse=True)
    )


def public_stories(awards: Iterable[Award] | QuerySet[Award]) -> list[tuple[Award, str]]:
    """The stories groups said may be shown publicly, with their awards. One query.

    Only the story and the award: never the report's other words, photos or receipts.
    """
    reports = (
        _sent_reports(awards)
        .filter(story_is_public=True)
        .exclude(story="")
        .select_related("award__application", "award__pot__area")
        .order_by("award__pot__area__name", "award__application__group_name", "pk")
    )
    return [(report.award, report.story) for report in reports]
