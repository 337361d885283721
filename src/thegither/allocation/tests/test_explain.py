"""Explanations say the right thing on elections small enough to work out by hand."""

from __future__ import annotations

import json

import pytest

from thegither.allocation import Ballot, Election, Outcome, Project, allocate

# Votes: a 3, b 2, c 1. Budget 100, 4 voters, so 25 each under equal shares.
SMALL = Election(
    projects=(Project("a", 60, "Park"), Project("b", 50, "Library"), Project("c", 40, "Bikes")),
    budget=100,
    kind="approval",
    ballots=(Ballot(("a", "b"), weight=2), Ballot(("c",)), Ballot(("a",))),
)

# 6 voters, 30 each. Round 1: d (cost 40, voters 3-6) costs each of them 10.
# Round 2: a (cost 76, voters 1-3): voter 3 has only 20 left and pays it all; voters
# 1 and 2 pay 28 each. e (cost 70, voters 4-6) would need about 23 each, but they have
# 20 each left, 60 between them, after paying 10 each for d.
SHARES = Election(
    projects=(Project("a", 76, "Pool"), Project("d", 40, "Dog park"), Project("e", 70, "Stage")),
    budget=180,
    kind="approval",
    ballots=(
        Ballot(("a",), weight=2),
        Ballot(("a", "d")),
        Ballot(("d", "e"), weight=3),
    ),
)


def why(outcome: Outcome, project_id: str):
    return next(e for e in outcome.explanations if e.project_id == project_id)


def test_greedy_funded_project_gives_its_rank_and_the_money_before_and_after():
    a = why(allocate(SMALL, rule="greedy"), "a")
    assert a.funded
    assert a.reason == "funded"
    assert a.details == {"rank": 1, "score": 3, "left_before": 100}
    assert a.text == (
        "Funded. It came 1st with 3 votes. When its turn came there was 100 left,"
        " enough for its cost of 60, which left 40."
    )


def test_greedy_skipped_project_says_it_cost_more_than_was_left():
    b = why(allocate(SMALL, rule="greedy"), "b")
    assert not b.funded
    assert b.reason == "too-expensive"
    assert b.details == {"rank": 2, "score": 2, "left_before": 40}
    assert "It came 2nd with 2 votes" in b.text
    assert "It costs 50, but when its turn came only 40 was left, so it was skipped" in b.text


def test_greedy_project_after_a_skip_was_still_funded_with_what_was_left():
    c = why(allocate(SMALL, rule="greedy"), "c")
    assert c.funded
    assert c.details["rank"] == 3
    assert c.details["left_before"] == 40
    assert "there was 40 left, enough for its cost of 40, which left 0" in c.text


def test_greedy_no_skip_names_the_project_where_the_count_stopped():
    outcome = allocate(SMALL, rule="greedy-no-skip")
    b, c = why(outcome, "b"), why(outcome, "c")
    assert b.reason == "stopper"
    assert "only 40 was left" in b.text
    assert "no project after it is funded either" in b.text
    assert c.reason == "stopped"
    assert c.details["stopped_at"] == "b"
    assert "The count had already stopped at project b" in c.text


def test_below_threshold_project_says_how_many_it_got_and_needed():
    c = why(allocate(SMALL, rule="greedy-threshold", threshold=2), "c")
    assert c.reason == "below-threshold"
    assert c.details["threshold"] == 2
    assert c.details["score"] == 1
    assert "It got 1 vote, fewer than the 2 a project needs to be funded at all." in c.text


def test_mes_funded_project_says_what_each_supporter_paid_and_who_paid_all_they_had():
    outcome = allocate(SHARES, rule="mes")
    assert outcome.selected == ["d", "a"]
    d, a = why(outcome, "d"), why(outcome, "a")
    assert d.details["round"] == 1
    assert d.details["share_per_supporter"] == pytest.approx(10)
    assert d.details["supporters_who_paid_all_they_had"] == 0
    assert "Funded in round 1. Its 4 supporters shared its cost of 40: each paid 10." in d.text
    assert a.details["round"] == 2
    assert a.details["rho"] == pytest.approx(28 / 76)
    assert a.details["share_per_supporter"] == pytest.approx(28)
    assert a.details["supporters_who_paid_all_they_had"] == 1
    assert a.details["most_paid_by_one_voter"] == pytest.approx(28)
    assert (
        "Its 3 supporters shared its cost of 76: each paid 28, except 1 who had less than"
        " that left and paid all they had." in a.text
    )
    assert "smallest part of the project's cost" in a.text


def test_mes_unfunded_project_compares_what_was_needed_with_what_supporters_had_left():
    e = why(allocate(SHARES, rule="mes"), "e")
    assert not e.funded
    assert e.reason == "supporters-ran-out"
    assert e.details["needed_per_supporter"] == pytest.approx(70 / 3)
    assert e.details["supporters_money_left"] == pytest.approx(60)
    assert e.details["supporters_with_enough_left"] == 0
    assert e.details["spent_by_supporters_on"] == {"d": 30}
    assert "Every voter had 30 to spend on projects they voted for." in e.text
    assert "each of its 3 supporters would have had to pay about 23" in e.text
    assert "they had 60 left between them (about 20 each), and none of them still had 23" in e.text
    assert "Most of their money had gone to other projects they voted for: d (30)." in e.text
    # 180 - 40 - 76 = 64 is left, less than 70.
    assert "The 64 left unspent at the end is not enough for it either." in e.text


def test_mes_says_when_the_money_left_would_cover_a_project_its_supporters_cannot_pay_for():
    outcome = allocate(SMALL, rule="mes")
    assert outcome.selected == ["a"]
    b, c = why(outcome, "b"), why(outcome, "c")
    # b: voters 1 and 2 paid 20 each for a and kept 5 each.
    assert b.details["supporters_money_left"] == pytest.approx(10)
    assert b.details["spent_by_supporters_on"] == {"a": 40}
    assert "would have had to pay about 25" in b.text
    assert "The 40 left unspent at the end is not enough for it either." in b.text
    # c: its one voter has 25 and needs 40; 40 is left over, but only supporters pay.
    assert c.details["needed_per_supporter"] == pytest.approx(40)
    assert "At the end they had only 25 left, so they could not pay for it." in c.text
    assert "The 40 left unspent at the end would cover its cost" in c.text


def test_mes_add1_says_how_far_everyones_share_was_raised():
    outcome = allocate(SMALL, rule="mes-add1")
    # Shares rise from 25 to 40, when c's voter can pay 40 and all 100 is spent.
    assert outcome.selected == ["a", "c"]
    assert outcome.settings["budget_raised_times"] == 15
    b = why(outcome, "b")
    assert b.details["start_per_voter"] == pytest.approx(40)
    assert "Every voter had 40 to spend" in b.text
    assert "the budget split equally gives 25 each; this was raised by 15" in b.text


def test_project_nobody_voted_for_says_so():
    election = Election(
        projects=(*SMALL.projects, Project("z", 10, "Statue")),
        budget=SMALL.budget,
        kind="approval",
        ballots=SMALL.ballots,
    )
    z = why(allocate(election, rule="mes"), "z")
    assert z.reason == "no-votes"
    assert z.text == "Not funded. Nobody voted for it."


@pytest.mark.parametrize("rule", ["mes", "mes-add1"])
@pytest.mark.parametrize("kind", ["approval", "cumulative"])
def test_equal_shares_with_no_ballots_funds_nothing_and_says_nobody_voted(rule, kind):
    election = Election(
        projects=(*SMALL.projects, Project("f", 0, "Free mural")),
        budget=SMALL.budget,
        kind=kind,
        ballots=(),
    )
    outcome = allocate(election, rule=rule, utility="score" if kind != "approval" else "cost")
    assert outcome.selected == []
    assert outcome.spent == 0
    assert [e.project_id for e in outcome.explanations] == ["a", "b", "c", "f"]
    for explanation in outcome.explanations:
        assert not explanation.funded
        assert explanation.reason == "no-votes"
        assert explanation.text == "Not funded. Nobody voted for it."
    assert outcome.settings["start_per_voter"] == 0.0
    json.dumps([e.details for e in outcome.explanations])


def test_phragmen_buys_a_free_project_nobody_voted_for_and_says_why():
    # As pabutools does: once every project with votes is bought, a free one still fits.
    election = Election(
        projects=(Project("a", 10), Project("z", 0, "Free bench")),
        budget=10,
        kind="approval",
        ballots=(Ballot(("a",)),),
    )
    outcome = allocate(election, rule="phragmen")
    assert outcome.selected == ["a", "z"]
    z = why(outcome, "z")
    assert z.funded
    assert z.details["load"] is None
    assert "although nobody voted for it" in z.text
    json.dumps(outcome.to_json(), allow_nan=False)


def test_add1u_top_up_says_the_money_left_went_to_the_most_voted_projects():
    lonely = Election(
        projects=(Project("a", 90, "Park"), Project("b", 10, "Library")),
        budget=100,
        kind="approval",
        # 10 voters, 10 each; nine buy a. Nobody votes for b, so equal shares cannot fund
        # it, but it fits in the 10 left over and the greedy top-up takes it.
        ballots=(Ballot(("a",), weight=9), Ballot(())),
    )
    outcome = allocate(lonely, rule="mes-add1u")
    assert outcome.selected == ["a", "b"]
    b = why(outcome, "b")
    assert b.reason == "topped-up"
    assert b.details["stage"] == "greedy top-up"
    assert b.text.startswith("Funded in the top-up.")
    assert "there was 10 left, enough for its cost of 10" in b.text


def test_every_explanation_is_valid_json_and_agrees_with_the_outcome():
    for rule in ("greedy", "greedy-no-skip", "mes", "mes-add1", "mes-add1u", "phragmen"):
        outcome = allocate(SHARES, rule=rule)
        data = json.loads(json.dumps(outcome.to_json(), allow_nan=False))
        funded = [e["project_id"] for e in data["explanations"] if e["funded"]]
        assert sorted(funded) == sorted(outcome.selected), rule
        assert {e["project_id"] for e in data["explanations"]} == {"a", "d", "e"}, rule
