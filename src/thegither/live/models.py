"""Live workshops: sessions a facilitator runs, their activities, the phones that join, answers.

Participants are anonymous: a row holds a keyed hash of the phone's random device
token and, if they chose one, a nickname. Answers are one per phone per activity
(a database constraint); each answer's counted parts are `AnswerItem` rows, so every
kind of activity is counted by one aggregate query (decision 0051).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from thegither.accounts.models import Organisation, User

# No look-alikes: no 0/O, no 1/I/L.
JOIN_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
JOIN_CODE_LENGTH = 6


class LiveSession(models.Model):
    """A workshop a facilitator runs live, or a draft to run (and copy) later."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Not started")
        OPEN = "open", _("Open: people can join")
        LOCKED = "locked", _("Locked: nobody new can join")
        ENDED = "ended", _("Ended")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="live_sessions"
    )
    title = models.CharField(_("title"), max_length=120)
    join_code = models.CharField(_("join code"), max_length=JOIN_CODE_LENGTH, unique=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.DRAFT)
    current_activity = models.ForeignKey(
        "Activity", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    results_shown = models.BooleanField(_("results shown"), default=False)
    # Goes up by one (an UPDATE with F(), never read-modify-write) with every change
    # a screen shows; snapshots carry it so screens can tell old from new.
    seq = models.PositiveBigIntegerField(default=0)
    created_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(state__in=["draft", "open", "locked", "ended"]),
                name="live_session_state_known",
            )
        ]
        verbose_name = _("live session")
        verbose_name_plural = _("live sessions")

    def __str__(self) -> str:
        return self.title

    @property
    def is_running(self) -> bool:
        return self.state in {self.State.OPEN, self.State.LOCKED}


class Activity(models.Model):
    """One question or task in a session, shown in `position` order."""

    class Kind(models.TextChoices):
        YES_NO = "yes-no", _("Yes, no or not sure")
        CHOICE = "choice", _("Multiple choice")
        SCALE = "scale", _("Scale from 1 to 5")
        WORD_CLOUD = "word-cloud", _("Word cloud")
        OPEN_TEXT = "open-text", _("Open text")
        RANKING = "ranking", _("Ranking")
        POINTS = "points", _("Points to share out")
        LADDER = "ladder", _("Is this co-production?")

    class State(models.TextChoices):
        WAITING = "waiting", _("Not opened yet")
        OPEN = "open", _("Open for answers")
        CLOSED = "closed", _("Closed")

    session = models.ForeignKey(LiveSession, on_delete=models.CASCADE, related_name="activities")
    position = models.PositiveIntegerField()
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    prompt = models.CharField(_("question"), max_length=200)
    # A list of short labels; its shape for each kind is checked by `activity_add`.
    options = models.JSONField(_("options"), default=list, blank=True)
    several = models.BooleanField(_("more than one answer allowed"), default=False)
    # For a scale: a face beside each number, from very unhappy (1) to very happy (5).
    faces = models.BooleanField(_("faces for a scale"), default=False)
    points_total = models.PositiveIntegerField(_("points to share out"), default=0)
    state = models.CharField(max_length=8, choices=State.choices, default=State.WAITING)
    # Open-text answers wait for the facilitator before anyone else sees them.
    needs_approval = models.BooleanField(_("hold answers until I approve them"), default=True)

    class Meta:
        ordering = ["session", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "position"], name="live_activity_position_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(
                    kind__in=[
                        "yes-no",
                        "choice",
                        "scale",
                        "word-cloud",
                        "open-text",
                        "ranking",
                        "points",
                        "ladder",
                    ]
                ),
                name="live_activity_kind_known",
            ),
        ]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")

    def __str__(self) -> str:
        return self.prompt


class Participant(models.Model):
    """A phone that joined a session. No personal data: a hashed token and maybe a nickname."""

    session = models.ForeignKey(LiveSession, on_delete=models.CASCADE, related_name="participants")
    # keyed_hash of the session and the phone's device token: the token itself is
    # never stored, and the same phone can't be linked across sessions.
    token_hash = models.CharField(max_length=64, unique=True)
    nickname = models.CharField(_("nickname"), max_length=20, blank=True)
    removed = models.BooleanField(_("removed"), default=False)
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["joined_at", "pk"]
        verbose_name = _("participant")
        verbose_name_plural = _("participants")

    def __str__(self) -> str:
        return self.nickname or f"#{self.pk}"


class Answer(models.Model):
    """A phone's one answer to one activity; answering again replaces it."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="answers")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="answers")
    # Made by the phone for each answer it sends, so a retry is never counted twice.
    client_id = models.UUIDField(unique=True)
    value = models.JSONField(default=dict)
    # For open text: shown on the screens (approved, or no approval needed).
    shown = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["activity", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "activity"], name="live_answer_one_per_phone"
            )
        ]
        verbose_name = _("answer")
        verbose_name_plural = _("answers")

    def __str__(self) -> str:
        return f"{self.activity_id}/{self.pk}"


class Upvote(models.Model):
    """A phone agreeing with a written answer that is shown; one per phone per answer."""

    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="upvotes")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["answer", "participant"], name="live_upvote_one_per_phone"
            )
        ]
        verbose_name = _("up-vote")
        verbose_name_plural = _("up-votes")

    def __str__(self) -> str:
        return f"{self.answer_id}+1"


class AnswerItem(models.Model):
    """One counted part of an answer: a choice, a word, a place in a ranking, some points."""

    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="items")
    # Copied from the answer so counting an activity reads one table by one index.
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=40)
    amount = models.IntegerField(default=1)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["answer", "key"], name="live_answer_item_unique")
        ]
        indexes = [models.Index(fields=["activity", "key"], name="live_item_activity_key")]
        verbose_name = _("answer part")
        verbose_name_plural = _("answer parts")

    def __str__(self) -> str:
        return f"{self.key}: {self.amount}"
