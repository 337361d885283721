"""Reads for the decision meeting: who is there, each pot's proposal, what is left.

A fixed number of queries whatever the number of applications (decision pages assert it).
"""

from dataclasses import dataclass

from thegither.core.permissions import Decision
from thegither.grants.explaining import engine_words, rule_words
from thegither.grants.models import (
    Award,
    DecisionMeeting,
    PanelMember,
    Pot,
    PotAllocation,
    Round,
)
from thegither.grants.services.deciding import tie_choices


@dataclass
class AwardRow:
    award: Award
    words: str


@dataclass
class PotSummary:
    pot: Pot
    allocation: PotAllocation | None
    rows: list[AwardRow]
    ties: list[Award]

    @property
    def given_pence(self) -> int:
        return sum(row.award.amount_pence for row in self.rows if row.award.has_money)

    @property
    def left_pence(self) -> int:
        return self.pot.amount_pence - self.given_pence


@dataclass
class MeetingSummary:
    meeting: DecisionMeeting | None
    members: list[PanelMember]
    present: set[int]
    pots: list[PotSummary]
    rule_words: str

    @property
    def present_count(self) -> int:
        return len(self.present)

    @property
    def has_quorum(self) -> bool:
        return self.meeting is not None and self.present_count >= self.meeting.quorum

    @property
    def is_proposed(self) -> bool:
        return bool(self.pots) and all(p.allocation is not None for p in self.pots)

    @property
    def has_ties(self) -> bool:
        return any(p.ties for p in self.pots)


def meeting_summary(round: Round) -> MeetingSummary:
    """Everything the meeting page shows, in a few queries."""
    meeting = DecisionMeeting.objects.filter(round=round).first()
    members = list(PanelMember.objects.filter(round=round).order_by("number"))
    present: set[int] = set()
    method, rule = round.decision_method, round.allocation_rule
    if meeting is not None:
        present = set(meeting.attendances.values_list("panel_member_id", flat=True))
        method, rule = meeting.method, meeting.rule
    pots = list(Pot.objects.filter(round=round).select_related("area").order_by("area__name"))
    allocations = {a.pot_id: a for a in PotAllocation.objects.filter(pot__in=pots)}
    awards = list(
        Award.objects.filter(pot__in=pots)
        .select_related("application")
        .order_by("pot_id", "position", "pk")
    )
    summaries = []
    for pot in pots:
        allocation = allocations.get(pot.pk)
        mine = [a for a in awards if a.pot_id == pot.pk]
        rows = [AwardRow(a, engine_words(a, method=method, rule=rule)) for a in mine]
        choices = set(tie_choices(allocation)) if allocation is not None else set()
        ties = [a for a in mine if a.application_id in choices]
        summaries.append(PotSummary(pot, allocation, rows, ties))
    return MeetingSummary(meeting, members, present, summaries, rule_words(rule, method))


@dataclass
class VoteRow:
    application: object
    allowed: Decision
    supports: bool
    stepped_out: bool
