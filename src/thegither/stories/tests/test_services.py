"""Weeks, events and stories: who may do what, what is checked, and the emails after commit."""

import datetime
import io
import os

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from thegither.accounts.tests.images import HTML, SVG, png
from thegither.core.models import AuditEvent
from thegither.core.refusals import Refusal, Refused
from thegither.stories import services
from thegither.stories.models import Event, Status, Story
from thegither.stories.permissions import can_see_event, can_see_story
from thegither.stories.services import StoryDetails, WeekDetails, clean_text
from thegither.stories.tests.factories import (
    at,
    event_details,
    event_make,
    story_details,
    story_make,
    week_make,
)

pytestmark = pytest.mark.django_db


def refusal(call) -> Refused:
    with pytest.raises(Refused) as caught:
        call()
    return caught.value


def jpeg_with_gps() -> bytes:
    from PIL import Image

    picture = Image.new("RGB", (40, 20), (29, 92, 99))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif[0x8825] = {1: "N", 2: (55.0, 51.0, 30.0), 3: "W", 4: (4.0, 15.0, 10.0)}
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", exif=exif.tobytes())
    return buffer.getvalue()


# --- Cleaning text


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("<script>alert(1)</script>Hello", "Hello"),
        ("<b>Bold</b> and <a href='javascript:x'>link</a>", "Bold and link"),
        ("a < b & c > d", "a < b & c > d"),
        ("Line one\r\nLine two\n\n\n\nLast", "Line one\nLine two\n\nLast"),
        ("<style>p{}</style><p onclick='x()'>Para</p>", "Para"),
    ],
)
def test_typed_text_keeps_its_words_and_loses_all_markup(typed, kept):
    assert clean_text(typed) == kept


# --- Weeks


def test_staff_set_up_a_week_once_a_year(network, staff):
    week = week_make(network, staff, year=2027)

    assert (week.year, week.theme, week.ends_on - week.starts_on) == (
        2027,
        "Stories",
        datetime.timedelta(days=6),
    )
    again = refusal(lambda: week_make(network, staff, year=2027))
    assert again.kind == Refusal.TAKEN


@pytest.mark.parametrize("who", ["young_person", "outsider"])
def test_only_the_organisation_s_staff_set_up_weeks(request, network, who):
    with pytest.raises(PermissionDenied):
        week_make(network, request.getfixturevalue(who))


@pytest.mark.parametrize(
    ("starts", "ends", "theme", "field"),
    [
        (datetime.date(2027, 11, 20), datetime.date(2027, 11, 19), "x", "ends_on"),
        (datetime.date(2027, 11, 1), datetime.date(2027, 12, 20), "x", "ends_on"),
        (datetime.date(2027, 12, 30), datetime.date(2028, 1, 2), "x", "ends_on"),
        (None, datetime.date(2027, 11, 19), "x", "starts_on"),
        (datetime.date(2027, 11, 19), datetime.date(2027, 11, 25), "  ", "theme"),
    ],
)
def test_a_week_needs_sensible_days_and_a_theme(network, staff, starts, ends, theme, field):
    refused = refusal(
        lambda: services.week_create(
            organisation=network,
            details=WeekDetails(starts_on=starts, ends_on=ends, theme=theme),
            by=staff,
        )
    )
    assert field in refused.message_dict


def test_a_week_changes_but_stays_in_its_year(network, staff, week):
    later = week.starts_on + datetime.timedelta(days=1)
    services.week_change(
        week=week,
        details=WeekDetails(starts_on=later, ends_on=week.ends_on, theme="Young people"),
        by=staff,
    )
    week.refresh_from_db()
    assert (week.starts_on, week.theme) == (later, "Young people")
    moved = refusal(
        lambda: services.week_change(
            week=week,
            details=WeekDetails(
                starts_on=datetime.date(week.year + 1, 11, 1),
                ends_on=datetime.date(week.year + 1, 11, 2),
                theme="x",
            ),
            by=staff,
        )
    )
    assert "starts_on" in moved.message_dict


# --- Events


def test_a_sent_event_waits_and_nobody_but_staff_sees_it(network, staff, week, outsider):
    event = event_make(week, description="<script>x()</script>Come along!")

    assert event.status == Status.WAITING
    assert event.description == "Come along!"
    assert not can_see_event(outsider, event)
    assert can_see_event(staff, event)
    assert AuditEvent.objects.filter(action="stories.event_sent", actor=None).exists()


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"title": " "}, "title"),
        ({"organiser": ""}, "organiser"),
        ({"place": "", "is_online": False}, "place"),
        ({"booking_url": "javascript:alert(1)"}, "booking_url"),
        ({"booking_url": "ftp://example.org/book"}, "booking_url"),
        ({"title": "x" * 201}, "title"),
    ],
)
def test_an_event_needs_a_title_an_organiser_a_place_and_a_safe_link(week, fields, field):
    refused = refusal(
        lambda: services.event_submit(
            week=week,
            details=event_details(week, **fields),
            sender_name="Sam",
            sender_email="sam@example.org",
        )
    )
    assert field in refused.message_dict


def test_an_event_must_be_during_the_week_and_end_after_it_starts(week):
    outside = refusal(lambda: event_make(week, starts_at=at(week, -1), ends_at=None))
    assert "It must be during the week" in outside.message_dict["starts_at"][0]
    backwards = refusal(lambda: event_make(week, starts_at=at(week, 1, 15), ends_at=at(week, 1, 9)))
    assert "ends_at" in backwards.message_dict


def test_online_only_events_need_no_place(week):
    event = event_make(week, place="", is_online=True)
    assert (event.place, event.is_online) == ("", True)


def test_the_sender_gives_a_name_and_a_real_email(week):
    refused = refusal(
        lambda: services.event_submit(
            week=week, details=event_details(week), sender_name="", sender_email="not-an-email"
        )
    )
    assert set(refused.message_dict) == {"sender_name", "sender_email"}


def test_a_past_week_takes_events_only_from_its_staff(network, staff):
    past = week_make(network, staff, starts_on=datetime.date(2018, 11, 19))

    with pytest.raises(PermissionDenied):
        event_make(past)
    event = event_make(past, approve_by=staff)
    assert event.status == Status.APPROVED


def test_approving_puts_it_on_the_website_and_emails_the_sender_once(
    staff, week, mailoutbox, django_capture_on_commit_callbacks
):
    event = event_make(week)
    with django_capture_on_commit_callbacks(execute=True):
        services.event_approve(event=event, by=staff)
    with django_capture_on_commit_callbacks(execute=True):
        services.event_approve(event=event, by=staff)  # pressed twice

    event.refresh_from_db()
    assert (event.status, event.decided_by) == (Status.APPROVED, staff)
    assert can_see_event(staff, event)
    assert [mail.to for mail in mailoutbox] == [["sam@example.org"]]
    assert "is now on the Co-production Week" in mailoutbox[0].body


def test_declining_needs_a_reason_and_emails_it_after_the_change_is_saved(
    staff, week, mailoutbox, django_capture_on_commit_callbacks
):
    event = event_make(week)
    missing = refusal(lambda: services.event_decline(event=event, reason=" ", by=staff))
    assert missing.kind == Refusal.INVALID

    with django_capture_on_commit_callbacks() as callbacks:
        services.event_decline(event=event, reason="It's outside <b>Scotland</b>.", by=staff)
        assert mailoutbox == []  # nothing is sent before the commit
    for callback in callbacks:
        callback()

    event.refresh_from_db()
    assert (event.status, event.decline_reason) == (Status.DECLINED, "It's outside Scotland.")
    (mail,) = mailoutbox
    assert mail.subject == "About the event you sent"
    assert "It's outside Scotland." in mail.body


def test_an_approved_event_can_be_declined_later_and_leaves_the_website(staff, week, outsider):
    event = event_make(week, approve_by=staff)
    services.event_decline(event=event, reason="Cancelled.", by=staff)
    event.refresh_from_db()
    assert not can_see_event(outsider, event)


def test_staff_of_another_organisation_can_t_decide(week, outsider, young_person):
    event = event_make(week)
    for person in (outsider, young_person):
        with pytest.raises(PermissionDenied):
            services.event_approve(event=event, by=person)
        with pytest.raises(PermissionDenied):
            services.event_decline(event=event, reason="No.", by=person)
        with pytest.raises(PermissionDenied):
            services.event_change(event=event, details=event_details(week), by=person)
        with pytest.raises(PermissionDenied):
            services.event_delete(event=event, by=person)


def test_changing_an_event_tells_calendars_it_changed(staff, week):
    event = event_make(week, approve_by=staff)
    unchanged = services.event_change(event=event, details=event_details(week), by=staff)
    assert unchanged.sequence == 0

    changed = services.event_change(
        event=event, details=event_details(week, title="Theatre for change"), by=staff
    )

    assert (changed.title, changed.sequence, changed.status) == (
        "Theatre for change",
        1,
        Status.APPROVED,
    )


def test_deleting_an_event(staff, week):
    event = event_make(week)
    services.event_delete(event=event, by=staff)
    assert not Event.objects.exists()
    assert AuditEvent.objects.filter(action="stories.event_deleted", actor=staff).exists()


# --- Stories


def test_a_story_can_be_words_a_link_or_a_picture_but_not_nothing(week, media):
    assert story_make(week, text="", link="https://example.org/blog").link
    picture = SimpleUploadedFile("us.png", png(4, 4), content_type="image/png")
    assert story_make(week, text="", image=picture, image_alt="Four of us with a banner").image
    refused = refusal(lambda: story_make(week, text="", link=""))
    assert "text" in refused.message_dict


def test_a_story_needs_consent(week):
    refused = refusal(
        lambda: services.story_submit(
            week=week,
            details=story_details(),
            sender_name="Abbie",
            sender_email="abbie@example.org",
            consent=False,
        )
    )
    assert "consent" in refused.message_dict
    assert not Story.objects.exists()


def test_a_picture_needs_words_for_people_who_can_t_see_it(week, media):
    picture = SimpleUploadedFile("us.png", png(), content_type="image/png")
    refused = refusal(lambda: story_make(week, image=picture, image_alt=""))
    assert "image_alt" in refused.message_dict


@pytest.mark.parametrize(("name", "data"), [("us.png", HTML), ("logo.png", SVG), ("x.jpg", b"")])
def test_a_picture_is_checked_by_what_is_inside_it(week, media, name, data):
    picture = SimpleUploadedFile(name, data, content_type="image/png")
    refused = refusal(lambda: story_make(week, image=picture, image_alt="Us"))
    assert refused.kind == Refusal.BAD_FILE
    assert not Story.objects.exists()


def test_a_picture_is_stored_without_where_it_was_taken(week, media):
    data = jpeg_with_gps()
    assert b"PhoneMaker" in data
    picture = SimpleUploadedFile("IMG_0001.jpg", data, content_type="image/jpeg")

    story = story_make(week, image=picture, image_alt="A litter pick")

    stored = story.image.read()
    assert story.image_kind == "jpg"
    assert stored.startswith(b"\xff\xd8")
    assert b"PhoneMaker" not in stored
    assert "IMG_0001" not in story.image.name


def test_a_sent_story_waits_and_is_cleaned(week, outsider, staff):
    story = story_make(week, text="<img src=x onerror=alert(1)>We did it.")
    assert story.status == Status.WAITING
    assert story.text == "We did it."
    assert not can_see_story(outsider, story)
    assert can_see_story(staff, story)


def test_staff_change_a_story_and_can_take_its_picture_off(
    staff, week, media, django_capture_on_commit_callbacks
):
    picture = SimpleUploadedFile("us.png", png(), content_type="image/png")
    story = story_make(week, image=picture, image_alt="Us", approve_by=staff)
    path = story.image.path

    with django_capture_on_commit_callbacks(execute=True):
        changed = services.story_change(
            story=story,
            details=StoryDetails(
                title="Better title", text="Words.", organisation_name="YO MO", theme="Stories"
            ),
            remove_image=True,
            by=staff,
        )

    assert (changed.title, changed.image.name, changed.image_alt, changed.theme) == (
        "Better title",
        "",
        "",
        "Stories",
    )
    assert not os.path.exists(path)


def test_approving_and_declining_stories_email_the_sender(
    staff, week, mailoutbox, django_capture_on_commit_callbacks
):
    good = story_make(week, title="Good")
    other = story_make(week, title="Other")
    with django_capture_on_commit_callbacks(execute=True):
        services.story_approve(story=good, by=staff)
        services.story_decline(story=other, reason="Please remove the child's name.", by=staff)

    assert [mail.subject for mail in mailoutbox] == [
        "Your story is on the website",
        "About the story you sent",
    ]
    assert "Please remove the child's name." in mailoutbox[1].body


def test_a_task_that_runs_late_sends_what_is_true_then(
    staff, week, mailoutbox, django_capture_on_commit_callbacks
):
    story = story_make(week)
    with django_capture_on_commit_callbacks() as approved:
        services.story_approve(story=story, by=staff)
    with django_capture_on_commit_callbacks() as declined:
        services.story_decline(story=story, reason="Changed our mind.", by=staff)
    for callback in [*approved, *declined]:
        callback()

    assert [mail.subject for mail in mailoutbox] == ["About the story you sent"] * 2


def test_deleting_a_story_removes_its_picture(
    staff, week, media, django_capture_on_commit_callbacks
):
    picture = SimpleUploadedFile("us.png", png(), content_type="image/png")
    story = story_make(week, image=picture, image_alt="Us")
    path = story.image.path
    with django_capture_on_commit_callbacks(execute=True):
        services.story_delete(story=story, by=staff)
    assert not Story.objects.exists()
    assert not os.path.exists(path)


def test_events_sent_today_for_a_week_running_now(network, staff):
    today = timezone.localdate()
    first = today
    if (today + datetime.timedelta(days=6)).year != today.year:
        first = today - datetime.timedelta(days=6)  # the last days of December
    week = week_make(network, staff, starts_on=first)
    event = event_make(week, starts_at=at(week, (today - first).days, 23, 0), ends_at=None)
    assert event.status == Status.WAITING
