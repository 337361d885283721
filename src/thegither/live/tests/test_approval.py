"""Written (open-text) answers wait for the facilitator before anyone else sees them."""

import uuid

import pytest
from django.urls import reverse

from thegither.core.models import AuditEvent
from thegither.core.refusals import Refusal, Refused
from thegither.live import selectors, services
from thegither.live.tests.publishes import capture_publishes


@pytest.fixture
def open_text(running, staff):
    activity = services.activity_add(
        session=running, kind="open-text", prompt="What would help?", by=staff
    )
    services.session_control(session=running, action="next", by=staff)
    services.session_control(session=running, action="open", by=staff)
    activity.refresh_from_db()
    return activity


def _texts(activity):
    return [item["text"] for item in selectors.results(activity)["texts"]]


def _write(phone, activity, text):
    return services.answer_submit(
        participant=phone, activity=activity, client_id=uuid.uuid4(), value={"text": text}
    ).answer


def test_a_written_answer_is_held_until_the_facilitator_shows_it(open_text, staff, phone):
    answer = _write(phone, open_text, "More snacks")
    assert _texts(open_text) == []
    with capture_publishes() as published:
        services.answer_review(answer=answer, shown=True, by=staff)
    assert len(published) == 2
    assert _texts(open_text) == ["More snacks"]
    assert AuditEvent.objects.get(action="live.answer_show").details == {"answer": answer.pk}
    with capture_publishes() as published:
        services.answer_review(answer=answer, shown=True, by=staff)  # already shown
    assert len(published) == 0
    services.answer_review(answer=answer, shown=False, by=staff)
    assert _texts(open_text) == []


def test_a_changed_answer_waits_for_approval_again(open_text, staff, phone):
    answer = _write(phone, open_text, "More snacks")
    services.answer_review(answer=answer, shown=True, by=staff)
    _write(phone, open_text, "Fewer meetings")
    assert _texts(open_text) == []


def test_without_approval_written_answers_show_at_once(running, staff, phone):
    activity = services.activity_add(
        session=running, kind="open-text", prompt="Q?", needs_approval=False, by=staff
    )
    services.session_control(session=running, action="next", by=staff)
    services.session_control(session=running, action="open", by=staff)
    _write(phone, activity, "Listen to us")
    assert _texts(activity) == ["Listen to us"]
    copy = services.session_copy(session=running, by=staff)
    assert copy.activities.get(kind="open-text").needs_approval is False


def test_only_written_answers_are_reviewed(running, staff, phone):
    answer = services.answer_submit(
        participant=phone,
        activity=running.current_activity,
        client_id=uuid.uuid4(),
        value={"choice": "yes"},
    ).answer
    with pytest.raises(Refused) as refused:
        services.answer_review(answer=answer, shown=True, by=staff)
    assert refused.value.kind == Refusal.WRONG_STATE


def test_outsiders_cannot_review(open_text, outsider, phone):
    answer = _write(phone, open_text, "Hi")
    with pytest.raises(Refused) as refused:
        services.answer_review(answer=answer, shown=True, by=outsider)
    assert refused.value.kind == Refusal.NOT_ALLOWED


def test_the_console_approves_and_the_big_screen_shows_it(client, open_text, staff, phone):
    answer = _write(phone, open_text, "Plain words please")
    client.force_login(staff)
    console = client.get(reverse("live:console", args=[open_text.session_id]))
    assert "Plain words please" in console.text
    services.session_control(session=open_text.session, action="show", by=staff)
    present = reverse("live:present", args=[open_text.session_id])
    assert "Plain words please" not in client.get(present).text
    client.post(
        reverse("live:answer-review", args=[open_text.session_id, answer.pk]), {"show": "yes"}
    )
    assert "Plain words please" in client.get(present).text


def test_outsiders_cannot_approve_by_post(client, open_text, outsider, phone):
    answer = _write(phone, open_text, "Hi")
    client.force_login(outsider)
    url = reverse("live:answer-review", args=[open_text.session_id, answer.pk])
    assert client.post(url, {"show": "yes"}).status_code == 403
    answer.refresh_from_db()
    assert not answer.shown


def _shown(open_text, staff, phone, text):
    answer = _write(phone, open_text, text)
    services.answer_review(answer=answer, shown=True, by=staff)
    return answer


def test_phones_up_vote_shown_answers_once_each(open_text, staff, phone, running):
    answer = _shown(open_text, staff, phone, "More snacks")
    other = services.session_join(session=running, token="o" * 30).participant
    third = services.session_join(session=running, token="t" * 30).participant
    popular = _shown(open_text, staff, other, "Less jargon")
    with capture_publishes() as published:
        assert services.answer_upvote(participant=third, answer=popular) is True
    assert len(published) == 2
    assert services.answer_upvote(participant=third, answer=popular) is False  # a retry
    services.answer_upvote(participant=phone, answer=popular)
    services.answer_upvote(participant=other, answer=answer)
    texts = selectors.results(open_text)["texts"]
    assert [(t["text"], t["votes"]) for t in texts] == [("Less jargon", 2), ("More snacks", 1)]
    assert services.answer_upvote(participant=third, answer=popular, up=False) is True
    assert selectors.results(open_text)["texts"][0]["votes"] == 1
    assert selectors.upvoted_by(phone, open_text) == {popular.pk}


def test_up_votes_are_refused_for_hidden_own_and_closed_answers(open_text, staff, phone, running):
    other = services.session_join(session=running, token="o" * 30).participant
    hidden = _write(other, open_text, "Not shown yet")
    with pytest.raises(Refused) as refused:
        services.answer_upvote(participant=phone, answer=hidden)
    assert refused.value.kind == Refusal.WRONG_STATE
    mine = _shown(open_text, staff, phone, "Mine")
    with pytest.raises(Refused) as refused:
        services.answer_upvote(participant=phone, answer=mine)
    assert refused.value.kind == Refusal.NOT_ALLOWED
    services.session_control(session=running, action="close", by=staff)
    with pytest.raises(Refused) as refused:
        services.answer_upvote(participant=other, answer=mine)
    assert refused.value.kind == Refusal.WRONG_STATE


def test_up_votes_from_removed_or_other_sessions_phones_are_refused(
    open_text, staff, phone, running, organisation
):
    answer = _shown(open_text, staff, phone, "Shown")
    other = services.session_join(session=running, token="o" * 30).participant
    services.participant_remove(participant=other, by=staff)
    with pytest.raises(Refused) as refused:
        services.answer_upvote(participant=other, answer=answer)
    assert refused.value.kind == Refusal.NOT_ALLOWED
    elsewhere = services.session_copy(session=running, by=staff)
    services.session_control(session=elsewhere, action="start", by=staff)
    stranger = services.session_join(session=elsewhere, token="s" * 30).participant
    with pytest.raises(Refused) as refused:
        services.answer_upvote(participant=stranger, answer=answer)
    assert refused.value.kind == Refusal.MISMATCH


def test_a_phone_up_votes_with_a_plain_form(client, open_text, staff, phone, running):
    other = services.session_join(session=running, token="o" * 30).participant
    answer = _shown(open_text, staff, other, "Listen to us")
    services.session_control(session=running, action="show", by=staff)
    client.cookies[services.DEVICE_COOKIE] = "a-phone-token-1234567890"
    page = client.get(reverse("live:phone", args=[running.join_code]))
    assert "Up-vote" in page.text
    url = reverse("live:upvote", args=[running.join_code])
    assert client.post(url, {"answer": answer.pk, "up": "yes"}).status_code == 302
    assert (
        "Take back my up-vote" in client.get(reverse("live:phone", args=[running.join_code])).text
    )
    assert client.post(url, {"answer": "nope"}).status_code == 302
    mine = _shown(open_text, staff, phone, "Mine")
    client.post(url, {"answer": mine.pk})
    assert (
        "can&#x27;t up-vote your own"
        in client.get(reverse("live:phone", args=[running.join_code])).text
    )
