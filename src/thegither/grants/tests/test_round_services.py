import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction

from thegither.accounts.models import Area
from thegither.accounts.tests import factories
from thegither.core.models import AuditEvent
from thegither.core.refusals import Refusal, Refused
from thegither.grants import services
from thegither.grants.models import Criterion, Fund, Pot, Question, Round, RoundPhase
from thegither.grants.tests.factories import application_make, round_make

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2027, 3, 1)


def audited(action):
    return AuditEvent.objects.filter(action=action).count()


# Funds


def test_staff_make_a_fund_and_it_is_audited(organisation, staff):
    fund = services.fund_create(organisation=organisation, name=" Youth Bank ", by=staff)
    assert fund.name == "Youth Bank"
    assert audited("grants.fund_created") == 1


def test_a_second_fund_with_the_same_name_is_refused(organisation, staff):
    services.fund_create(organisation=organisation, name="Youth Bank", by=staff)
    with pytest.raises(Refused) as caught:
        services.fund_create(organisation=organisation, name="youth bank", by=staff)
    assert caught.value.kind == Refusal.TAKEN


@pytest.mark.parametrize("name", ["", "   ", "x" * 121])
def test_a_fund_needs_a_short_name(organisation, staff, name):
    with pytest.raises(Refused) as caught:
        services.fund_create(organisation=organisation, name=name, by=staff)
    assert caught.value.kind == Refusal.INVALID
    assert "name" in caught.value.message_dict


def test_panel_members_and_other_organisations_cannot_make_funds(
    organisation, panel_member, outsider
):
    for person in (panel_member, outsider):
        with pytest.raises(PermissionDenied):
            services.fund_create(organisation=organisation, name="Youth Bank", by=person)
    assert not Fund.objects.exists()


# Rounds


def _round(staff, organisation, **fields):
    fund = services.fund_create(organisation=organisation, name="Youth Bank", by=staff)
    return services.round_create(fund=fund, name="Spring 2027", by=staff, **fields)


def test_a_new_round_is_being_set_up(organisation, staff):
    round = _round(staff, organisation, opens_on=TODAY, closes_on=TODAY)
    assert round.phase == RoundPhase.DRAFT
    assert audited("grants.round_created") == 1


def test_a_round_cannot_close_before_it_opens(organisation, staff):
    with pytest.raises(Refused) as caught:
        _round(staff, organisation, opens_on=TODAY, closes_on=TODAY - datetime.timedelta(days=1))
    assert "closes_on" in caught.value.message_dict


def test_a_round_cannot_decide_before_it_closes(organisation, staff):
    with pytest.raises(Refused) as caught:
        _round(staff, organisation, closes_on=TODAY, decision_on=TODAY - datetime.timedelta(1))
    assert "decision_on" in caught.value.message_dict


def test_two_rounds_of_a_fund_cannot_share_a_name(organisation, staff):
    round = _round(staff, organisation)
    with pytest.raises(Refused) as caught:
        services.round_create(fund=round.fund, name="spring 2027", by=staff)
    assert caught.value.kind == Refusal.TAKEN


def test_the_database_refuses_a_round_closing_before_it_opens(organisation, staff):
    round = _round(staff, organisation)
    with pytest.raises(IntegrityError), transaction.atomic():
        Round.objects.filter(pk=round.pk).update(
            opens_on=TODAY, closes_on=TODAY - datetime.timedelta(days=1)
        )


def test_changing_a_round_records_old_and_new(organisation, staff):
    round = _round(staff, organisation)
    services.round_change(
        round=round,
        name="Spring 2027",
        what_it_funds="Clubs",
        who_can_apply="Groups",
        opens_on=None,
        closes_on=None,
        decision_on=None,
        by=staff,
    )
    event = AuditEvent.objects.get(action="grants.round_changed")
    assert event.details["what_it_funds"] == {"from": "", "to": "Clubs"}


def test_saving_a_round_unchanged_records_nothing(draft_round, staff):
    fields = {
        name: getattr(draft_round, name)
        for name in ("name", "what_it_funds", "who_can_apply", "opens_on", "closes_on")
    }
    services.round_change(round=draft_round, decision_on=None, by=staff, **fields)
    assert audited("grants.round_changed") == 0


def test_an_open_round_cannot_be_changed(open_round, staff):
    with pytest.raises(Refused) as caught:
        services.round_change(
            round=open_round,
            name="New",
            what_it_funds="",
            who_can_apply="",
            opens_on=None,
            closes_on=None,
            decision_on=None,
            by=staff,
        )
    assert caught.value.kind == Refusal.WRONG_STATE


def test_renaming_a_round_to_a_taken_name_is_refused(organisation, staff, draft_round):
    other = round_make(organisation, phase=RoundPhase.DRAFT)
    with pytest.raises(Refused) as caught:
        services.round_change(
            round=draft_round,
            name=other.name,
            what_it_funds="",
            who_can_apply="",
            opens_on=None,
            closes_on=None,
            decision_on=None,
            by=staff,
        )
    assert caught.value.kind == Refusal.TAKEN


# Steps


def test_a_round_opens_when_nothing_is_missing(draft_round, staff):
    round = services.round_phase_move(round=draft_round, to=RoundPhase.OPEN, by=staff)
    assert round.phase == RoundPhase.OPEN
    assert round.phase_changed_at is not None
    event = AuditEvent.objects.get(action="grants.round_phase_moved")
    assert event.details == {"from": "draft", "to": "open"}


def test_moving_to_the_same_step_twice_changes_nothing(draft_round, staff):
    services.round_phase_move(round=draft_round, to=RoundPhase.OPEN, by=staff)
    services.round_phase_move(round=draft_round, to=RoundPhase.OPEN, by=staff)
    assert audited("grants.round_phase_moved") == 1


def test_opening_says_in_plain_words_what_is_missing(organisation, staff):
    round = _round(staff, organisation)
    with pytest.raises(Refused) as caught:
        services.round_phase_move(round=round, to=RoundPhase.OPEN, by=staff)
    assert caught.value.kind == Refusal.WRONG_STATE
    assert caught.value.messages == [
        "Say what the round funds.",
        "Say who can apply.",
        "Give the day it opens and the last day to apply.",
        "Add a pot of money for at least one area.",
        "Write at least one thing the panel looks for (a criterion).",
    ]


def test_a_step_cannot_be_skipped(draft_round, staff):
    with pytest.raises(Refused) as caught:
        services.round_phase_move(round=draft_round, to=RoundPhase.SCREENING, by=staff)
    assert caught.value.kind == Refusal.WRONG_STATE
    assert "Open for applications" in caught.value.messages[0]


def test_an_unknown_step_is_refused(draft_round, staff):
    with pytest.raises(Refused) as caught:
        services.round_phase_move(round=draft_round, to="party", by=staff)
    assert caught.value.kind == Refusal.BAD_CHOICE


def test_a_closed_round_has_no_next_step(organisation, staff):
    round = round_make(organisation, phase=RoundPhase.CLOSED)
    with pytest.raises(Refused) as caught:
        services.round_phase_move(round=round, to=RoundPhase.OPEN, by=staff)
    assert "none" in caught.value.messages[0]


def test_assessment_waits_until_every_sent_application_is_checked(organisation, staff, applicant):
    round = round_make(organisation, phase=RoundPhase.SCREENING)
    application_make(round, applicant, status="submitted")
    with pytest.raises(Refused) as caught:
        services.round_phase_move(round=round, to=RoundPhase.ASSESSMENT, by=staff)
    assert caught.value.messages == [
        "Check every sent application first: 1 still waiting.",
        "At least one application must be able to go to the panel.",
    ]


def test_assessment_starts_once_applications_are_checked(organisation, staff, applicant):
    round = round_make(organisation, phase=RoundPhase.SCREENING)
    application_make(round, applicant, status="eligible")
    round = services.round_phase_move(round=round, to=RoundPhase.ASSESSMENT, by=staff)
    assert round.phase == RoundPhase.ASSESSMENT


def test_giving_out_grants_waits_for_the_chair_to_confirm_the_decision(organisation):
    from thegither.grants.tests.deciding_helpers import deciding_make, meeting_with_everyone, vote

    deciding = deciding_make(organisation)
    # No meeting yet, then a meeting that isn't final: both refused, in plain words.
    for step in ("no meeting", "meeting open"):
        with pytest.raises(Refused) as caught:
            services.round_phase_move(round=deciding.round, to=RoundPhase.AWARDS, by=deciding.staff)
        assert caught.value.kind == Refusal.WRONG_STATE, step
        assert caught.value.messages == [
            "The panel hasn't made its decision yet. The chair confirms it at the decision "
            "meeting; then the round can give out grants."
        ]
        if step == "no meeting":
            meeting = meeting_with_everyone(deciding)
            vote(deciding, {0: [0], 1: [0]})
            services.allocation_propose(meeting=meeting, by=deciding.chair)
    assert Round.objects.get(pk=deciding.round.pk).phase == RoundPhase.DECISION
    assert audited("grants.round_phase_moved") == 0

    services.meeting_confirm(meeting=meeting, by=deciding.chair)
    round = services.round_phase_move(round=deciding.round, to=RoundPhase.AWARDS, by=deciding.staff)
    assert round.phase == RoundPhase.AWARDS
    assert audited("grants.round_phase_moved") == 1


def test_only_staff_of_the_organisation_move_steps(draft_round, panel_member, outsider):
    for person in (panel_member, outsider):
        with pytest.raises(PermissionDenied):
            services.round_phase_move(round=draft_round, to=RoundPhase.OPEN, by=person)


# Pots


def _area(organisation, name="West Side"):
    return Area.objects.create(organisation=organisation, name=name)


def test_a_pot_is_added_then_changed(organisation, staff, draft_round):
    area = _area(organisation)
    pot = services.pot_set(
        round=draft_round,
        area=area,
        amount_pence=1_500_000,
        min_grant_pence=10_000,
        max_grant_pence=200_000,
        by=staff,
    )
    services.pot_set(
        round=draft_round,
        area=area,
        amount_pence=1_000_000,
        min_grant_pence=10_000,
        max_grant_pence=200_000,
        by=staff,
    )
    pot.refresh_from_db()
    assert pot.amount_pence == 1_000_000
    assert audited("grants.pot_added") == 1
    event = AuditEvent.objects.get(action="grants.pot_changed")
    assert event.details == {"amount_pence": {"from": 1_500_000, "to": 1_000_000}}


def test_setting_a_pot_to_what_it_is_records_nothing(draft_round, staff):
    pot = draft_round.pots.first()
    services.pot_set(
        round=draft_round,
        area=pot.area,
        amount_pence=pot.amount_pence,
        min_grant_pence=pot.min_grant_pence,
        max_grant_pence=pot.max_grant_pence,
        by=staff,
    )
    assert audited("grants.pot_changed") == 0


@pytest.mark.parametrize(
    ("amount", "low", "high", "field"),
    [
        (None, 1, 2, "amount"),
        (-1, 1, 2, "amount"),
        (1.5, 1, 2, "amount"),
        (True, 1, 2, "amount"),
        (10**12, 1, 2, "amount"),
        (100, 50, 10, "min_grant"),
        (100, 10, 500, "max_grant"),
    ],
)
def test_bad_pot_amounts_are_refused(organisation, staff, draft_round, amount, low, high, field):
    with pytest.raises(Refused) as caught:
        services.pot_set(
            round=draft_round,
            area=_area(organisation),
            amount_pence=amount,
            min_grant_pence=low,
            max_grant_pence=high,
            by=staff,
        )
    assert field in caught.value.message_dict


def test_a_pot_for_another_organisations_area_is_refused(staff, draft_round):
    area = _area(factories.organisation_make())
    with pytest.raises(Refused) as caught:
        services.pot_set(
            round=draft_round,
            area=area,
            amount_pence=100,
            min_grant_pence=1,
            max_grant_pence=100,
            by=staff,
        )
    assert caught.value.kind == Refusal.BAD_CHOICE


def test_pots_cannot_change_once_the_round_is_open(organisation, staff, open_round):
    with pytest.raises(Refused) as caught:
        services.pot_set(
            round=open_round,
            area=_area(organisation),
            amount_pence=100,
            min_grant_pence=1,
            max_grant_pence=100,
            by=staff,
        )
    assert caught.value.kind == Refusal.WRONG_STATE
    with pytest.raises(Refused):
        services.pot_remove(pot=open_round.pots.first(), by=staff)


def test_a_pot_is_taken_out_of_a_draft_round(staff, draft_round):
    pot = draft_round.pots.first()
    services.pot_remove(pot=pot, by=staff)
    assert not Pot.objects.filter(pk=pot.pk).exists()
    assert audited("grants.pot_removed") == 1


@pytest.mark.parametrize(
    "values",
    [
        {"amount_pence": -1, "min_grant_pence": 0, "max_grant_pence": 0},
        {"amount_pence": 100, "min_grant_pence": 60, "max_grant_pence": 50},
        {"amount_pence": 100, "min_grant_pence": 10, "max_grant_pence": 500},
    ],
)
def test_the_database_refuses_impossible_pots(draft_round, values):
    with pytest.raises(IntegrityError), transaction.atomic():
        Pot.objects.filter(pk=draft_round.pots.first().pk).update(**values)


# Criteria and questions


def test_staff_and_panel_members_write_criteria(staff, panel_member, draft_round):
    services.criterion_add(round=draft_round, title="Fun", meaning="People enjoy it.", by=staff)
    services.criterion_add(
        round=draft_round, title="Fair", meaning="Anyone can join.", weight=3, by=panel_member
    )
    assert list(draft_round.criteria.values_list("title", "weight")) == [
        ("Led by young people", 1),
        ("Fun", 1),
        ("Fair", 3),
    ]
    assert audited("grants.criterion_added") == 2


def test_an_under_13_waiting_for_a_grown_up_cannot_write_criteria(organisation, draft_round):
    child = factories.child_make(organisation)
    with pytest.raises(PermissionDenied):
        services.criterion_add(round=draft_round, title="Fun", meaning="Yes", by=child)


def test_group_contacts_cannot_write_criteria(applicant, draft_round):
    with pytest.raises(PermissionDenied):
        services.criterion_add(round=draft_round, title="Fun", meaning="Yes", by=applicant)


@pytest.mark.parametrize(
    ("title", "meaning", "weight", "field"),
    [
        ("", "Yes", 1, "title"),
        ("x" * 121, "Yes", 1, "title"),
        ("Fun", "", 1, "meaning"),
        ("Fun", "Yes", 0, "weight"),
        ("Fun", "Yes", 6, "weight"),
        ("Fun", "Yes", "2", "weight"),
    ],
)
def test_bad_criteria_are_refused(staff, draft_round, title, meaning, weight, field):
    with pytest.raises(Refused) as caught:
        services.criterion_add(
            round=draft_round, title=title, meaning=meaning, weight=weight, by=staff
        )
    assert field in caught.value.message_dict


def test_a_criterion_title_is_used_once(staff, draft_round):
    with pytest.raises(Refused) as caught:
        services.criterion_add(
            round=draft_round, title="led by young people", meaning="Yes", by=staff
        )
    assert caught.value.kind == Refusal.TAKEN


def test_a_round_has_at_most_ten_criteria(staff, draft_round):
    for number in range(9):
        services.criterion_add(round=draft_round, title=f"C{number}", meaning="Yes", by=staff)
    with pytest.raises(Refused) as caught:
        services.criterion_add(round=draft_round, title="One more", meaning="Yes", by=staff)
    assert caught.value.kind == Refusal.TOO_MANY


def test_criteria_and_questions_cannot_change_after_opening(staff, open_round):
    with pytest.raises(Refused) as caught:
        services.criterion_add(round=open_round, title="New", meaning="Yes", by=staff)
    assert caught.value.kind == Refusal.WRONG_STATE
    assert "open" in caught.value.messages[0]
    with pytest.raises(Refused):
        services.criterion_remove(criterion=open_round.criteria.first(), by=staff)
    with pytest.raises(Refused):
        services.question_add(round=open_round, text="New?", by=staff)
    with pytest.raises(Refused):
        services.question_remove(question=open_round.questions.first(), by=staff)


def test_criteria_and_questions_are_taken_out_of_a_draft_round(staff, draft_round):
    services.criterion_remove(criterion=draft_round.criteria.first(), by=staff)
    services.question_remove(question=draft_round.questions.first(), by=staff)
    assert not Criterion.objects.filter(round=draft_round).exists()
    assert not Question.objects.filter(round=draft_round).exists()
    assert audited("grants.criterion_removed") == audited("grants.question_removed") == 1


def test_a_question_is_added_with_a_hint(staff, draft_round):
    question = services.question_add(
        round=draft_round, text=" Where do you meet? ", hint="A street is enough.", by=staff
    )
    assert question.text == "Where do you meet?"
    assert question.required
    assert audited("grants.question_added") == 1


@pytest.mark.parametrize(("text", "hint"), [("", ""), ("x" * 301, ""), ("Ok?", "x" * 301)])
def test_bad_questions_are_refused(staff, draft_round, text, hint):
    with pytest.raises(Refused) as caught:
        services.question_add(round=draft_round, text=text, hint=hint, by=staff)
    assert caught.value.kind == Refusal.INVALID


def test_the_same_question_twice_and_too_many_questions_are_refused(staff, draft_round):
    with pytest.raises(Refused) as caught:
        services.question_add(round=draft_round, text="question 1?", by=staff)
    assert caught.value.kind == Refusal.TAKEN
    for number in range(9):
        services.question_add(round=draft_round, text=f"Q{number}?", by=staff)
    with pytest.raises(Refused) as caught:
        services.question_add(round=draft_round, text="One more?", by=staff)
    assert caught.value.kind == Refusal.TOO_MANY


def test_staff_of_another_organisation_cannot_set_up_pots(outsider, draft_round):
    pot = draft_round.pots.first()
    with pytest.raises(PermissionDenied):
        services.pot_remove(pot=pot, by=outsider)


def test_an_area_with_a_pot_cannot_be_removed(organisation, draft_round):
    from thegither.accounts.services import area_remove

    admin = factories.member_make(organisation, "org-admin")
    area = draft_round.pots.first().area
    with pytest.raises(Refused) as caught:
        area_remove(area=area, by=admin)
    assert caught.value.kind == Refusal.IN_USE
    assert "pots" in caught.value.messages[0]
