"""Making, copying and running sessions: each service's success, refusals and bad input."""

import pytest

from thegither.core.models import AuditEvent
from thegither.core.refusals import Refusal, Refused
from thegither.live import services
from thegither.live.models import JOIN_CODE_ALPHABET, Activity, LiveSession
from thegither.live.tests.publishes import capture_publishes


def test_a_new_session_is_a_draft_with_a_join_code_without_look_alikes(organisation, staff):
    session = services.session_create(organisation=organisation, title="  Big   day ", by=staff)
    assert session.state == LiveSession.State.DRAFT
    assert session.title == "Big day"
    assert len(session.join_code) == 6
    assert set(session.join_code) <= set(JOIN_CODE_ALPHABET)
    assert not set("0O1IL") & set(JOIN_CODE_ALPHABET)
    assert AuditEvent.objects.filter(action="live.session_create").count() == 1


def test_join_codes_differ(organisation, staff):
    codes = {
        services.session_create(organisation=organisation, title=f"S{i}", by=staff).join_code
        for i in range(20)
    }
    assert len(codes) == 20


def test_only_staff_of_the_organisation_make_sessions(organisation, panel_member, outsider):
    for person in (panel_member, outsider):
        with pytest.raises(Refused) as refused:
            services.session_create(organisation=organisation, title="Mine", by=person)
        assert refused.value.kind == Refusal.NOT_ALLOWED


@pytest.mark.parametrize(
    ("title", "kind"),
    [("", Refusal.INVALID), ("   ", Refusal.INVALID), ("x" * 121, Refusal.TOO_LONG)],
)
def test_a_session_needs_a_sensible_title(organisation, staff, title, kind):
    with pytest.raises(Refused) as refused:
        services.session_create(organisation=organisation, title=title, by=staff)
    assert refused.value.kind == kind


def test_activities_are_added_in_order_and_the_first_becomes_current(session, staff):
    first = services.activity_add(session=session, kind="yes-no", prompt="One?", by=staff)
    second = services.activity_add(
        session=session, kind="choice", prompt="Two?", options=["A", "B"], several=True, by=staff
    )
    session.refresh_from_db()
    assert (first.position, second.position) == (1, 2)
    assert session.current_activity == first
    assert second.several is True


@pytest.mark.parametrize(
    ("kind", "options", "points"),
    [
        ("choice", ["Only one"], 0),
        ("choice", ["Same", "same"], 0),
        ("ranking", [], 0),
        ("points", ["A", "B"], 0),
        ("yes-no", ["Extra"], 0),
        ("scale", ["Too", "few"], 0),
        ("choice", ["x" * 61, "B"], 0),
        ("choice", [str(i) for i in range(11)], 0),
        ("dance", [], 0),
    ],
)
def test_options_that_do_not_fit_the_kind_are_refused(session, staff, kind, options, points):
    with pytest.raises(Refused):
        services.activity_add(
            session=session, kind=kind, prompt="Q?", options=options, points_total=points, by=staff
        )
    assert not Activity.objects.filter(session=session).exists()


def test_an_activity_needs_a_question(session, staff):
    with pytest.raises(Refused) as refused:
        services.activity_add(session=session, kind="yes-no", prompt=" ", by=staff)
    assert refused.value.kind == Refusal.INVALID
    with pytest.raises(Refused) as refused:
        services.activity_add(session=session, kind="yes-no", prompt="q" * 201, by=staff)
    assert refused.value.kind == Refusal.TOO_LONG


def test_outsiders_cannot_add_or_move_activities(session, staff, outsider):
    activity = services.activity_add(session=session, kind="yes-no", prompt="One?", by=staff)
    with pytest.raises(Refused):
        services.activity_add(session=session, kind="yes-no", prompt="Two?", by=outsider)
    with pytest.raises(Refused):
        services.activity_move(activity=activity, by=outsider, up=False)


def test_moving_an_activity_swaps_it_with_its_neighbour(session, staff):
    one = services.activity_add(session=session, kind="yes-no", prompt="One?", by=staff)
    two = services.activity_add(session=session, kind="yes-no", prompt="Two?", by=staff)
    services.activity_move(activity=two, by=staff, up=True)
    assert list(session.activities.values_list("prompt", flat=True)) == ["Two?", "One?"]
    # At the top already: nothing happens.
    services.activity_move(activity=Activity.objects.get(pk=two.pk), by=staff, up=True)
    assert list(session.activities.values_list("pk", flat=True)) == [two.pk, one.pk]


def test_copying_makes_a_fresh_draft_with_the_same_activities(running, staff, phone):
    services.activity_add(
        session=running,
        kind="points",
        prompt="Share",
        options=["A", "B"],
        points_total=100,
        by=staff,
    )
    copy = services.session_copy(session=running, by=staff)
    assert copy.state == LiveSession.State.DRAFT
    assert copy.join_code != running.join_code
    assert copy.title == "Test workshop (copy)"
    assert [(a.kind, a.prompt, a.points_total) for a in copy.activities.all()] == [
        ("yes-no", "Is it fair?", 0),
        ("points", "Share", 100),
    ]
    assert set(copy.activities.values_list("state", flat=True)) == {"waiting"}
    assert not copy.participants.exists()


def test_outsiders_cannot_copy(session, outsider):
    with pytest.raises(Refused):
        services.session_copy(session=session, by=outsider)


def test_a_draft_must_be_started_before_anything_else(session, staff):
    services.activity_add(session=session, kind="yes-no", prompt="One?", by=staff)
    with pytest.raises(Refused) as refused:
        services.session_control(session=session, action="open", by=staff)
    assert refused.value.kind == Refusal.WRONG_STATE


def test_controls_walk_a_session_through_its_life(session, staff):
    one = services.activity_add(session=session, kind="yes-no", prompt="One?", by=staff)
    two = services.activity_add(session=session, kind="yes-no", prompt="Two?", by=staff)

    def control(action):
        return services.session_control(session=session, action=action, by=staff)

    assert control("start").state == LiveSession.State.OPEN
    control("open")
    assert Activity.objects.get(pk=one.pk).state == Activity.State.OPEN
    assert control("show").results_shown is True
    moved = control("next")
    assert moved.current_activity == two
    assert moved.results_shown is False  # each activity starts with its results hidden
    with pytest.raises(Refused) as refused:
        control("next")
    assert refused.value.kind == Refusal.WRONG_STATE
    assert control("back").current_activity == one
    with pytest.raises(Refused):
        control("back")
    control("close")
    assert Activity.objects.get(pk=one.pk).state == Activity.State.CLOSED
    assert control("lock").state == LiveSession.State.LOCKED
    assert control("unlock").state == LiveSession.State.OPEN
    control("open")
    assert control("end").state == LiveSession.State.ENDED
    assert Activity.objects.get(pk=one.pk).state == Activity.State.CLOSED
    with pytest.raises(Refused) as refused:
        control("start")
    assert refused.value.kind == Refusal.WRONG_STATE
    old_new = AuditEvent.objects.get(action="live.session_end").details
    assert old_new["old"]["state"] == "open"
    assert old_new["new"]["state"] == "ended"


def test_an_unknown_control_is_refused(running, staff):
    with pytest.raises(Refused) as refused:
        services.session_control(session=running, action="explode", by=staff)
    assert refused.value.kind == Refusal.BAD_CHOICE


def test_open_needs_an_activity(session, staff):
    services.session_control(session=session, action="start", by=staff)
    with pytest.raises(Refused) as refused:
        services.session_control(session=session, action="open", by=staff)
    assert refused.value.kind == Refusal.WRONG_STATE


def test_outsiders_cannot_run_a_session(running, outsider, panel_member):
    for person in (outsider, panel_member):
        with pytest.raises(Refused) as refused:
            services.session_control(session=running, action="end", by=person)
        assert refused.value.kind == Refusal.NOT_ALLOWED


def test_a_control_that_changes_something_publishes_once_to_each_group(running, staff):
    with capture_publishes() as published:
        services.session_control(session=running, action="show", by=staff)
    assert len(published) == 2
    staff_snapshot = published.to(services.staff_group(running.pk))[0]
    phone_snapshot = published.to(services.phone_group(running.pk))[0]
    assert staff_snapshot["results_shown"] is True
    assert "results" in phone_snapshot  # shown, so phones get them too
    running.refresh_from_db()
    assert staff_snapshot["seq"] < phone_snapshot["seq"] == running.seq


def test_doing_what_is_already_done_publishes_nothing(running, staff):
    with capture_publishes() as published:
        services.session_control(session=running, action="hide", by=staff)
        services.session_control(session=running, action="start", by=staff)
        services.session_control(session=running, action="open", by=staff)
    assert len(published) == 0


def test_a_refused_change_publishes_nothing(running, outsider):
    with capture_publishes() as published, pytest.raises(Refused):
        services.session_control(session=running, action="end", by=outsider)
    assert len(published) == 0


def test_an_ended_sessions_answers_and_phones_can_be_deleted(running, staff):
    import uuid

    from thegither.live.models import Answer, AnswerItem, Participant

    phone = services.session_join(session=running, token="d" * 30).participant
    services.answer_submit(
        participant=phone,
        activity=running.current_activity,
        client_id=uuid.uuid4(),
        value={"choice": "yes"},
    )
    with pytest.raises(Refused) as refused:
        services.session_answers_delete(session=running, by=staff)
    assert refused.value.kind == Refusal.WRONG_STATE
    services.session_control(session=running, action="end", by=staff)
    assert services.session_answers_delete(session=running, by=staff) == 1
    assert not Answer.objects.exists()
    assert not AnswerItem.objects.exists()
    assert not Participant.objects.exists()
    assert running.activities.count() == 1  # kept, so it can be copied and run again
    assert AuditEvent.objects.get(action="live.answers_delete").details == {"answers": 1}
    assert services.session_answers_delete(session=running, by=staff) == 0


def test_outsiders_cannot_delete_answers(running, staff, outsider):
    services.session_control(session=running, action="end", by=staff)
    with pytest.raises(Refused) as refused:
        services.session_answers_delete(session=running, by=outsider)
    assert refused.value.kind == Refusal.NOT_ALLOWED
