"""Reads for stories: episodes and their transcripts, weeks and what is on them, search.

Each returns what its page shows, already joined, so a page runs a fixed number of
queries however many turns, events or stories there are.
"""

import datetime
import itertools
from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from thegither.accounts.models import Organisation
from thegither.stories import search
from thegither.stories.models import (
    Episode,
    Event,
    Segment,
    Speaker,
    Status,
    Story,
    Turn,
    Week,
)

# An episode belongs to a week if it came out during it or in the fortnight after
# (the seed episode came out the day after Co-production Week 2018). Decision 0070.
EPISODE_DAYS_AFTER_WEEK = 14


# --- Episodes


def episodes_public() -> QuerySet[Episode]:
    """Return the public episodes, newest first."""
    return Episode.objects.filter(is_draft=False).order_by("-published_on", "title")


def episodes_for_feed() -> list[Episode]:
    """Return the public episodes someone can listen to (with a link to the audio)."""
    return [episode for episode in episodes_public() if episode.audio_urls]


def episode_get(slug: str) -> Episode:
    """Return the episode with this slug, public or not (permissions decide who sees it)."""
    return Episode.objects.get(slug=slug)


@dataclass(frozen=True)
class Transcript:
    speakers: list[Speaker]
    segments: list[Segment]  # each with `.turn_list`, every turn with its speaker


def transcript_of(episode: Episode) -> Transcript:
    """Return the episode's speakers in legend order and its parts with their turns."""
    speakers = list(episode.speakers.order_by("position"))
    by_id = {speaker.pk: speaker for speaker in speakers}
    turns = Turn.objects.filter(episode=episode).order_by("position")
    segments = list(
        episode.segments.order_by("position").prefetch_related(
            Prefetch("turns", queryset=turns, to_attr="turn_list")
        )
    )
    for segment in segments:
        for turn in segment.turn_list:
            turn.speaker = by_id[turn.speaker_id]
            turn.episode = episode
    return Transcript(speakers=speakers, segments=segments)


def episode_as_json(episode: Episode) -> dict:
    """Return the episode as the documented JSON object (docs/stories.md).

    Keys: slug, title, subtitle, published (ISO date or null), duration_seconds,
    audio_urls, speakers [{code, name}] in legend order, introduction, segments
    [{heading, turns: [{speaker_code, speaker_name, text}]}] and draft.
    """
    transcript = transcript_of(episode)
    return {
        "slug": episode.slug,
        "title": episode.title,
        "subtitle": episode.subtitle,
        "published": episode.published_on.isoformat() if episode.published_on else None,
        "duration_seconds": episode.duration_seconds,
        "audio_urls": list(episode.audio_urls),
        "speakers": [
            {"code": speaker.code, "name": speaker.name} for speaker in transcript.speakers
        ],
        "introduction": episode.introduction,
        "segments": [
            {
                "heading": segment.heading,
                "turns": [
                    {
                        "speaker_code": turn.speaker.code,
                        "speaker_name": turn.speaker.name,
                        "text": turn.text,
                    }
                    for turn in segment.turn_list
                ],
            }
            for segment in transcript.segments
        ],
        "draft": episode.is_draft,
    }


def episodes_of_week(week: Week) -> list[Episode]:
    """Return the public episodes that came out during the week or the fortnight after."""
    last = week.ends_on + datetime.timedelta(days=EPISODE_DAYS_AFTER_WEEK)
    return list(
        episodes_public()
        .filter(published_on__gte=week.starts_on, published_on__lte=last)
        .order_by("published_on", "title")
    )


# --- Weeks


def week_get(slug: str, year: int) -> Week:
    """Return the organisation's week that year, with its organisation."""
    return Week.objects.select_related("organisation").get(organisation__slug=slug, year=year)


def organisation_get(slug: str) -> Organisation:
    return Organisation.objects.get(slug=slug)


def weeks_of(organisation: Organisation) -> list[Week]:
    """Return the organisation's weeks, newest first, with how many approved and waiting."""
    return list(
        Week.objects.filter(organisation=organisation)
        .select_related("organisation")
        .annotate(
            approved_events=Count(
                "events", filter=Q(events__status=Status.APPROVED), distinct=True
            ),
            approved_stories=Count(
                "stories", filter=Q(stories__status=Status.APPROVED), distinct=True
            ),
            waiting_events=Count("events", filter=Q(events__status=Status.WAITING), distinct=True),
            waiting_stories=Count(
                "stories", filter=Q(stories__status=Status.WAITING), distinct=True
            ),
        )
        .order_by("-year")
    )


def weeks_everywhere() -> list[Week]:
    """Return every organisation's weeks, newest first (for the stories front page)."""
    return list(Week.objects.select_related("organisation").order_by("-year", "organisation__name"))


@dataclass(frozen=True)
class Day:
    date: datetime.date
    events: list[Event]


@dataclass(frozen=True)
class WeekPage:
    week: Week
    days: list[Day]
    stories: list[Story]
    episodes: list[Episode]
    organisation_count: int
    story_count: int
    event_count: int
    past_weeks: list[Week]


def _organisation_key(name: str) -> str:
    return " ".join(name.casefold().split())


def week_page(week: Week) -> WeekPage:
    """Return what the week's public page shows: approved events by day, approved stories,
    the week's episodes, how many organisations took part and the other weeks."""
    events = list(Event.objects.filter(week=week, status=Status.APPROVED).order_by("starts_at"))
    stories = list(
        Story.objects.filter(week=week, status=Status.APPROVED).order_by("-decided_at", "-pk")
    )
    days = [
        Day(date=date, events=list(group))
        for date, group in itertools.groupby(
            events, key=lambda event: timezone.localtime(event.starts_at).date()
        )
    ]
    organisations = {_organisation_key(event.organiser) for event in events}
    organisations |= {_organisation_key(story.organisation_name) for story in stories}
    organisations.discard("")
    past = list(
        Week.objects.filter(organisation=week.organisation)
        .exclude(pk=week.pk)
        .select_related("organisation")
        .order_by("-year")
    )
    return WeekPage(
        week=week,
        days=days,
        stories=stories,
        episodes=episodes_of_week(week),
        organisation_count=len(organisations),
        story_count=len(stories),
        event_count=len(events),
        past_weeks=past,
    )


@dataclass(frozen=True)
class Moderation:
    waiting_events: list[Event]
    waiting_stories: list[Story]
    decided_events: list[Event]
    decided_stories: list[Story]


def moderation_of(week: Week) -> Moderation:
    """Return what is waiting to be checked for the week, oldest first, and what was decided."""
    events = list(Event.objects.filter(week=week).select_related("decided_by").order_by("pk"))
    stories = list(Story.objects.filter(week=week).select_related("decided_by").order_by("pk"))
    return Moderation(
        waiting_events=[event for event in events if event.status == Status.WAITING],
        waiting_stories=[story for story in stories if story.status == Status.WAITING],
        decided_events=[event for event in events if event.status != Status.WAITING],
        decided_stories=[story for story in stories if story.status != Status.WAITING],
    )


def event_get(pk: int) -> Event:
    return Event.objects.select_related("week__organisation").get(pk=pk)


def story_get(pk: int) -> Story:
    return Story.objects.select_related("week__organisation").get(pk=pk)


def week_events(week: Week) -> list[Event]:
    """Return the week's approved events, for its calendar."""
    return list(
        Event.objects.filter(week=week, status=Status.APPROVED)
        .select_related("week__organisation")
        .order_by("starts_at")
    )


# --- Search


def search_everything(query: str) -> list[search.Hit]:
    """Return public turns, episodes, stories and events matching every word, best first."""
    return search.search(query)
