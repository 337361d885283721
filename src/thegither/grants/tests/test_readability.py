import pytest
from hypothesis import given
from hypothesis import strategies as st

from thegither.grants.readability import needs_plainer_words, reading_ease, syllables

PLAIN = (
    "We run a club on Friday nights. Young people choose what we do. "
    "They plan the games and the trips. They pick the food and buy it. "
    "Last year they ran a fun day in the park for all the kids on our street."
)
HARD = (
    "Our organisation facilitates intergenerational participatory opportunities, "
    "prioritising sustainability, accessibility and comprehensive community "
    "empowerment through collaborative, evidence-based developmental programming "
    "methodologies, alongside institutional partnerships and multidisciplinary "
    "evaluation frameworks demonstrating measurable socioeconomic outcomes."
)


@pytest.mark.parametrize(
    ("word", "count"),
    [("cat", 1), ("make", 1), ("table", 2), ("free", 1), ("community", 4), ("don't", 1), ("a", 1)],
)
def test_syllables_are_counted_from_vowel_groups(word, count):
    assert syllables(word) == count


def test_plain_writing_scores_high_and_jargon_scores_low():
    assert reading_ease(PLAIN) > 80
    assert reading_ease(HARD) < 0


def test_only_long_hard_answers_get_a_hint():
    assert needs_plainer_words(HARD * 2)
    assert not needs_plainer_words(PLAIN)
    assert not needs_plainer_words("Comprehensive methodologies.")  # too short to judge
    assert reading_ease("") is None
    assert reading_ease("!!! 123") is None


@given(st.text(max_size=500))
def test_any_text_gives_a_number_or_none(text):
    score = reading_ease(text)
    assert score is None or isinstance(score, float)
    needs_plainer_words(text)


@pytest.mark.django_db
def test_the_form_gives_the_tip_under_a_hard_long_answer(client, open_round, applicant):
    from django.urls import reverse

    from thegither.grants.tests.factories import application_make

    application = application_make(open_round, applicant)
    application.activity = HARD * 2
    application.youth_leadership = PLAIN
    application.save()
    client.force_login(applicant)
    html = client.get(reverse("grants:application-edit", args=[application.pk])).content.decode()
    assert html.count("Tip: this might be hard for some people to read.") == 1
