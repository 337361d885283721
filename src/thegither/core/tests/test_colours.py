import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from thegither.core.colours import contrast_ratio, validate_accent_colour

hex_colours = st.integers(min_value=0, max_value=0xFFFFFF).map(lambda n: f"#{n:06x}")


def test_black_on_white_is_the_widest_contrast():
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)


def test_a_colour_against_itself_has_no_contrast():
    assert contrast_ratio("#1d5c63", "#1d5c63") == pytest.approx(1.0)


@given(hex_colours, hex_colours)
def test_contrast_is_symmetric_and_between_1_and_21(first, second):
    ratio = contrast_ratio(first, second)
    assert ratio == pytest.approx(contrast_ratio(second, first))
    assert 1.0 <= ratio <= 21.0 + 1e-9


def test_dark_accent_colour_is_accepted():
    validate_accent_colour("#1d5c63")


def test_light_accent_colour_is_refused_with_the_reason():
    with pytest.raises(ValidationError, match="too light"):
        validate_accent_colour("#ffff00")


@pytest.mark.parametrize("value", ["", "1d5c63", "#1d5c6", "#1d5c63a", "#gggggg", "red"])
def test_badly_written_colour_is_refused(value):
    with pytest.raises(ValidationError, match="Write the colour like"):
        validate_accent_colour(value)
