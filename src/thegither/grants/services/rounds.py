"""Setting up a fund and its rounds: pots per area, criteria, questions, and the steps.

A round's pots, criteria and questions are written while it is being set up;
once it opens, changing them would change the rules under groups already
applying, so it is refused with the reason.
"""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from thegither.accounts.models import Area, Organisation, User
from thegither.core.permissions import require
from thegither.core.refusals import Refusal, Refused
from thegither.core.services import audit_record
from thegither.grants.models import (
    CRITERIA_MAX,
    CRITERION_WEIGHT_MAX,
    FUND_NAME_MAX,
    LONG_TEXT_MAX,
    MONEY_MAX_PENCE,
    QUESTIONS_MAX,
    ROUND_NAME_MAX,
    SHORT_TEXT_MAX,
    Criterion,
    Fund,
    Pot,
    Question,
    Round,
    RoundPhase,
)
from thegither.grants.permissions import can_draft_criteria, can_manage_grants, can_manage_round
from thegither.grants.selectors import next_phase, round_missing_for


def _text(errors: dict, field: str, value: str, limit: int, empty_message: str | None) -> str:
    value = (value or "").strip()
    if empty_message and not value:
        errors.setdefault(field, []).append(empty_message)
    elif len(value) > limit:
        errors.setdefault(field, []).append(
            _("Keep this to %(limit)s letters or fewer.") % {"limit": limit}
        )
    return value


def _locked_round(round: Round) -> Round:
    return (
        Round.objects.select_for_update(of=("self",))
        .select_related("fund__organisation")
        .get(pk=round.pk)
    )


def _refuse_unless_draft(round: Round) -> None:
    if round.phase != RoundPhase.DRAFT:
        raise Refused(
            _(
                "The round is open now, so this can't change: groups are already applying "
                "by these rules."
            ),
            kind=Refusal.WRONG_STATE,
        )


@transaction.atomic
def fund_create(*, organisation: Organisation, name: str, description: str = "", by: User) -> Fund:
    """Make a fund, such as "Youth Bank", for the organisation."""
    require(can_manage_grants(by, organisation))
    errors: dict[str, list[str]] = {}
    name = _text(errors, "name", name, FUND_NAME_MAX, _("Give the fund a name."))
    description = _text(errors, "description", description, SHORT_TEXT_MAX, None)
    if errors:
        raise Refused(errors, kind=Refusal.INVALID)
    if Fund.objects.filter(organisation=organisation, name__iexact=name).exists():
        raise Refused({"name": [_("There is already a fund with this name.")]}, kind=Refusal.TAKEN)
    fund = Fund.objects.create(organisation=organisation, name=name, description=description)
    audit_record(action="grants.fund_created", actor=by, target=fund, details={"name": name})
    return fund


def _round_details(
    *,
    name: str,
    what_it_funds: str,
    who_can_apply: str,
    opens_on: datetime.date | None,
    closes_on: datetime.date | None,
    decision_on: datetime.date | None,
) -> dict:
    errors: dict[str, list[str]] = {}
    details = {
        "name": _text(errors, "name", name, ROUND_NAME_MAX, _("Give the round a name.")),
        "what_it_funds": _text(errors, "what_it_funds", what_it_funds, LONG_TEXT_MAX, None),
        "who_can_apply": _text(errors, "who_can_apply", who_can_apply, LONG_TEXT_MAX, None),
        "opens_on": opens_on,
        "closes_on": closes_on,
        "decision_on": decision_on,
    }
    if opens_on and closes_on and closes_on < opens_on:
        errors["closes_on"] = [_("The last day to apply must be on or after the day it opens.")]
    if closes_on and decision_on and decision_on < closes_on:
        errors["decision_on"] = [_("The panel decides after the last day to apply.")]
    if errors:
        raise Refused(errors, kind=Refusal.INVALID)
    return details


@transaction.atomic
def round_create(
    *,
    fund: Fund,
    name: str,
    what_it_funds: str = "",
    who_can_apply: str = "",
    opens_on: datetime.date | None = None,
    closes_on: datetime.date | None = None,
    decision_on: datetime.date | None = None,
    by: User,
) -> Round:
    """Make a new round of the fund, being set up (nobody else sees it yet)."""
    require(can_manage_grants(by, fund.organisation))
    details = _round_details(
        name=name,
        what_it_funds=what_it_funds,
        who_can_apply=who_can_apply,
        opens_on=opens_on,
        closes_on=closes_on,
        decision_on=decision_on,
    )
    if Round.objects.filter(fund=fund, name__iexact=details["name"]).exists():
        raise Refused(
            {"name": [_("This fund already has a round with this name.")]}, kind=Refusal.TAKEN
        )
    round = Round.objects.create(fund=fund, **details)
    audit_record(
        action="grants.round_created", actor=by, target=round, details={"name": round.name}
    )
    return round


@transaction.atomic
def round_change(
    *,
    round: Round,
    name: str,
    what_it_funds: str,
    who_can_apply: str,
    opens_on: datetime.date | None,
    closes_on: datetime.date | None,
    decision_on: datetime.date | None,
    by: User,
) -> Round:
    """Change the round's name, words and dates while it is being set up."""
    require(can_manage_round(by, round))
    details = _round_details(
        name=name,
        what_it_funds=what_it_funds,
        who_can_apply=who_can_apply,
        opens_on=opens_on,
        closes_on=closes_on,
        decision_on=decision_on,
    )
    round = _locked_round(round)
    _refuse_unless_draft(round)
    if (
        Round.objects.filter(fund_id=round.fund_id, name__iexact=details["name"])
        .exclude(pk=round.pk)
        .exists()
    ):
        raise Refused(
            {"name": [_("This fund already has a round with this name.")]}, kind=Refusal.TAKEN
        )
    changes = {
        field: {"from": str(getattr(round, field) or ""), "to": str(value or "")}
        for field, value in details.items()
        if getattr(round, field) != value
    }
    if not changes:
        return round
    for field in changes:
        setattr(round, field, details[field])
    round.save(update_fields=list(changes))
    audit_record(action="grants.round_changed", actor=by, target=round, details=changes)
    return round


@transaction.atomic
def round_phase_move(*, round: Round, to: str, by: User) -> Round:
    """Move the round on to its next step, if nothing is missing for it.

    Only the very next step is allowed, so no step is skipped. Asking for the step
    the round is already at changes nothing (a second click is harmless).
    """
    require(can_manage_round(by, round))
    if to not in RoundPhase.values:
        raise Refused(_("That isn't one of the round's steps."), kind=Refusal.BAD_CHOICE)
    round = _locked_round(round)
    if round.phase == to:
        return round
    if to != next_phase(round):
        raise Refused(
            _("A round moves one step at a time. The next step is: %(next)s.")
            % {"next": RoundPhase(next_phase(round)).label if next_phase(round) else _("none")},
            kind=Refusal.WRONG_STATE,
        )
    missing = round_missing_for(round, to)
    if missing:
        raise Refused(missing, kind=Refusal.WRONG_STATE)
    before = round.phase
    round.phase = to
    round.phase_changed_at = timezone.now()
    round.save(update_fields=["phase", "phase_changed_at"])
    audit_record(
        action="grants.round_phase_moved",
        actor=by,
        target=round,
        details={"from": before, "to": to},
    )
    return round


def _money(errors: dict, field: str, value, empty_message: str) -> int:
    if value is None:
        errors.setdefault(field, []).append(empty_message)
        return 0
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        errors.setdefault(field, []).append(_("Write an amount of money, like 1500 or 12.50."))
        return 0
    if value > MONEY_MAX_PENCE:
        errors.setdefault(field, []).append(_("That is more than Thegither can hold."))
        return 0
    return value


@transaction.atomic
def pot_set(
    *,
    round: Round,
    area: Area,
    amount_pence: int,
    min_grant_pence: int,
    max_grant_pence: int,
    by: User,
) -> Pot:
    """Give the round a pot of money for an area (or change it), with its grant limits."""
    require(can_manage_round(by, round))
    if area.organisation_id != round.fund.organisation_id:
        raise Refused({"area": [_("Choose one of your own areas.")]}, kind=Refusal.BAD_CHOICE)
    errors: dict[str, list[str]] = {}
    amount = _money(errors, "amount", amount_pence, _("Say how much money is in the pot."))
    smallest = _money(errors, "min_grant", min_grant_pence, _("Say the smallest grant."))
    largest = _money(errors, "max_grant", max_grant_pence, _("Say the largest grant."))
    if not errors and smallest > largest:
        errors["min_grant"] = [_("The smallest grant can't be more than the largest.")]
    if not errors and largest > amount:
        errors["max_grant"] = [_("The largest grant can't be more than the whole pot.")]
    if errors:
        raise Refused(errors, kind=Refusal.INVALID)
    round = _locked_round(round)
    _refuse_unless_draft(round)
    values = {"amount_pence": amount, "min_grant_pence": smallest, "max_grant_pence": largest}
    pot = Pot.objects.filter(round=round, area=area).first()
    if pot is None:
        pot = Pot.objects.create(round=round, area=area, **values)
        audit_record(
            action="grants.pot_added",
            actor=by,
            target=pot,
            details={"area": area.name, **values},
        )
        return pot
    changes = {
        field: {"from": getattr(pot, field), "to": value}
        for field, value in values.items()
        if getattr(pot, field) != value
    }
    if changes:
        for field, value in values.items():
            setattr(pot, field, value)
        pot.save(update_fields=list(changes))
        audit_record(action="grants.pot_changed", actor=by, target=pot, details=changes)
    return pot


@transaction.atomic
def pot_remove(*, pot: Pot, by: User) -> None:
    """Take a pot out of a round that is still being set up."""
    require(can_manage_round(by, pot.round))
    _refuse_unless_draft(_locked_round(pot.round))
    audit_record(
        action="grants.pot_removed",
        actor=by,
        target=pot.round,
        details={"area": pot.area.name, "amount_pence": pot.amount_pence},
    )
    pot.delete()


@transaction.atomic
def criterion_add(
    *, round: Round, title: str, meaning: str, weight: int = 1, by: User
) -> Criterion:
    """Add something the panel looks for, in plain words, with how much it counts (1 to 5)."""
    require(can_draft_criteria(by, round))
    errors: dict[str, list[str]] = {}
    title = _text(errors, "title", title, 120, _("Give it a short title."))
    meaning = _text(errors, "meaning", meaning, SHORT_TEXT_MAX, _("Say what it means."))
    if not isinstance(weight, int) or not 1 <= weight <= CRITERION_WEIGHT_MAX:
        errors["weight"] = [_("Choose how much it counts, from 1 to 5.")]
    if errors:
        raise Refused(errors, kind=Refusal.INVALID)
    round = _locked_round(round)
    _refuse_unless_draft(round)
    if round.criteria.count() >= CRITERIA_MAX:
        raise Refused(
            _("A round can have up to %(count)s criteria.") % {"count": CRITERIA_MAX},
            kind=Refusal.TOO_MANY,
        )
    if round.criteria.filter(title__iexact=title).exists():
        raise Refused({"title": [_("There is already one with this title.")]}, kind=Refusal.TAKEN)
    criterion = Criterion.objects.create(
        round=round, title=title, meaning=meaning, weight=weight, position=round.criteria.count()
    )
    audit_record(
        action="grants.criterion_added",
        actor=by,
        target=criterion,
        details={"title": title, "weight": weight},
    )
    return criterion


@transaction.atomic
def criterion_remove(*, criterion: Criterion, by: User) -> None:
    """Take a criterion out while the round is being set up."""
    require(can_draft_criteria(by, criterion.round))
    _refuse_unless_draft(_locked_round(criterion.round))
    audit_record(
        action="grants.criterion_removed",
        actor=by,
        target=criterion.round,
        details={"title": criterion.title},
    )
    criterion.delete()


@transaction.atomic
def question_add(
    *, round: Round, text: str, hint: str = "", required: bool = True, by: User
) -> Question:
    """Add a question of the round's own that every group answers."""
    require(can_draft_criteria(by, round))
    errors: dict[str, list[str]] = {}
    text = _text(errors, "text", text, 300, _("Write the question."))
    hint = _text(errors, "hint", hint, 300, None)
    if errors:
        raise Refused(errors, kind=Refusal.INVALID)
    round = _locked_round(round)
    _refuse_unless_draft(round)
    if round.questions.count() >= QUESTIONS_MAX:
        raise Refused(
            _("A round can have up to %(count)s questions.") % {"count": QUESTIONS_MAX},
            kind=Refusal.TOO_MANY,
        )
    if round.questions.filter(text__iexact=text).exists():
        raise Refused({"text": [_("This question is already there.")]}, kind=Refusal.TAKEN)
    question = Question.objects.create(
        round=round,
        text=text,
        hint=hint,
        required=bool(required),
        position=round.questions.count(),
    )
    audit_record(action="grants.question_added", actor=by, target=question, details={"text": text})
    return question


@transaction.atomic
def question_remove(*, question: Question, by: User) -> None:
    """Take a question out while the round is being set up."""
    require(can_draft_criteria(by, question.round))
    _refuse_unless_draft(_locked_round(question.round))
    audit_record(
        action="grants.question_removed",
        actor=by,
        target=question.round,
        details={"text": question.text},
    )
    question.delete()
