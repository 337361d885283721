"""Deciding: the round's rules, the chair's meeting, votes, the proposal, ties and awards."""

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from thegither.core.models import AuditEvent
from thegither.core.refusals import Refusal, Refused
from thegither.grants import services
from thegither.grants.models import (
    AllocationRule,
    Award,
    AwardStatus,
    DecisionMethod,
    RoundPhase,
    Vote,
)
from thegither.grants.tests.deciding_helpers import deciding_make, meeting_with_everyone, vote
from thegither.grants.tests.scoring_helpers import score


def actions(name):
    return AuditEvent.objects.filter(action=name).count()


@pytest.fixture
def deciding(organisation):
    # Three applications of £1,000 from a £2,000 pot; member 2 knows the third group.
    return deciding_make(organisation, knows={2: [2]})


@pytest.fixture
def meeting(deciding):
    return meeting_with_everyone(deciding)


# The round's rules.


def test_staff_set_the_rules_before_the_meeting_and_it_is_audited(deciding):
    round = services.decision_rules_set(
        round=deciding.round, method="scores", rule="greedy", quorum_percent=75, by=deciding.staff
    )
    assert (round.decision_method, round.allocation_rule, round.quorum_percent) == (
        "scores",
        "greedy",
        75,
    )
    event = AuditEvent.objects.get(action="grants.decision_rules_set")
    assert event.details["new"] == {
        "method": "scores",
        "rule": "greedy",
        "quorum_percent": 75,
        "accept_within_days": 28,
    }


def test_setting_the_same_rules_again_writes_nothing(deciding):
    services.decision_rules_set(
        round=deciding.round, method="approval", rule="mes", quorum_percent=50, by=deciding.staff
    )
    assert actions("grants.decision_rules_set") == 0


def test_the_rules_cannot_change_once_the_meeting_is_open(deciding, meeting):
    with pytest.raises(PermissionDenied, match="meeting has opened"):
        services.decision_rules_set(
            round=deciding.round, method="scores", rule="mes", quorum_percent=50, by=deciding.staff
        )


def test_a_panel_member_cannot_set_the_rules(deciding):
    with pytest.raises(PermissionDenied):
        services.decision_rules_set(
            round=deciding.round, method="scores", rule="mes", quorum_percent=50, by=deciding.chair
        )


@pytest.mark.parametrize(
    ("method", "rule", "quorum", "field"),
    [
        ("coin", "mes", 50, "decision_method"),
        ("scores", "lottery", 50, "allocation_rule"),
        ("scores", "mes", 0, "quorum_percent"),
        ("scores", "mes", 101, "quorum_percent"),
        ("scores", "mes", True, "quorum_percent"),
    ],
)
def test_bad_rules_are_refused(deciding, method, rule, quorum, field):
    with pytest.raises(Refused) as refused:
        services.decision_rules_set(
            round=deciding.round, method=method, rule=rule, quorum_percent=quorum, by=deciding.staff
        )
    assert refused.value.kind == Refusal.INVALID
    assert field in refused.value.message_dict


# Opening the meeting and marking who is there.


def test_the_chair_opens_the_meeting_with_the_rules_and_quorum_fixed(deciding):
    meeting = services.meeting_open(round=deciding.round, by=deciding.chair)
    assert (meeting.method, meeting.rule, meeting.quorum) == ("approval", "mes", 2)  # half of 3
    assert actions("grants.meeting_opened") == 1


def test_a_member_who_is_not_the_chair_cannot_open_the_meeting(deciding):
    with pytest.raises(PermissionDenied, match="chair"):
        services.meeting_open(round=deciding.round, by=deciding.members[1])


def test_staff_cannot_open_the_meeting(deciding):
    with pytest.raises(PermissionDenied, match="the chair leads it"):
        services.meeting_open(round=deciding.round, by=deciding.staff)


def test_the_meeting_opens_only_at_the_deciding_step(deciding):
    deciding.round.phase = RoundPhase.ASSESSMENT
    deciding.round.save()
    with pytest.raises(PermissionDenied, match="deciding step"):
        services.meeting_open(round=deciding.round, by=deciding.chair)


def test_the_meeting_opens_once(deciding, meeting):
    with pytest.raises(PermissionDenied, match="already"):
        services.meeting_open(round=deciding.round, by=deciding.chair)


def test_marking_who_is_there_is_audited_by_panel_number(deciding):
    meeting = services.meeting_open(round=deciding.round, by=deciding.chair)
    first = deciding.round.panel_members.order_by("number").first()
    services.attendance_set(meeting=meeting, present={first.pk}, by=deciding.chair)
    services.attendance_set(meeting=meeting, present={first.pk}, by=deciding.chair)
    event = AuditEvent.objects.get(action="grants.attendance_set")
    assert event.details == {"arrived": [first.number], "left": []}


def test_someone_not_on_the_panel_cannot_be_marked_there(deciding, meeting, organisation):
    with pytest.raises(Refused) as refused:
        services.attendance_set(meeting=meeting, present={999_999}, by=deciding.chair)
    assert refused.value.kind == Refusal.UNKNOWN


def test_only_the_chair_marks_who_is_there(deciding, meeting):
    with pytest.raises(PermissionDenied):
        services.attendance_set(meeting=meeting, present=set(), by=deciding.members[1])


# Votes.


def test_a_member_ticks_and_unticks_and_twice_is_once(deciding, meeting):
    application = deciding.applications[0]
    member = deciding.members[1]
    assert services.vote_set(application=application, supports=True, by=member) is True
    services.vote_set(application=application, supports=True, by=member)
    assert Vote.objects.count() == 1
    services.vote_set(application=application, supports=False, by=member)
    assert Vote.objects.count() == 0
    assert actions("grants.vote_cast") == 1
    assert actions("grants.vote_taken_back") == 1


def test_a_member_who_knows_the_group_cannot_vote_on_it(deciding, meeting):
    with pytest.raises(PermissionDenied, match="step out"):
        services.vote_set(
            application=deciding.applications[2], supports=True, by=deciding.members[2]
        )


def test_staff_cannot_vote(deciding, meeting):
    with pytest.raises(PermissionDenied, match="Staff"):
        services.vote_set(application=deciding.applications[0], supports=True, by=deciding.staff)


def test_a_member_not_marked_as_there_cannot_vote(deciding):
    meeting = services.meeting_open(round=deciding.round, by=deciding.chair)
    services.attendance_set(meeting=meeting, present=set(), by=deciding.chair)
    with pytest.raises(PermissionDenied, match="marked you"):
        services.vote_set(application=deciding.applications[0], supports=True, by=deciding.chair)


def test_there_is_no_vote_before_the_meeting(deciding):
    with pytest.raises(PermissionDenied, match="while the decision meeting"):
        services.vote_set(application=deciding.applications[0], supports=True, by=deciding.chair)


def test_there_is_no_vote_when_the_round_decides_by_scores(organisation):
    deciding = deciding_make(organisation, method=DecisionMethod.SCORES)
    meeting_with_everyone(deciding)
    with pytest.raises(PermissionDenied, match="scores"):
        services.vote_set(application=deciding.applications[0], supports=True, by=deciding.chair)


def test_a_vote_must_be_yes_or_no(deciding, meeting):
    with pytest.raises(Refused) as refused:
        services.vote_set(application=deciding.applications[0], supports="yes", by=deciding.chair)
    assert refused.value.kind == Refusal.BAD_CHOICE


# The proposal.


def test_the_proposal_needs_the_quorum(deciding):
    meeting = services.meeting_open(round=deciding.round, by=deciding.chair)
    first = deciding.round.panel_members.order_by("number").first()
    services.attendance_set(meeting=meeting, present={first.pk}, by=deciding.chair)
    with pytest.raises(Refused, match="Only 1 of the 2") as refused:
        services.allocation_propose(meeting=meeting, by=deciding.chair)
    assert refused.value.kind == Refusal.WRONG_STATE


def test_only_the_chair_works_out_the_proposal(deciding, meeting):
    with pytest.raises(PermissionDenied):
        services.allocation_propose(meeting=meeting, by=deciding.staff)


def test_equal_shares_funds_what_members_support_and_explains_every_one(deciding, meeting):
    vote(deciding, {0: [0, 1], 1: [0, 1], 2: [1]})
    (allocation,) = services.allocation_propose(meeting=meeting, by=deciding.chair)
    awards = {a.application_id: a for a in Award.objects.all()}
    first, second, third = (awards[a.pk] for a in deciding.applications)
    assert first.status == second.status == AwardStatus.PROPOSED
    assert third.status == AwardStatus.NOT_FUNDED
    assert third.engine_reason == "no-votes"
    assert first.amount_pence == 100_000
    assert allocation.rule == "mes"
    assert not allocation.has_tie
    assert services.pot_given_pence(deciding.pot) == 200_000
    assert actions("grants.allocation_proposed") == 1


def test_greedy_lines_them_up_by_votes(organisation):
    deciding = deciding_make(
        organisation, rule=AllocationRule.GREEDY, amounts=(150_000, 100_000, 100_000)
    )
    meeting = meeting_with_everyone(deciding)
    vote(deciding, {0: [0, 1, 2], 1: [0, 1], 2: [0]})
    services.allocation_propose(meeting=meeting, by=deciding.chair)
    statuses = dict(Award.objects.values_list("application_id", "status"))
    first, second, _third = deciding.applications
    assert statuses[first.pk] == AwardStatus.PROPOSED  # 3 votes, £1,500
    assert statuses[second.pk] == AwardStatus.NOT_FUNDED  # 2 votes, only £500 left
    assert Award.objects.get(application=second).engine_reason == "too-expensive"


@pytest.mark.parametrize("rule", [AllocationRule.GREEDY, AllocationRule.MES])
def test_an_application_nobody_voted_for_is_never_funded_even_with_money_left(organisation, rule):
    deciding = deciding_make(organisation, rule=rule, amounts=(50_000, 50_000, 50_000))
    meeting = meeting_with_everyone(deciding)
    vote(deciding, {0: [0], 1: [0]})
    services.allocation_propose(meeting=meeting, by=deciding.chair)
    awards = {a.application_id: a for a in Award.objects.all()}
    first, second, third = (awards[a.pk] for a in deciding.applications)
    assert first.status == AwardStatus.PROPOSED
    for award in (second, third):
        assert award.status == AwardStatus.NOT_FUNDED
        assert award.engine_reason == "no-votes"


@pytest.mark.parametrize("rule", [AllocationRule.GREEDY, AllocationRule.MES])
def test_with_no_votes_at_all_nothing_is_funded_and_each_says_nobody_voted(organisation, rule):
    deciding = deciding_make(organisation, rule=rule)
    meeting = meeting_with_everyone(deciding)
    services.allocation_propose(meeting=meeting, by=deciding.chair)
    assert set(Award.objects.values_list("status", "engine_reason")) == {
        (AwardStatus.NOT_FUNDED, "no-votes")
    }
    assert services.pot_given_pence(deciding.pot) == 0


def test_a_tie_is_found_and_the_chairs_casting_vote_settles_it(deciding, meeting):
    # Two applications with one vote each and money for one: the order decides.
    deciding.pot.amount_pence = 100_000
    deciding.pot.max_grant_pence = 100_000
    deciding.pot.save()
    vote(deciding, {1: [0, 1]})
    (allocation,) = services.allocation_propose(meeting=meeting, by=deciding.chair)
    first, second = deciding.applications[:2]
    assert sorted(allocation.tied) == sorted([first.pk, second.pk])
    with pytest.raises(Refused, match="tie to settle"):
        services.meeting_confirm(meeting=meeting, by=deciding.chair)
    allocation = services.casting_vote_cast(
        allocation=allocation, application=second, by=deciding.chair
    )
    assert not services.tie_choices(allocation)
    assert Award.objects.get(application=second).status == AwardStatus.PROPOSED
    assert Award.objects.get(application=first).status == AwardStatus.NOT_FUNDED
    assert actions("grants.casting_vote_cast") == 1


def test_a_casting_vote_needs_a_tie(deciding, meeting):
    vote(deciding, {0: [0], 1: [0]})
    (allocation,) = services.allocation_propose(meeting=meeting, by=deciding.chair)
    with pytest.raises(Refused, match="isn't in a tie") as refused:
        services.casting_vote_cast(
            allocation=allocation, application=deciding.applications[0], by=deciding.chair
        )
    assert refused.value.kind == Refusal.WRONG_STATE


def test_votes_of_a_member_who_later_said_they_know_the_group_do_not_count(deciding, meeting):
    vote(deciding, {1: [0]})
    services.conflict_declare(
        application=deciding.applications[0],
        has_conflict=True,
        reason="My sister is in it.",
        by=deciding.members[1],
    )
    services.allocation_propose(meeting=meeting, by=deciding.chair)
    assert Award.objects.get(application=deciding.applications[0]).engine_reason == "no-votes"


def test_the_scores_decide_when_the_round_says_so(organisation):
    deciding = deciding_make(
        organisation,
        method=DecisionMethod.SCORES,
        rule=AllocationRule.GREEDY,
        amounts=(100_000, 100_000),
        pot_pence=100_000,
        max_grant_pence=100_000,
    )
    deciding.round.phase = RoundPhase.ASSESSMENT
    deciding.round.save()
    low, high = deciding.applications
    for person in deciding.members:
        score(low, person, [2])
        score(high, person, [5])
    deciding.round.phase = RoundPhase.DECISION
    deciding.round.save()
    meeting = meeting_with_everyone(deciding)
    services.allocation_propose(meeting=meeting, by=deciding.chair)
    assert Award.objects.get(application=high).status == AwardStatus.PROPOSED
    low_award = Award.objects.get(application=low)
    assert low_award.status == AwardStatus.NOT_FUNDED
    assert low_award.engine_details["average_total"] == 2.0


# Changing awards.


@pytest.fixture
def proposed(deciding, meeting):
    vote(deciding, {0: [0, 1], 1: [0, 1], 2: [1]})
    services.allocation_propose(meeting=meeting, by=deciding.chair)
    return {a.application_id: a for a in Award.objects.all()}


def test_a_partial_award_with_a_condition_frees_money_in_the_pot(deciding, proposed):
    award = proposed[deciding.applications[0].pk]
    award = services.award_change(
        award=award, amount_pence=60_000, condition="Find a cheaper hall.", by=deciding.chair
    )
    assert award.status == AwardStatus.PARTIAL
    assert award.condition == "Find a cheaper hall."
    assert services.pot_given_pence(deciding.pot) == 160_000
    assert actions("grants.award_changed") == 1


def test_a_partial_award_needs_a_condition(deciding, proposed):
    with pytest.raises(Refused) as refused:
        services.award_change(
            award=proposed[deciding.applications[0].pk], amount_pence=60_000, by=deciding.chair
        )
    assert "condition" in refused.value.message_dict


@pytest.mark.parametrize("amount", [0, -5, 100_001, True, "600"])
def test_an_award_amount_must_be_from_the_smallest_grant_to_what_was_asked(
    deciding, proposed, amount
):
    with pytest.raises(Refused) as refused:
        services.award_change(
            award=proposed[deciding.applications[0].pk],
            amount_pence=amount,
            condition="A condition.",
            by=deciding.chair,
        )
    assert refused.value.kind == Refusal.INVALID


def test_an_award_below_the_smallest_grant_is_refused(deciding, proposed):
    with pytest.raises(Refused, match="smallest grant"):
        services.award_change(
            award=proposed[deciding.applications[0].pk],
            amount_pence=5_000,
            condition="A condition.",
            by=deciding.chair,
        )


def test_an_award_the_pot_cannot_pay_is_refused_with_what_is_left(deciding, proposed):
    with pytest.raises(Refused, match="only £0 left") as refused:
        services.award_change(
            award=proposed[deciding.applications[2].pk], amount_pence=100_000, by=deciding.chair
        )
    assert refused.value.kind == Refusal.UNUSABLE


def test_a_decline_needs_a_reason_and_gives_the_money_back(deciding, proposed):
    award = proposed[deciding.applications[0].pk]
    with pytest.raises(Refused):
        services.award_decline(award=award, reason="  ", by=deciding.chair)
    with pytest.raises(Refused) as refused:
        services.award_decline(award=award, reason="x" * 501, by=deciding.chair)
    assert refused.value.kind == Refusal.TOO_LONG
    award = services.award_decline(award=award, reason="It's outside our area.", by=deciding.chair)
    assert (award.status, award.amount_pence) == (AwardStatus.DECLINED, 0)
    assert services.pot_given_pence(deciding.pot) == 100_000
    services.award_change(
        award=proposed[deciding.applications[2].pk], amount_pence=100_000, by=deciding.chair
    )
    assert services.pot_given_pence(deciding.pot) == 200_000


def test_staff_cannot_change_an_award(deciding, proposed):
    with pytest.raises(PermissionDenied):
        services.award_decline(
            award=proposed[deciding.applications[0].pk], reason="No.", by=deciding.staff
        )


def test_the_database_refuses_a_negative_award(deciding, proposed):
    with pytest.raises(IntegrityError), transaction.atomic():
        Award.objects.filter(pk=proposed[deciding.applications[0].pk].pk).update(amount_pence=-1)


# Confirming.


def test_confirming_needs_a_proposal(deciding, meeting):
    with pytest.raises(Refused, match="Work out the allocation"):
        services.meeting_confirm(meeting=meeting, by=deciding.chair)


def test_confirming_makes_every_award_final_and_nothing_can_change_after(deciding, proposed):
    meeting = deciding.round.meeting
    meeting = services.meeting_confirm(meeting=meeting, by=deciding.chair)
    assert meeting.is_final
    statuses = dict(Award.objects.values_list("application_id", "status"))
    assert statuses[deciding.applications[0].pk] == AwardStatus.AWARDED
    declined = Award.objects.get(application=deciding.applications[2])
    assert declined.status == AwardStatus.DECLINED
    assert "Nobody voted" in declined.reason
    assert actions("grants.decision_confirmed") == 1
    with pytest.raises(PermissionDenied, match="final"):
        services.award_decline(
            award=Award.objects.get(application=deciding.applications[0]),
            reason="No.",
            by=deciding.chair,
        )
    with pytest.raises(PermissionDenied, match="final"):
        services.meeting_confirm(meeting=meeting, by=deciding.chair)


def test_only_the_chair_confirms(deciding, proposed):
    with pytest.raises(PermissionDenied):
        services.meeting_confirm(meeting=deciding.round.meeting, by=deciding.members[1])


# Whatever the panel does, the pot is never over-allocated.


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.tuples(st.integers(0, 2), st.integers(10_000, 100_000), st.booleans()),
        min_size=1,
        max_size=8,
    )
)
def test_awards_never_add_up_to_more_than_the_pot(deciding, proposed, changes):
    refusals = []
    with transaction.atomic():
        for index, amount, decline in changes:
            award = proposed[deciding.applications[index].pk]
            try:
                if decline:
                    services.award_decline(award=award, reason="Not this time.", by=deciding.chair)
                else:
                    services.award_change(
                        award=award,
                        amount_pence=amount,
                        condition="Spend it well.",
                        by=deciding.chair,
                    )
            except Refused as refused:
                refusals.append((refused.kind, refused.messages[0]))
            assert services.pot_given_pence(deciding.pot) <= deciding.pot.amount_pence
        transaction.set_rollback(True)
    # Every refusal is the pot running out, said with what is left.
    assert all(kind == Refusal.UNUSABLE and "left" in text for kind, text in refusals)
