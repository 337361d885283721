"""A scale "with faces": a face beside each number, each with its words for screen readers."""

import re

import pytest
from django.urls import reverse

from thegither.live import charts, kinds, selectors, services
from thegither.live.models import Activity

TOKEN = "a-phone-token-1234567890"


@pytest.fixture
def faces_scale(running, staff):
    activity = services.activity_add(
        session=running, kind="scale", prompt="How do you feel?", faces=True, by=staff
    )
    services.session_control(session=running, action="next", by=staff)
    services.session_control(session=running, action="open", by=staff)
    return activity


def test_a_scale_keeps_faces_and_other_kinds_never_have_them(session, staff):
    scale = services.activity_add(
        session=session, kind="scale", prompt="Feel?", faces=True, by=staff
    )
    other = services.activity_add(
        session=session, kind="yes-no", prompt="Fair?", faces=True, by=staff
    )
    plain = services.activity_add(session=session, kind="scale", prompt="Plain?", by=staff)
    assert (scale.faces, other.faces, plain.faces) == (True, False, False)


def test_copying_a_session_keeps_the_faces(session, staff):
    services.activity_add(session=session, kind="scale", prompt="Feel?", faces=True, by=staff)
    copy = services.session_copy(session=session, by=staff)
    assert copy.activities.get().faces is True


def test_faces_without_words_say_what_each_face_shows(session, staff):
    faces = services.activity_add(session=session, kind="scale", prompt="F?", faces=True, by=staff)
    words = services.activity_add(
        session=session,
        kind="scale",
        prompt="W?",
        faces=True,
        options=["Not at all", "A little", "Some", "A lot", "Completely"],
        by=staff,
    )
    plain = services.activity_add(session=session, kind="scale", prompt="P?", by=staff)
    assert [label for _key, label in kinds.labels(faces)] == [
        "1 Very unhappy",
        "2 Unhappy",
        "3 In between",
        "4 Happy",
        "5 Very happy",
    ]
    assert kinds.labels(words)[0] == ("1", "1 Not at all")  # the facilitator's words win
    assert kinds.labels(plain)[0] == ("1", "1")
    assert selectors.activity_public(faces)["faces"] is True
    assert selectors.activity_public(plain)["faces"] is False


def test_each_face_has_its_own_mouth_and_says_nothing_itself():
    mouths = [re.search(r'd="([^"]+)"', charts.face_svg(score)).group(1) for score in range(1, 6)]
    assert len(set(mouths)) == 5
    assert mouths[0] == "M7 17 Q12 11 17 17"  # 1: the corners down, a frown
    assert mouths[4] == "M7 16 Q12 22 17 16"  # 5: the corners up, a smile
    assert 'aria-hidden="true"' in charts.face_svg(3)


def test_the_results_chart_draws_a_face_beside_each_number_with_its_words():
    rows = {"options": [{"label": f"{n} x", "total": n} for n in range(1, 6)]}
    chart = charts.results_chart(rows, title="Feel?", chart_id="c", faces=True)
    assert chart.count('class="live-face"') == 5
    assert 'aria-label="1 x: 1"' in chart
    assert '<desc id="c-desc">1 x: 1; 2 x: 2; 3 x: 3; 4 x: 4; 5 x: 5</desc>' in chart
    plain = charts.results_chart(rows, title="Feel?", chart_id="c")
    assert "live-face" not in plain
    words = charts.results_chart({"words": [{"word": "hi", "total": 1}]}, title="W", chart_id="w")
    assert "live-face" not in charts.results_chart(
        {"words": [{"word": "hi", "total": 1}]}, title="W", chart_id="w", faces=True
    )
    assert "hi" in words


def test_the_editor_offers_faces_and_adds_a_scale_with_them(client, staff, session):
    client.force_login(staff)
    page = client.get(reverse("live:session-edit", args=[session.pk]))
    assert "Show faces on a scale" in page.text
    added = client.post(
        reverse("live:activity-add", args=[session.pk]),
        {"kind": "scale", "prompt": "How do you feel?", "faces": "on"},
    )
    assert added.status_code == 302
    assert Activity.objects.get(prompt="How do you feel?").faces is True


def test_the_phone_shows_a_face_and_words_for_each_number(client, phone, faces_scale):
    client.cookies[services.DEVICE_COOKIE] = TOKEN
    page = client.get(reverse("live:phone", args=[faces_scale.session.join_code])).text
    choices = re.findall(r'<label class="live-choice">(.*?)</label>', page, re.S)
    assert len(choices) == 5
    assert all('class="live-face-icon"' in choice for choice in choices)
    assert choices[0].rstrip().endswith("1 Very unhappy")
    assert choices[4].rstrip().endswith("5 Very happy")


def test_the_big_screen_shows_faces_in_the_results_and_the_average(
    client, staff, phone, faces_scale
):
    services.answer_submit(
        participant=phone,
        activity=faces_scale,
        client_id="5b6a0d8e-3f0c-4b8e-9a53-0e4c1f7a2d11",
        value={"score": 4},
    )
    services.session_control(session=faces_scale.session, action="show", by=staff)
    client.force_login(staff)
    page = client.get(reverse("live:present", args=[faces_scale.session.pk])).text
    assert page.count('class="live-face"') == 5
    assert "4 Happy: 1" in page
    assert "Average: 4.0 out of 5" in page
