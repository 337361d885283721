"""The engine's reasons in the grants app's plain words."""

from thegither.grants.explaining import engine_words
from thegither.grants.models import AllocationRule, Application, Award, DecisionMethod


def _words(reason: str, asked_pence: int, **details) -> str:
    award = Award(
        application=Application(group_name="Northfield Young Carers", amount_pence=asked_pence),
        engine_reason=reason,
        engine_details=details,
        support=details.get("supporters", 0),
    )
    return engine_words(award, method=DecisionMethod.APPROVAL, rule=AllocationRule.MES)


def test_equal_shares_says_the_share_in_whole_pounds_when_it_was_not_raised():
    words = _words("funded", 200_000, supporters=3, start_per_voter=100_000.0, even_share=100_000.0)
    assert words == (
        "Funded. Every member had an equal share of the pot (£1,000 each) to spend on the ones"
        " they supported. The 3 members who supported this one paid the £2,000 it asked for"
        " between them."
    )


def test_equal_shares_says_when_every_share_was_raised_above_the_pot_split_equally():
    words = _words(
        "funded", 200_000, supporters=3, start_per_voter=116_666.67, even_share=100_000.0
    )
    assert "The pot split equally is £1,000 each" in words
    assert "raised to about £1,167" in words
    assert "£1,166.67" not in words


def test_a_group_whose_supporters_ran_out_hears_what_was_needed_in_whole_pounds():
    words = _words(
        "supporters-ran-out",
        150_000,
        supporters=1,
        start_per_voter=116_666.67,
        even_share=100_000.0,
        needed_per_supporter=150_000.0,
        supporters_money_left=33_333.33,
    )
    assert words.startswith("Not funded. Every member had an equal share to spend")
    assert "each of its supporters would have needed about £1,500" in words
    assert "only £333 left between them" in words


def test_nobody_voted_for_it_is_said_plainly():
    assert _words("no-votes", 50_000) == "Not funded. Nobody voted for it."
