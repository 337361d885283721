"""Ranking with Up and Down buttons: each press is a POST that moves one option (no JavaScript)."""

import re
import uuid

import pytest
from django.http import QueryDict
from django.urls import reverse

from thegither.live import selectors, services
from thegither.live.forms import ranking_move, ranking_order
from thegither.live.models import Answer

TOKEN = "a-phone-token-1234567890"


@pytest.fixture
def ranking(running, staff):
    activity = services.activity_add(
        session=running,
        kind="ranking",
        prompt="Most important?",
        options=["Fun", "Fair", "Free"],
        by=staff,
    )
    services.session_control(session=running, action="next", by=staff)
    services.session_control(session=running, action="open", by=staff)
    activity.refresh_from_db()
    return activity


@pytest.fixture
def phone_client(client, phone):
    client.cookies[services.DEVICE_COOKIE] = TOKEN
    return client


def _post(client, running, activity, **fields):
    return client.post(
        reverse("live:answer", args=[running.join_code]),
        {"activity": activity.pk, "client_id": str(uuid.uuid4()), **fields},
    )


def _labels_in_order(html: str) -> list[str]:
    return re.findall(r'<span class="live-rank__label">([^<]+)</span>', html)


def _hidden_order(html: str) -> str:
    return re.search(r'name="order" value="([^"]*)"', html).group(1)


def test_the_phone_shows_the_options_in_order_with_up_and_down_buttons(
    phone_client, running, ranking
):
    page = phone_client.get(reverse("live:phone", args=[running.join_code])).text
    assert _labels_in_order(page) == ["Fun", "Fair", "Free"]
    assert _hidden_order(page) == "0,1,2"
    assert 'name="place-' not in page  # the old place-number lists are gone
    # The top option can't go up and the last can't go down.
    assert re.search(r'value="up-0" disabled', page)
    assert re.search(r'value="down-2" disabled', page)
    assert 'value="down-0">' in page


def test_pressing_up_moves_one_option_and_counts_nothing(phone_client, running, ranking):
    response = _post(phone_client, running, ranking, order="0,1,2", move="up-2")
    assert response.status_code == 200
    assert _labels_in_order(response.text) == ["Fun", "Free", "Fair"]
    assert _hidden_order(response.text) == "0,2,1"
    assert "Free is now number 2 of 3." in response.text
    assert re.search(r'value="up-2"[^>]*autofocus', response.text)  # the focus stays put
    assert not Answer.objects.filter(activity=ranking).exists()


def test_moves_build_on_the_order_in_the_form_then_send_counts_it(phone_client, running, ranking):
    first = _post(phone_client, running, ranking, order="0,1,2", move="down-0")
    second = _post(phone_client, running, ranking, order=_hidden_order(first.text), move="down-0")
    assert _labels_in_order(second.text) == ["Fair", "Free", "Fun"]
    # Moved to the bottom: its Down button is off, so the focus goes to its Up button.
    assert re.search(r'value="up-0"[^>]*autofocus', second.text)
    sent = _post(phone_client, running, ranking, order=_hidden_order(second.text))
    assert sent.status_code == 302
    assert selectors.counts(ranking) == {"1": 2, "2": 1, "0": 0}
    again = phone_client.get(reverse("live:phone", args=[running.join_code])).text
    assert _labels_in_order(again) == ["Fair", "Free", "Fun"]  # the phone's answer, kept


@pytest.mark.parametrize(
    "fields",
    [
        {"order": "0,1,2", "move": "up-9"},
        {"order": "0,1,2", "move": "sideways-1"},
        {"order": "0,0,2", "move": "up-1"},
        {"order": "9" * 60_000, "move": "9" * 60_000},
    ],
)
def test_odd_presses_change_nothing_and_never_fail(phone_client, running, ranking, fields):
    response = _post(phone_client, running, ranking, **fields)
    assert response.status_code == 200
    assert len(_labels_in_order(response.text)) == 3
    assert not Answer.objects.filter(activity=ranking).exists()


def test_a_broken_order_is_refused_with_the_form_kept(phone_client, running, ranking):
    response = _post(phone_client, running, ranking, order="2,2,0")
    assert response.status_code == 400
    assert _labels_in_order(response.text) == ["Fun", "Fair", "Free"]
    assert not Answer.objects.filter(activity=ranking).exists()


def test_ranking_order_reads_only_every_option_once(ranking):
    assert ranking_order(ranking, QueryDict("order=2,0,1")) == [2, 0, 1]
    for bad in ("", "2,0", "2,0,1,1", "a,b,c", "0,1,3", "-1,0,1"):
        assert ranking_order(ranking, QueryDict(f"order={bad}")) is None


def test_ranking_move_at_the_edges_keeps_the_order():
    labels = ["A", "B"]
    top = ranking_move([0, 1], "up-0", labels)
    assert top.order == [0, 1]
    assert top.focus == "down-0"
    bottom = ranking_move([0, 1], "down-1", labels)
    assert bottom.order == [0, 1]
    assert bottom.focus == "up-1"
    assert ranking_move([0, 1], "down-0", labels).note == "A is now number 2 of 2."
