"""Joining and answering: one answer per phone, retries counted once, counts by aggregate."""

import uuid

import pytest
from django.db import IntegrityError, transaction
from django.test import TestCase

from thegither.core.hashing import keyed_hash
from thegither.core.refusals import Refusal, Refused
from thegither.live import selectors, services
from thegither.live.models import Activity, Answer, AnswerItem, Participant
from thegither.live.tests.publishes import capture_publishes


def _join(session, n: int) -> Participant:
    return services.session_join(session=session, token=f"phone-token-number-{n:04d}").participant


def _answer(participant, activity, value, client_id=None):
    return services.answer_submit(
        participant=participant,
        activity=activity,
        client_id=client_id or uuid.uuid4(),
        value=value,
    )


# ---- joining ----


def test_joining_twice_with_the_same_token_is_the_same_phone(running):
    first = services.session_join(session=running, token="x" * 30, nickname=" Sky  ")
    again = services.session_join(session=running, token="x" * 30)
    assert first.created
    assert not again.created
    assert first.participant == again.participant
    assert first.participant.nickname == "Sky"
    # The token itself is never stored.
    assert "x" * 30 not in first.participant.token_hash


def test_the_same_phone_is_not_linkable_across_sessions(running, staff):
    copy = services.session_copy(session=running, by=staff)
    services.session_control(session=copy, action="start", by=staff)
    one = services.session_join(session=running, token="y" * 30).participant
    two = services.session_join(session=copy, token="y" * 30).participant
    assert one.token_hash != two.token_hash


def test_nobody_joins_a_draft_a_locked_or_an_ended_session(running, staff, organisation):
    draft = services.session_create(organisation=organisation, title="Later", by=staff)
    with pytest.raises(Refused) as refused:
        services.session_join(session=draft, token="z" * 30)
    assert refused.value.kind == Refusal.WRONG_STATE
    services.session_control(session=running, action="lock", by=staff)
    with pytest.raises(Refused) as refused:
        services.session_join(session=running, token="z" * 30)
    assert refused.value.kind == Refusal.WRONG_STATE
    services.session_control(session=running, action="end", by=staff)
    with pytest.raises(Refused):
        services.session_join(session=running, token="z" * 30)


def test_a_phone_that_joined_before_the_lock_is_still_in(running, staff, phone):
    services.session_control(session=running, action="lock", by=staff)
    again = services.session_join(session=running, token="a-phone-token-1234567890")
    assert again.participant == phone


def test_a_nickname_is_bounded_and_a_token_is_needed(running):
    with pytest.raises(Refused) as refused:
        services.session_join(session=running, token="t" * 30, nickname="n" * 21)
    assert refused.value.kind == Refusal.TOO_LONG
    for token in ("", "t" * 101):
        with pytest.raises(Refused) as refused:
            services.session_join(session=running, token=token)
        assert refused.value.kind == Refusal.INVALID


def test_a_removed_phone_cannot_join_again(running, staff, phone):
    services.participant_remove(participant=phone, by=staff)
    with pytest.raises(Refused) as refused:
        services.session_join(session=running, token="a-phone-token-1234567890")
    assert refused.value.kind == Refusal.NOT_ALLOWED


def test_joining_is_rate_limited_per_phone(running):
    token = "r" * 30
    for _n in range(services.JOINS_PER_PHONE.limit):
        services.JOINS_PER_PHONE.hit(keyed_hash("live.join", token))
    with pytest.raises(Refused) as refused:
        services.session_join(session=running, token=token)
    assert refused.value.kind == Refusal.TOO_MANY


def test_joining_publishes_the_new_count_to_staff(running):
    with capture_publishes() as published:
        _join(running, 1)
    staff = published.to(services.staff_group(running.pk))
    assert [snapshot["joined"] for snapshot in staff] == [1]
    assert "joined" not in published.to(services.phone_group(running.pk))[0]


# ---- answering ----


def test_an_answer_is_counted(running, phone):
    activity = running.current_activity
    result = _answer(phone, activity, {"choice": "yes"})
    assert not result.replayed
    assert selectors.counts(activity) == {"yes": 1}


def test_a_retry_with_the_same_uuid_is_counted_once(running, phone):
    activity = running.current_activity
    client_id = uuid.uuid4()
    first = _answer(phone, activity, {"choice": "yes"}, client_id)
    retry = _answer(phone, activity, {"choice": "yes"}, client_id)
    assert retry.replayed
    assert retry.answer == first.answer
    assert Answer.objects.count() == 1
    assert selectors.counts(activity) == {"yes": 1}


def test_a_retry_publishes_nothing(running, phone):
    activity = running.current_activity
    client_id = uuid.uuid4()
    _answer(phone, activity, {"choice": "yes"}, client_id)
    with capture_publishes() as published:
        _answer(phone, activity, {"choice": "yes"}, client_id)
    assert len(published) == 0


def test_answering_again_replaces_the_earlier_answer(running, phone):
    activity = running.current_activity
    _answer(phone, activity, {"choice": "yes"})
    _answer(phone, activity, {"choice": "no"})
    assert Answer.objects.filter(participant=phone).count() == 1
    assert selectors.counts(activity) == {"no": 1}


def test_the_database_allows_one_answer_per_phone_per_activity(running, phone):
    activity = running.current_activity
    _answer(phone, activity, {"choice": "yes"})
    with pytest.raises(IntegrityError), transaction.atomic():
        Answer.objects.create(
            participant=phone, activity=activity, client_id=uuid.uuid4(), value={}
        )


def test_the_database_allows_each_uuid_once(running, phone, staff):
    other = services.activity_add(session=running, kind="yes-no", prompt="Other?", by=staff)
    client_id = uuid.uuid4()
    _answer(phone, running.current_activity, {"choice": "yes"}, client_id)
    with pytest.raises(IntegrityError), transaction.atomic():
        Answer.objects.create(participant=phone, activity=other, client_id=client_id, value={})


def test_a_uuid_reused_for_another_question_is_refused(running, phone, staff):
    other = services.activity_add(session=running, kind="yes-no", prompt="Other?", by=staff)
    Activity.objects.filter(pk=other.pk).update(state="open")
    client_id = uuid.uuid4()
    _answer(phone, running.current_activity, {"choice": "yes"}, client_id)
    with pytest.raises(Refused) as refused:
        _answer(phone, other, {"choice": "no"}, client_id)
    assert refused.value.kind == Refusal.INVALID


def test_a_bad_uuid_is_refused(running, phone):
    with pytest.raises(Refused) as refused:
        _answer(phone, running.current_activity, {"choice": "yes"}, "not-a-uuid")
    assert refused.value.kind == Refusal.INVALID


def test_answers_are_refused_when_the_question_is_closed(running, staff, phone):
    services.session_control(session=running, action="close", by=staff)
    with pytest.raises(Refused) as refused:
        _answer(phone, running.current_activity, {"choice": "yes"})
    assert refused.value.kind == Refusal.WRONG_STATE


def test_answers_are_refused_when_the_session_ended(running, staff, phone):
    services.session_control(session=running, action="end", by=staff)
    with pytest.raises(Refused) as refused:
        _answer(phone, running.current_activity, {"choice": "yes"})
    assert refused.value.kind == Refusal.WRONG_STATE


def test_a_question_from_another_session_is_refused(running, staff, phone, organisation):
    elsewhere = services.session_create(organisation=organisation, title="Other", by=staff)
    activity = services.activity_add(session=elsewhere, kind="yes-no", prompt="Q?", by=staff)
    with pytest.raises(Refused) as refused:
        _answer(phone, activity, {"choice": "yes"})
    assert refused.value.kind == Refusal.MISMATCH


def test_a_removed_phone_cannot_answer_and_its_answers_stop_counting(running, staff, phone):
    activity = running.current_activity
    _answer(phone, activity, {"choice": "yes"})
    services.participant_remove(participant=phone, by=staff)
    assert selectors.counts(activity) == {}
    assert selectors.participant_count(running) == 0
    with pytest.raises(Refused) as refused:
        _answer(phone, activity, {"choice": "no"})
    assert refused.value.kind == Refusal.NOT_ALLOWED


def test_only_staff_remove_a_phone(running, outsider, phone):
    with pytest.raises(Refused):
        services.participant_remove(participant=phone, by=outsider)


def test_answering_is_rate_limited_per_phone(running, phone):
    for _n in range(services.ANSWERS_PER_PHONE.limit):
        services.ANSWERS_PER_PHONE.hit(str(phone.pk))
    with pytest.raises(Refused) as refused:
        _answer(phone, running.current_activity, {"choice": "yes"})
    assert refused.value.kind == Refusal.TOO_MANY


def test_many_phones_are_counted_by_one_aggregate(running, django_assert_num_queries):
    activity = running.current_activity
    for n in range(12):
        _answer(_join(running, n), activity, {"choice": ["yes", "no", "not-sure"][n % 3]})
    with django_assert_num_queries(1):
        assert selectors.counts(activity) == {"yes": 4, "no": 4, "not-sure": 4}


def test_an_answer_publishes_one_snapshot_to_staff_and_one_to_phones(running, phone):
    with capture_publishes() as published:
        _answer(phone, running.current_activity, {"choice": "yes"})
    assert len(published) == 2
    staff = published.to(services.staff_group(running.pk))[0]
    assert staff["results"]["answered"] == 1
    assert {o["key"]: o["total"] for o in staff["results"]["options"]}["yes"] == 1
    # Results are hidden, so the phones' snapshot has none.
    assert "results" not in published.to(services.phone_group(running.pk))[0]


def test_each_snapshot_sent_after_a_change_gets_a_higher_number(running, phone):
    running.refresh_from_db()
    before = running.seq
    with capture_publishes() as published:
        _answer(phone, running.current_activity, {"choice": "yes"})
    numbers = [message["seq"] for _group, message in published.sent]
    assert numbers == [before + 1, before + 2]  # staff, then phones: read one at a time
    running.refresh_from_db()
    assert running.seq == before + 2


def test_an_answer_leaves_the_sessions_row_alone(running, phone):
    """Answers never wait for the session's row: only sending a snapshot numbers it."""
    running.refresh_from_db()
    before = running.seq
    with TestCase.captureOnCommitCallbacks(execute=False):
        _answer(phone, running.current_activity, {"choice": "yes"})
    running.refresh_from_db()
    assert running.seq == before


# ---- every kind ----


@pytest.fixture
def kinds_session(running, staff):
    def add(kind, **fields):
        activity = services.activity_add(
            session=running, kind=kind, prompt=f"{kind}?", by=staff, **fields
        )
        Activity.objects.filter(pk=activity.pk).update(state="open")
        activity.refresh_from_db()
        return activity

    return add


@pytest.mark.parametrize(
    ("kind", "fields", "value", "expected"),
    [
        ("choice", {"options": ["A", "B", "C"]}, {"choices": [1]}, {"1": 1}),
        (
            "choice",
            {"options": ["A", "B", "C"], "several": True},
            {"choices": [2, 0]},
            {"0": 1, "2": 1},
        ),
        ("scale", {}, {"score": 4}, {"4": 1}),
        ("ladder", {}, {"step": 6}, {"6": 1}),
        ("word-cloud", {}, {"words": ["Hope", " hope ", "Fun times"]}, {"hope": 1, "fun times": 1}),
        ("ranking", {"options": ["A", "B", "C"]}, {"order": [2, 0, 1]}, {"2": 2, "0": 1, "1": 0}),
        (
            "points",
            {"options": ["A", "B"], "points_total": 100},
            {"points": [70, 30]},
            {"0": 70, "1": 30},
        ),
        ("open-text", {}, {"text": "  We  planned it together "}, {}),
    ],
)
def test_each_kind_is_counted(kinds_session, phone, kind, fields, value, expected):
    activity = kinds_session(kind, **fields)
    result = _answer(phone, activity, value)
    assert selectors.counts(activity) == expected
    if kind == "open-text":
        assert result.answer.value == {"text": "We planned it together"}
        assert [a.value["text"] for a in selectors.open_texts(activity)] == [
            "We planned it together"
        ]
        assert selectors.shown_texts(activity) == []  # held for the facilitator
    assert AnswerItem.objects.filter(answer=result.answer).count() == len(expected)


@pytest.mark.parametrize(
    ("kind", "fields", "value"),
    [
        ("yes-no", {}, {"choice": "maybe"}),
        ("yes-no", {}, "yes"),
        ("choice", {"options": ["A", "B"]}, {"choices": [0, 1]}),  # only one allowed
        ("choice", {"options": ["A", "B"]}, {"choices": [5]}),
        ("choice", {"options": ["A", "B"]}, {"choices": []}),
        ("choice", {"options": ["A", "B"], "several": True}, {"choices": [0, 0]}),
        ("choice", {"options": ["A", "B"]}, {"choices": [True]}),
        ("scale", {}, {"score": 6}),
        ("scale", {}, {"score": "3"}),
        ("ladder", {}, {"step": 7}),
        ("ladder", {}, {"step": None}),
        ("word-cloud", {}, {"words": []}),
        ("word-cloud", {}, {"words": ["!!!"]}),
        ("word-cloud", {}, {"words": ["a", "b", "c", "d"]}),
        ("word-cloud", {}, {"words": ["w" * 26]}),
        ("word-cloud", {}, {"words": [3]}),
        ("ranking", {"options": ["A", "B", "C"]}, {"order": [0, 0, 1]}),
        ("ranking", {"options": ["A", "B", "C"]}, {"order": [0, 1]}),
        ("points", {"options": ["A", "B"], "points_total": 100}, {"points": [60, 30]}),
        ("points", {"options": ["A", "B"], "points_total": 100}, {"points": [130, -30]}),
        ("points", {"options": ["A", "B"], "points_total": 100}, {"points": [100]}),
        ("open-text", {}, {"text": "   "}),
        ("open-text", {}, {"text": "t" * 281}),
    ],
)
def test_answers_that_do_not_fit_are_refused(kinds_session, phone, kind, fields, value):
    activity = kinds_session(kind, **fields)
    with capture_publishes() as published, pytest.raises(Refused):
        _answer(phone, activity, value)
    assert not Answer.objects.filter(activity=activity).exists()
    assert len(published) == 0


def test_phone_snapshots_carry_results_only_when_shown(running, staff, phone):
    _answer(phone, running.current_activity, {"choice": "yes"})
    assert "results" not in selectors.snapshot(running, selectors.PHONE)
    services.session_control(session=running, action="show", by=staff)
    shown = selectors.snapshot(running, selectors.PHONE)
    assert shown["results"]["answered"] == 1
    assert "joined" not in shown


def test_a_scale_gives_its_average(kinds_session, running):
    activity = kinds_session("scale", options=["No", "Bit", "Some", "Lots", "All"])
    for n, score in enumerate([1, 2, 3, 5]):
        _answer(_join(running, n), activity, {"score": score})
    results = selectors.results(activity)
    assert results["mean"] == 2.8
    assert results["options"][0]["label"] == "1 No"


def test_a_word_cloud_gives_the_most_given_words_first(kinds_session, running):
    activity = kinds_session("word-cloud")
    for n, words in enumerate([["hope"], ["Hope", "fun"], ["trust", "hope"]]):
        _answer(_join(running, n), activity, {"words": words})
    assert selectors.results(activity)["words"] == [
        {"word": "hope", "total": 3},
        {"word": "fun", "total": 1},
        {"word": "trust", "total": 1},
    ]


def test_a_code_of_the_wrong_length_finds_nothing(running):
    assert selectors.session_by_code(running.join_code[:5]) is None
    assert selectors.session_by_code(running.join_code.lower()) == running
    assert (
        selectors.session_by_code(f" {running.join_code[:3]} {running.join_code[3:]} ") == running
    )


def test_nobody_logged_out_runs_sessions(running):
    from django.contrib.auth.models import AnonymousUser

    from thegither.live.permissions import can_run_session

    decision = can_run_session(AnonymousUser(), running)
    assert not decision
    assert "log in" in decision.reason
