"""The pages for meeting cards: the phone's cards, the console's queue, the big screen, settings."""

import uuid

import pytest
from django.test import Client
from django.urls import reverse

from thegither.live import services
from thegither.live.models import Card, LiveSession
from thegither.live.services import SessionSettings

PART = {"HTTP_X_LIVE_PART": "cards"}
STAFF_PART = {"HTTP_X_LIVE_PART": "staff"}


@pytest.fixture
def meeting(organisation, staff):
    session = services.session_create(
        organisation=organisation,
        title="Planning meeting",
        settings=SessionSettings(kind="meeting"),
        by=staff,
    )
    services.session_control(session=session, action="start", by=staff)
    session.refresh_from_db()
    return session


def _phone_client(session, number: int, nickname: str = "") -> tuple[Client, object]:
    token = f"view-phone-token-{number:02d}-abcdef"
    participant = services.session_join(session=session, token=token, nickname=nickname).participant
    client = Client()
    client.cookies[services.DEVICE_COOKIE] = token
    return client, participant


def _press(client, session, kind="speak", headers=None, **extra):
    data = {"kind": kind, "client_id": str(uuid.uuid4()), **extra}
    return client.post(reverse("live:card", args=[session.join_code]), data, **(headers or {}))


# ---- the phone ----


def test_a_meeting_phone_shows_four_cards_none_up(meeting):
    client, _ali = _phone_client(meeting, 1, "Ali")
    page = client.get(reverse("live:phone", args=[meeting.join_code]))
    assert page.status_code == 200
    assert "<h1>Planning meeting</h1>" in page.text
    for words in (
        "I want to speak",
        "Stop - I don&#x27;t understand",
        "I don&#x27;t want to speak",
    ):
        assert words in page.text
    assert "Can we take a break?" in page.text
    assert page.text.count('aria-pressed="false"') == 4
    assert "Starting soon" not in page.text


def test_the_red_card_says_what_the_session_chose(meeting, staff):
    services.session_change(
        session=meeting,
        title=meeting.title,
        settings=SessionSettings(kind="meeting", stop_words="what"),
        by=staff,
    )
    client, _ali = _phone_client(meeting, 1)
    page = client.get(reverse("live:phone", args=[meeting.join_code]))
    assert "What do you mean?" in page.text
    assert "Stop - I don" not in page.text


def test_pressing_a_card_without_javascript_comes_back_to_the_cards(meeting):
    client, ali = _phone_client(meeting, 1, "Ali")
    response = _press(client, meeting)
    assert response.status_code == 302
    assert response.url == reverse("live:phone", args=[meeting.join_code]) + "#cards"
    page = client.get(response.url)
    assert "Your hand is up. You&#x27;re in the queue to speak." in page.text  # the message
    assert "you are number 1 in the queue" in page.text
    assert page.text.count('aria-pressed="true"') == 1
    card = Card.objects.get(participant=ali)
    # Pressed again, the form names the card: it comes down.
    down = client.post(reverse("live:card", args=[meeting.join_code]), {"card": card.pk})
    assert down.status_code == 302
    card.refresh_from_db()
    assert card.state == "down"
    assert "Your hand is down." in client.get(down.url).text


def test_the_same_form_sent_twice_is_one_card(meeting):
    client, ali = _phone_client(meeting, 1)
    data = {"kind": "break", "client_id": str(uuid.uuid4())}
    url = reverse("live:card", args=[meeting.join_code])
    client.post(url, data)
    client.post(url, data)
    assert Card.objects.filter(participant=ali).count() == 1


def test_live_js_gets_the_cards_part_back(meeting):
    client, _ali = _phone_client(meeting, 1)
    response = _press(client, meeting, "stop", phrase="quorum", headers=PART)
    assert response.status_code == 200
    assert "<html" not in response.text
    assert "data-cards-region" in response.text
    assert 'data-note="The facilitator has your Stop - I don&#x27;t understand card."' in (
        response.text
    )
    part = client.get(reverse("live:phone", args=[meeting.join_code]), {"part": "cards"})
    assert "<html" not in part.text
    assert 'aria-pressed="true"' in part.text


def test_a_stop_with_words_that_are_too_long_keeps_them_to_change(meeting):
    client, ali = _phone_client(meeting, 1)
    typed = "a very long explanation " * 4
    page = _press(client, meeting, "stop", phrase=typed)
    assert page.status_code == 400
    assert "Please keep it to 60 letters" in page.text
    assert f'value="{typed}"' in page.text
    assert not Card.objects.filter(participant=ali).exists()


def test_a_stop_with_rude_words_still_goes_without_them(meeting):
    client, ali = _phone_client(meeting, 1)
    response = _press(client, meeting, "stop", phrase="shit meeting")
    page = client.get(response.url)
    assert "We left your words out" in page.text
    assert Card.objects.get(participant=ali).phrase == ""


def test_another_phones_card_cannot_be_put_down(meeting):
    ali_client, _ali = _phone_client(meeting, 1)
    sam_client, _sam = _phone_client(meeting, 2)
    _press(ali_client, meeting)
    card = Card.objects.get()
    page = sam_client.post(reverse("live:card", args=[meeting.join_code]), {"card": card.pk})
    assert page.status_code == 404
    assert "That card has gone" in page.text
    card.refresh_from_db()
    assert card.state == "up"


def test_a_removed_or_unknown_phone_is_sent_to_join(meeting, staff):
    client, ali = _phone_client(meeting, 1)
    services.participant_remove(participant=ali, by=staff)
    response = _press(client, meeting)
    assert response.url == reverse("join:code", args=[meeting.join_code])
    assert _press(client, meeting, headers=PART).status_code == 403
    assert _press(Client(), meeting).url == reverse("join:code", args=[meeting.join_code])
    assert not Card.objects.exists()


def test_a_workshop_without_cards_shows_none_and_refuses_them(running, phone):
    client = Client()
    client.cookies[services.DEVICE_COOKIE] = "a-phone-token-1234567890"
    page = client.get(reverse("live:phone", args=[running.join_code]))
    assert "data-cards-region" not in page.text
    refused = _press(client, running)
    assert refused.status_code == 400
    assert "This session doesn&#x27;t use cards." in refused.text


def test_a_paused_queue_turns_the_speak_card_off(meeting, staff):
    client, _ali = _phone_client(meeting, 1)
    services.queue_control(session=meeting, action="pause", by=staff)
    page = client.get(reverse("live:phone", args=[meeting.join_code]))
    assert 'disabled aria-describedby="cards-paused"' in page.text
    assert "The speaking queue is paused just now" in page.text


# ---- the facilitator ----


def test_the_console_shows_the_queue_with_names_and_who_has_not_spoken(client, staff, meeting):
    ali_client, _ali = _phone_client(meeting, 1, "Ali")
    sam_client, _sam = _phone_client(meeting, 2, "Sam")
    _press(ali_client, meeting)
    _press(sam_client, meeting, "stop", phrase="quorum")
    client.force_login(staff)
    page = client.get(reverse("live:console", args=[meeting.pk]))
    assert page.status_code == 200
    assert "Cards and the speaking queue" in page.text
    assert "Ali" in page.text
    assert "Hasn't spoken yet" in page.text
    assert "quorum" in page.text
    # Who pressed Stop stays private unless the session allows it.
    assert "quorum</strong> · Sam" not in page.text
    assert "keeps who pressed Stop private" in page.text
    # No question buttons in a meeting without questions.
    assert "Open answers" not in page.text
    assert "Show results" not in page.text
    part = client.get(reverse("live:console", args=[meeting.pk]), {"part": "live"})
    assert "<html" not in part.text
    assert "data-queue-list" in part.text


def test_names_on_stop_cards_when_the_session_allows_it(client, staff, meeting):
    services.session_change(
        session=meeting,
        title=meeting.title,
        settings=SessionSettings(kind="meeting", stop_names_shown=True),
        by=staff,
    )
    sam_client, _sam = _phone_client(meeting, 2, "Sam")
    _press(sam_client, meeting, "stop", phrase="quorum")
    client.force_login(staff)
    assert "quorum</strong> · Sam" in client.get(reverse("live:console", args=[meeting.pk])).text
    # Never on the big screen.
    present = client.get(reverse("live:present", args=[meeting.pk])).text
    assert "Sam" not in present
    assert "quorum" not in present


def test_the_big_screen_shows_nicknames_only_if_allowed(client, staff, meeting):
    ali_client, _ali = _phone_client(meeting, 1, "Ali")
    _press(ali_client, meeting)
    client.force_login(staff)
    url = reverse("live:present", args=[meeting.pk])
    page = client.get(url).text
    assert "1 waiting to speak" in page
    assert "Ali" not in page
    services.session_change(
        session=meeting,
        title=meeting.title,
        settings=SessionSettings(kind="meeting", queue_on_screen=True),
        by=staff,
    )
    assert "<li>Ali</li>" in client.get(url).text


def test_the_queue_buttons_call_and_move_people(client, staff, meeting):
    ali_client, _ali = _phone_client(meeting, 1, "Ali")
    sam_client, sam = _phone_client(meeting, 2, "Sam")
    _press(ali_client, meeting)
    _press(sam_client, meeting)
    sam_card = Card.objects.get(participant=sam)
    client.force_login(staff)
    url = reverse("live:queue", args=[meeting.pk])
    moved = client.post(
        reverse("live:queue-card", args=[meeting.pk, sam_card.pk]), {"action": "up"}
    )
    assert moved.url == reverse("live:console", args=[meeting.pk]) + "#queue"
    called = client.post(url, {"action": "call"}, **STAFF_PART)
    assert called.json() == {"ok": True, "error": "", "note": ""}
    assert Card.objects.get(state="speaking").participant == sam
    client.post(url, {"action": "arrange", "order": "x,,-1,99"})  # nothing to do: no harm
    client.post(url, {"action": "done"})
    assert Card.objects.get(participant=sam).state == "done"
    page = client.get(reverse("live:console", args=[meeting.pk])).text
    assert '<th scope="row">Sam</th><td>1</td>' in page


def test_calling_with_nobody_waiting_says_so(client, staff, meeting):
    client.force_login(staff)
    reply = client.post(reverse("live:queue", args=[meeting.pk]), {"action": "call"}, **STAFF_PART)
    assert reply.json()["note"] == "Nobody is waiting to speak."
    refused = client.post(
        reverse("live:queue", args=[meeting.pk]), {"action": "dance"}, **STAFF_PART
    )
    assert refused.status_code == 400
    assert refused.json()["ok"] is False


def test_a_card_from_another_session_is_not_found(client, staff, meeting, organisation):
    other = services.session_create(
        organisation=organisation, title="Other", settings=SessionSettings(kind="meeting"), by=staff
    )
    services.session_control(session=other, action="start", by=staff)
    phone_client, _participant = _phone_client(other, 5)
    _press(phone_client, other)
    card = Card.objects.get(session=other)
    client.force_login(staff)
    response = client.post(
        reverse("live:queue-card", args=[meeting.pk, card.pk]), {"action": "call"}
    )
    assert response.status_code == 404
    one_card = client.post(
        reverse("live:queue-card", args=[other.pk, card.pk]), {"action": "clear"}, **STAFF_PART
    )
    assert one_card.status_code == 400
    assert "one hand" in one_card.json()["error"]
    assert Card.objects.get(pk=card.pk).state == "up"


def test_putting_stop_cards_down(client, staff, meeting):
    phone_client, _ali = _phone_client(meeting, 1)
    _press(phone_client, meeting, "stop")
    client.force_login(staff)
    response = client.post(reverse("live:cards-down", args=[meeting.pk]), {"kind": "stop"})
    assert response.status_code == 302
    assert "Put 1 card down." in client.get(response.url).text
    assert Card.objects.get().state == "down"


def test_young_people_and_outsiders_cannot_run_the_queue(client, panel_member, outsider, meeting):
    for person in (panel_member, outsider):
        client.force_login(person)
        for name, data in (
            ("live:queue", {"action": "call"}),
            ("live:cards-down", {"kind": "stop"}),
            ("live:session-settings", {"settings-title": "Mine"}),
        ):
            assert client.post(reverse(name, args=[meeting.pk]), data).status_code == 403
    meeting.refresh_from_db()
    assert meeting.title == "Planning meeting"


# ---- making and changing sessions ----


def test_making_a_meeting_from_the_list(client, staff, organisation):
    client.force_login(staff)
    page = client.get(reverse("live:sessions", args=[organisation.slug]))
    assert "Meeting: cards and a speaking queue" in page.text
    client.post(
        reverse("live:session-create", args=[organisation.slug]),
        {"title": "Tuesday", "kind": "meeting", "queue_policy": "first"},
    )
    session = LiveSession.objects.get(title="Tuesday")
    assert session.is_meeting
    assert session.cards_on
    assert session.queue_policy == "first"


def test_changing_the_settings_on_the_session_page(client, staff, session):
    client.force_login(staff)
    edit = client.get(reverse("live:session-edit", args=[session.pk]))
    assert "How it runs" in edit.text
    url = reverse("live:session-settings", args=[session.pk])
    saved = client.post(
        url,
        {
            "settings-title": "Test workshop",
            "settings-kind": "workshop",
            "settings-cards_on": "on",
            "settings-stop_words": "what",
            "settings-queue_policy": "fair",
            "settings-queue_on_screen": "on",
        },
    )
    assert saved.url == reverse("live:session-edit", args=[session.pk])
    session.refresh_from_db()
    assert session.cards_on
    assert session.queue_on_screen
    assert session.stop_words == "what"
    bad = client.post(url, {"settings-title": " ", "settings-stop_words": "what"})
    assert bad.status_code == 400
    assert "There is a problem" in bad.text
    wrong = client.post(url, {"settings-title": "Fine", "settings-kind": "party"})
    assert wrong.status_code == 400
