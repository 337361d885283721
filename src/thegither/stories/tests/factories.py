"""Make rows for stories tests through the services, as people's clicks would."""

import datetime
from pathlib import Path

from django.utils import timezone

from thegither.stories import services
from thegither.stories.importing import episode_parse
from thegither.stories.models import Event, Story, Week
from thegither.stories.services import EventDetails, StoryDetails, WeekDetails

SEED = Path(__file__).resolve().parents[2] / "demo" / "data" / "co-production-week-2018.txt"


def week_make(
    organisation, by, *, year: int | None = None, starts_on=None, theme="Stories"
) -> Week:
    """Make a week; by default next year's, so it still takes events."""
    if starts_on is None:
        starts_on = datetime.date(year or timezone.localdate().year + 1, 11, 16)
    return services.week_create(
        organisation=organisation,
        details=WeekDetails(
            starts_on=starts_on,
            ends_on=starts_on + datetime.timedelta(days=6),
            theme=theme,
        ),
        by=by,
    )


def at(week: Week, day: int = 0, hour: int = 10, minute: int = 0) -> datetime.datetime:
    """Return a moment on the week's day number `day` (0 is its first day), local time."""
    return timezone.make_aware(
        datetime.datetime.combine(
            week.starts_on + datetime.timedelta(days=day), datetime.time(hour, minute)
        )
    )


def event_details(week: Week, **fields) -> EventDetails:
    fields.setdefault("title", "Legislative theatre workshop")
    fields.setdefault("starts_at", at(week, 1, 10))
    fields.setdefault("ends_at", at(week, 1, 15))
    fields.setdefault("place", "Community Hall, Glasgow")
    fields.setdefault("organiser", "Scottish Community Development Centre")
    return EventDetails(**fields)


def event_make(week: Week, *, approve_by=None, by=None, **fields) -> Event:
    """Send an event (as the week's staff `by`, for a past week) and approve it if asked."""
    event = services.event_submit(
        week=week,
        details=event_details(week, **fields),
        sender_name="Sam",
        sender_email="sam@example.org",
        by=by or approve_by,
    )
    if approve_by is not None:
        event = services.event_approve(event=event, by=approve_by)
    return event


def story_details(**fields) -> StoryDetails:
    fields.setdefault("title", "How far a fiver goes")
    fields.setdefault("text", "We planned a litter pick for £5.")
    fields.setdefault("organisation_name", "Young Movers")
    return StoryDetails(**fields)


def story_make(week: Week, *, approve_by=None, image=None, **fields) -> Story:
    story = services.story_submit(
        week=week,
        details=story_details(**fields),
        sender_name="Abbie",
        sender_email="abbie@example.org",
        consent=True,
        image=image,
    )
    if approve_by is not None:
        story = services.story_approve(story=story, by=approve_by)
    return story


def seed_import(**changes):
    """Import the seed episode (optionally with its text changed); return the outcome."""
    data = SEED.read_bytes()
    for old, new in changes.items():
        data = data.replace(old.encode(), new.encode())
    return services.episode_import(parsed=episode_parse(data, name="seed.md"))
