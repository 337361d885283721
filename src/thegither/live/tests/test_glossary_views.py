"""The glossary's pages: staff's list and forms, the public page, phones and the console."""

import uuid

import pytest
from django.test import Client
from django.urls import reverse

from thegither.live import services
from thegither.live.models import GlossaryWord, LiveSession
from thegither.live.services import SessionSettings

STAFF_PART = {"HTTP_X_LIVE_PART": "staff"}


@pytest.fixture
def meeting(organisation, staff):
    session = services.session_create(
        organisation=organisation,
        title="Planning meeting",
        settings=SessionSettings(kind=LiveSession.Kind.MEETING),
        by=staff,
    )
    services.session_control(session=session, action="start", by=staff)
    session.refresh_from_db()
    return session


def _phone_client(session, number: int) -> tuple[Client, object]:
    token = f"words-phone-token-{number:02d}-abcdef"
    participant = services.session_join(session=session, token=token).participant
    client = Client()
    client.cookies[services.DEVICE_COOKIE] = token
    return client, participant


def _flagged(session, phrase="co-production", number=1) -> GlossaryWord:
    _client, participant = _phone_client(session, number)
    services.card_raise(participant=participant, kind="stop", client_id=uuid.uuid4(), phrase=phrase)
    return GlossaryWord.objects.get(key__startswith=phrase.replace("-", "")[:5])


def test_staff_see_every_word_with_its_count_and_give_it_a_meaning(
    client, staff, organisation, meeting
):
    word = _flagged(meeting)
    client.force_login(staff)
    page = client.get(reverse("live:glossary", args=[organisation.slug]))
    assert page.status_code == 200
    assert "co-production" in page.text
    assert "Lost someone 1 time" in page.text
    assert "Not shown yet: it needs a meaning" in page.text
    saved = client.post(
        reverse("live:glossary-word", args=[organisation.slug, word.pk]),
        {"action": "meaning", "meaning": "Planning and doing something together, as equals."},
    )
    assert saved.status_code == 302
    assert saved.url.endswith(f"#word-{word.pk}")
    word.refresh_from_db()
    assert word.meaning == "Planning and doing something together, as equals."


def test_a_meaning_too_long_says_so(client, staff, organisation, meeting):
    word = _flagged(meeting)
    client.force_login(staff)
    saved = client.post(
        reverse("live:glossary-word", args=[organisation.slug, word.pk]),
        {"meaning": "x" * 301},
        follow=True,
    )
    assert "keep the meaning to 300 letters" in saved.text
    word.refresh_from_db()
    assert word.meaning == ""


def test_staff_leave_a_word_out_and_put_it_back(client, staff, organisation, meeting):
    word = _flagged(meeting)
    client.force_login(staff)
    url = reverse("live:glossary-word", args=[organisation.slug, word.pk])
    page = client.post(url, {"action": "hide"}, follow=True)
    assert "is left out now" in page.text
    word.refresh_from_db()
    assert word.hidden
    client.post(url, {"action": "show"})
    word.refresh_from_db()
    assert not word.hidden


def test_staff_add_a_word_and_a_bad_one_keeps_the_form(client, staff, organisation):
    client.force_login(staff)
    url = reverse("live:glossary-add", args=[organisation.slug])
    added = client.post(url, {"words": "Agenda", "meaning": "The list of things to talk about."})
    assert added.status_code == 302
    assert GlossaryWord.objects.get().words == "Agenda"
    again = client.post(url, {"words": "agendas", "meaning": "Something else"})
    assert again.status_code == 400
    assert "is in the glossary already" in again.text
    assert 'value="agendas"' in again.text
    empty = client.post(url, {"words": "", "meaning": ""})
    assert empty.status_code == 400


def test_outsiders_and_young_people_cannot_see_or_change_the_glossary(
    client, outsider, panel_member, organisation, meeting
):
    word = _flagged(meeting)
    for person in (outsider, panel_member):
        client.force_login(person)
        assert client.get(reverse("live:glossary", args=[organisation.slug])).status_code == 403
        assert (
            client.post(
                reverse("live:glossary-word", args=[organisation.slug, word.pk]),
                {"meaning": "Mine"},
            ).status_code
            == 403
        )
        assert (
            client.post(
                reverse("live:glossary-add", args=[organisation.slug]),
                {"words": "x", "meaning": "y"},
            ).status_code
            == 403
        )
        assert (
            client.post(
                reverse("live:session-glossary", args=[meeting.pk]),
                {"word": word.pk, "meaning": "Mine"},
            ).status_code
            == 403
        )
    word.refresh_from_db()
    assert word.meaning == ""


def test_the_public_page_shows_only_explained_words_to_anyone(client, staff, organisation, meeting):
    word = _flagged(meeting)
    _flagged(meeting, "quorum", 2)
    services.glossary_explain(word=word, meaning="Doing it together.", by=staff)
    page = client.get(reverse("live:glossary-public", args=[organisation.slug]))
    assert page.status_code == 200
    assert "co-production" in page.text
    assert "Doing it together." in page.text
    assert "quorum" not in page.text


def test_the_public_page_runs_a_fixed_number_of_queries(
    client, staff, organisation, meeting, django_assert_max_num_queries
):
    for number in range(8):
        services.glossary_add(
            organisation=organisation, words_typed=f"word {number}", meaning="Means.", by=staff
        )
    with django_assert_max_num_queries(4):
        client.get(reverse("live:glossary-public", args=[organisation.slug]))
    client.force_login(staff)
    with django_assert_max_num_queries(12):
        client.get(reverse("live:glossary", args=[organisation.slug]))


def test_the_console_lists_this_sessions_words_and_saves_a_meaning(client, staff, meeting):
    word = _flagged(meeting)
    client.force_login(staff)
    console = client.get(reverse("live:console", args=[meeting.pk]), {"part": "live"})
    assert "Words that lost people" in console.text
    assert f'id="meaning-{word.pk}"' in console.text
    saved = client.post(
        reverse("live:session-glossary", args=[meeting.pk]),
        {"word": word.pk, "meaning": "Doing it together, as equals."},
        **STAFF_PART,
    )
    assert saved.json() == {
        "ok": True,
        "error": "",
        "note": "Saved. Phones can see what “co-production” means now.",
    }
    too_long = client.post(
        reverse("live:session-glossary", args=[meeting.pk]),
        {"word": word.pk, "meaning": "x" * 301},
        **STAFF_PART,
    )
    assert too_long.status_code == 400
    assert too_long.json()["ok"] is False
    plain = client.post(
        reverse("live:session-glossary", args=[meeting.pk]), {"word": word.pk, "meaning": "Same."}
    )
    assert plain.url.endswith("#words")


def test_a_word_of_another_organisation_is_not_found_from_the_console(
    client, staff, meeting, outsider
):
    other_session = services.session_create(
        organisation=outsider.memberships.get().organisation,
        title="Elsewhere",
        settings=SessionSettings(kind="meeting"),
        by=outsider,
    )
    services.session_control(session=other_session, action="start", by=outsider)
    other_session.refresh_from_db()
    theirs = _flagged(other_session, "quorum")
    client.force_login(staff)
    for word_id in (str(theirs.pk), "nope", ""):
        reply = client.post(
            reverse("live:session-glossary", args=[meeting.pk]),
            {"word": word_id, "meaning": "Mine."},
            **STAFF_PART,
        )
        assert reply.status_code == 400
        assert "has gone" in reply.json()["error"]
    theirs.refresh_from_db()
    assert theirs.meaning == ""


def test_phones_tap_a_word_to_see_its_meaning(staff, meeting):
    word = _flagged(meeting)
    phone, _participant = _phone_client(meeting, 5)
    page = phone.get(reverse("live:phone", args=[meeting.join_code]))
    assert "Words explained" in page.text  # the heading is there, hidden until a word is
    assert 'data-glossary=""' in page.text
    services.glossary_explain(word=word, meaning="Doing it together.", by=staff)
    part = phone.get(reverse("live:phone", args=[meeting.join_code]), {"part": "words"})
    assert "<html" not in part.text
    assert f'data-glossary="{word.pk}.1"' in part.text
    assert '<summary class="live-word__words">co-production</summary>' in part.text
    assert "Doing it together." in part.text
    # The big screen never shows the words that lost people, explained or not.
    client = Client()
    client.force_login(staff)
    present = client.get(reverse("live:present", args=[meeting.pk]))
    assert "co-production" not in present.text
