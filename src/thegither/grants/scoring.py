"""Reads for scoring: a member's queue, who has finished, and the score review table.

Each function runs a fixed number of queries, whatever the number of applications
and panel members. Scores reach a page only through `permissions.scores_decisions`.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Avg, Count, F, Q, Sum
from django.utils.translation import gettext_lazy as _

from thegither.core.permissions import Decision
from thegither.grants.models import (
    SCORE_MAX,
    Application,
    ApplicationStatus,
    Assessment,
    ConflictDeclaration,
    Criterion,
    PanelMember,
    Pot,
    Round,
    Score,
)
from thegither.grants.permissions import scores_decisions

# A member's totals this far apart (as a share of the most an application can get)
# is flagged as a disagreement worth talking about.
DISAGREEMENT_SHARE = 0.25


def eligible_applications(round: Round):
    return (
        Application.objects.filter(round=round, status=ApplicationStatus.ELIGIBLE)
        .select_related("round__fund__organisation", "pot__area")
        .order_by("group_name", "pk")
    )


@dataclass(frozen=True)
class QueueItem:
    """One application on a member's list, with what they have said and done on it."""

    application: Application
    knows_group: bool | None  # None: not said yet
    assessment: Assessment | None

    @property
    def is_finished(self) -> bool:
        return self.assessment is not None and self.assessment.is_finished

    @property
    def to_score(self) -> bool:
        return self.knows_group is False


def assessments_of(member: PanelMember) -> dict[int, Assessment]:
    """The member's assessments, by application id."""
    return {a.application_id: a for a in Assessment.objects.filter(panel_member=member)}


def queue_of(
    read: list[tuple[Application, ConflictDeclaration | None]],
    assessments: dict[int, Assessment],
) -> list[QueueItem]:
    """The queue from a member's reading list (`selectors.applications_to_read`)."""
    return [
        QueueItem(a, said.has_conflict if said else None, assessments.get(a.pk))
        for a, said in read
        if a.status == ApplicationStatus.ELIGIBLE
    ]


def member_queue(member: PanelMember) -> list[QueueItem]:
    """The eligible applications a member reads, in order, with declarations and assessments."""
    applications = list(eligible_applications(member.round))
    said = dict(
        ConflictDeclaration.objects.filter(panel_member=member).values_list(
            "application_id", "has_conflict"
        )
    )
    assessments = assessments_of(member)
    return [QueueItem(a, said.get(a.pk), assessments.get(a.pk)) for a in applications]


@dataclass(frozen=True)
class Progress:
    """How far one member has got: "7 of 12 scored"."""

    scored: int
    to_score: int
    not_declared: int

    @property
    def is_finished(self) -> bool:
        return self.not_declared == 0 and self.scored >= self.to_score


def progress_of(queue: list[QueueItem]) -> Progress:
    return Progress(
        scored=sum(1 for item in queue if item.to_score and item.is_finished),
        to_score=sum(1 for item in queue if item.to_score),
        not_declared=sum(1 for item in queue if item.knows_group is None),
    )


def next_to_score(queue: list[QueueItem], after: int | None = None) -> Application | None:
    """The next application the member still has to score, after `after` (then from the top)."""
    pks = [item.application.pk for item in queue]
    position = pks.index(after) if after in pks else -1
    waiting = [
        (index <= position, item.application)
        for index, item in enumerate(queue)
        if item.to_score and not item.is_finished and item.application.pk != after
    ]
    # Those below `after` first, then from the top: False sorts before True, and sorting
    # keeps the list's own order within each.
    waiting.sort(key=lambda pair: pair[0])
    return waiting[0][1] if waiting else None


@dataclass(frozen=True)
class MemberProgress:
    """A row on the staff's "who has finished" page: never the scores themselves."""

    member: PanelMember
    progress: Progress

    @property
    def is_finished(self) -> bool:
        return self.progress.is_finished


def scoring_progress(round: Round) -> list[MemberProgress]:
    """Every panel member's progress, chair first (four queries)."""
    members = list(
        PanelMember.objects.filter(round=round)
        .select_related("user")
        .order_by("-is_chair", "number")
    )
    eligible = Application.objects.filter(round=round, status=ApplicationStatus.ELIGIBLE)
    count = eligible.count()
    said = {
        row["panel_member"]: row
        for row in ConflictDeclaration.objects.filter(application__in=eligible)
        .values("panel_member")
        .annotate(said=Count("pk"), knows=Count("pk", filter=Q(has_conflict=True)))
    }
    finished = dict(
        Assessment.objects.filter(
            application__in=eligible,
            finished_at__isnull=False,
            application__conflict_declarations__panel_member=F("panel_member"),
            application__conflict_declarations__has_conflict=False,
        )
        .values("panel_member")
        .annotate(done=Count("pk"))
        .values_list("panel_member", "done")
    )
    rows = []
    for member in members:
        mine = said.get(member.pk, {"said": 0, "knows": 0})
        rows.append(
            MemberProgress(
                member,
                Progress(
                    scored=finished.get(member.pk, 0),
                    to_score=mine["said"] - mine["knows"],
                    not_declared=count - mine["said"],
                ),
            )
        )
    return rows


@dataclass
class ReviewRow:
    """One application in the score review."""

    application: Application
    shown: Decision
    scored_by: int = 0
    stepped_out: list[str] = field(default_factory=list)
    average: float | None = None  # the members' weighted totals, averaged
    lowest: float | None = None
    highest: float | None = None
    by_criterion: list[tuple[Criterion, float | None]] = field(default_factory=list)
    disagreement: bool = False

    @property
    def spread(self) -> float | None:
        if self.lowest is None or self.highest is None:
            return None
        return self.highest - self.lowest

    @property
    def average_text(self) -> str:
        return one_decimal(self.average)

    @property
    def by_criterion_text(self) -> list[tuple[Criterion, str]]:
        return [(criterion, one_decimal(average)) for criterion, average in self.by_criterion]


def one_decimal(value: float | None) -> str:
    """Show a score to one decimal place (a dash for none): cheaper than a template filter."""
    return "–" if value is None else f"{value:.1f}"


@dataclass
class AreaReview:
    """The review table for one area's pot."""

    pot: Pot
    rows: list[ReviewRow]


SORTS = {
    "group": lambda row: (row.application.group_name.casefold(), row.application.pk),
    "amount": lambda row: row.application.amount_pence,
    "total": lambda row: row.average,
    "spread": lambda row: row.spread,
    "scored": lambda row: row.scored_by,
}
DEFAULT_SORT = ("total", True)


def sort_rows(rows: list[ReviewRow], key: str, descending: bool) -> list[ReviewRow]:
    """Sort rows; rows whose scores this person can't see, or that have none, go last."""
    get = SORTS[key]
    known, unknown = [], []
    for row in rows:
        (known if row.shown and get(row) is not None else unknown).append(row)
    known.sort(key=get, reverse=descending)
    return known + sorted(unknown, key=SORTS["group"])


def weighted_most(criteria: list[Criterion]) -> int:
    """The most an application can get from one member: every criterion at 5."""
    return SCORE_MAX * sum(criterion.weight for criterion in criteria)


def score_review(
    round: Round, user, *, sort: str = "total", descending: bool = True
) -> tuple[list[Criterion], list[AreaReview]]:
    """The round's criteria and one review table per area, as this person may see it."""
    if sort not in SORTS:
        sort, descending = DEFAULT_SORT
    criteria = list(round.criteria.order_by("position", "pk"))
    most = weighted_most(criteria)
    applications = list(eligible_applications(round))
    shown = scores_decisions(user, round, applications)
    finished = Score.objects.filter(
        assessment__application__round=round,
        assessment__application__status=ApplicationStatus.ELIGIBLE,
        assessment__finished_at__isnull=False,
    )
    totals: dict[int, list[int]] = defaultdict(list)
    for row in (
        finished.values("assessment__application_id", "assessment_id")
        .annotate(total=Sum(F("value") * F("criterion__weight")))
        .values_list("assessment__application_id", "total")
    ):
        totals[row[0]].append(row[1])
    averages = {
        (application_id, criterion_id): average
        for application_id, criterion_id, average in finished.values(
            "assessment__application_id", "criterion_id"
        )
        .annotate(average=Avg("value"))
        .values_list("assessment__application_id", "criterion_id", "average")
    }
    stepped_out: dict[int, list[str]] = defaultdict(list)
    for application_id, number in (
        ConflictDeclaration.objects.filter(application__round=round, has_conflict=True)
        .order_by("panel_member__number")
        .values_list("application_id", "panel_member__number")
    ):
        stepped_out[application_id].append(str(_("Panel member %(number)s") % {"number": number}))
    by_pot: dict[int, list[ReviewRow]] = defaultdict(list)
    for application in applications:
        row = ReviewRow(
            application,
            shown[application.pk],
            stepped_out=stepped_out.get(application.pk, []),
        )
        if row.shown:
            member_totals = totals.get(application.pk, [])
            row.scored_by = len(member_totals)
            if member_totals:
                row.average = sum(member_totals) / len(member_totals)
                row.lowest, row.highest = min(member_totals), max(member_totals)
            row.by_criterion = [(c, averages.get((application.pk, c.pk))) for c in criteria]
            row.disagreement = is_disagreement(row, most)
        by_pot[application.pot_id].append(row)
    pots = Pot.objects.filter(round=round).select_related("area").order_by("area__name")
    return criteria, [
        AreaReview(pot, sort_rows(by_pot.get(pot.pk, []), sort, descending)) for pot in pots
    ]


def is_disagreement(row: ReviewRow, most: int) -> bool:
    spread = row.spread
    return spread is not None and most > 0 and spread >= DISAGREEMENT_SHARE * most


def others_scores(application: Application, member: PanelMember | None):
    """Everyone else's finished scores and notes on one application, by pseudonym.

    Call only after `can_see_scores` allowed it.
    """
    assessments = (
        Assessment.objects.filter(application=application, finished_at__isnull=False)
        .select_related("panel_member")
        .prefetch_related("scores__criterion")
        .order_by("panel_member__number")
    )
    if member is not None:
        assessments = assessments.exclude(panel_member=member)
    return list(assessments)
