"""Helpers for money tests: a round whose decision is final, with awards to accept and pay."""

import datetime
import uuid
from dataclasses import dataclass

from django.utils import timezone

from thegither.accounts.models import Area
from thegither.grants import services
from thegither.grants.models import Award, Pot
from thegither.grants.tests.deciding_helpers import (
    Deciding,
    deciding_make,
    meeting_with_everyone,
    vote,
)


@dataclass
class Decided:
    deciding: Deciding
    awards: list[Award]  # one per application, in the order they were made
    other_pot: Pot | None

    @property
    def staff(self):
        return self.deciding.staff

    @property
    def chair(self):
        return self.deciding.chair

    @property
    def contact(self):
        return self.deciding.applications[0].contact

    @property
    def pot(self) -> Pot:
        return self.deciding.pot

    @property
    def round(self):
        return self.deciding.round

    def award(self, index: int) -> Award:
        return Award.objects.get(pk=self.awards[index].pk)


def decided_make(
    organisation,
    *,
    partial: bool = False,
    other_pot_pence: int | None = None,
    accept_within_days: int | None = None,
) -> Decided:
    """Three £1,000 applications from a £2,000 pot, decided by equal shares and confirmed.

    Everyone supports the first two, which are funded (the second part-funded with a
    condition when `partial`); only the chair supports the third, which is on the
    waiting list. `other_pot_pence` adds a second area's pot with no applications.
    """
    deciding = deciding_make(organisation)
    contact = deciding.applications[0].contact
    contact.email = f"group-{contact.pk}@example.org"
    contact.save(update_fields=["email"])
    other_pot = None
    if other_pot_pence is not None:
        area, _created = Area.objects.get_or_create(organisation=organisation, name="North East")
        other_pot = Pot.objects.create(
            round=deciding.round,
            area=area,
            amount_pence=other_pot_pence,
            min_grant_pence=10_000,
            max_grant_pence=other_pot_pence,
        )
    if accept_within_days is not None:
        services.decision_rules_set(
            round=deciding.round,
            method=deciding.round.decision_method,
            rule=deciding.round.allocation_rule,
            quorum_percent=deciding.round.quorum_percent,
            accept_within_days=accept_within_days,
            by=deciding.staff,
        )
    meeting = meeting_with_everyone(deciding)
    vote(deciding, {0: [0, 1, 2], 1: [0, 1], 2: [0, 1]})
    services.allocation_propose(meeting=meeting, by=deciding.chair)
    if partial:
        services.award_change(
            award=Award.objects.get(application=deciding.applications[1]),
            amount_pence=80_000,
            condition="Spend it on the coaches only.",
            by=deciding.chair,
        )
    services.meeting_confirm(meeting=meeting, by=deciding.chair)
    awards = [Award.objects.get(application=a) for a in deciding.applications]
    return Decided(deciding, awards, other_pot)


def accept(decided: Decided, index: int) -> Award:
    award = decided.award(index)
    return services.award_accept(
        award=award,
        bank_details_with_staff=True,
        agrees_to_condition=bool(award.condition),
        by=decided.contact,
    )


def pay(decided: Decided, index: int, amount_pence: int, *, reference: str = "BACS 1"):
    return services.payment_record(
        award=decided.award(index),
        entry_key=uuid.uuid4(),
        paid_on=timezone.localdate(),
        amount_pence=amount_pence,
        reference=reference,
        by=decided.staff,
    )


def overdue(award: Award, days: int = 1) -> Award:
    """Move the award's accept-by date into the past (as if the days had gone by)."""
    Award.objects.filter(pk=award.pk).update(
        accept_by=timezone.localdate() - datetime.timedelta(days=days)
    )
    return Award.objects.get(pk=award.pk)
