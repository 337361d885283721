"""Money as whole pence: typed amounts read exactly, pence shown as pounds."""

import re

import pytest

from thegither.core.money import pence_for_typing, pence_from_text, pounds


@pytest.mark.parametrize(
    ("typed", "pence"),
    [
        ("5", 500),
        ("5.00", 500),
        ("£1.50", 150),
        ("1.5", 150),
        (" 0.99 ", 99),
        ("75p", 75),
        ("75P", 75),
        ("£1,000", 100_000),
        ("0", 0),
        ("1.10", 110),  # never 109.99999 through a float
    ],
)
def test_typed_amounts_are_read_as_whole_pence(typed, pence):
    assert pence_from_text(typed, most_pence=100_000) == pence


@pytest.mark.parametrize("typed", ["", "five", "-1", "1.234", "£", "1.2.3", "1.5p", "100001"])
def test_anything_else_is_refused(typed):
    with pytest.raises(ValueError, match=f"^{re.escape(typed)}$"):
        pence_from_text(typed, most_pence=100_000)


def test_more_than_the_most_is_refused():
    with pytest.raises(ValueError, match=r"1000\.01"):
        pence_from_text("1000.01", most_pence=100_000)


@pytest.mark.parametrize(
    ("pence", "shown"),
    [(500, "£5.00"), (75, "75p"), (0, "£0.00"), (123456, "£1,234.56"), (-20, "-20p"), (None, "")],
)
def test_pence_are_shown_as_pounds(pence, shown):
    assert pounds(pence) == shown


def test_pence_go_back_into_a_form_as_pounds():
    assert pence_for_typing(150) == "1.50"
    assert pence_for_typing(None) == ""
