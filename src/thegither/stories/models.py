"""Co-production Week and the podcast archive.

Episodes come from Iriss.fm-style transcript files (`thegither episodes import`), one
row per speaker, part (segment) and turn, so every turn has its own address. A network
organisation runs a week each year; anyone can send it an event or a story, and
nothing sent is public until the network's staff approve it.
"""

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from thegither.accounts.models import Organisation

# Limits on what people type; forms and services both check them (test_long_input.py).
TITLE_MAX = 200
SHORT_TEXT_MAX = 200
TAG_MAX = 60
NAME_MAX = 100
STORY_TEXT_MAX = 10_000
EVENT_TEXT_MAX = 4_000
REASON_MAX = 2_000
ALT_TEXT_MAX = 300
URL_MAX = 500
THEME_MAX = 120
WEEK_SUMMARY_MAX = 2_000
IMAGE_MAX_BYTES = 10 * 1024 * 1024

# Episodes: limits on what a file may hold, checked by the importer with the line.
EPISODE_TITLE_MAX = 300
EPISODE_SLUG_MAX = 120
SPEAKER_CODE_MAX = 8
SPEAKER_NAME_MAX = 200


class Episode(models.Model):
    """A podcast episode and its transcript, imported from a file.

    `front_matter` keeps every key of the file as it was written, unknown ones too.
    A draft episode is kept but never shown to the public, in search or in the feed.
    """

    slug = models.SlugField(_("short name for links"), max_length=EPISODE_SLUG_MAX, unique=True)
    title = models.CharField(_("title"), max_length=EPISODE_TITLE_MAX)
    subtitle = models.TextField(_("summary"), blank=True)
    published_on = models.DateField(_("published on"), null=True, blank=True)
    recorded_at = models.DateTimeField(_("recorded on"), null=True, blank=True)
    duration_seconds = models.PositiveIntegerField(_("length in seconds"), null=True, blank=True)
    audio_urls = models.JSONField(_("where to listen"), default=list, blank=True)
    website_path = models.CharField(_("address on the old website"), max_length=300, blank=True)
    page_title = models.CharField(_("page title on the old website"), max_length=300, blank=True)
    introduction = models.TextField(_("introduction"), blank=True)
    is_draft = models.BooleanField(_("draft (not public)"), default=False)
    front_matter = models.JSONField(_("every field of the file"), default=dict, blank=True)
    source_name = models.CharField(_("file it came from"), max_length=300, blank=True)
    source_sha256 = models.CharField(max_length=64, blank=True, editable=False)
    imported_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-published_on", "title"]
        verbose_name = _("podcast episode")
        verbose_name_plural = _("podcast episodes")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("stories:episode-detail", args=[self.slug])

    @property
    def is_public(self) -> bool:
        return not self.is_draft

    @property
    def length_text(self) -> str:
        """Return the length as a clock shows it: "15:33", or "1:02:03" past an hour."""
        if self.duration_seconds is None:
            return ""
        hours, rest = divmod(self.duration_seconds, 3600)
        minutes, seconds = divmod(rest, 60)
        if hours:
            return f"{hours}:{minutes:02d}:{seconds:02d}"
        return f"{minutes}:{seconds:02d}"


class Speaker(models.Model):
    """Someone who speaks in an episode, from the file's legend (`MD - Michelle Drumm`)."""

    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="speakers")
    code = models.CharField(_("code"), max_length=SPEAKER_CODE_MAX)
    name = models.CharField(_("name"), max_length=SPEAKER_NAME_MAX)
    role = models.CharField(_("role"), max_length=SPEAKER_NAME_MAX, blank=True)
    organisation_name = models.CharField(_("organisation"), max_length=SPEAKER_NAME_MAX, blank=True)
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["episode", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["episode", "code"], name="stories_speaker_code_unique_in_episode"
            )
        ]
        verbose_name = _("speaker")
        verbose_name_plural = _("speakers")

    def __str__(self) -> str:
        return f"{self.code} – {self.name}"


class Segment(models.Model):
    """A part of an episode; the first part's heading may be empty."""

    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="segments")
    position = models.PositiveSmallIntegerField()
    heading = models.TextField(_("heading"), blank=True)

    class Meta:
        ordering = ["episode", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["episode", "position"], name="stories_segment_position_unique"
            )
        ]
        verbose_name = _("part of an episode")
        verbose_name_plural = _("parts of episodes")

    def __str__(self) -> str:
        return f"{self.episode} – {self.position}"


class Turn(models.Model):
    """One person speaking. `position` counts from 1 across the episode: `#turn-12`."""

    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="turns")
    segment = models.ForeignKey(Segment, on_delete=models.CASCADE, related_name="turns")
    speaker = models.ForeignKey(Speaker, on_delete=models.CASCADE, related_name="turns")
    position = models.PositiveIntegerField()
    text = models.TextField(_("what they said"))

    class Meta:
        ordering = ["episode", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["episode", "position"], name="stories_turn_position_unique"
            )
        ]
        verbose_name = _("turn")
        verbose_name_plural = _("turns")

    def __str__(self) -> str:
        return f"{self.episode} – {self.position}"

    def get_absolute_url(self) -> str:
        return f"{reverse('stories:episode-detail', args=[self.episode.slug])}#{self.anchor}"

    @property
    def anchor(self) -> str:
        return f"turn-{self.position}"


class Week(models.Model):
    """An organisation's Co-production Week one year: its days and its theme."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="weeks")
    year = models.PositiveSmallIntegerField(_("year"))
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    theme = models.CharField(_("theme"), max_length=THEME_MAX)
    summary = models.TextField(_("what the week is about"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organisation", "-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "year"], name="stories_week_one_per_year"
            ),
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="stories_week_ends_after_it_starts",
            ),
        ]
        verbose_name = _("Co-production Week")
        verbose_name_plural = _("Co-production Weeks")

    def __str__(self) -> str:
        return f"{self.organisation.name}: {self.year}"

    def get_absolute_url(self) -> str:
        return reverse("stories:week-detail", args=[self.organisation.slug, self.year])


class Status(models.TextChoices):
    """Where a sent event or story is: nothing is public until it is approved."""

    WAITING = "waiting", _("Waiting to be checked")
    APPROVED = "approved", _("Approved: on the website")
    DECLINED = "declined", _("Declined")


class Submission(models.Model):
    """What events and stories share: who sent it, and the staff's decision."""

    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.WAITING
    )
    sender_name = models.CharField(_("sent by"), max_length=NAME_MAX)
    # Only to tell the sender what the staff decided; never shown on the website.
    sender_email = models.EmailField(_("sender's email address"))
    decline_reason = models.TextField(_("why it was declined"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("checked by"),
    )
    decided_at = models.DateTimeField(_("checked on"), null=True, blank=True)
    created_at = models.DateTimeField(_("sent on"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True

    @property
    def is_approved(self) -> bool:
        return self.status == Status.APPROVED

    @property
    def is_waiting(self) -> bool:
        return self.status == Status.WAITING


class Event(Submission):
    """Something happening in the week: in a place, online, or both."""

    week = models.ForeignKey(Week, on_delete=models.CASCADE, related_name="events")
    title = models.CharField(_("title"), max_length=TITLE_MAX)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"), null=True, blank=True)
    place = models.CharField(_("where"), max_length=SHORT_TEXT_MAX, blank=True)
    is_online = models.BooleanField(_("online"), default=False)
    organiser = models.CharField(_("organiser"), max_length=SHORT_TEXT_MAX)
    audience = models.CharField(_("who it is for"), max_length=SHORT_TEXT_MAX, blank=True)
    accessibility = models.TextField(_("accessibility"), blank=True)
    booking_url = models.URLField(_("booking link"), max_length=URL_MAX, blank=True)
    description = models.TextField(_("what happens"), blank=True)
    # The calendar's name for this event, and how many times it changed (RFC 5545).
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    sequence = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["starts_at", "title"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=Status.values), name="stories_event_status_known"
            ),
            models.CheckConstraint(
                condition=models.Q(ends_at__isnull=True)
                | models.Q(ends_at__gte=models.F("starts_at")),
                name="stories_event_ends_after_it_starts",
            ),
        ]
        verbose_name = _("event")
        verbose_name_plural = _("events")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("stories:event-detail", args=[self.pk])


class ImageKind(models.TextChoices):
    JPEG = "jpg", _("JPEG picture")
    PNG = "png", _("PNG picture")
    WEBP = "webp", _("WebP picture")


# What each kind is, read from a file's content by libmagic, and what it is served as.
IMAGE_TYPES = {
    "image/jpeg": ImageKind.JPEG,
    "image/png": ImageKind.PNG,
    "image/webp": ImageKind.WEBP,
}
CONTENT_TYPE_OF_IMAGE_KIND = {kind: type_ for type_, kind in IMAGE_TYPES.items()}


class Story(Submission):
    """A story of working together, in any format: written, a link, a picture, or all three.

    The picture is stored under a new random name, with its hidden details taken out,
    and served only through a view that checks who may see it.
    """

    week = models.ForeignKey(Week, on_delete=models.CASCADE, related_name="stories")
    title = models.CharField(_("title"), max_length=TITLE_MAX)
    text = models.TextField(_("the story"), blank=True)
    link = models.URLField(_("link to a blog or video"), max_length=URL_MAX, blank=True)
    image = models.FileField(_("picture"), upload_to="story-images/", blank=True)
    image_kind = models.CharField(max_length=4, choices=ImageKind.choices, blank=True)
    image_alt = models.CharField(_("what is in the picture"), max_length=ALT_TEXT_MAX, blank=True)
    organisation_name = models.CharField(_("organisation or group"), max_length=SHORT_TEXT_MAX)
    theme = models.CharField(_("theme"), max_length=TAG_MAX, blank=True)
    sector = models.CharField(_("sector"), max_length=TAG_MAX, blank=True)
    place = models.CharField(_("place"), max_length=TAG_MAX, blank=True)
    consent = models.BooleanField(_("agreed it can be shared"), default=False)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=Status.values), name="stories_story_status_known"
            ),
            models.CheckConstraint(
                condition=models.Q(consent=True), name="stories_story_has_consent"
            ),
            models.CheckConstraint(
                condition=models.Q(image="") | ~models.Q(image_alt=""),
                name="stories_story_picture_has_alt_text",
            ),
        ]
        verbose_name = _("story")
        verbose_name_plural = _("stories")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("stories:story-detail", args=[self.pk])

    @property
    def tags(self) -> list[tuple[str, str]]:
        """Return the story's tags that are filled in, as (kind, value) pairs."""
        pairs = [(_("Theme"), self.theme), (_("Sector"), self.sector), (_("Place"), self.place)]
        return [(str(kind), value) for kind, value in pairs if value]


class SearchEntry(models.Model):
    """One thing search can find: an episode's introduction, a turn, a story or an event.

    Only public things have entries. On SQLite an FTS5 table mirrors `title` and `body`
    (kept in step by triggers); on PostgreSQL a GIN index holds their text search vector
    (migration 0002, search.py). Deleting the thing deletes its entry.
    """

    class Kind(models.TextChoices):
        EPISODE = "episode", _("Podcast episode")
        TURN = "turn", _("Transcript")
        STORY = "story", _("Story")
        EVENT = "event", _("Event")

    kind = models.CharField(max_length=8, choices=Kind.choices)
    episode = models.ForeignKey(Episode, null=True, blank=True, on_delete=models.CASCADE)
    turn = models.OneToOneField(Turn, null=True, blank=True, on_delete=models.CASCADE)
    story = models.OneToOneField(Story, null=True, blank=True, on_delete=models.CASCADE)
    event = models.OneToOneField(Event, null=True, blank=True, on_delete=models.CASCADE)
    url = models.CharField(max_length=400)
    title = models.CharField(max_length=400, blank=True)  # searched, counts most
    body = models.TextField(blank=True)  # searched
    label = models.CharField(max_length=400)  # shown as the result's link
    context = models.CharField(max_length=400, blank=True)  # shown under it

    class Meta:
        verbose_name = _("search entry")
        verbose_name_plural = _("search entries")

    def __str__(self) -> str:
        return f"{self.kind}: {self.label}"
