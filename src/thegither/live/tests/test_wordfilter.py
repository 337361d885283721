"""The word filter: stops UK slang and its disguises, never place names or ordinary words."""

import uuid

import pytest

from thegither.core.refusals import Refusal, Refused
from thegither.live import services
from thegither.live.models import Activity
from thegither.live.wordfilter import is_blocked


@pytest.mark.parametrize(
    "text",
    [
        "fuck",
        "FUCKING hell",
        "what a wanker",
        "you absolute bellend",
        "bell end",
        "knobhead",
        "twat",
        "proper minger",
        "numpty",
        "bawbag",
        "wasteman",
        "you nonce",
        "shite",
        "arsehole",
        "f u c k",
        "f.u.c.k",
        "fuuuuck",
        "sh1t",
        "w4nker",
        "$lag",
        "c*nt, cunt",
        "Fück",
        "send nudes",
        "dick pics",
        "kys",
        "go die",
    ],
)
def test_slang_and_its_disguises_are_stopped(text):
    assert is_blocked(text)


@pytest.mark.parametrize(
    "text",
    [
        "Penistone",
        "Scunthorpe",
        "Cockermouth",
        "Clitheroe",
        "Sussex",
        "Middlesex",
        "Essex",
        "Twatt",
        "Shitterton",
        "Bitchfield",
        "Arsenal",
        "Cockburnspath",
        "Dickens",
        "Offa's Dyke",
        "Great Cockup",
        "Matlock",
        "Wetwang",
        "assess the class",
        "a prickly hedgehog",
        "bonkers",
        "shaggy dog",
        "analysis",
        "grape",
        "Scooby Doo",
        "co-production",
        "£5 for seeds",
        "I want to speak",
        "We planned it together",
    ],
)
def test_place_names_and_ordinary_words_are_never_stopped(text):
    assert not is_blocked(text)


def test_a_rude_nickname_is_refused(running):
    with pytest.raises(Refused) as refused:
        services.session_join(session=running, token="n" * 30, nickname="B0ll0cks")
    assert refused.value.kind == Refusal.UNSUITABLE
    assert services.session_join(session=running, token="n" * 30, nickname="Penistone").created


@pytest.mark.parametrize(
    ("kind", "value"),
    [("word-cloud", {"words": ["hope", "sh1te"]}), ("open-text", {"text": "this is shit"})],
)
def test_rude_words_and_answers_are_refused(running, staff, phone, kind, value):
    activity = services.activity_add(session=running, kind=kind, prompt="Q?", by=staff)
    Activity.objects.filter(pk=activity.pk).update(state="open")
    with pytest.raises(Refused) as refused:
        services.answer_submit(
            participant=phone, activity=activity, client_id=uuid.uuid4(), value=value
        )
    assert refused.value.kind == Refusal.UNSUITABLE
    assert not activity.answers.exists()
