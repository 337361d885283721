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

    class Kind(models.TextChoices):
        WORKSHOP = "workshop", _("Workshop: questions to answer on phones")
        MEETING = "meeting", _("Meeting: cards and a speaking queue, no questions needed")

    class StopWords(models.TextChoices):
        STOP = "stop", _("Stop - I don't understand")
        WHAT = "what", _("What do you mean?")

    class QueuePolicy(models.TextChoices):
        FAIR = "fair", _("Fair turns: whoever has spoken least goes first")
        FIRST = "first", _("First come, first served: in the order hands went up")

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
    # ---- meeting cards and the speaking queue (decision 0063) ----
    kind = models.CharField(
        _("kind of session"), max_length=10, choices=Kind.choices, default=Kind.WORKSHOP
    )
    cards_on = models.BooleanField(_("meeting cards on phones"), default=False)
    stop_words = models.CharField(
        _("words on the red card"), max_length=4, choices=StopWords.choices, default=StopWords.STOP
    )
    stop_names_shown = models.BooleanField(_("show me who pressed Stop"), default=False)
    queue_on_screen = models.BooleanField(_("show the queue on the big screen"), default=False)
    queue_policy = models.CharField(
        _("who speaks next"), max_length=5, choices=QueuePolicy.choices, default=QueuePolicy.FAIR
    )
    queue_paused = models.BooleanField(_("speaking queue paused"), default=False)
    # The facilitator moved someone: the queue keeps their order (live/queue.py).
    queue_by_hand = models.BooleanField(default=False)
    # Goes up each time the facilitator puts cards down, so phones know to redraw theirs.
    cards_round = models.PositiveIntegerField(default=0)
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
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=["workshop", "meeting"]),
                name="live_session_kind_known",
            ),
            # A meeting is run with cards, so they can't be off.
            models.CheckConstraint(
                condition=~models.Q(kind="meeting") | models.Q(cards_on=True),
                name="live_session_meeting_has_cards",
            ),
            models.CheckConstraint(
                condition=models.Q(queue_policy__in=["fair", "first"]),
                name="live_session_queue_policy_known",
            ),
            models.CheckConstraint(
                condition=models.Q(stop_words__in=["stop", "what"]),
                name="live_session_stop_words_known",
            ),
        ]
        verbose_name = _("live session")
        verbose_name_plural = _("live sessions")

    def __str__(self) -> str:
        return self.title

    @property
    def is_running(self) -> bool:
        return self.state in {self.State.OPEN, self.State.LOCKED}

    @property
    def is_meeting(self) -> bool:
        return self.kind == self.Kind.MEETING

    @property
    def has_cards(self) -> bool:
        return self.cards_on or self.is_meeting


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


class Card(models.Model):
    """A card a phone holds up: to speak, Stop, not to speak, or for a break (decision 0063).

    One row per press. A card is up until the phone puts it down or the facilitator
    does; an "I want to speak" card that is called is the speaker's, and when they
    finish it is a turn, with how long they spoke.
    """

    class Kind(models.TextChoices):
        SPEAK = "speak", _("I want to speak")
        STOP = "stop", _("Stop")
        QUIET = "quiet", _("I don't want to speak")
        BREAK = "break", _("Can we take a break?")

    class State(models.TextChoices):
        UP = "up", _("Up")
        SPEAKING = "speaking", _("Speaking now")
        DONE = "done", _("Had a turn")
        DOWN = "down", _("Put down")

    OPEN_STATES = ("up", "speaking")

    session = models.ForeignKey(LiveSession, on_delete=models.CASCADE, related_name="cards")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="cards")
    kind = models.CharField(_("card"), max_length=5, choices=Kind.choices)
    state = models.CharField(max_length=8, choices=State.choices, default=State.UP)
    # Made by the phone for each press, so a press sent twice is counted once.
    client_id = models.UUIDField(unique=True)
    # For Stop: the word or phrase that lost them, if they gave one (after the word filter).
    phrase = models.CharField(_("word or phrase"), max_length=60, blank=True)
    # Where the facilitator put the hand in the queue, while the queue is in their order.
    place = models.PositiveIntegerField(null=True, blank=True)
    raised_at = models.DateTimeField(auto_now_add=True)
    called_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    # How long a turn lasted, in whole seconds (from called to finished).
    seconds = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["session", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=["speak", "stop", "quiet", "break"]),
                name="live_card_kind_known",
            ),
            models.CheckConstraint(
                condition=models.Q(state__in=["up", "down"])
                | models.Q(kind="speak", state__in=["speaking", "done"]),
                name="live_card_state_fits_kind",
            ),
            # A phone holds up at most one card of each kind: no hand is in the queue twice.
            models.UniqueConstraint(
                fields=["participant", "kind"],
                condition=models.Q(state__in=["up", "speaking"]),
                name="live_card_one_up_per_phone",
            ),
            # One speaker at a time.
            models.UniqueConstraint(
                fields=["session"],
                condition=models.Q(state="speaking"),
                name="live_card_one_speaker",
            ),
        ]
        indexes = [models.Index(fields=["session", "kind", "state"], name="live_card_session_kind")]
        verbose_name = _("card")
        verbose_name_plural = _("cards")

    def __str__(self) -> str:
        return f"{self.kind}/{self.pk}"
