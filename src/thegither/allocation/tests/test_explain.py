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
    # The reason first, then the numbers.
    assert b.text.startswith("Not funded: it did not fit in the money left, so it was skipped.")
    assert (
        "It costs 50, but when its turn came only 40 was left. It came 2nd with 2 votes" in b.text
    )


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
    assert b.text.startswith("Not funded: it did not fit in the money left, and under this rule")
    assert "no project after it is funded either" in b.text
    assert "only 40 was left" in b.text
    assert c.reason == "stopped"
    assert c.details["stopped_at"] == "b"
    assert c.text.startswith("Not funded: the count had already stopped at project b")


def test_below_threshold_project_says_how_many_it_got_and_needed():
    c = why(allocate(SMALL, rule="greedy-threshold", threshold=2), "c")
    assert c.reason == "below-threshold"
    assert c.details["threshold"] == 2
    assert c.details["score"] == 1
    assert c.text == "Not funded: too few votes to take part. It got 1 vote; a project needs 2."


def test_mes_funded_project_says_what_each_supporter_paid_and_who_paid_all_they_had():
    outcome = allocate(SHARES, rule="mes")
    assert outcome.selected == ["d", "a"]
    d, a = why(outcome, "d"), why(outcome, "a")
    assert d.details["round"] == 1
    assert d.details["share_per_supporter"] == pytest.approx(10)
    assert d.details["supporters_who_paid_all_they_had"] == 0
    assert d.text == "Funded in round 1: its 4 supporters shared its cost of 40: each paid 10."
    assert a.details["round"] == 2
    assert a.details["rho"] == pytest.approx(28 / 76)
    assert a.details["share_per_supporter"] == pytest.approx(28)
    assert a.details["supporters_who_paid_all_they_had"] == 1
    assert a.details["most_paid_by_one_voter"] == pytest.approx(28)
    assert a.text == (
        "Funded in round 2: its 3 supporters shared its cost of 76: each paid 28, except 1 who"
        " had less than that left and paid all they had."
    )
    # Why a project wins a round holds for all of them: said once, in the summary.
    assert "smallest part of the project's cost" not in a.text
    assert any("smallest part of the project's cost" in line for line in outcome.summary)


def test_mes_unfunded_project_compares_what_was_needed_with_what_supporters_had_left():
    e = why(allocate(SHARES, rule="mes"), "e")
    assert not e.funded
    assert e.reason == "supporters-ran-out"
    assert e.details["needed_per_supporter"] == pytest.approx(70 / 3)
    assert e.details["supporters_money_left"] == pytest.approx(60)
    assert e.details["supporters_with_enough_left"] == 0
    assert e.details["spent_by_supporters_on"] == {"d": 30}
    assert e.text.startswith(
        "Not funded: its supporters had spent most of their money on other projects they voted"
        " for, and what they had left was not enough."
    )
    assert "each of its 3 supporters would have had to pay about 23" in e.text
    assert "they had 60 left between them (about 20 each), and none of them still had 23" in e.text
    assert "Their money went to: d (30)." in e.text
    # 180 - 40 - 76 = 64 is left, less than 70.
    assert "The 64 left unspent at the end is not enough for it either." in e.text
    # Each voter's money is the same for every project: said once, in the summary.
    assert "Every voter had 30" not in e.text


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
    assert "At the end they had only 25 left." in c.text
    assert c.text.startswith("Not funded: its supporters did not have enough money between them.")
    assert c.text.endswith("The 40 left unspent at the end would cover its cost.")
    assert any("money left over cannot go to a project whose" in s for s in outcome.summary)


def test_mes_add1_says_how_far_everyones_share_was_raised():
    outcome = allocate(SMALL, rule="mes-add1")
    # Shares rise from 25 to 40, when c's voter can pay 40 and all 100 is spent.
    assert outcome.selected == ["a", "c"]
    assert outcome.settings["budget_raised_times"] == 15
    b = why(outcome, "b")
    assert b.details["start_per_voter"] == pytest.approx(40)
    assert outcome.summary[1] == (
        "The budget split equally gave every voter 25 to spend on projects they voted for."
        " That left money unspent, so we gave everyone a little more to spend, 15 times,"
        " until no other project fitted in the money left. In the end every voter had 40 to"
        " spend."
    )
    assert "raised" not in b.text


def test_project_nobody_voted_for_says_so():
    election = Election(
        projects=(*SMALL.projects, Project("z", 10, "Statue")),
        budget=SMALL.budget,
        kind="approval",
        ballots=SMALL.ballots,
    )
    z = why(allocate(election, rule="mes"), "z")
    assert z.reason == "no-votes"
    assert z.text == "Not funded: nobody voted for it."


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
        assert explanation.text == "Not funded: nobody voted for it."
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
    assert b.text.startswith("Funded in the top-up: equal shares could not pay for it")
    assert "there was 10 left, enough for its cost of 10" in b.text


def test_every_explanation_is_valid_json_and_agrees_with_the_outcome():
    for rule in ("greedy", "greedy-no-skip", "mes", "mes-add1", "mes-add1u", "phragmen"):
        outcome = allocate(SHARES, rule=rule)
        data = json.loads(json.dumps(outcome.to_json(), allow_nan=False))
        funded = [e["project_id"] for e in data["explanations"] if e["funded"]]
        assert sorted(funded) == sorted(outcome.selected), rule
        assert {e["project_id"] for e in data["explanations"]} == {"a", "d", "e"}, rule


def test_every_amount_carries_the_currency_from_meta_or_the_caller():
    election = Election(
        projects=SHARES.projects,
        budget=SHARES.budget,
        kind="approval",
        ballots=SHARES.ballots,
        meta={"currency": "PLN"},
    )
    outcome = allocate(election, rule="mes")
    assert outcome.settings["currency"] == "PLN"
    assert why(outcome, "d").text == (
        "Funded in round 1: its 4 supporters shared its cost of 40 PLN: each paid 10 PLN."
    )
    assert "The 64 PLN left unspent" in why(outcome, "e").text
    assert "Every voter had 30 PLN to spend" in outcome.summary[1]
    given = allocate(election, rule="greedy", currency="EUR")
    assert "enough for its cost of 76 EUR" in why(given, "a").text
    assert "PLN" not in json.dumps(given.to_json())


def test_no_sentence_is_said_for_every_project():
    for rule in ("greedy", "mes", "mes-add1", "phragmen"):
        outcome = allocate(SHARES, rule=rule)
        sentences = [
            sentence
            for e in outcome.explanations
            for sentence in e.text.replace(": ", ". ").split(". ")
            if len(sentence) > 30
        ]
        repeated = {s for s in sentences if sentences.count(s) > 1}
        assert not repeated, (rule, repeated)


def test_json_keeps_every_number_and_the_shared_sentences():
    data = allocate(SHARES, rule="mes-add1").to_json()
    assert data["summary"][0].startswith("Equal shares")
    e = next(x for x in data["explanations"] if x["project_id"] == "e")
    assert set(e["details"]) >= {
        "supporters",
        "start_per_voter",
        "needed_per_supporter",
        "supporters_money_left",
        "supporters_with_enough_left",
        "spent_by_supporters_on",
    }
