"""The answer path's plain SQL stores and reads exactly what the ORM would (both databases)."""

import uuid

import pytest

from thegither.accounts.models import Role
from thegither.accounts.tests import factories
from thegither.live import answer_rows, services
from thegither.live.models import Activity, Answer, AnswerItem, LiveSession

pytestmark = pytest.mark.django_db

TOKEN = "answer-rows-phone-token-1234567890"


@pytest.fixture
def world():
    organisation = factories.organisation_make()
    staff = factories.member_make(organisation, Role.STAFF)
    session = services.session_create(organisation=organisation, title="Rows", by=staff)
    services.activity_add(
        session=session, kind="choice", prompt="Which?", options=["Park", "Hall"], by=staff
    )
    services.activity_add(session=session, kind="scale", prompt="How?", faces=True, by=staff)
    services.session_control(session=session, action="start", by=staff)
    session.refresh_from_db()
    participant = services.session_join(session=session, token=TOKEN).participant
    return session, participant


def test_an_activity_read_by_sql_matches_the_orms(world):
    session, participant = world
    for activity in Activity.objects.filter(session=session):
        _phone, read = answer_rows.phone_locked(participant.pk, activity.pk)
        for name in answer_rows._ACTIVITY_COLUMNS:
            assert getattr(read, name if name != "id" else "pk") == getattr(
                activity, name if name != "id" else "pk"
            ), name
    other = factories.organisation_make()
    staff = factories.member_make(other, Role.STAFF)
    elsewhere = services.session_create(organisation=other, title="Else", by=staff)
    theirs = services.activity_add(session=elsewhere, kind="yes-no", prompt="Yes?", by=staff)
    phone, activity = answer_rows.phone_locked(participant.pk, theirs.pk)
    assert phone.session_id == session.pk
    assert activity is None  # not in this phone's session
    assert answer_rows.phone_locked(participant.pk + 1000, theirs.pk) == (None, None)


def _insert(participant, activity, client_id, value, items):
    return answer_rows.answer_insert(
        participant_id=participant.pk,
        activity_id=activity.pk,
        client_id=client_id,
        value=value,
        shown=True,
        items=items,
    )


def test_an_answer_written_by_sql_reads_back_through_the_orm(world):
    session, participant = world
    activity = Activity.objects.filter(session=session).first()
    client_id = uuid.uuid4()
    answer_id = _insert(
        participant, activity, client_id, {"choices": [1], "note": "Ça va – “quotes”"}, [("1", 1)]
    )
    stored = Answer.objects.get(pk=answer_id)
    assert stored.client_id == client_id
    assert stored.value == {"choices": [1], "note": "Ça va – “quotes”"}
    assert stored.shown is True
    assert stored.created_at is not None
    assert list(stored.items.values_list("key", "amount")) == [("1", 1)]
    replay, mine = answer_rows.answers_for(client_id, participant.pk, activity.pk)
    assert replay == mine
    assert replay.pk == answer_id
    assert replay.client_id == client_id

    second = uuid.uuid4()
    answer_rows.answer_replace(
        answer_id=answer_id,
        activity_id=activity.pk,
        client_id=second,
        value={"choices": [0]},
        shown=False,
        items=[],
    )
    stored.refresh_from_db()
    assert (stored.client_id, stored.value, stored.shown) == (second, {"choices": [0]}, False)
    assert not AnswerItem.objects.filter(answer_id=answer_id).exists()
    replay, mine = answer_rows.answers_for(client_id, participant.pk, activity.pk)
    assert replay is None  # the old client_id is gone
    assert mine.pk == answer_id


def test_a_second_answer_from_the_phone_or_a_retry_is_not_stored_again(world):
    session, participant = world
    activity = Activity.objects.filter(session=session).first()
    client_id = uuid.uuid4()
    answer_id = _insert(participant, activity, client_id, {"choices": [0]}, [("0", 1)])
    assert _insert(participant, activity, client_id, {"choices": [0]}, [("0", 1)]) is None
    assert _insert(participant, activity, uuid.uuid4(), {"choices": [1]}, [("1", 1)]) is None
    assert list(Answer.objects.filter(participant=participant).values_list("pk", flat=True)) == [
        answer_id
    ]
    assert list(AnswerItem.objects.filter(activity=activity).values_list("key", "amount")) == [
        ("0", 1)
    ]


def test_a_replaced_answer_keeps_exactly_its_new_parts(world):
    """Parts kept are updated, parts gone are deleted, new parts added (both databases)."""
    session, participant = world
    activity = Activity.objects.filter(session=session).first()
    items = [("hope", 1), ("fun", 1), ("art", 1)]
    answer_id = _insert(participant, activity, uuid.uuid4(), {"words": []}, items)
    answer_rows.answer_replace(
        answer_id=answer_id,
        activity_id=activity.pk,
        client_id=uuid.uuid4(),
        value={"words": []},
        shown=True,
        items=[("fun", 3), ("food", 1)],
    )
    parts = AnswerItem.objects.filter(answer_id=answer_id).values_list("key", "amount", "activity")
    assert sorted(parts) == [("food", 1, activity.pk), ("fun", 3, activity.pk)]


def test_the_phone_is_found_by_its_exact_code_and_token_and_the_change_counted(world):
    session, participant = world
    phone = services.phone_of(session.join_code, TOKEN)
    assert (phone.session_id, phone.participant_id, phone.removed) == (
        session.pk,
        participant.pk,
        False,
    )
    assert services.phone_of(session.join_code.lower(), TOKEN) is None
    assert services.phone_of(session.join_code, "someone-else-entirely") is None
    assert services.phone_of(session.join_code, "") is None
    locked, _activity = answer_rows.phone_locked(participant.pk, 0)
    assert (locked.session_id, locked.session_state, locked.removed) == (
        session.pk,
        session.state,
        False,
    )
    before = LiveSession.objects.get(pk=session.pk).seq
    assert answer_rows.session_seq_next(session.pk) == before + 1
    assert LiveSession.objects.get(pk=session.pk).seq == before + 1
    assert answer_rows.session_seq_next(session.pk + 1000) == 0  # no such session


def test_a_join_code_given_to_a_new_session_finds_only_the_new_sessions_phones(world):
    """Finding a phone remembers sessions' ids by join code; a code that moved is never mixed up."""
    session, participant = world
    code = session.join_code
    assert services.phone_of(code, TOKEN).participant_id == participant.pk  # remembered now
    organisation = factories.organisation_make()
    staff = factories.member_make(organisation, Role.STAFF)
    newer = services.session_create(organisation=organisation, title="Newer", by=staff)
    LiveSession.objects.filter(pk=session.pk).update(join_code="ZZZZZZ")
    LiveSession.objects.filter(pk=newer.pk).update(join_code=code)
    assert services.phone_of(code, TOKEN) is None  # the old session's phone
    newer.refresh_from_db()
    services.session_control(session=newer, action="start", by=staff)
    token = "a-newer-phone-token-0987654321"
    joined = services.session_join(session=newer, token=token).participant
    found = services.phone_of(code, token)
    assert (found.session_id, found.participant_id) == (newer.pk, joined.pk)
    assert services.phone_of("ZZZZZZ", TOKEN).participant_id == participant.pk
