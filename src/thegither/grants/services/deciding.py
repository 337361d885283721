"""Deciding: how votes become money, the chair's meeting, votes, the proposal and awards.

Every award changes inside one transaction that locks the pot's row and checks the
money in it, so two people clicking at once can never give out more than the pot
holds (`select_for_update` on PostgreSQL; SQLite's IMMEDIATE transactions take the
write lock at the start). Each change is in the audit log.
"""

import datetime

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from thegither.accounts.models import User
from thegither.core.permissions import require
from thegither.core.refusals import Refusal, Refused
from thegither.core.services import audit_record
from thegither.grants import allocating
from thegither.grants.explaining import engine_words
from thegither.grants.models import (
    ACCEPT_WITHIN_DAYS_MAX,
    AWARD_REASON_MAX,
    AWARD_STATUSES_WITH_MONEY,
    AllocationRule,
    Application,
    Attendance,
    Award,
    AwardStatus,
    CastingVote,
    DecisionMeeting,
    DecisionMethod,
    MeetingStatus,
    PanelMember,
    Pot,
    PotAllocation,
    Round,
    Vote,
    quorum_of,
)
from thegither.grants.money import pence_to_pounds
from thegither.grants.permissions import (
    can_open_meeting,
    can_run_meeting,
    can_set_decision_rules,
    can_vote,
)
from thegither.grants.services.letters import letters_prepare


def _locked_round(round: Round) -> Round:
    return (
        Round.objects.select_for_update(of=("self",))
        .select_related("fund__organisation")
        .get(pk=round.pk)
    )


def _locked_meeting(meeting: DecisionMeeting) -> DecisionMeeting:
    return (
        DecisionMeeting.objects.select_for_update(of=("self",))
        .select_related("round__fund__organisation")
        .get(pk=meeting.pk)
    )


def _locked_pot(pot_id: int) -> Pot:
    return Pot.objects.select_for_update(of=("self",)).select_related("area").get(pk=pot_id)


@transaction.atomic
def decision_rules_set(
    *,
    round: Round,
    method: str,
    rule: str,
    quorum_percent: int,
    accept_within_days: int | None = None,
    by: User,
) -> Round:
    """Choose how the round's votes become money; refused once the meeting has opened.

    `accept_within_days` is how long each group has to accept its award after the
    decision (None leaves it as it is).
    """
    require(can_set_decision_rules(by, round))
    round = _locked_round(round)
    # Checked again under the lock: the chair may have opened the meeting a moment ago.
    require(can_set_decision_rules(by, round))
    errors: dict[str, list[str]] = {}
    if method not in DecisionMethod.values:
        errors["decision_method"] = [_("Choose how the panel decides.")]
    if rule not in AllocationRule.values:
        errors["allocation_rule"] = [_("Choose how the money is shared out.")]
    if (
        isinstance(quorum_percent, bool)
        or not isinstance(quorum_percent, int)
        or not 1 <= quorum_percent <= 100
    ):
        errors["quorum_percent"] = [_("Give a number from 1 to 100.")]
    if accept_within_days is None:
        accept_within_days = round.accept_within_days
    if (
        isinstance(accept_within_days, bool)
        or not isinstance(accept_within_days, int)
        or not 1 <= accept_within_days <= ACCEPT_WITHIN_DAYS_MAX
    ):
        errors["accept_within_days"] = [
            _("Give a number of days from 1 to %(most)s.") % {"most": ACCEPT_WITHIN_DAYS_MAX}
        ]
    if errors:
        raise Refused(errors, kind=Refusal.INVALID)
    old = {
        "method": round.decision_method,
        "rule": round.allocation_rule,
        "quorum_percent": round.quorum_percent,
        "accept_within_days": round.accept_within_days,
    }
    new = {
        "method": method,
        "rule": rule,
        "quorum_percent": quorum_percent,
        "accept_within_days": accept_within_days,
    }
    if old == new:
        return round
    round.decision_method, round.allocation_rule, round.quorum_percent = (
        method,
        rule,
        quorum_percent,
    )
    round.accept_within_days = accept_within_days
    round.save(
        update_fields=[
            "decision_method",
            "allocation_rule",
            "quorum_percent",
            "accept_within_days",
        ]
    )
    audit_record(
        action="grants.decision_rules_set", actor=by, target=round, details={"old": old, "new": new}
    )
    return round


@transaction.atomic
def meeting_open(*, round: Round, by: User) -> DecisionMeeting:
    """The chair opens the decision meeting; the round's rules are fixed from now on."""
    require(can_open_meeting(by, round))
    round = _locked_round(round)
    require(can_open_meeting(by, round))
    panel_size = PanelMember.objects.filter(round=round).count()
    meeting = DecisionMeeting.objects.create(
        round=round,
        method=round.decision_method,
        rule=round.allocation_rule,
        quorum=quorum_of(panel_size, round.quorum_percent),
        opened_by=by,
    )
    audit_record(
        action="grants.meeting_opened",
        actor=by,
        target=meeting,
        details={
            "method": meeting.method,
            "rule": meeting.rule,
            "quorum": meeting.quorum,
            "panel_size": panel_size,
        },
    )
    return meeting


@transaction.atomic
def attendance_set(*, meeting: DecisionMeeting, present: set[int], by: User) -> list[PanelMember]:
    """The chair marks which panel members (by id) are at the meeting."""
    require(can_run_meeting(by, meeting))
    meeting = _locked_meeting(meeting)
    members = {m.pk: m for m in PanelMember.objects.filter(round=meeting.round)}
    if not set(present) <= set(members):
        raise Refused(_("That person isn't on this round's panel."), kind=Refusal.UNKNOWN)
    before = set(meeting.attendances.values_list("panel_member_id", flat=True))
    arrived, left = set(present) - before, before - set(present)
    Attendance.objects.bulk_create(
        [Attendance(meeting=meeting, panel_member_id=pk) for pk in sorted(arrived)]
    )
    meeting.attendances.filter(panel_member_id__in=left).delete()
    if arrived or left:
        audit_record(
            action="grants.attendance_set",
            actor=by,
            target=meeting,
            details={
                "arrived": sorted(members[pk].number for pk in arrived),
                "left": sorted(members[pk].number for pk in left),
            },
        )
    return [members[pk] for pk in sorted(present)]


@transaction.atomic
def vote_set(*, application: Application, supports: bool, by: User) -> bool:
    """A member ticks (or unticks) an application they support. Doing it twice changes nothing."""
    if not isinstance(supports, bool):
        raise Refused({"supports": [_("Choose one.")]}, kind=Refusal.BAD_CHOICE)
    require(can_vote(by, application))
    # The member's row is locked, so two taps of one member never interleave.
    member = PanelMember.objects.select_for_update().get(round=application.round_id, user=by)
    meeting = DecisionMeeting.objects.get(round=application.round_id)
    existing = Vote.objects.filter(panel_member=member, application=application)
    if supports == existing.exists():
        return supports
    if supports:
        Vote.objects.create(meeting=meeting, panel_member=member, application=application)
    else:
        existing.delete()
    audit_record(
        action="grants.vote_cast" if supports else "grants.vote_taken_back",
        actor=by,
        target=application,
        details={"panel_member": member.number},
    )
    return supports


def _require_quorum(meeting: DecisionMeeting) -> None:
    present = meeting.attendances.count()
    if present < meeting.quorum:
        raise Refused(
            _(
                "Only %(present)s of the %(needed)s members needed are here, so the panel "
                "can't decide yet. Mark who is here first."
            )
            % {"present": present, "needed": meeting.quorum},
            kind=Refusal.WRONG_STATE,
        )


def _store(meeting: DecisionMeeting, proposal: allocating.Proposal, by: User) -> PotAllocation:
    """Store the engine's proposal for one pot (the pot's row is locked by the caller)."""
    allocation, _created = PotAllocation.objects.update_or_create(
        pot=proposal.pot,
        defaults={
            "meeting": meeting,
            "rule": proposal.rule,
            "method": proposal.method,
            "tied": proposal.tied,
            "voters": proposal.voters,
            "settings": proposal.settings,
        },
    )
    if proposal.spent_pence > proposal.pot.amount_pence:  # pragma: no cover - the engine's promise
        raise Refused(_("That would give out more than the pot holds."), kind=Refusal.UNUSABLE)
    kept = []
    for result in proposal.results:
        amount = result.application.amount_pence if result.funded else 0
        award, _created = Award.objects.update_or_create(
            application=result.application,
            defaults={
                "pot": proposal.pot,
                "meeting": meeting,
                "status": AwardStatus.PROPOSED if result.funded else AwardStatus.NOT_FUNDED,
                "amount_pence": amount,
                "proposed_pence": amount,
                "condition": "",
                "reason": "",
                "engine_reason": result.reason,
                "engine_details": result.details,
                "support": result.support,
                "position": result.position,
                "changed_by": by,
            },
        )
        kept.append(award.pk)
    Award.objects.filter(pot=proposal.pot, is_final=False).exclude(pk__in=kept).delete()
    return allocation


def _casting_order(pot: Pot) -> list[int]:
    return list(
        CastingVote.objects.filter(allocation__pot=pot)
        .order_by("position")
        .values_list("application_id", flat=True)
    )


@transaction.atomic
def allocation_propose(*, meeting: DecisionMeeting, by: User) -> list[PotAllocation]:
    """Work out the proposal for every pot from the votes (or scores), replacing any before.

    Changes the panel made to awards are replaced too: settle ties, then adjust.
    """
    require(can_run_meeting(by, meeting))
    meeting = _locked_meeting(meeting)
    _require_quorum(meeting)
    allocations = []
    for pot_id in Pot.objects.filter(round=meeting.round).values_list("pk", flat=True):
        pot = _locked_pot(pot_id)
        proposal = allocating.propose(pot, meeting=meeting, casting=_casting_order(pot))
        allocations.append(_store(meeting, proposal, by))
        audit_record(
            action="grants.allocation_proposed",
            actor=by,
            target=pot,
            details={
                "rule": proposal.rule,
                "method": proposal.method,
                "funded": [r.application.pk for r in proposal.results if r.funded],
                "spent_pence": proposal.spent_pence,
                "tied": proposal.tied,
                "voters": proposal.voters,
            },
        )
    return allocations


def tie_choices(allocation: PotAllocation) -> list[int]:
    """The applications the chair may put first to settle the pot's tie."""
    cast = set(_casting_order(allocation.pot))
    return [pk for pk in allocation.tied if pk not in cast]


@transaction.atomic
def casting_vote_cast(
    *, allocation: PotAllocation, application: Application, by: User
) -> PotAllocation:
    """The chair settles a tie in one pot: this application goes first, and the pot is redone."""
    require(can_run_meeting(by, allocation.meeting))
    meeting = _locked_meeting(allocation.meeting)
    pot = _locked_pot(allocation.pot_id)
    allocation = PotAllocation.objects.get(pk=allocation.pk)
    if application.pk not in tie_choices(allocation):
        raise Refused(
            _("That application isn't in a tie in this pot, so there is nothing to settle."),
            kind=Refusal.WRONG_STATE,
        )
    _require_quorum(meeting)
    tied_with = [pk for pk in allocation.tied if pk != application.pk]
    position = allocation.casting_votes.count() + 1
    CastingVote.objects.create(
        allocation=allocation,
        application=application,
        tied_with=tied_with,
        position=position,
        cast_by=by,
    )
    proposal = allocating.propose(pot, meeting=meeting, casting=_casting_order(pot))
    allocation = _store(meeting, proposal, by)
    audit_record(
        action="grants.casting_vote_cast",
        actor=by,
        target=application,
        details={"pot": pot.pk, "tied_with": tied_with, "still_tied": proposal.tied},
    )
    return allocation


def pot_given_pence(pot: Pot, *, leaving_out: Award | None = None) -> int:
    """The money the pot's awards give out now (less one award, when it is being changed)."""
    awards = Award.objects.filter(pot=pot, status__in=AWARD_STATUSES_WITH_MONEY)
    if leaving_out is not None:
        awards = awards.exclude(pk=leaving_out.pk)
    return awards.aggregate(total=Sum("amount_pence"))["total"] or 0


def _text(field: str, value: str, empty: str) -> str:
    value = (value or "").strip()
    if not value:
        raise Refused({field: [empty]}, kind=Refusal.INVALID)
    if len(value) > AWARD_REASON_MAX:
        raise Refused(
            {field: [_("Keep this to %(limit)s letters or fewer.") % {"limit": AWARD_REASON_MAX}]},
            kind=Refusal.TOO_LONG,
        )
    return value


def _award_for_change(award: Award, by: User) -> tuple[Award, Pot]:
    require(can_run_meeting(by, award.meeting))
    _locked_meeting(award.meeting)
    # The pot's row is locked first, then the award's: every award change waits its turn.
    pot = _locked_pot(award.pot_id)
    award = (
        Award.objects.select_for_update(of=("self",)).select_related("application").get(pk=award.pk)
    )
    if award.is_final:
        raise Refused(_("This award is final, so it can't change now."), kind=Refusal.WRONG_STATE)
    return award, pot


@transaction.atomic
def award_change(*, award: Award, amount_pence: int, condition: str = "", by: User) -> Award:
    """The panel gives an application money: all it asked for, or part of it with a condition.

    Refused if the pot doesn't have the money left.
    """
    award, pot = _award_for_change(award, by)
    asked = award.application.amount_pence
    if isinstance(amount_pence, bool) or not isinstance(amount_pence, int) or amount_pence <= 0:
        raise Refused(
            {"amount": [_("Give an amount of money more than £0. To say no, decline it.")]},
            kind=Refusal.INVALID,
        )
    if amount_pence > asked:
        raise Refused(
            {
                "amount": [
                    _("That's more than the %(asked)s the group asked for.")
                    % {"asked": pence_to_pounds(asked)}
                ]
            },
            kind=Refusal.INVALID,
        )
    if amount_pence < pot.min_grant_pence:
        raise Refused(
            {
                "amount": [
                    _("The smallest grant from this pot is %(min)s.")
                    % {"min": pence_to_pounds(pot.min_grant_pence)}
                ]
            },
            kind=Refusal.INVALID,
        )
    partial = amount_pence < asked
    condition = (
        _text("condition", condition, _("Say what the group must do to get this money."))
        if partial
        else ""
    )
    left = pot.amount_pence - pot_given_pence(pot, leaving_out=award)
    if amount_pence > left:
        raise Refused(
            {
                "amount": [
                    _(
                        "The pot has only %(left)s left, so it can't give %(amount)s. Make another "
                        "award smaller first, or give less."
                    )
                    % {"left": pence_to_pounds(left), "amount": pence_to_pounds(amount_pence)}
                ]
            },
            kind=Refusal.UNUSABLE,
        )
    old = {"status": award.status, "amount_pence": award.amount_pence, "condition": award.condition}
    award.status = AwardStatus.PARTIAL if partial else AwardStatus.PROPOSED
    award.amount_pence, award.condition, award.reason = amount_pence, condition, ""
    award.changed_by = by
    new = {"status": award.status, "amount_pence": amount_pence, "condition": condition}
    if old == new:
        return award
    award.save(
        update_fields=["status", "amount_pence", "condition", "reason", "changed_by", "changed_at"]
    )
    audit_record(
        action="grants.award_changed",
        actor=by,
        target=award.application,
        details={"old": old, "new": new, "pot_left_pence": left - amount_pence},
    )
    return award


@transaction.atomic
def award_decline(*, award: Award, reason: str, by: User) -> Award:
    """The panel says no to an application, with a reason the group will read."""
    award, _pot = _award_for_change(award, by)
    reason = _text("reason", reason, _("Say why, in words the group will understand."))
    old = {"status": award.status, "amount_pence": award.amount_pence, "reason": award.reason}
    if (award.status, award.reason) == (AwardStatus.DECLINED, reason):
        return award
    award.status, award.amount_pence, award.condition, award.reason = (
        AwardStatus.DECLINED,
        0,
        "",
        reason,
    )
    award.changed_by = by
    award.save(
        update_fields=["status", "amount_pence", "condition", "reason", "changed_by", "changed_at"]
    )
    audit_record(
        action="grants.award_declined",
        actor=by,
        target=award.application,
        details={"old": old, "reason": reason},
    )
    return award


@transaction.atomic
def meeting_confirm(*, meeting: DecisionMeeting, by: User) -> DecisionMeeting:
    """The chair confirms the decision: every award becomes final."""
    require(can_run_meeting(by, meeting))
    meeting = _locked_meeting(meeting)
    _require_quorum(meeting)
    pots = list(Pot.objects.filter(round=meeting.round).values_list("pk", flat=True))
    allocations = {a.pot_id: a for a in PotAllocation.objects.filter(pot__in=pots)}
    if set(allocations) != set(pots):
        raise Refused(
            _("Work out the allocation first, so every pot has a proposal."),
            kind=Refusal.WRONG_STATE,
        )
    tied = [a for a in allocations.values() if tie_choices(a)]
    if tied:
        raise Refused(
            _("There is a tie to settle first: the chair's casting vote decides it."),
            kind=Refusal.WRONG_STATE,
        )
    totals = {}
    now = timezone.now()
    # Money (decision 0058): each group with money accepts by this day; the engine's
    # not-funded ones wait in line for any money that comes back.
    accept_by = timezone.localdate(now) + datetime.timedelta(days=meeting.round.accept_within_days)
    for pot_id in pots:
        pot = _locked_pot(pot_id)
        given = pot_given_pence(pot)
        if given > pot.amount_pence:  # pragma: no cover - every change checks the pot
            raise Refused(_("The awards add up to more than the pot."), kind=Refusal.UNUSABLE)
        totals[pot_id] = given
        for award in Award.objects.filter(pot=pot).select_related("application"):
            if award.status == AwardStatus.PROPOSED:
                award.status = AwardStatus.AWARDED
            elif award.status == AwardStatus.NOT_FUNDED:
                award.status = AwardStatus.DECLINED
                award.reason = engine_words(award, method=meeting.method, rule=meeting.rule)[
                    :AWARD_REASON_MAX
                ]
                award.on_waiting_list = True
            award.is_final = True
            if award.has_money:
                award.accept_by = accept_by
            award.save(
                update_fields=[
                    "status",
                    "reason",
                    "is_final",
                    "on_waiting_list",
                    "accept_by",
                    "changed_at",
                ]
            )
    meeting.status = MeetingStatus.FINAL
    meeting.confirmed_by = by
    meeting.confirmed_at = now
    meeting.save(update_fields=["status", "confirmed_by", "confirmed_at"])
    audit_record(
        action="grants.decision_confirmed",
        actor=by,
        target=meeting,
        details={
            "given_pence_by_pot": {str(k): v for k, v in totals.items()},
            "accept_by": accept_by.isoformat(),
        },
    )
    # Each group's letter is drawn and emailed by a task after the commit (decision 0059);
    # for a group given money, that email also says the day to accept it by (decision 0058).
    letters_prepare(meeting=meeting)
    return meeting
