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
    session, _participant = world
    for activity in Activity.objects.filter(session=session):
        read = answer_rows.activity_in(activity.pk, session.pk)
        for name in answer_rows._ACTIVITY_COLUMNS:
            assert getattr(read, name if name != "id" else "pk") == getattr(
                activity, name if name != "id" else "pk"
            ), name
    other = factories.organisation_make()
    elsewhere = services.session_create(
        organisation=other, title="Else", by=factories.member_make(other, Role.STAFF)
    )
    assert answer_rows.activity_in(activity.pk, elsewhere.pk) is None


def test_an_answer_written_by_sql_reads_back_through_the_orm(world):
    session, participant = world
    activity = Activity.objects.filter(session=session).first()
    client_id = uuid.uuid4()
    answer_id = answer_rows.answer_insert(
        participant_id=participant.pk,
        activity_id=activity.pk,
        client_id=client_id,
        value={"choices": [1], "note": "Ça va – “quotes”"},
        shown=True,
    )
    answer_rows.items_insert(answer_id=answer_id, activity_id=activity.pk, items=[("1", 1)])
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
        answer_id=answer_id, client_id=second, value={"choices": [0]}, shown=False
    )
    stored.refresh_from_db()
    assert (stored.client_id, stored.value, stored.shown) == (second, {"choices": [0]}, False)
    assert not AnswerItem.objects.filter(answer_id=answer_id).exists()
    replay, mine = answer_rows.answers_for(client_id, participant.pk, activity.pk)
    assert replay is None  # the old client_id is gone
    assert mine.pk == answer_id


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
    locked = answer_rows.phone_locked(participant.pk)
    assert (locked.session_id, locked.session_state, locked.removed) == (
        session.pk,
        session.state,
        False,
    )
    assert answer_rows.phone_locked(participant.pk + 1000) is None
    before = LiveSession.objects.get(pk=session.pk).seq
    answer_rows.session_changed(session.pk)
    assert LiveSession.objects.get(pk=session.pk).seq == before + 1
