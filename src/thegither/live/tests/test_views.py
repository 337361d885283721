"""The live pages: facilitator's pages, presenter screen, joining and the phone view."""

import uuid

import pytest
from django.urls import reverse

from thegither.live import services
from thegither.live.models import Activity, Answer, LiveSession, Participant

TOKEN = "a-phone-token-1234567890"


@pytest.fixture
def phone_client(client, phone):
    client.cookies[services.DEVICE_COOKIE] = TOKEN
    return client


# ---- facilitator ----


def test_staff_see_their_sessions_and_make_one(client, staff, organisation, session):
    client.force_login(staff)
    page = client.get(reverse("live:sessions", args=[organisation.slug]))
    assert page.status_code == 200
    assert "Test workshop" in page.text
    made = client.post(reverse("live:session-create", args=[organisation.slug]), {"title": "New"})
    new = LiveSession.objects.get(title="New")
    assert made.url == reverse("live:session-edit", args=[new.pk])


def test_a_session_without_a_title_keeps_the_form(client, staff, organisation):
    client.force_login(staff)
    page = client.post(reverse("live:session-create", args=[organisation.slug]), {"title": " "})
    assert page.status_code == 400
    assert "Give the session a title" in page.text or "This field is required" in page.text


def test_outsiders_and_young_people_cannot_see_the_sessions(
    client, outsider, panel_member, organisation, session
):
    for person in (outsider, panel_member):
        client.force_login(person)
        assert client.get(reverse("live:sessions", args=[organisation.slug])).status_code == 403
        assert client.get(reverse("live:console", args=[session.pk])).status_code == 403
        assert client.get(reverse("live:present", args=[session.pk])).status_code == 403
        assert (
            client.post(reverse("live:control", args=[session.pk]), {"action": "start"}).status_code
            == 403
        )
    session.refresh_from_db()
    assert session.state == LiveSession.State.DRAFT


def test_staff_add_activities_and_reorder_them(client, staff, session):
    client.force_login(staff)
    url = reverse("live:activity-add", args=[session.pk])
    added = client.post(url, {"kind": "choice", "prompt": "Pick", "options": "Red\nBlue\n"})
    assert added.status_code == 302
    client.post(url, {"kind": "yes-no", "prompt": "Fair?"})
    second = Activity.objects.get(prompt="Fair?")
    client.post(reverse("live:activity-move", args=[session.pk, second.pk]), {"to": "up"})
    assert list(session.activities.values_list("prompt", flat=True)) == ["Fair?", "Pick"]
    page = client.get(reverse("live:session-edit", args=[session.pk]))
    assert "Move down" in page.text


def test_a_bad_activity_keeps_what_was_typed(client, staff, session):
    client.force_login(staff)
    page = client.post(
        reverse("live:activity-add", args=[session.pk]),
        {"kind": "choice", "prompt": "Only one option", "options": "Lonely"},
    )
    assert page.status_code == 400
    assert "Give at least two options" in page.text
    assert "Only one option" in page.text


def test_copy_goes_to_the_new_session(client, staff, running):
    client.force_login(staff)
    response = client.post(reverse("live:session-copy", args=[running.pk]))
    copy = LiveSession.objects.exclude(pk=running.pk).get()
    assert response.url == reverse("live:session-edit", args=[copy.pk])


def test_the_console_runs_the_session(client, staff, session):
    services.activity_add(session=session, kind="yes-no", prompt="Fair?", by=staff)
    client.force_login(staff)
    console = reverse("live:console", args=[session.pk])
    assert "Start the session" in client.get(console).text
    client.post(reverse("live:control", args=[session.pk]), {"action": "start"})
    client.post(reverse("live:control", args=[session.pk]), {"action": "open"})
    page = client.get(console)
    assert "Close answers" in page.text
    assert 'role="img"' in page.text  # the staff always see the chart
    refused = client.post(reverse("live:control", args=[session.pk]), {"action": "next"})
    assert refused.status_code == 302
    assert "This is the last activity" in client.get(console).text
    part = client.get(console, {"part": "live"})
    assert "<html" not in part.text
    assert "data-live-region" in part.text


def test_the_presenter_shows_the_code_and_a_qr_code_and_results_only_when_shown(
    client, staff, running, phone
):
    services.answer_submit(
        participant=phone,
        activity=running.current_activity,
        client_id=uuid.uuid4(),
        value={"choice": "yes"},
    )
    client.force_login(staff)
    url = reverse("live:present", args=[running.pk])
    page = client.get(url)
    assert running.join_code in page.text
    assert 'class="live-qr"' in page.text
    assert "1 answered" in page.text
    assert "live-chart" not in page.text
    services.session_control(session=running, action="show", by=staff)
    shown = client.get(url)
    assert "live-chart" in shown.text
    assert "Yes: 1" in shown.text  # the numbers are text, for screen readers too


def test_the_staff_snapshot_is_json(client, staff, running):
    client.force_login(staff)
    snapshot = client.get(reverse("live:session-snapshot", args=[running.pk])).json()
    assert snapshot["type"] == "snapshot"
    assert snapshot["joined"] == 0


# ---- joining ----


def test_a_typed_code_takes_you_to_the_session(client, running):
    response = client.post(
        reverse("join:start"),
        {"code": running.join_code.lower()[:3] + " " + running.join_code.lower()[3:]},
    )
    assert response.url == reverse("join:code", args=[running.join_code])


def test_a_wrong_code_says_so(client, running):
    response = client.post(reverse("join:start"), {"code": "ZZZZZZ"})
    assert response.status_code == 400
    assert "No session is open with that code" in response.text


def test_joining_sets_a_secure_httponly_cookie_and_opens_the_phone_view(client, running):
    response = client.post(reverse("join:code", args=[running.join_code]), {"nickname": "Sky"})
    assert response.url == reverse("live:phone", args=[running.join_code])
    cookie = response.cookies[services.DEVICE_COOKIE]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    assert len(cookie.value) >= 40
    assert Participant.objects.get(session=running).nickname == "Sky"
    phone = client.get(response.url)
    assert "Is it fair?" in phone.text


def test_joining_a_draft_says_it_has_not_started(client, session):
    page = client.get(reverse("join:code", args=[session.join_code]))
    assert "hasn't started yet" in page.text
    refused = client.post(reverse("join:code", args=[session.join_code]))
    assert refused.status_code == 400


def test_an_unknown_code_is_not_found(client, db):
    assert client.get(reverse("join:code", args=["ZZZZZZ"])).status_code == 404
    assert client.get(reverse("live:phone", args=["ZZZZZZ"])).status_code == 404


def test_a_lower_case_code_in_the_address_is_corrected(client, running):
    response = client.get(reverse("join:code", args=[running.join_code.lower()]))
    assert response.url == reverse("join:code", args=[running.join_code])


def test_a_phone_that_has_not_joined_is_sent_to_join(client, running):
    response = client.get(reverse("live:phone", args=[running.join_code]))
    assert response.url == reverse("join:code", args=[running.join_code])
    assert client.get(reverse("live:phone-snapshot", args=[running.join_code])).status_code == 403


# ---- answering ----


def test_a_plain_form_post_answers_and_a_retry_counts_once(phone_client, running):
    url = reverse("live:answer", args=[running.join_code])
    data = {
        "activity": running.current_activity_id,
        "client_id": str(uuid.uuid4()),
        "choice": "yes",
    }
    assert phone_client.post(url, data).status_code == 302
    assert phone_client.post(url, data).status_code == 302
    assert Answer.objects.count() == 1
    page = phone_client.get(reverse("live:phone", args=[running.join_code]))
    assert "Change my answer" in page.text
    assert 'value="yes" checked' in page.text


def test_a_bad_answer_shows_the_problem(phone_client, running):
    url = reverse("live:answer", args=[running.join_code])
    page = phone_client.post(
        url, {"activity": running.current_activity_id, "client_id": str(uuid.uuid4())}
    )
    assert page.status_code == 400
    assert "Choose yes, no or not sure" in page.text


def test_an_answer_to_a_question_that_has_gone_goes_back_to_the_phone(phone_client, running):
    url = reverse("live:answer", args=[running.join_code])
    for activity in ("999999", "abc", ""):
        response = phone_client.post(url, {"activity": activity, "choice": "yes"})
        assert response.status_code == 302


def test_a_closed_question_refuses_answers(phone_client, running, staff):
    services.session_control(session=running, action="close", by=staff)
    page = phone_client.get(reverse("live:phone", args=[running.join_code]))
    assert "Answers are closed for now" in page.text
    refused = phone_client.post(
        reverse("live:answer", args=[running.join_code]),
        {
            "activity": running.current_activity_id,
            "client_id": str(uuid.uuid4()),
            "choice": "yes",
        },
    )
    assert refused.status_code == 400


def test_a_json_answer_is_acknowledged_and_a_retry_is_marked_replayed(phone_client, running):
    url = reverse("live:answer", args=[running.join_code])
    body = {
        "activity": running.current_activity_id,
        "client_id": str(uuid.uuid4()),
        "value": {"choice": "no"},
    }
    first = phone_client.post(url, body, content_type="application/json").json()
    again = phone_client.post(url, body, content_type="application/json").json()
    assert first == {"ok": True, "replayed": False, "client_id": body["client_id"]}
    assert again["replayed"] is True
    # A retry is acknowledged as it was, even if its body changed: the UUID decides.
    assert phone_client.post(
        url, {**body, "value": {"choice": "x"}}, content_type="application/json"
    ).json()["replayed"]
    bad = phone_client.post(
        url,
        {**body, "client_id": str(uuid.uuid4()), "value": {"choice": "x"}},
        content_type="application/json",
    )
    assert bad.status_code == 400
    assert bad.json()["kind"] == "invalid"
    broken = phone_client.post(url, "{nope", content_type="application/json")
    assert broken.status_code == 400
    gone = phone_client.post(url, {**body, "activity": 999999}, content_type="application/json")
    assert gone.status_code == 404


def test_a_json_answer_from_a_stranger_is_refused(client, running):
    response = client.post(
        reverse("live:answer", args=[running.join_code]), {}, content_type="application/json"
    )
    assert response.status_code == 403


@pytest.mark.parametrize(
    ("kind", "fields", "post", "expected"),
    [
        (
            "choice",
            {"options": ["A", "B"], "several": True},
            {"choice": ["0", "1"]},
            {"0": 1, "1": 1},
        ),
        ("scale", {}, {"score": "5"}, {"5": 1}),
        ("ladder", {}, {"step": "6"}, {"6": 1}),
        ("word-cloud", {}, {"word-0": "Trust", "word-1": "trust "}, {"trust": 1}),
        ("ranking", {"options": ["A", "B"]}, {"order": "1,0"}, {"1": 1, "0": 0}),
        (
            "points",
            {"options": ["A", "B"], "points_total": 10},
            {"points-0": "7", "points-1": "3"},
            {"0": 7, "1": 3},
        ),
        ("open-text", {}, {"text": "Listen to us"}, {}),
    ],
)
def test_each_kind_answers_with_a_plain_form(
    phone_client, running, staff, kind, fields, post, expected
):
    from thegither.live import selectors

    activity = services.activity_add(session=running, kind=kind, prompt="Q?", by=staff, **fields)
    services.session_control(session=running, action="next", by=staff)
    services.session_control(session=running, action="open", by=staff)
    page = phone_client.get(reverse("live:phone", args=[running.join_code]))
    assert page.status_code == 200
    response = phone_client.post(
        reverse("live:answer", args=[running.join_code]),
        {"activity": activity.pk, "client_id": str(uuid.uuid4()), **post},
    )
    assert response.status_code == 302
    assert selectors.counts(activity) == expected
    again = phone_client.get(reverse("live:phone", args=[running.join_code]))
    assert "Change my answer" in again.text


def test_the_phone_snapshot_is_json_without_staff_figures(phone_client, running):
    snapshot = phone_client.get(reverse("live:phone-snapshot", args=[running.join_code])).json()
    assert snapshot["activity"]["prompt"] == "Is it fair?"
    assert "joined" not in snapshot
    assert "results" not in snapshot


def test_the_phone_part_is_only_the_live_region(phone_client, running, staff):
    services.session_control(session=running, action="show", by=staff)
    part = phone_client.get(reverse("live:phone", args=[running.join_code]), {"part": "live"})
    assert "<html" not in part.text
    assert "live-chart" in part.text


def test_the_facilitator_takes_a_phone_out(client, staff, running, phone):
    client.force_login(staff)
    console = client.get(reverse("live:console", args=[running.pk]))
    assert "Phone 1 (no nickname)" in console.text
    url = reverse("live:participant-remove", args=[running.pk, phone.pk])
    assert client.post(url).status_code == 302
    phone.refresh_from_db()
    assert phone.removed


def test_outsiders_cannot_take_a_phone_out(client, outsider, running, phone):
    client.force_login(outsider)
    url = reverse("live:participant-remove", args=[running.pk, phone.pk])
    assert client.post(url).status_code == 403
    phone.refresh_from_db()
    assert not phone.removed


def test_the_facilitator_deletes_an_ended_sessions_answers(client, staff, running, phone):
    services.answer_submit(
        participant=phone,
        activity=running.current_activity,
        client_id=uuid.uuid4(),
        value={"choice": "yes"},
    )
    client.force_login(staff)
    url = reverse("live:answers-delete", args=[running.pk])
    client.post(url)
    assert "End the session first" in client.get(reverse("live:console", args=[running.pk])).text
    services.session_control(session=running, action="end", by=staff)
    assert "Delete all answers" in client.get(reverse("live:console", args=[running.pk])).text
    client.post(url)
    assert not Answer.objects.exists()
    assert "Deleted 1 answer." in client.get(reverse("live:console", args=[running.pk])).text


def test_outsiders_cannot_delete_answers_by_post(client, outsider, staff, running, phone):
    services.session_control(session=running, action="end", by=staff)
    client.force_login(outsider)
    assert client.post(reverse("live:answers-delete", args=[running.pk])).status_code == 403
    assert Participant.objects.filter(pk=phone.pk).exists()


@pytest.mark.parametrize(
    ("kind", "fields"),
    [
        ("yes-no", {}),
        ("choice", {"options": ["A", "B"], "several": True}),
        ("scale", {}),
        ("ladder", {}),
        ("word-cloud", {}),
        ("ranking", {"options": ["A", "B"]}),
        ("points", {"options": ["A", "B"], "points_total": 10}),
        ("open-text", {}),
    ],
)
def test_very_long_answers_are_refused_calmly(phone_client, running, staff, kind, fields):
    activity = services.activity_add(session=running, kind=kind, prompt="Q?", by=staff, **fields)
    services.session_control(session=running, action="next", by=staff)
    services.session_control(session=running, action="open", by=staff)
    long = "9" * 60_000
    names = ["choice", "score", "step", "text", "order", "points-0", "points-1"]
    names += ["word-0", "word-1", "word-2"]
    data = {name: long for name in names}
    data["client_id"] = str(uuid.uuid4())
    response = phone_client.post(
        reverse("live:answer", args=[running.join_code]), {**data, "activity": activity.pk}
    )
    assert response.status_code == 400
    assert not Answer.objects.filter(activity=activity).exists()
    joined = phone_client.post(reverse("join:code", args=[running.join_code]), {"nickname": long})
    assert joined.status_code == 400
