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


def _write(phone, activity, text):
    return services.answer_submit(
        participant=phone, activity=activity, client_id=uuid.uuid4(), value={"text": text}
    ).answer


def test_a_written_answer_is_held_until_the_facilitator_shows_it(open_text, staff, phone):
    answer = _write(phone, open_text, "More snacks")
    assert selectors.results(open_text)["texts"] == []
    with capture_publishes() as published:
        services.answer_review(answer=answer, shown=True, by=staff)
    assert len(published) == 2
    assert selectors.results(open_text)["texts"] == ["More snacks"]
    assert AuditEvent.objects.get(action="live.answer_show").details == {"answer": answer.pk}
    with capture_publishes() as published:
        services.answer_review(answer=answer, shown=True, by=staff)  # already shown
    assert len(published) == 0
    services.answer_review(answer=answer, shown=False, by=staff)
    assert selectors.results(open_text)["texts"] == []


def test_a_changed_answer_waits_for_approval_again(open_text, staff, phone):
    answer = _write(phone, open_text, "More snacks")
    services.answer_review(answer=answer, shown=True, by=staff)
    _write(phone, open_text, "Fewer meetings")
    assert selectors.results(open_text)["texts"] == []


def test_without_approval_written_answers_show_at_once(running, staff, phone):
    activity = services.activity_add(
        session=running, kind="open-text", prompt="Q?", needs_approval=False, by=staff
    )
    services.session_control(session=running, action="next", by=staff)
    services.session_control(session=running, action="open", by=staff)
    _write(phone, activity, "Listen to us")
    assert selectors.results(activity)["texts"] == ["Listen to us"]
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
