"""Every change to episodes, weeks, events and stories: imports, sending, checking.

Episodes are imported from files (importing.py reads them; `episode_import` saves one,
all or nothing, and importing the same file again changes nothing). Anyone may send
an event or a story for a week; it waits until the network's staff approve it, change
it, or decline it with a reason that is emailed back after the change is saved.
Submitted text goes through nh3, so no markup is ever kept; pictures are checked by
what is inside them and stored without their hidden details. Every change keeps the
search index in step (search.py).
"""

import datetime
import html
import re
import uuid
from dataclasses import dataclass

import nh3
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.validators import URLValidator, validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from thegither.accounts.models import Organisation, User
from thegither.core.image_metadata import DamagedImage, strip_image_metadata
from thegither.core.permissions import require
from thegither.core.refusals import Refusal, Refused
from thegither.core.services import audit_record
from thegither.core.uploads import CannotCheckFiles, content_type_of
from thegither.stories import search
from thegither.stories.importing import ParsedEpisode
from thegither.stories.models import (
    ALT_TEXT_MAX,
    EVENT_TEXT_MAX,
    IMAGE_MAX_BYTES,
    IMAGE_TYPES,
    NAME_MAX,
    REASON_MAX,
    SHORT_TEXT_MAX,
    STORY_TEXT_MAX,
    TAG_MAX,
    THEME_MAX,
    TITLE_MAX,
    URL_MAX,
    WEEK_SUMMARY_MAX,
    Episode,
    Event,
    Segment,
    Speaker,
    Status,
    Story,
    Turn,
    Week,
)
from thegither.stories.permissions import (
    can_moderate,
    can_run_weeks,
    can_send_event,
    can_submit_story,
)
from thegither.stories.tasks import submission_decided_email

EPISODE_FIELDS = (
    "title",
    "subtitle",
    "published_on",
    "recorded_at",
    "duration_seconds",
    "audio_urls",
    "website_path",
    "page_title",
    "introduction",
    "is_draft",
    "front_matter",
    "source_name",
    "source_sha256",
)


# --- Cleaning what people type


def clean_text(value: str) -> str:
    """Return the text with any markup taken out by nh3 (scripts with their content).

    The result is plain text, stored as typed (so "a < b" stays "a < b"); templates
    escape it when they show it.
    """
    value = (value or "").replace("\r\n", "\n").replace("\r", "\n")
    cleaned = html.unescape(nh3.clean(value, tags=set(), attributes={}))
    lines = [line.rstrip() for line in cleaned.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _one_line(value: str) -> str:
    return " ".join(clean_text(value).split())


def _too_long(limit: int) -> str:
    return _("Keep this to %(limit)s letters or fewer.") % {"limit": f"{limit:,}"}


_URLS = URLValidator(schemes=["http", "https"])


def _url_problem(url: str) -> str | None:
    if not url:
        return None
    if len(url) > URL_MAX:
        return _too_long(URL_MAX)
    try:
        _URLS(url)
    except ValidationError:
        return _("Write a whole web address, starting with https://")
    return None


def _email_problem(email: str) -> str | None:
    if not email:
        return _("Write your email address, so we can tell you what happens next.")
    if len(email) > 254:
        return _too_long(254)
    try:
        validate_email(email)
    except ValidationError:
        return _("Write an email address like name@example.org.")
    return None


def _check_lengths(errors: dict, values: dict[str, tuple[str, int]]) -> None:
    for field, (value, limit) in values.items():
        if len(value) > limit:
            errors.setdefault(field, []).append(_too_long(limit))


def _refuse_if(errors: dict) -> None:
    if errors:
        raise Refused(errors, kind=Refusal.INVALID)


# --- Episodes


@dataclass(frozen=True)
class ImportOutcome:
    episode: Episode
    created: bool
    changed: bool


@transaction.atomic
def episode_import(*, parsed: ParsedEpisode, by: User | None = None) -> ImportOutcome:
    """Save an episode read from a file: new, or the same slug updated. All or nothing.

    Importing the same file again (same bytes) changes nothing. A changed file replaces
    the episode's speakers, parts and turns, and the search index follows.
    """
    episode = Episode.objects.select_for_update().filter(slug=parsed.slug).first()
    created = episode is None
    if episode is not None and episode.source_sha256 == parsed.source_sha256:
        return ImportOutcome(episode=episode, created=False, changed=False)
    if created:
        episode = Episode(slug=parsed.slug)
    for name in EPISODE_FIELDS:
        setattr(episode, name, getattr(parsed, name))
    episode.save()
    if not created:
        # Turns go with their parts and speakers; their search entries go with them.
        episode.segments.all().delete()
        episode.speakers.all().delete()
    speakers = Speaker.objects.bulk_create(
        Speaker(
            episode=episode,
            code=speaker.code,
            name=speaker.name,
            role=speaker.role,
            organisation_name=speaker.organisation,
            position=position,
        )
        for position, speaker in enumerate(parsed.speakers, start=1)
    )
    by_code = {speaker.code: speaker for speaker in speakers}
    position = 0
    turns = []
    for number, parsed_segment in enumerate(parsed.segments, start=1):
        segment = Segment.objects.create(
            episode=episode, position=number, heading=parsed_segment.heading
        )
        for parsed_turn in parsed_segment.turns:
            position += 1
            turns.append(
                Turn(
                    episode=episode,
                    segment=segment,
                    speaker=by_code[parsed_turn.speaker_code],
                    position=position,
                    text=parsed_turn.text,
                )
            )
    Turn.objects.bulk_create(turns)
    search.index_episode(episode)
    audit_record(
        action="stories.episode_imported",
        actor=by,
        target=episode,
        details={
            "slug": episode.slug,
            "created": created,
            "file": parsed.source_name,
            "turns": len(turns),
            "draft": episode.is_draft,
        },
    )
    return ImportOutcome(episode=episode, created=created, changed=True)


@transaction.atomic
def episode_delete(*, episode: Episode, by: User | None = None) -> None:
    """Delete an episode with its transcript; its search entries go with it."""
    audit_record(
        action="stories.episode_deleted", actor=by, target=episode, details={"slug": episode.slug}
    )
    episode.delete()


# --- Weeks


@dataclass
class WeekDetails:
    starts_on: datetime.date | None = None
    ends_on: datetime.date | None = None
    theme: str = ""
    summary: str = ""


def _checked_week(details: WeekDetails) -> WeekDetails:
    theme = _one_line(details.theme)
    summary = clean_text(details.summary)
    errors: dict[str, list[str]] = {}
    if not theme:
        errors["theme"] = [_("Write the week's theme, like 'Stories'.")]
    _check_lengths(errors, {"theme": (theme, THEME_MAX), "summary": (summary, WEEK_SUMMARY_MAX)})
    if details.starts_on is None:
        errors["starts_on"] = [_("Give the first day of the week.")]
    if details.ends_on is None:
        errors["ends_on"] = [_("Give the last day of the week.")]
    if details.starts_on and details.ends_on:
        if details.ends_on < details.starts_on:
            errors["ends_on"] = [_("The last day can't be before the first day.")]
        elif (details.ends_on - details.starts_on).days > 30:
            errors["ends_on"] = [_("A week can last up to a month, not longer.")]
        elif details.ends_on.year != details.starts_on.year:
            errors["ends_on"] = [_("The week must start and end in the same year.")]
    _refuse_if(errors)
    return WeekDetails(
        starts_on=details.starts_on, ends_on=details.ends_on, theme=theme, summary=summary
    )


@transaction.atomic
def week_create(*, organisation: Organisation, details: WeekDetails, by: User) -> Week:
    """Set up the organisation's Co-production Week for a year (one a year)."""
    require(can_run_weeks(by, organisation))
    details = _checked_week(details)
    year = details.starts_on.year
    if Week.objects.filter(organisation=organisation, year=year).exists():
        raise Refused(
            {"starts_on": [_("There is already a week in %(year)s.") % {"year": year}]},
            kind=Refusal.TAKEN,
        )
    week = Week.objects.create(
        organisation=organisation,
        year=year,
        starts_on=details.starts_on,
        ends_on=details.ends_on,
        theme=details.theme,
        summary=details.summary,
    )
    audit_record(action="stories.week_created", actor=by, target=week, details={"year": year})
    return week


@transaction.atomic
def week_change(*, week: Week, details: WeekDetails, by: User) -> Week:
    """Change a week's days, theme or summary; it stays in the same year."""
    require(can_run_weeks(by, week.organisation))
    week = Week.objects.select_for_update().get(pk=week.pk)
    details = _checked_week(details)
    if details.starts_on.year != week.year:
        raise Refused(
            {"starts_on": [_("Keep the week in %(year)s.") % {"year": week.year}]},
            kind=Refusal.INVALID,
        )
    changed = [
        name
        for name in ("starts_on", "ends_on", "theme", "summary")
        if getattr(week, name) != getattr(details, name)
    ]
    for name in changed:
        setattr(week, name, getattr(details, name))
    if changed:
        week.save(update_fields=changed)
        audit_record(
            action="stories.week_changed", actor=by, target=week, details={"changed": changed}
        )
    return week


# --- Events


@dataclass
class EventDetails:
    """What an event is: typed by whoever sends it, changed by staff if needed."""

    title: str = ""
    starts_at: datetime.datetime | None = None
    ends_at: datetime.datetime | None = None
    place: str = ""
    is_online: bool = False
    organiser: str = ""
    audience: str = ""
    accessibility: str = ""
    booking_url: str = ""
    description: str = ""


def _checked_event(details: EventDetails, week: Week) -> EventDetails:
    cleaned = EventDetails(
        title=_one_line(details.title),
        starts_at=details.starts_at,
        ends_at=details.ends_at,
        place=_one_line(details.place),
        is_online=bool(details.is_online),
        organiser=_one_line(details.organiser),
        audience=_one_line(details.audience),
        accessibility=clean_text(details.accessibility),
        booking_url=(details.booking_url or "").strip(),
        description=clean_text(details.description),
    )
    errors: dict[str, list[str]] = {}
    if not cleaned.title:
        errors["title"] = [_("Give the event a title.")]
    if not cleaned.organiser:
        errors["organiser"] = [_("Say who is running it.")]
    if not cleaned.place and not cleaned.is_online:
        errors["place"] = [_("Say where it is, or tick 'Online'.")]
    _check_lengths(
        errors,
        {
            "title": (cleaned.title, TITLE_MAX),
            "organiser": (cleaned.organiser, SHORT_TEXT_MAX),
            "place": (cleaned.place, SHORT_TEXT_MAX),
            "audience": (cleaned.audience, SHORT_TEXT_MAX),
            "accessibility": (cleaned.accessibility, EVENT_TEXT_MAX),
            "description": (cleaned.description, EVENT_TEXT_MAX),
        },
    )
    problem = _url_problem(cleaned.booking_url)
    if problem:
        errors["booking_url"] = [problem]
    if cleaned.starts_at is None:
        errors["starts_at"] = [_("Give the day and time it starts.")]
    else:
        day = timezone.localtime(cleaned.starts_at).date()
        if not week.starts_on <= day <= week.ends_on:
            errors["starts_at"] = [
                _("It must be during the week: %(first)s to %(last)s.")
                % {
                    "first": week.starts_on.strftime("%-d %B"),
                    "last": week.ends_on.strftime("%-d %B %Y"),
                }
            ]
        if cleaned.ends_at is not None and cleaned.ends_at < cleaned.starts_at:
            errors["ends_at"] = [_("It can't end before it starts.")]
    _refuse_if(errors)
    return cleaned


EVENT_FIELDS = (
    "title",
    "starts_at",
    "ends_at",
    "place",
    "is_online",
    "organiser",
    "audience",
    "accessibility",
    "booking_url",
    "description",
)


def _sender(name: str, email: str) -> tuple[str, str]:
    name = _one_line(name)
    email = (email or "").strip()
    errors: dict[str, list[str]] = {}
    if not name:
        errors["sender_name"] = [_("Write your name.")]
    elif len(name) > NAME_MAX:
        errors["sender_name"] = [_too_long(NAME_MAX)]
    problem = _email_problem(email)
    if problem:
        errors["sender_email"] = [problem]
    _refuse_if(errors)
    return name, email


@transaction.atomic
def event_submit(
    *,
    week: Week,
    details: EventDetails,
    sender_name: str,
    sender_email: str,
    by: User | None = None,
) -> Event:
    """Send an event for the week. It waits for the network's staff: nothing is public yet.

    The week takes events until its last day; its staff (`by`) may add one to a past
    week too, to keep the record of what happened.
    """
    require(can_send_event(by or AnonymousUser(), week))
    errors: dict[str, list[str]] = {}
    try:
        sender_name, sender_email = _sender(sender_name, sender_email)
    except Refused as refused:
        errors.update(refused.message_dict)
    try:
        details = _checked_event(details, week)
    except Refused as refused:
        errors.update(refused.message_dict)
    _refuse_if(errors)
    event = Event.objects.create(
        week=week,
        sender_name=sender_name,
        sender_email=sender_email,
        **{name: getattr(details, name) for name in EVENT_FIELDS},
    )
    audit_record(action="stories.event_sent", actor=by, target=event, details={"week": week.pk})
    return event


def _locked(model, thing):
    return model.objects.select_for_update().select_related("week__organisation").get(pk=thing.pk)


@transaction.atomic
def event_change(*, event: Event, details: EventDetails, by: User) -> Event:
    """Change an event before or after it is approved (calendars see the new version)."""
    require(can_moderate(by, event.week))
    event = _locked(Event, event)
    details = _checked_event(details, event.week)
    changed = [name for name in EVENT_FIELDS if getattr(event, name) != getattr(details, name)]
    if not changed:
        return event
    for name in changed:
        setattr(event, name, getattr(details, name))
    event.sequence += 1
    event.save(update_fields=[*changed, "sequence", "updated_at"])
    search.index_event(event)
    audit_record(
        action="stories.event_changed", actor=by, target=event, details={"changed": changed}
    )
    return event


def _decide(thing, model, *, status: str, reason: str, by: User, kind: str):
    require(can_moderate(by, thing.week))
    thing = _locked(model, thing)
    reason = clean_text(reason)
    if status == Status.DECLINED:
        if not reason:
            raise Refused(
                {"reason": [_("Say why, in a sentence or two: it is emailed to the sender.")]},
                kind=Refusal.INVALID,
            )
        if len(reason) > REASON_MAX:
            raise Refused({"reason": [_too_long(REASON_MAX)]}, kind=Refusal.TOO_LONG)
    if thing.status == status:
        return thing  # pressed twice: nothing more happens, and no second email
    old = thing.status
    thing.status = status
    thing.decline_reason = reason if status == Status.DECLINED else ""
    thing.decided_by = by
    thing.decided_at = timezone.now()
    thing.save(update_fields=["status", "decline_reason", "decided_by", "decided_at", "updated_at"])
    if kind == "event":
        search.index_event(thing)
    else:
        search.index_story(thing)
    audit_record(
        action=f"stories.{kind}_{status}",
        actor=by,
        target=thing,
        details={"from": old, "to": status},
    )
    transaction.on_commit(lambda: submission_decided_email.enqueue(kind, thing.pk))
    return thing


@transaction.atomic
def event_approve(*, event: Event, by: User) -> Event:
    """Put the event on the week's page, in its calendar and in search; tell the sender."""
    return _decide(event, Event, status=Status.APPROVED, reason="", by=by, kind="event")


@transaction.atomic
def event_decline(*, event: Event, reason: str, by: User) -> Event:
    """Decline the event (taking it off the website if it was on), and email the reason."""
    return _decide(event, Event, status=Status.DECLINED, reason=reason, by=by, kind="event")


@transaction.atomic
def event_delete(*, event: Event, by: User) -> None:
    """Delete an event for good (its search entry goes with it)."""
    require(can_moderate(by, event.week))
    audit_record(
        action="stories.event_deleted", actor=by, target=event, details={"week": event.week_id}
    )
    event.delete()


# --- Stories


@dataclass
class StoryDetails:
    """What a story says: typed by whoever sends it, changed by staff if needed."""

    title: str = ""
    text: str = ""
    link: str = ""
    image_alt: str = ""
    organisation_name: str = ""
    theme: str = ""
    sector: str = ""
    place: str = ""


STORY_FIELDS = (
    "title",
    "text",
    "link",
    "image_alt",
    "organisation_name",
    "theme",
    "sector",
    "place",
)


def _checked_story(details: StoryDetails, *, has_image: bool) -> StoryDetails:
    cleaned = StoryDetails(
        title=_one_line(details.title),
        text=clean_text(details.text),
        link=(details.link or "").strip(),
        image_alt=_one_line(details.image_alt),
        organisation_name=_one_line(details.organisation_name),
        theme=_one_line(details.theme),
        sector=_one_line(details.sector),
        place=_one_line(details.place),
    )
    errors: dict[str, list[str]] = {}
    if not cleaned.title:
        errors["title"] = [_("Give your story a title.")]
    if not cleaned.organisation_name:
        errors["organisation_name"] = [_("Say which organisation or group it is from.")]
    if not (cleaned.text or cleaned.link or has_image):
        errors["text"] = [_("Write your story, give a link to it, or add a picture.")]
    if has_image and not cleaned.image_alt:
        errors["image_alt"] = [_("Say what is in the picture, for people who can't see it.")]
    _check_lengths(
        errors,
        {
            "title": (cleaned.title, TITLE_MAX),
            "text": (cleaned.text, STORY_TEXT_MAX),
            "image_alt": (cleaned.image_alt, ALT_TEXT_MAX),
            "organisation_name": (cleaned.organisation_name, SHORT_TEXT_MAX),
            "theme": (cleaned.theme, TAG_MAX),
            "sector": (cleaned.sector, TAG_MAX),
            "place": (cleaned.place, TAG_MAX),
        },
    )
    problem = _url_problem(cleaned.link)
    if problem:
        errors["link"] = [problem]
    _refuse_if(errors)
    if not has_image:
        cleaned.image_alt = ""
    return cleaned


def _image_read(file) -> tuple[bytes, str]:
    """Read an uploaded picture; return its bytes without hidden details, and its kind."""
    size = getattr(file, "size", None)
    data = b""
    if size is None or size <= IMAGE_MAX_BYTES:
        file.seek(0)
        data = file.read(IMAGE_MAX_BYTES + 1)
    if len(data) > IMAGE_MAX_BYTES or (size is not None and size > IMAGE_MAX_BYTES):
        raise Refused(
            {"image": [_("This picture is too big. Pictures can be up to 10 MB.")]},
            kind=Refusal.TOO_BIG,
        )
    if not data:
        raise Refused({"image": [_("This file is empty. Choose another.")]}, kind=Refusal.BAD_FILE)
    try:
        kind = IMAGE_TYPES.get(content_type_of(data))
    except CannotCheckFiles as error:
        raise Refused(
            {
                "image": [
                    _(
                        "Pictures can't be added on this server yet, because it can't check "
                        "what is inside them. Ask whoever runs Thegither to install libmagic."
                    )
                ]
            },
            kind=Refusal.CANNOT_CHECK,
        ) from error
    if kind is None:
        raise Refused(
            {"image": [_("We can't take this kind of file. Choose a JPEG, PNG or WebP picture.")]},
            kind=Refusal.BAD_FILE,
        )
    try:
        return strip_image_metadata(data, kind), kind
    except DamagedImage as error:
        raise Refused(
            {
                "image": [
                    _(
                        "This picture seems to be damaged, so we can't take it. Try saving it "
                        "again, or choose another."
                    )
                ]
            },
            kind=Refusal.BAD_FILE,
        ) from error


@transaction.atomic
def story_submit(
    *,
    week: Week,
    details: StoryDetails,
    sender_name: str,
    sender_email: str,
    consent: bool,
    image=None,
) -> Story:
    """Send a story for the week: text, a link, a picture, or all of them.

    It waits for the network's staff: nothing is public yet. The sender must say it may
    be shared; a picture needs words saying what is in it.
    """
    require(can_submit_story(week))
    errors: dict[str, list[str]] = {}
    try:
        sender_name, sender_email = _sender(sender_name, sender_email)
    except Refused as refused:
        errors.update(refused.message_dict)
    try:
        details = _checked_story(details, has_image=image is not None)
    except Refused as refused:
        errors.update(refused.message_dict)
    if consent is not True:
        errors["consent"] = [
            _("Tick the box to say the story can be shared, or we can't put it on the website.")
        ]
    _refuse_if(errors)
    data, kind = _image_read(image) if image is not None else (b"", "")
    story = Story(
        week=week,
        sender_name=sender_name,
        sender_email=sender_email,
        consent=True,
        image_kind=kind,
        **{name: getattr(details, name) for name in STORY_FIELDS},
    )
    if data:
        story.image.save(f"{uuid.uuid4().hex}.{kind}", ContentFile(data), save=False)
    story.save()
    audit_record(
        action="stories.story_sent",
        target=story,
        details={"week": week.pk, "picture": bool(data), "link": bool(story.link)},
    )
    return story


@transaction.atomic
def story_change(
    *, story: Story, details: StoryDetails, by: User, remove_image: bool = False
) -> Story:
    """Change a story's words, tags or picture description, or take its picture off."""
    require(can_moderate(by, story.week))
    story = _locked(Story, story)
    keeps_image = bool(story.image) and not remove_image
    details = _checked_story(details, has_image=keeps_image)
    changed = [name for name in STORY_FIELDS if getattr(story, name) != getattr(details, name)]
    for name in changed:
        setattr(story, name, getattr(details, name))
    if story.image and remove_image:
        storage, name = story.image.storage, story.image.name
        story.image = ""
        story.image_kind = ""
        changed += ["image", "image_kind"]
        transaction.on_commit(lambda: storage.delete(name))
    if not changed:
        return story
    story.save(update_fields=[*changed, "updated_at"])
    search.index_story(story)
    audit_record(
        action="stories.story_changed", actor=by, target=story, details={"changed": changed}
    )
    return story


@transaction.atomic
def story_approve(*, story: Story, by: User) -> Story:
    """Put the story on the week's page and in search; tell the sender."""
    return _decide(story, Story, status=Status.APPROVED, reason="", by=by, kind="story")


@transaction.atomic
def story_decline(*, story: Story, reason: str, by: User) -> Story:
    """Decline the story (taking it off the website if it was on), and email the reason."""
    return _decide(story, Story, status=Status.DECLINED, reason=reason, by=by, kind="story")


@transaction.atomic
def story_delete(*, story: Story, by: User) -> None:
    """Delete a story for good, with its picture (its search entry goes with it)."""
    require(can_moderate(by, story.week))
    audit_record(
        action="stories.story_deleted", actor=by, target=story, details={"week": story.week_id}
    )
    if story.image:
        storage, name = story.image.storage, story.image.name
        transaction.on_commit(lambda: storage.delete(name))
    story.delete()
