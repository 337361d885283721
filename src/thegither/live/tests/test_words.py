"""One form for a flagged word: case, plurals, hyphens and spacing don't count."""

import pytest

from thegither.live import words


@pytest.mark.parametrize(
    "typed",
    [
        "co-production",
        "Co-Production",
        "co production",
        "coproduction",
        "CO-PRODUCTIONS",
        " co  -  production ",
    ],
)
def test_ways_of_writing_co_production_are_one_word(typed):
    assert words.key(typed) == "coproduction"


@pytest.mark.parametrize(
    ("plural", "singular"),
    [
        ("stakeholders", "stakeholder"),
        ("policies", "policy"),
        ("outcomes", "outcome"),
        ("boxes", "box"),
        ("coaches", "coach"),
        ("young people's", "youngpeople"),
    ],
)
def test_plurals_count_as_the_word(plural, singular):
    assert words.key(plural) == singular


@pytest.mark.parametrize("word", ["bias", "status", "analysis", "news", "process", "gas", "us"])
def test_words_ending_in_s_that_are_not_plurals_stay(word):
    assert words.key(word) == word


def test_different_words_stay_different():
    assert words.key("safeguarding") != words.key("safeguard plan")
    assert words.key("theory of change") == "theoryofchange"


def test_punctuation_alone_gives_no_key():
    assert words.key("?!...") == ""
    assert words.key("") == ""


def test_the_words_are_tidied_for_people_to_read():
    assert words.tidy("  Theory   of\nchange ") == "Theory of change"


def test_a_very_long_phrase_gives_a_key_that_fits():
    assert len(words.key("word " * 100)) == words.KEY_MAX_LENGTH
