"""Pages, the JSON view, the podcast feed and the calendars, read back by real parsers."""

import datetime
import re
import xml.etree.ElementTree as ET

import feedparser
import icalendar
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from thegither.accounts.tests.factories import PASSWORD, superuser_make
from thegither.accounts.tests.images import png
from thegither.core.dashboard import dashboard_links_for
from thegither.stories import selectors, services
from thegither.stories.models import Episode, Event, Status, Story, Week
from thegither.stories.tests.factories import (
    at,
    event_make,
    seed_import,
    story_make,
    week_make,
)
from thegither.stories.views.submitting import SENDS_PER_CLIENT

pytestmark = pytest.mark.django_db

EPISODE_URL = "/stories/episodes/co-production-week-2018/"


def logged_in(client, user):
    client.force_login(user)
    return client


# --- Episodes


def test_the_episode_page_has_every_turn_linkable_and_a_plain_link_to_listen(
    client, django_assert_max_num_queries
):
    seed_import()
    with django_assert_max_num_queries(6):
        response = client.get(EPISODE_URL)

    html = response.content.decode()
    assert response.status_code == 200
    for number in range(1, 36):
        assert f'id="turn-{number}"' in html
        assert f'href="#turn-{number}"' in html
    assert 'id="turn-36"' not in html
    assert "Michelle Drumm" in html
    assert "Kieran and Abbie from Young Movers or YO MO" in html
    assert "15:33" in html
    assert "£30,000" in html
    assert 'href="https://podcast.iriss.org.uk/co-production-week-2018-1"' in html
    # No player or script from another site: a plain link only.
    assert not re.search(r"<(iframe|audio|video|embed|object)\b", html)
    assert not re.search(r'<script[^>]+src="https?://', html)
    assert 'href="/stories/episodes/co-production-week-2018.json"' in html


def test_speakers_show_their_roles_and_organisations_where_known(client):
    seed_import(**{"SJ - Sam Jordan": "SJ - Sam Jordan, Scottish Community Development Centre"})
    html = client.get(EPISODE_URL).content.decode()
    assert "<strong>Sam Jordan</strong>, Scottish Community Development Centre" in html


def test_a_draft_episode_is_not_found_except_by_a_site_administrator(client):
    seed_import(**{"draft: false": "draft: true"})
    assert client.get(EPISODE_URL).status_code == 404
    assert client.get("/stories/episodes/co-production-week-2018.json").status_code == 404
    assert "co-production-week-2018" not in client.get("/stories/episodes/").content.decode()

    logged_in(client, superuser_make())
    assert client.get(EPISODE_URL).status_code == 200
    # The JSON is for public episodes only, whoever asks.
    assert client.get("/stories/episodes/co-production-week-2018.json").status_code == 404


def test_the_episode_s_json_is_the_documented_object(client):
    episode = seed_import().episode
    response = client.get("/stories/episodes/co-production-week-2018.json")

    assert response["Content-Type"] == "application/json"
    data = response.json()
    assert data == selectors.episode_as_json(episode)
    assert (len(data["speakers"]), len(data["segments"]), data["duration_seconds"]) == (4, 2, 933)
    assert "£30,000" in response.content.decode()
    assert client.get("/stories/episodes/nope.json").status_code == 404
    assert client.get("/stories/episodes/nope/").status_code == 404


def test_the_podcast_feed_is_valid_rss_with_itunes_tags_and_transcripts(client):
    seed_import()
    Episode.objects.create(slug="no-audio", title="No audio yet", audio_urls=[])
    Episode.objects.create(
        slug="a-draft", title="A draft", audio_urls=["https://x.example/a.mp3"], is_draft=True
    )

    response = client.get("/stories/episodes/feed.xml")
    feed = feedparser.parse(response.content)

    assert response["Content-Type"] == "application/rss+xml; charset=utf-8"
    assert feed.bozo == 0, feed.get("bozo_exception")
    assert feed.version == "rss20"
    assert feed.feed.title == "Thegither: podcast episodes"
    (entry,) = feed.entries
    assert entry.title == "Co-production Week 2018"
    assert entry.link == f"http://testserver{EPISODE_URL}"
    assert entry.itunes_duration == "933"
    assert entry.enclosures[0].href == "https://podcast.iriss.org.uk/co-production-week-2018-1"
    assert entry.enclosures[0].type == "audio/mpeg"
    assert entry.published_parsed[:3] == (2018, 11, 26)
    root = ET.fromstring(response.content)  # noqa: S314 - our own feed, made by this test
    transcript = root.find("./channel/item/{https://podcastindex.org/namespace/1.0}transcript")
    assert transcript.attrib == {
        "url": f"http://testserver{EPISODE_URL}",
        "type": "text/html",
        "language": "en",
    }
    itunes = "{http://www.itunes.com/dtds/podcast-1.0.dtd}"
    assert root.find(f"./channel/{itunes}category").attrib == {"text": "Society & Culture"}
    assert root.find(f"./channel/{itunes}explicit").text == "false"
    assert root.find(f"./channel/item/{itunes}episodeType").text == "full"


def test_the_episode_list_and_front_page(client, network, staff):
    seed_import()
    week_make(network, staff, year=2030)
    assert "Co-production Week 2018" in client.get("/stories/episodes/").content.decode()
    front = client.get("/stories/").content.decode()
    assert "Co-production Week 2030 (Stories)" in front
    assert EPISODE_URL in front


# --- Search


def test_search_finds_the_turn_and_links_to_it(client):
    seed_import()
    response = client.get("/stories/search/", {"q": "Bid for a Fiver"})

    html = response.content.decode()
    assert response.status_code == 200
    assert "1 result" in html
    assert re.search(r'href="/stories/episodes/co-production-week-2018/#turn-\d+"', html)
    assert "<mark>Bid</mark>" in html


def test_search_with_nothing_found_or_too_long(client):
    seed_import()
    assert (
        "Nothing has all of those words"
        in client.get("/stories/search/", {"q": "giraffe"}).content.decode()
    )
    assert client.get("/stories/search/").status_code == 200
    assert client.get("/stories/search/", {"q": "x" * 300}).status_code == 400


# --- Weeks


def test_the_week_page_shows_only_what_was_approved_with_counts_and_the_archive(
    client, network, staff, django_assert_max_num_queries
):
    seed_import()
    week = week_make(network, staff, starts_on=datetime.date(2018, 11, 19))
    event_make(week, approve_by=staff, title="Legislative theatre", organiser="SCDC")
    event_make(
        week,
        approve_by=staff,
        title="In it together",
        organiser="Young Movers",
        starts_at=at(week, 3, 13),
        ends_at=None,
    )
    event_make(week, approve_by=staff, title="Another by SCDC", organiser=" scdc ")
    story_make(week, approve_by=staff, title="Fiver story", organisation_name="Young Movers")
    story_make(week, approve_by=staff, title="Planner story", organisation_name="Iriss")
    story_make(week, title="Waiting story")
    event_make(week, title="Waiting event", by=staff)
    older = week_make(network, staff, year=2017, theme="Barriers")

    with django_assert_max_num_queries(12):
        response = client.get(week.get_absolute_url())

    html = response.content.decode()
    assert response.status_code == 200
    assert "This year's theme: Stories" in html
    page = response.context["page"]
    assert [day.date.isoformat() for day in page.days] == ["2018-11-20", "2018-11-22"]
    assert [[event.title for event in day.events] for day in page.days] == [
        ["Legislative theatre", "Another by SCDC"],
        ["In it together"],
    ]
    assert (page.organisation_count, page.story_count, page.event_count) == (3, 2, 3)
    assert "Waiting story" not in html
    assert "Waiting event" not in html
    assert [episode.slug for episode in page.episodes] == ["co-production-week-2018"]
    assert older.get_absolute_url() in html
    # The week is over: no new events, but stories are still welcome.
    assert "Tell us what you can do" not in html
    assert "Share your story" in html


def test_what_doesn_t_exist_is_not_found(client, network, staff):
    assert client.get(f"/stories/networks/{network.slug}/1999/").status_code == 404
    assert client.get("/stories/networks/nobody/").status_code == 404
    assert client.get("/stories/events/999/").status_code == 404
    assert client.get("/stories/999/").status_code == 404
    logged_in(client, staff)
    assert client.get("/stories/networks/nobody/weeks/").status_code == 404


def test_the_network_page_lists_its_weeks(client, network, staff, week):
    html = client.get(f"/stories/networks/{network.slug}/").content.decode()
    assert week.get_absolute_url() in html


def test_the_week_s_calendar_and_each_event_s_parse_as_icalendar(client, staff, week):
    theatre = event_make(
        week,
        approve_by=staff,
        title="Theatre; with commas, and a long name that needs folding " * 3,
        description="Line one\nLine two",
    )
    event_make(week, approve_by=staff, title="Online chat", place="", is_online=True, ends_at=None)
    waiting = event_make(week, title="Not yet")

    response = client.get(f"{week.get_absolute_url()}events.ics")
    calendar = icalendar.Calendar.from_ical(response.content)

    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert b"\r\n" in response.content
    assert all(len(line) <= 75 for line in response.content.split(b"\r\n"))
    events = calendar.walk("VEVENT")
    assert [str(event["SUMMARY"]) for event in events] == [theatre.title.strip(), "Online chat"]
    first = events[0]
    assert first["DTSTART"].dt == theatre.starts_at
    assert first["DTEND"].dt == theatre.ends_at
    assert str(first["UID"]) == f"{theatre.uid}@thegither"
    assert "Line one\nLine two" in str(first["DESCRIPTION"])
    assert str(events[1]["LOCATION"]) == "Online"

    one = icalendar.Calendar.from_ical(client.get(f"/stories/events/{theatre.pk}.ics").content)
    assert [str(event["SUMMARY"]) for event in one.walk("VEVENT")] == [theatre.title.strip()]
    assert client.get(f"/stories/events/{waiting.pk}.ics").status_code == 404


def test_event_and_story_pages_are_public_once_approved(client, staff, week, outsider):
    event = event_make(week, approve_by=staff, booking_url="https://example.org/book")
    story = story_make(week, approve_by=staff, link="https://example.org/blog")
    waiting = story_make(week, title="Waiting")

    html = client.get(event.get_absolute_url()).content.decode()
    assert 'href="https://example.org/book"' in html
    assert client.get(story.get_absolute_url()).status_code == 200
    assert client.get(waiting.get_absolute_url()).status_code == 403
    assert logged_in(client, outsider).get(waiting.get_absolute_url()).status_code == 403
    assert logged_in(client, staff).get(waiting.get_absolute_url()).status_code == 200


def test_a_story_s_picture_is_served_only_once_approved(client, staff, week, media):
    picture = SimpleUploadedFile("us.png", png(), content_type="image/png")
    story = story_make(week, image=picture, image_alt="Four of us")
    url = f"/stories/{story.pk}/picture/"

    assert client.get(url).status_code == 403
    services.story_approve(story=story, by=staff)
    response = client.get(url)

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert "sandbox" in response["Content-Security-Policy"]
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")
    html = client.get(story.get_absolute_url()).content.decode()
    assert f'src="{url}" alt="Four of us"' in html
    no_picture = story_make(week, approve_by=staff, title="Words only")
    assert client.get(f"/stories/{no_picture.pk}/picture/").status_code == 404


# --- The public forms


def event_post(week, **changes):
    data = {
        "title": "Kite festival",
        "day": week.starts_on.isoformat(),
        "starts": "10:00",
        "ends": "12:30",
        "place": "The park, Riverside",
        "organiser": "Canal Side Youth Club",
        "audience": "Families",
        "accessibility": "Step-free paths.",
        "booking_url": "https://example.org/kites",
        "description": "Make and fly kites.",
        "sender_name": "Priya",
        "sender_email": "priya@example.org",
    }
    data.update(changes)
    return data


def test_anyone_can_send_an_event_and_it_waits(client, week):
    url = f"{week.get_absolute_url()}events/new/"
    assert client.get(url).status_code == 200

    response = client.post(url, event_post(week))

    assert response.status_code == 302
    assert response["Location"] == week.get_absolute_url()
    event = Event.objects.get()
    assert (event.status, event.title, event.ends_at.hour) == (Status.WAITING, "Kite festival", 12)
    page = client.get(week.get_absolute_url()).content.decode()
    assert "The network&#x27;s staff will check it" in page
    assert "Kite festival" not in page


def test_a_wrong_event_shows_what_to_fix(client, week):
    url = f"{week.get_absolute_url()}events/new/"
    response = client.post(
        url, event_post(week, day="2001-01-01", sender_email="nope", booking_url="not a link")
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html
    assert "Write an email address like name@example.org." in html
    assert not Event.objects.exists()
    outside = client.post(url, event_post(week, day="2001-01-01"))
    assert "Choose one of the week&#x27;s days." in outside.content.decode()
    later = client.post(url, event_post(week, starts="2pm", ends="1pm"))
    assert "It can&#x27;t end before it starts." in later.content.decode()
    bad_time = client.post(url, event_post(week, starts="teatime"))
    assert "Write a time like 14:30 or 2pm." in bad_time.content.decode()


def test_a_past_week_takes_events_only_from_its_staff(client, network, staff, outsider):
    past = week_make(network, staff, year=2018)
    url = f"{past.get_absolute_url()}events/new/"
    assert client.get(url).status_code == 403
    assert "Tell us what you can do" not in client.get(past.get_absolute_url()).content.decode()
    assert logged_in(client, outsider).get(url).status_code == 403

    logged_in(client, staff)
    assert "Tell us what you can do" in client.get(past.get_absolute_url()).content.decode()
    response = client.post(
        url,
        event_post(past, day="2018-11-20", sender_name="Staff", sender_email="s@example.org"),
    )
    assert response.status_code == 302
    event = Event.objects.get()
    assert event.status == Status.WAITING


def test_sending_is_rate_limited(client, week):
    url = f"{week.get_absolute_url()}events/new/"
    for _ in range(SENDS_PER_CLIENT.limit):
        client.post(url, {"title": ""})
    response = client.post(url, event_post(week))
    assert response.status_code == 429
    assert not Event.objects.exists()


def test_anyone_can_share_a_story_with_a_picture(client, week, media):
    url = f"{week.get_absolute_url()}stories/new/"
    assert client.get(url).status_code == 200
    data = {
        "title": "Our menu",
        "text": "The young people chose the food.",
        "image": SimpleUploadedFile("menu.png", png(), content_type="image/png"),
        "image_alt": "A menu written in felt pen",
        "organisation_name": "Canal Side Youth Club",
        "theme": "Stories",
        "sector": "Youth work",
        "place": "Riverside",
        "sender_name": "Priya",
        "sender_email": "priya@example.org",
        "consent": "on",
    }

    response = client.post(url, data)

    assert response.status_code == 302
    story = Story.objects.get()
    assert (story.status, story.image_kind, story.tags) == (
        Status.WAITING,
        "png",
        [("Theme", "Stories"), ("Sector", "Youth work"), ("Place", "Riverside")],
    )


def test_a_story_without_consent_or_alt_text_is_sent_back(client, week, media):
    url = f"{week.get_absolute_url()}stories/new/"
    response = client.post(
        url,
        {
            "title": "Our menu",
            "image": SimpleUploadedFile("menu.png", png(), content_type="image/png"),
            "organisation_name": "Canal Side Youth Club",
            "sender_name": "Priya",
            "sender_email": "priya@example.org",
        },
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "Tick the box to say the story can be shared" in html
    assert "Say what is in the picture" in html
    assert not Story.objects.exists()


def test_a_file_that_isn_t_a_picture_is_refused_on_the_form(client, week, media):
    url = f"{week.get_absolute_url()}stories/new/"
    response = client.post(
        url,
        {
            "title": "Our menu",
            "image": SimpleUploadedFile("menu.png", b"<html>no</html>", content_type="image/png"),
            "image_alt": "A menu",
            "organisation_name": "Canal Side Youth Club",
            "sender_name": "Priya",
            "sender_email": "priya@example.org",
            "consent": "on",
        },
    )
    assert response.status_code == 400
    assert "Choose a JPEG, PNG or WebP picture" in response.content.decode()


# --- The network's staff


def test_staff_set_up_a_week_and_change_it(client, network, staff):
    logged_in(client, staff)
    url = f"/stories/networks/{network.slug}/weeks/"
    assert client.get(url).status_code == 200

    response = client.post(
        url, {"starts_on": "2029-11-19", "ends_on": "2029-11-25", "theme": "Together"}
    )

    week = Week.objects.get()
    assert response["Location"] == f"/stories/networks/{network.slug}/2029/check/"
    response = client.post(
        f"/stories/networks/{network.slug}/2029/edit/",
        {"starts_on": "2029-11-18", "ends_on": "2029-11-25", "theme": "Together again"},
    )
    week.refresh_from_db()
    assert (response.status_code, week.theme) == (302, "Together again")
    again = client.post(url, {"starts_on": "2029-11-01", "ends_on": "2029-11-02", "theme": "x"})
    assert "There is already a week in 2029." in again.content.decode()


def test_staff_check_what_was_sent(
    client,
    staff,
    week,
    mailoutbox,
    django_assert_max_num_queries,
    django_capture_on_commit_callbacks,
):
    event = event_make(week, title="Kite festival")
    story = story_make(week, title="Our menu")
    declined = story_make(week, title="Names a child")
    logged_in(client, staff)
    url = f"{week.get_absolute_url()}check/"

    with django_assert_max_num_queries(12):
        page = client.get(url)
    assert "Kite festival" in page.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"/stories/events/{event.pk}/approve/").status_code == 302
        assert client.post(f"/stories/{story.pk}/approve/").status_code == 302
        assert client.get(f"/stories/{declined.pk}/decline/").status_code == 200
        empty = client.post(f"/stories/{declined.pk}/decline/", {"reason": ""})
        assert empty.status_code == 400
        client.post(f"/stories/{declined.pk}/decline/", {"reason": "Please take out the name."})

    statuses = {thing.title: thing.status for thing in [*Event.objects.all(), *Story.objects.all()]}
    assert statuses == {
        "Kite festival": Status.APPROVED,
        "Our menu": Status.APPROVED,
        "Names a child": Status.DECLINED,
    }
    assert sorted(mail.subject for mail in mailoutbox) == [
        "About the story you sent",
        "Your event is on the website",
        "Your story is on the website",
    ]
    checked = client.get(url).content.decode()
    assert "No events waiting." in checked
    assert "Names a child" in checked


def test_staff_change_decline_and_delete(
    client, staff, week, mailoutbox, django_capture_on_commit_callbacks
):
    event = event_make(week)
    story = story_make(week)
    logged_in(client, staff)

    assert client.get(f"/stories/events/{event.pk}/edit/").status_code == 200
    data = event_post(week, title="Theatre for change")
    response = client.post(f"/stories/events/{event.pk}/edit/", data)
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.title == "Theatre for change"
    bad = client.post(f"/stories/events/{event.pk}/edit/", {**data, "day": "2001-01-01"})
    assert bad.status_code == 400

    assert client.get(f"/stories/{story.pk}/edit/").status_code == 200
    client.post(
        f"/stories/{story.pk}/edit/",
        {"title": "Fiver", "text": "Words.", "organisation_name": "YO MO"},
    )
    story.refresh_from_db()
    assert story.title == "Fiver"
    nothing = client.post(
        f"/stories/{story.pk}/edit/", {"title": "Fiver", "organisation_name": "x"}
    )
    assert nothing.status_code == 400

    assert client.get(f"/stories/events/{event.pk}/decline/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/stories/events/{event.pk}/decline/", {"reason": "It's a duplicate."})
    assert "It's a duplicate." in mailoutbox[-1].body
    client.post(f"/stories/events/{event.pk}/delete/")
    client.post(f"/stories/{story.pk}/delete/")
    assert not Event.objects.exists()
    assert not Story.objects.exists()


def test_only_the_network_s_staff_check(client, week, outsider, young_person):
    event = event_make(week)
    url = f"{week.get_absolute_url()}check/"
    assert client.get(url).status_code == 302  # log in first
    for person in (outsider, young_person):
        logged_in(client, person)
        assert client.get(url).status_code == 403
        assert client.post(f"/stories/events/{event.pk}/approve/").status_code == 403
    event.refresh_from_db()
    assert event.status == Status.WAITING


def test_staff_get_a_link_on_their_page(staff, young_person, network):
    (membership,) = staff.memberships.all()
    links = [link.url for link in dashboard_links_for(staff, membership)]
    assert f"/stories/networks/{network.slug}/weeks/" in links
    (young,) = young_person.memberships.all()
    assert not any(
        link.url.startswith("/stories/") for link in dashboard_links_for(young_person, young)
    )


def test_a_site_administrator_may_check_any_week(client, week):
    superuser = superuser_make()
    assert client.login(username=superuser.username, password=PASSWORD)
    assert (
        client.get(
            reverse("stories:moderation", args=[week.organisation.slug, week.year])
        ).status_code
        == 200
    )
