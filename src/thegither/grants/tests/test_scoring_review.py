"""The score review, who has finished, and a member's queue: sums, the conflict rule, order."""

import pytest
from django.contrib.auth.models import AnonymousUser
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from thegither.grants import scoring
from thegither.grants.models import ApplicationStatus, RoundPhase
from thegither.grants.permissions import can_see_review
from thegither.grants.tests.factories import application_make
from thegither.grants.tests.scoring_helpers import declare, score


def _row(areas, application):
    for area in areas:
        for row in area.rows:
            if row.application.pk == application.pk:
                return row
    raise AssertionError("not in the review")


def _to_decision(round):
    round.phase = RoundPhase.DECISION
    round.save()


def test_weighted_totals_are_averaged_with_the_spread(members, eligible, staff):
    # Criteria count once and three times: 4 + 3x2 = 10, 5 + 3x5 = 20, 1 + 3x1 = 4.
    for person, values in zip(members, ([4, 2], [5, 5], [1, 1]), strict=True):
        declare(eligible, person)
        score(eligible, person, values)
    _to_decision(eligible.round)
    criteria, areas = scoring.score_review(eligible.round, staff)
    row = _row(areas, eligible)
    assert row.scored_by == 3
    assert row.average == pytest.approx(34 / 3)
    assert (row.lowest, row.highest) == (4, 20)
    assert [average for _c, average in row.by_criterion] == [
        pytest.approx(10 / 3),
        pytest.approx(8 / 3),
    ]
    assert scoring.weighted_most(criteria) == 20
    assert row.disagreement, "16 apart out of 20 is a big difference"


def test_unfinished_scoring_does_not_count(members, eligible, staff, criteria):
    from thegither.grants import services

    declare(eligible, members[0])
    score(eligible, members[0], [3, 3])
    declare(eligible, members[1])
    services.scores_save(
        application=eligible, entries={criteria[0].pk: services.ScoreEntry(5)}, by=members[1]
    )
    _to_decision(eligible.round)
    row = _row(scoring.score_review(eligible.round, staff)[1], eligible)
    assert row.scored_by == 1
    assert row.average == 12


def test_a_conflict_shows_as_stepped_out_and_hides_the_scores_from_that_member(members, eligible):
    declare(eligible, members[0])
    score(eligible, members[0], [3, 3])
    declare(eligible, members[1], knows=True)
    areas = scoring.score_review(eligible.round, members[1])[1]
    row = _row(areas, eligible)
    assert not row.shown
    assert row.shown.reason == "You said you know this group, so you step out for this one."
    assert row.average is None
    assert row.scored_by == 0
    assert row.by_criterion == []
    assert row.stepped_out == ["Panel member 2"]


def test_a_member_sees_scores_only_on_applications_they_have_finished(
    members, eligible, scoring_round, applicant
):
    second = application_make(scoring_round, applicant, status=ApplicationStatus.ELIGIBLE)
    for application in (eligible, second):
        declare(application, members[0])
        declare(application, members[1])
        score(application, members[1], [5, 5])
    score(eligible, members[0], [2, 2])
    areas = scoring.score_review(scoring_round, members[0])[1]
    assert _row(areas, eligible).shown
    assert _row(areas, eligible).scored_by == 2
    hidden = _row(areas, second)
    assert not hidden.shown
    assert hidden.average is None


def test_staff_see_no_scores_while_the_panel_scores(members, eligible, staff):
    declare(eligible, members[0])
    score(eligible, members[0], [3, 3])
    assert not can_see_review(staff, eligible.round)
    row = _row(scoring.score_review(eligible.round, staff)[1], eligible)
    assert not row.shown
    assert row.average is None


def test_nobody_logged_out_or_outside_sees_the_review(eligible, outsider):
    _to_decision(eligible.round)
    assert not can_see_review(AnonymousUser(), eligible.round)
    assert not can_see_review(outsider, eligible.round)


def test_each_area_has_its_own_table(members, scoring_round, applicant, staff):
    pots = list(scoring_round.pots.order_by("area__name"))
    north_east = application_make(scoring_round, applicant, status=ApplicationStatus.ELIGIBLE)
    north_east.pot = pots[0]
    north_east.save()
    north_west = application_make(scoring_round, applicant, status=ApplicationStatus.ELIGIBLE)
    north_west.pot = pots[1]
    north_west.save()
    areas = scoring.score_review(scoring_round, staff)[1]
    assert [area.pot.area.name for area in areas] == ["North East", "North West"]
    assert [[row.application.pk for row in area.rows] for area in areas] == [
        [north_east.pk],
        [north_west.pk],
    ]


@pytest.mark.parametrize(
    ("key", "descending", "expected"),
    [
        ("total", True, ["B", "A", "C", "D"]),
        ("total", False, ["C", "A", "B", "D"]),
        ("group", False, ["A", "B", "C", "D"]),
        ("group", True, ["D", "C", "B", "A"]),
        ("spread", True, ["A", "B", "C", "D"]),
        ("amount", True, ["D", "C", "B", "A"]),
        ("nonsense", False, ["B", "A", "C", "D"]),
    ],
)
def test_the_review_sorts_by_each_column(
    members, scoring_round, applicant, staff, key, descending, expected
):
    # Totals (most 20): A 12 (spread 8), B 20, C 4; D has no scores yet.
    values = {"A": ([4, 4], [2, 2]), "B": ([5, 5], [5, 5]), "C": ([1, 1], [1, 1]), "D": ()}
    for number, (name, member_scores) in enumerate(values.items()):
        application = application_make(
            scoring_round,
            applicant,
            status=ApplicationStatus.ELIGIBLE,
            amount_pence=10_000 * (number + 1),
        )
        application.group_name = name
        application.pot = scoring_round.pots.order_by("area__name").first()
        application.save()
        for person, member_values in zip(members, member_scores, strict=False):
            declare(application, person)
            score(application, person, member_values)
    _to_decision(scoring_round)
    areas = scoring.score_review(scoring_round, staff, sort=key, descending=descending)[1]
    assert [row.application.group_name for row in areas[0].rows] == expected


def test_who_has_finished_counts_without_scores(members, eligible, scoring_round, applicant):
    second = application_make(scoring_round, applicant, status=ApplicationStatus.ELIGIBLE)
    declare(eligible, members[0])
    declare(second, members[0], knows=True)
    score(eligible, members[0], [3, 3])
    declare(eligible, members[1])
    rows = {row.member.user_id: row for row in scoring.scoring_progress(scoring_round)}
    first, middle, last = (rows[person.pk] for person in members)
    assert (first.progress.scored, first.progress.to_score, first.is_finished) == (1, 1, True)
    assert (middle.progress.scored, middle.progress.to_score) == (0, 1)
    assert middle.progress.not_declared == 1
    assert not middle.is_finished
    assert last.progress.not_declared == 2


def test_next_to_score_goes_on_down_the_list_then_back_to_the_top(
    members, scoring_round, applicant
):
    applications = []
    for name in "ABCD":
        application = application_make(scoring_round, applicant, status=ApplicationStatus.ELIGIBLE)
        application.group_name = name
        application.save()
        applications.append(application)
        declare(application, members[0], knows=(name == "C"))
    a, b, _c, d = applications
    member = members[0].grant_panels.get()
    queue = scoring.member_queue(member)
    assert scoring.next_to_score(queue, after=b.pk) == d, "C is stepped out"
    assert scoring.next_to_score(queue, after=d.pk) == a
    score(a, members[0], [3, 3])
    score(b, members[0], [3, 3])
    score(d, members[0], [3, 3])
    assert scoring.next_to_score(scoring.member_queue(member), after=d.pk) is None


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.tuples(st.integers(1, 5), st.integers(1, 5)), min_size=1, max_size=3))
def test_the_review_matches_the_sums_done_by_hand(members, eligible, staff, given_scores):
    from thegither.grants.models import Assessment

    Assessment.objects.filter(application=eligible).delete()
    for person, values in zip(members, given_scores, strict=False):
        if not eligible.conflict_declarations.filter(panel_member__user=person).exists():
            declare(eligible, person)
        score(eligible, person, list(values))
    eligible.round.phase = RoundPhase.DECISION
    eligible.round.save()
    row = _row(scoring.score_review(eligible.round, staff)[1], eligible)
    totals = [first + 3 * second for first, second in given_scores]
    assert row.scored_by == len(totals)
    assert row.average == pytest.approx(sum(totals) / len(totals))
    assert (row.lowest, row.highest) == (min(totals), max(totals))
    eligible.round.phase = RoundPhase.ASSESSMENT
    eligible.round.save()
