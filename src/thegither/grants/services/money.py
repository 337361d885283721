"""Money after the decision: groups accept or give back, staff pay, the panel re-offers.

Every change locks the rows it checks, in one order (the pot, then the award, then
the payment), inside one transaction: `select_for_update` on PostgreSQL, and
SQLite's IMMEDIATE transactions take the write lock at the start. So two people
clicking at once can never pay more than an award, give out more than a pot
holds, or move more than is left. Each change is in the audit log. Decision 0058
says why it works this way.
"""

import datetime
import uuid

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from thegither.accounts.models import User
from thegither.core.permissions import require
from thegither.core.refusals import Refusal, Refused
from thegither.core.services import audit_record
from thegither.grants import ledger
from thegither.grants.models import (
    MONEY_MAX_PENCE,
    MONEY_REASON_MAX,
    PAYMENT_REFERENCE_MAX,
    Award,
    AwardStatus,
    Payment,
    Pot,
    PotTransfer,
    ReOffer,
    RoundPhase,
)
from thegither.grants.money import pence_to_pounds
from thegither.grants.permissions import (
    MONEY_STATUSES,
    can_accept_award,
    can_cancel_payment,
    can_lapse_award,
    can_move_money,
    can_record_payment,
    can_reoffer,
    can_see_award_money,
    can_withdraw_award,
)
from thegither.grants.services.letters import letters_reoffer_prepare


def _locked_pot(pot_id: int) -> Pot:
    return (
        Pot.objects.select_for_update(of=("self",))
        .select_related("area", "round__fund__organisation")
        .get(pk=pot_id)
    )


def _locked_award(award_id: int) -> Award:
    return (
        Award.objects.select_for_update(of=("self",))
        .select_related("application__round__fund__organisation", "pot__area")
        .get(pk=award_id)
    )


def _text(field: str, value: str, empty: str, limit: int = MONEY_REASON_MAX) -> str:
    value = (value or "").strip()
    if not value:
        raise Refused({field: [empty]}, kind=Refusal.INVALID)
    if len(value) > limit:
        raise Refused(
            {field: [_("Keep this to %(limit)s letters or fewer.") % {"limit": limit}]},
            kind=Refusal.TOO_LONG,
        )
    return value


def _amount(value, field: str = "amount") -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise Refused({field: [_("Give an amount of money more than £0.")]}, kind=Refusal.INVALID)
    if value > MONEY_MAX_PENCE:
        raise Refused({field: [_("That is more than Thegither can hold.")]}, kind=Refusal.INVALID)
    return value


def _accept_by(round) -> datetime.date:
    return ledger.today() + datetime.timedelta(days=round.accept_within_days)


# The group: accepting, and giving the award back.


@transaction.atomic
def award_accept(
    *, award: Award, bank_details_with_staff: bool, agrees_to_condition: bool = False, by: User
) -> Award:
    """The group's contact accepts the award. Accepting twice changes nothing.

    They confirm that staff hold the group's bank details (never typed into Thegither)
    and, for part of the money, that the group agrees to the condition.
    """
    award = _locked_award(award.pk)
    if award.is_accepted and award.has_money and award.application.contact_id == by.pk:
        return award
    require(can_accept_award(by, award))
    errors: dict[str, list[str]] = {}
    if bank_details_with_staff is not True:
        errors["bank_details_with_staff"] = [
            _("Tick this to say the staff have your bank details. Never type them in here.")
        ]
    if award.status == AwardStatus.PARTIAL and agrees_to_condition is not True:
        errors["agrees_to_condition"] = [_("Tick this to say your group agrees to the condition.")]
    if errors:
        raise Refused(errors, kind=Refusal.INVALID)
    award.accepted_at = timezone.now()
    award.accepted_by = by
    award.save(update_fields=["accepted_at", "accepted_by", "changed_at"])
    audit_record(
        action="grants.award_accepted",
        actor=by,
        target=award.application,
        details={
            "award": award.pk,
            "status": award.status,
            "amount_pence": award.amount_pence,
            "condition": award.condition,
            "accept_by": award.accept_by.isoformat() if award.accept_by else None,
            "bank_details_with_staff": True,
        },
    )
    return award


def _end(award: Award, *, status: str, reason: str, by: User | None) -> None:
    """Give the award's money back to its pot (the pot's row is locked by the caller)."""
    award.status = status
    award.ended_at = timezone.now()
    award.ended_by = by
    award.end_reason = reason[:MONEY_REASON_MAX]
    award.save(update_fields=["status", "ended_at", "ended_by", "end_reason", "changed_at"])


@transaction.atomic
def award_withdraw(*, award: Award, reason: str, by: User) -> Award:
    """The group gives its award back, with a reason, before any of it is paid.

    The money goes back to the pot. Giving it back twice changes nothing.
    """
    pot = _locked_pot(award.pot_id)
    award = _locked_award(award.pk)
    if award.status == AwardStatus.WITHDRAWN and award.application.contact_id == by.pk:
        return award
    require(can_withdraw_award(by, award))
    reason = _text("reason", reason, _("Say why, so the panel understands."))
    old = {"status": award.status, "amount_pence": award.amount_pence}
    _end(award, status=AwardStatus.WITHDRAWN, reason=reason, by=by)
    audit_record(
        action="grants.award_withdrawn",
        actor=by,
        target=award.application,
        details={
            "award": award.pk,
            "old": old,
            "reason": reason,
            "pot": pot.pk,
            "pot_left_pence": ledger.pot_left_pence(pot),
        },
    )
    return award


# Staff: lapsing awards nobody accepted in time.


@transaction.atomic
def award_lapse(*, award: Award, by: User) -> Award:
    """Staff mark an award as not accepted in time: its money goes back to the pot."""
    pot = _locked_pot(award.pot_id)
    award = _locked_award(award.pk)
    if award.status == AwardStatus.LAPSED:
        require(can_see_award_money(by, award))
        return award
    require(can_lapse_award(by, award))
    return _lapse(award, pot, by=by)


def _lapse(award: Award, pot: Pot, *, by: User | None) -> Award:
    old = {"status": award.status, "amount_pence": award.amount_pence}
    reason = _("Not accepted by %(date)s.") % {"date": date_format(award.accept_by, "j F Y")}
    _end(award, status=AwardStatus.LAPSED, reason=reason, by=by)
    audit_record(
        action="grants.award_lapsed",
        actor=by,
        target=award.application,
        details={
            "award": award.pk,
            "old": old,
            "accept_by": award.accept_by.isoformat(),
            "by_deadline": by is None,
            "pot": pot.pk,
            "pot_left_pence": ledger.pot_left_pence(pot),
        },
    )
    return award


def awards_lapse_overdue(*, on: datetime.date | None = None) -> list[Award]:
    """Lapse every award not accepted by its date (run each day by `thegither award_deadlines`).

    Each award is checked again under its pot's lock, in a transaction of its own, so a
    group accepting at the same moment either wins or finds it lapsed; never both.
    """
    on = on or ledger.today()
    lapsed = []
    overdue = (
        ledger.awards_overdue(on)
        .exclude(application__round__phase=RoundPhase.CLOSED)
        .values_list("pk", "pot_id")
    )
    for award_id, pot_id in overdue:
        with transaction.atomic():
            pot = _locked_pot(pot_id)
            award = _locked_award(award_id)
            still_due = (
                award.status in MONEY_STATUSES
                and not award.is_accepted
                and award.accept_by is not None
                and award.accept_by < on
            )
            if still_due:
                lapsed.append(_lapse(award, pot, by=None))
    return lapsed


def award_reminders_send(*, on: datetime.date | None = None) -> int:
    """Email each group whose award isn't accepted a week before its date; once per award."""
    from thegither.grants.tasks import award_reminder_email

    on = on or ledger.today()
    sent = 0
    due = ledger.awards_to_remind(on).exclude(application__round__phase=RoundPhase.CLOSED)
    for award_id in due.values_list("pk", flat=True):
        with transaction.atomic():
            award = _locked_award(award_id)
            if award.reminded_at is not None or award.is_accepted or not award.has_money:
                continue
            award.reminded_at = timezone.now()
            award.save(update_fields=["reminded_at"])
            audit_record(
                action="grants.award_reminder_sent",
                target=award.application,
                details={"award": award.pk, "accept_by": award.accept_by.isoformat()},
            )
            transaction.on_commit(lambda award_id=award.pk: award_reminder_email.enqueue(award_id))
            sent += 1
    return sent


# Staff: payments.


def _paid_on(value) -> datetime.date:
    if not isinstance(value, datetime.date) or isinstance(value, datetime.datetime):
        raise Refused({"paid_on": [_("Give the day it was paid.")]}, kind=Refusal.INVALID)
    if value > ledger.today():
        raise Refused(
            {"paid_on": [_("That day hasn't come yet. Record a payment once it is made.")]},
            kind=Refusal.INVALID,
        )
    return value


@transaction.atomic
def payment_record(
    *,
    award: Award,
    entry_key: uuid.UUID,
    paid_on: datetime.date,
    amount_pence: int,
    reference: str,
    by: User,
) -> Payment:
    """Staff record money paid to the group. Refused if it would pay more than the award.

    The same `entry_key` twice (a double click) records one payment.
    """
    award = _locked_award(award.pk)
    repeat = Payment.objects.filter(entry_key=entry_key).first()
    if repeat is not None:
        require(can_see_award_money(by, award))
        if repeat.award_id != award.pk:
            raise Refused(
                _("Something went wrong with the page. Go back and try again."),
                kind=Refusal.MISMATCH,
            )
        return repeat
    require(can_record_payment(by, award))
    amount_pence = _amount(amount_pence)
    paid_on = _paid_on(paid_on)
    reference = _text(
        "reference",
        reference,
        _("Give the payment's reference, like the one on the bank statement."),
        limit=PAYMENT_REFERENCE_MAX,
    )
    paid = ledger.award_paid_pence(award)
    left = award.amount_pence - paid
    if amount_pence > left:
        raise Refused(
            {
                "amount": [
                    _(
                        "Only %(left)s of the %(award)s award is left to pay, so %(amount)s is "
                        "too much."
                    )
                    % {
                        "left": pence_to_pounds(left),
                        "award": pence_to_pounds(award.amount_pence),
                        "amount": pence_to_pounds(amount_pence),
                    }
                ]
            },
            kind=Refusal.UNUSABLE,
        )
    payment = Payment.objects.create(
        award=award,
        entry_key=entry_key,
        paid_on=paid_on,
        amount_pence=amount_pence,
        reference=reference,
        recorded_by=by,
    )
    audit_record(
        action="grants.payment_recorded",
        actor=by,
        target=award.application,
        details={
            "award": award.pk,
            "payment": payment.pk,
            "amount_pence": amount_pence,
            "paid_on": paid_on.isoformat(),
            "reference": reference,
            "paid_pence": paid + amount_pence,
        },
    )
    return payment


@transaction.atomic
def payment_cancel(*, payment: Payment, reason: str, by: User) -> Payment:
    """Staff cancel a payment recorded by mistake, with a reason. It stays, and stops counting.

    Payments are never changed or deleted: record the right one after cancelling.
    Cancelling twice changes nothing.
    """
    award = _locked_award(payment.award_id)
    payment = Payment.objects.select_for_update(of=("self",)).get(pk=payment.pk)
    payment.award = award
    if payment.is_cancelled:
        require(can_see_award_money(by, award))
        return payment
    require(can_cancel_payment(by, payment))
    reason = _text("reason", reason, _("Say why, like “typed the wrong amount”."))
    payment.cancelled_at = timezone.now()
    payment.cancelled_by = by
    payment.cancel_reason = reason
    payment.save(update_fields=["cancelled_at", "cancelled_by", "cancel_reason"])
    audit_record(
        action="grants.payment_cancelled",
        actor=by,
        target=award.application,
        details={
            "award": award.pk,
            "payment": payment.pk,
            "amount_pence": payment.amount_pence,
            "reason": reason,
            "paid_pence": ledger.award_paid_pence(award),
        },
    )
    return payment


# Staff: moving what is left between the round's pots.


@transaction.atomic
def pot_transfer(
    *,
    from_pot: Pot,
    to_pot: Pot,
    entry_key: uuid.UUID,
    amount_pence: int,
    reason: str,
    by: User,
) -> PotTransfer:
    """Staff move money left in one area's pot to another area's pot of the same round.

    Never more than is left (the money no award gives). The same `entry_key` twice moves once.
    """
    require(can_move_money(by, from_pot.round))
    repeat = PotTransfer.objects.filter(entry_key=entry_key).first()
    if repeat is not None:
        if (repeat.from_pot_id, repeat.to_pot_id) != (from_pot.pk, to_pot.pk):
            raise Refused(
                _("Something went wrong with the page. Go back and try again."),
                kind=Refusal.MISMATCH,
            )
        return repeat
    if to_pot.round_id != from_pot.round_id or to_pot.pk == from_pot.pk:
        raise Refused(
            {"to_pot": [_("Choose another area's pot in this round.")]}, kind=Refusal.BAD_CHOICE
        )
    amount_pence = _amount(amount_pence)
    reason = _text("reason", reason, _("Say why the money is moving."))
    # Both pots locked, the lower id first, so two moves the opposite way never deadlock.
    locked = {pk: _locked_pot(pk) for pk in sorted({from_pot.pk, to_pot.pk})}
    from_pot, to_pot = locked[from_pot.pk], locked[to_pot.pk]
    require(can_move_money(by, from_pot.round))
    left = ledger.pot_left_pence(from_pot)
    if amount_pence > left:
        raise Refused(
            {
                "amount": [
                    _("The %(area)s pot has only %(left)s left, so it can't move %(amount)s.")
                    % {
                        "area": from_pot.area.name,
                        "left": pence_to_pounds(max(left, 0)),
                        "amount": pence_to_pounds(amount_pence),
                    }
                ]
            },
            kind=Refusal.UNUSABLE,
        )
    transfer = PotTransfer.objects.create(
        from_pot=from_pot,
        to_pot=to_pot,
        entry_key=entry_key,
        amount_pence=amount_pence,
        reason=reason,
        made_by=by,
    )
    audit_record(
        action="grants.pot_money_moved",
        actor=by,
        target=from_pot,
        details={
            "transfer": transfer.pk,
            "from_pot": from_pot.pk,
            "to_pot": to_pot.pk,
            "amount_pence": amount_pence,
            "reason": reason,
            "from_left_pence": left - amount_pence,
            "to_left_pence": ledger.pot_left_pence(to_pot),
        },
    )
    return transfer


# The panel: offering money back in a pot to its waiting list.


@transaction.atomic
def reoffer_confirm(*, pot: Pot, funded: list[int], by: User) -> ReOffer:
    """Offer the money back in the pot to its waiting list, as the engine proposes now.

    `funded` is the awards the person saw funded; if the proposal has changed since
    (money came back, or was moved), nothing is made and they are asked to look again.
    The new awards are final and go through acceptance like the others.
    """
    require(can_reoffer(by, pot))
    pot = _locked_pot(pot.pk)
    require(can_reoffer(by, pot))
    funded = sorted(set(funded))
    already = Award.objects.filter(
        pk__in=funded, pot=pot, reoffer__isnull=False, status__in=MONEY_STATUSES
    )
    if funded and already.count() == len(funded):  # a double click: it's done
        return already.order_by("-reoffer_id").first().reoffer
    proposal = ledger.reoffer_proposal(pot)
    if not proposal.funded:
        raise Refused(
            _("Nobody on the waiting list can be funded with the money left in this pot."),
            kind=Refusal.UNUSABLE,
        )
    if sorted(proposal.funded) != funded:
        raise Refused(
            _(
                "Something changed since you looked: money came back or was moved. Look at "
                "the new proposal, then confirm it."
            ),
            kind=Refusal.WRONG_STATE,
        )
    if proposal.given_pence > proposal.left_pence:  # pragma: no cover - the engine's promise
        raise Refused(_("That would give out more than the pot holds."), kind=Refusal.UNUSABLE)
    reoffer = ReOffer.objects.create(
        pot=pot,
        made_by=by,
        left_before_pence=proposal.left_pence,
        given_pence=proposal.given_pence,
        results=[
            {
                "award": row.award.pk,
                "application": row.award.application_id,
                "funded": row.funded,
                "reason": row.reason,
                "support": row.support,
            }
            for row in proposal.rows
        ],
    )
    accept_by = _accept_by(pot.round)
    made = []
    for row in proposal.rows:
        if not row.funded:
            continue
        award = _locked_award(row.award.pk)
        award.status = AwardStatus.AWARDED
        award.amount_pence = award.proposed_pence = award.application.amount_pence
        award.condition = award.reason = ""
        award.engine_reason, award.engine_details = row.reason, row.details
        award.support = row.support
        award.on_waiting_list = False
        award.accept_by = accept_by
        award.reoffer = reoffer
        award.changed_by = by
        award.save(
            update_fields=[
                "status",
                "amount_pence",
                "proposed_pence",
                "condition",
                "reason",
                "engine_reason",
                "engine_details",
                "support",
                "on_waiting_list",
                "accept_by",
                "reoffer",
                "changed_by",
                "changed_at",
            ]
        )
        made.append(award)
    left = ledger.pot_left_pence(pot)
    if left < 0:  # pragma: no cover - checked above, under the pot's lock
        raise Refused(_("That would give out more than the pot holds."), kind=Refusal.UNUSABLE)
    audit_record(
        action="grants.money_reoffered",
        actor=by,
        target=pot,
        details={
            "reoffer": reoffer.pk,
            "funded": [row.award.application_id for row in proposal.rows if row.funded],
            "given_pence": proposal.given_pence,
            "left_before_pence": proposal.left_pence,
            "left_pence": left,
            "accept_by": accept_by.isoformat(),
        },
    )
    # Each group's letter saying no becomes an award letter, drawn and emailed by a task
    # after the commit; its email says the day to accept by (decision 0064).
    letters_reoffer_prepare(awards=made)
    return reoffer
