"""Reads for money after the decision: what each pot holds, gives, pays and has left.

A pot's money is what it was set up with, plus money moved in from other pots,
less money moved out (decision 0058): `Pot.amount_pence` never changes after the
round opens, so the meeting's numbers stay as they were decided. Payments that
were cancelled don't count anywhere. Pages use `round_money`, which runs the
same few queries whatever the number of awards.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Q, Sum
from django.utils import timezone

from thegither.grants import allocating
from thegither.grants.explaining import engine_words
from thegither.grants.models import (
    AWARD_STATUSES_WITH_MONEY,
    ApplicationStatus,
    Award,
    AwardStatus,
    DecisionMeeting,
    Payment,
    Pot,
    PotTransfer,
    Round,
)

# A reminder goes out this many days before an award's accept-by date.
REMIND_DAYS_BEFORE = 7


def today() -> datetime.date:
    return timezone.localdate()


def _total(queryset, column: str = "amount_pence") -> int:
    return queryset.aggregate(total=Sum(column))["total"] or 0


def pot_moved_in_pence(pot: Pot) -> int:
    return _total(PotTransfer.objects.filter(to_pot=pot))


def pot_moved_out_pence(pot: Pot) -> int:
    return _total(PotTransfer.objects.filter(from_pot=pot))


def pot_money_pence(pot: Pot) -> int:
    """The pot's money now: as set up, plus money moved in, less money moved out."""
    return pot.amount_pence + pot_moved_in_pence(pot) - pot_moved_out_pence(pot)


def pot_awarded_pence(pot: Pot) -> int:
    """The money the pot's awards give out (withdrawn and lapsed ones gave theirs back)."""
    return _total(Award.objects.filter(pot=pot, status__in=AWARD_STATUSES_WITH_MONEY))


def pot_left_pence(pot: Pot) -> int:
    """The pot's money not given to any award: what can be re-offered or moved."""
    return pot_money_pence(pot) - pot_awarded_pence(pot)


def award_paid_pence(award: Award) -> int:
    """The money paid for the award so far (cancelled payments don't count)."""
    return _total(Payment.objects.filter(award=award, cancelled_at__isnull=True))


def award_to_pay_pence(award: Award, paid_pence: int) -> int:
    """What is still to pay: nothing once the award was withdrawn or lapsed."""
    return award.amount_pence - paid_pence if award.has_money else 0


def final_meeting(round: Round) -> DecisionMeeting | None:
    return DecisionMeeting.objects.filter(round=round, status=DecisionMeeting.Status.FINAL).first()


@dataclass
class AwardMoney:
    award: Award
    paid_pence: int

    @property
    def to_pay_pence(self) -> int:
        return award_to_pay_pence(self.award, self.paid_pence)


@dataclass
class PotMoney:
    pot: Pot
    moved_in_pence: int
    moved_out_pence: int
    awarded_pence: int
    paid_pence: int
    awards: list[AwardMoney] = field(default_factory=list)

    @property
    def money_pence(self) -> int:
        return self.pot.amount_pence + self.moved_in_pence - self.moved_out_pence

    @property
    def left_pence(self) -> int:
        return self.money_pence - self.awarded_pence


def round_money(round: Round) -> list[PotMoney]:
    """Every pot of the round with its money, and every final award with money or that had it.

    Four queries, whatever the number of pots, awards and payments.
    """
    pots = list(Pot.objects.filter(round=round).select_related("area").order_by("area__name"))
    moved_in: dict[int, int] = {}
    moved_out: dict[int, int] = {}
    for row in (
        PotTransfer.objects.filter(Q(to_pot__round=round) | Q(from_pot__round=round))
        .values("from_pot_id", "to_pot_id")
        .annotate(total=Sum("amount_pence"))
    ):
        moved_out[row["from_pot_id"]] = moved_out.get(row["from_pot_id"], 0) + row["total"]
        moved_in[row["to_pot_id"]] = moved_in.get(row["to_pot_id"], 0) + row["total"]
    awards = list(
        Award.objects.filter(pot__round=round, is_final=True)
        .exclude(status=AwardStatus.DECLINED)
        .select_related("application", "pot__area")
        .annotate(paid=Sum("payments__amount_pence", filter=Q(payments__cancelled_at__isnull=True)))
        .order_by("pot__area__name", "position", "pk")
    )
    summaries = []
    for pot in pots:
        mine = [AwardMoney(a, a.paid or 0) for a in awards if a.pot_id == pot.pk]
        summaries.append(
            PotMoney(
                pot=pot,
                moved_in_pence=moved_in.get(pot.pk, 0),
                moved_out_pence=moved_out.get(pot.pk, 0),
                awarded_pence=sum(row.award.amount_pence for row in mine if row.award.has_money),
                paid_pence=sum(row.paid_pence for row in mine),
                awards=mine,
            )
        )
    return summaries


def award_payments(award: Award) -> list[Payment]:
    return list(
        Payment.objects.filter(award=award).select_related("award").order_by("paid_on", "pk")
    )


# Re-offering: the money back in a pot, offered to its waiting list with the engine re-run.


def waiting_list(pot: Pot) -> list[Award]:
    """The pot's applications the engine didn't fund, in the meeting's order.

    Not the ones the panel said no to: that was its decision, not a lack of money.
    """
    return list(
        Award.objects.filter(
            pot=pot,
            is_final=True,
            status=AwardStatus.DECLINED,
            on_waiting_list=True,
            application__status=ApplicationStatus.ELIGIBLE,
        )
        .select_related("application")
        .order_by("position", "pk")
    )


@dataclass
class ReOfferRow:
    award: Award  # the waiting list's final award, unchanged
    funded: bool
    reason: str
    details: dict
    support: int
    words: str


@dataclass
class ReOfferProposal:
    pot: Pot
    meeting: DecisionMeeting
    left_pence: int
    rows: list[ReOfferRow]

    @property
    def funded(self) -> list[int]:
        """The ids of the awards the proposal funds."""
        return [row.award.pk for row in self.rows if row.funded]

    @property
    def given_pence(self) -> int:
        return sum(row.award.application.amount_pence for row in self.rows if row.funded)


def reoffer_proposal(pot: Pot) -> ReOfferProposal | None:
    """Run the engine again on the pot's waiting list with the money left; None before the decision.

    The same rule and the same votes (or scores) as the meeting. The waiting list goes in
    the meeting's order, which already holds any casting vote, so a tie is settled the
    way the meeting settled it and needs no new casting vote.
    """
    meeting = final_meeting(pot.round)
    if meeting is None:
        return None
    waiting = waiting_list(pot)
    left = pot_left_pence(pot)
    if not waiting:
        return ReOfferProposal(pot, meeting, left, [])
    proposal = allocating.propose(
        pot,
        meeting=meeting,
        casting=[award.application_id for award in waiting],
        applications=[award.application for award in waiting],
        budget_pence=max(left, 0),
    )
    by_application = {award.application_id: award for award in waiting}
    rows = []
    for result in proposal.results:
        award = by_application[result.application.pk]
        # An unsaved copy carries the new reason, so the words explain this run, not the meeting.
        shown = Award(
            application=award.application,
            status=AwardStatus.PROPOSED if result.funded else AwardStatus.NOT_FUNDED,
            proposed_pence=award.application.amount_pence if result.funded else 0,
            engine_reason=result.reason,
            engine_details=result.details,
            support=result.support,
        )
        rows.append(
            ReOfferRow(
                award=award,
                funded=result.funded,
                reason=result.reason,
                details=result.details,
                support=result.support,
                words=engine_words(shown, method=meeting.method, rule=meeting.rule),
            )
        )
    return ReOfferProposal(pot, meeting, left, rows)


def awards_to_remind(on: datetime.date | None = None):
    """Awards not yet accepted whose accept-by date is close, and that had no reminder."""
    on = on or today()
    return Award.objects.filter(
        is_final=True,
        status__in=(AwardStatus.AWARDED, AwardStatus.PARTIAL),
        accepted_at__isnull=True,
        reminded_at__isnull=True,
        accept_by__gte=on,
        accept_by__lte=on + datetime.timedelta(days=REMIND_DAYS_BEFORE),
    )


def awards_overdue(on: datetime.date | None = None):
    """Awards not accepted by their accept-by date: they lapse."""
    on = on or today()
    return Award.objects.filter(
        is_final=True,
        status__in=(AwardStatus.AWARDED, AwardStatus.PARTIAL),
        accepted_at__isnull=True,
        accept_by__lt=on,
    )
