"""Live workshops: sessions a facilitator runs, their activities, the phones that join, answers.

Participants are anonymous: a row holds a keyed hash of the phone's random device
token and, if they chose one, a nickname. Answers are one per phone per activity
(a database constraint); each answer's counted parts are `AnswerItem` rows, so every
kind of activity is counted by one aggregate query (decision 0051).
"""

import math

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
        FIVER = "fiver", _("Bid for a Fiver: teams plan something within a budget, then vote")

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
    # The meeting's record (decision 0067) names speakers by nickname only if this is on.
    record_names = models.BooleanField(_("nicknames in the meeting record"), default=False)
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
                condition=models.Q(kind__in=["workshop", "meeting", "fiver"]),
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

    @property
    def is_fiver(self) -> bool:
        return self.kind == self.Kind.FIVER

    @property
    def has_questions(self) -> bool:
        """A workshop is its questions; a meeting or a Bid for a Fiver needs none."""
        return self.kind == self.Kind.WORKSHOP


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
    # A Bid for a Fiver's vote where a phone can't choose its own team's plan (decision
    # 0066). Read with the rest of the activity when an answer comes in, so no other
    # question pays anything for the rule.
    bars_own_team = models.BooleanField(default=False)

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
    # ...and that phrase's entry in the organisation's glossary (decision 0065).
    word = models.ForeignKey(
        "GlossaryWord", on_delete=models.SET_NULL, null=True, blank=True, related_name="cards"
    )
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


class GlossaryWord(models.Model):
    """A word or phrase that lost someone in a meeting, and what it means in plain words.

    One per organisation for each way of writing it (`key`: case, plurals and spacing
    don't count, live/words.py). Stop cards that carry it are counted in `flagged`;
    the facilitator adds the `meaning`. Only words with a meaning, and not left out, are
    shown to participants and on the organisation's public page (decision 0065).
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="glossary_words"
    )
    key = models.CharField(max_length=80)
    words = models.CharField(_("word or phrase"), max_length=60)
    meaning = models.CharField(_("what it means"), max_length=300, blank=True)
    # How many Stop cards carried it: `F("flagged") + 1` in the press's own transaction.
    flagged = models.PositiveIntegerField(_("times it lost someone"), default=0)
    # The facilitator left it out: it is kept (and counted) but shown to nobody else.
    hidden = models.BooleanField(_("left out"), default=False)
    # Goes up whenever what people see of it changes, so phones know to redraw it.
    version = models.PositiveIntegerField(default=0)
    last_flagged_at = models.DateTimeField(null=True, blank=True)
    explained_at = models.DateTimeField(null=True, blank=True)
    explained_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organisation", "key"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "key"], name="live_glossary_one_entry_per_word"
            )
        ]
        verbose_name = _("glossary word")
        verbose_name_plural = _("glossary words")

    def __str__(self) -> str:
        return self.words

    @property
    def is_explained(self) -> bool:
        return bool(self.meaning) and not self.hidden


class FiverRound(models.Model):
    """Bid for a Fiver in one session: teams plan something within a budget and a time limit.

    The clock is the server's (decision 0066): while it runs, `deadline` says when time
    is up; paused, `remaining_seconds` keeps what was left. The vote is an ordinary
    multiple-choice activity of the session (`vote`), one option per team's plan.
    """

    class Stage(models.TextChoices):
        TEAMS = "teams", _("Making teams")
        PLANNING = "planning", _("Planning: the clock is on")
        GALLERY = "gallery", _("Time's up: the plans on the big screen")
        VOTING = "voting", _("Voting")
        WINNER = "winner", _("The winner")

    session = models.OneToOneField(LiveSession, on_delete=models.CASCADE, related_name="fiver")
    cap_pence = models.PositiveIntegerField(_("budget for each team"), default=500)
    minutes = models.PositiveSmallIntegerField(_("minutes to plan"), default=10)
    own_vote_barred = models.BooleanField(_("teams can't vote for their own plan"), default=False)
    stage = models.CharField(max_length=10, choices=Stage.choices, default=Stage.TEAMS)
    deadline = models.DateTimeField(null=True, blank=True)
    remaining_seconds = models.PositiveIntegerField(null=True, blank=True)
    vote = models.ForeignKey(
        Activity, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(stage__in=["teams", "planning", "gallery", "voting", "winner"]),
                name="live_fiver_stage_known",
            ),
            models.CheckConstraint(
                condition=models.Q(cap_pence__gte=1, cap_pence__lte=1_000_000),
                name="live_fiver_cap_in_range",
            ),
            models.CheckConstraint(
                condition=models.Q(minutes__gte=1, minutes__lte=120),
                name="live_fiver_minutes_in_range",
            ),
            # The clock runs (a deadline) or is paused (time left), never both.
            models.CheckConstraint(
                condition=models.Q(deadline__isnull=True)
                | models.Q(remaining_seconds__isnull=True),
                name="live_fiver_clock_runs_or_waits",
            ),
        ]
        verbose_name = _("Bid for a Fiver")
        verbose_name_plural = _("Bids for a Fiver")

    def __str__(self) -> str:
        return str(self.session)

    @property
    def is_paused(self) -> bool:
        return self.stage == self.Stage.PLANNING and self.remaining_seconds is not None

    def seconds_left(self, now) -> int:
        """Return the whole seconds left to plan at `now` (0 once time is up)."""
        if self.stage != self.Stage.PLANNING:
            return 0
        if self.deadline is not None:
            return max(0, math.ceil((self.deadline - now).total_seconds()))
        return self.remaining_seconds or 0

    def stage_at(self, now) -> str:
        """Return the stage at `now`: planning ends by itself when the deadline passes."""
        if self.stage == self.Stage.PLANNING and self.deadline is not None and self.deadline <= now:
            return self.Stage.GALLERY
        return self.stage


class Team(models.Model):
    """A team in a Bid for a Fiver, and its plan: a title, what they'll do, who it's for.

    The plan's items are rows of their own (`PlanItem`), added and taken off one at a
    time, so two people in a team writing at once never lose each other's items.
    """

    fiver = models.ForeignKey(FiverRound, on_delete=models.CASCADE, related_name="teams")
    name = models.CharField(_("team name"), max_length=40)
    # Typed on phones to join: short, with no look-alike letters (JOIN_CODE_ALPHABET).
    code = models.CharField(_("team code"), max_length=4)
    position = models.PositiveSmallIntegerField()
    title = models.CharField(_("name of your plan"), max_length=80, blank=True)
    doing = models.CharField(_("what you will do"), max_length=400, blank=True)
    for_whom = models.CharField(_("who it is for"), max_length=200, blank=True)
    # Goes up with every change to the plan or who is in the team (phones redraw it).
    version = models.PositiveIntegerField(default=0)
    # The team's option in the vote (0 is the first), once the vote is made.
    vote_option = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["fiver", "position"]
        constraints = [
            models.UniqueConstraint(fields=["fiver", "name"], name="live_team_name_unique"),
            models.UniqueConstraint(fields=["fiver", "code"], name="live_team_code_unique"),
            models.UniqueConstraint(fields=["fiver", "position"], name="live_team_position_unique"),
        ]
        verbose_name = _("team")
        verbose_name_plural = _("teams")

    def __str__(self) -> str:
        return self.name


class TeamMember(models.Model):
    """A phone in a team: one team per phone (a database rule)."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="members")
    participant = models.OneToOneField(
        Participant, on_delete=models.CASCADE, related_name="team_member"
    )
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("team member")
        verbose_name_plural = _("team members")

    def __str__(self) -> str:
        return f"{self.team_id}/{self.participant_id}"


class PlanItem(models.Model):
    """One thing a team's plan needs, with what it costs in whole pence.

    A team's items never add up to more than the budget: every change is checked
    against the total inside a transaction that holds the session's row (decision 0066).
    An item taken off keeps its row (`removed_at`), so an add sent again after a
    teammate took the item off is known as the same add and doesn't bring it back.
    """

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="items")
    what = models.CharField(_("what it is"), max_length=60)
    cost_pence = models.PositiveIntegerField(_("cost"))
    # Made by the phone for each item it adds, so an add sent twice is one item.
    client_id = models.UUIDField(unique=True)
    added_at = models.DateTimeField(auto_now_add=True)
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["team", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(cost_pence__lte=1_000_000), name="live_plan_item_cost_in_range"
            )
        ]
        verbose_name = _("plan item")
        verbose_name_plural = _("plan items")

    def __str__(self) -> str:
        return f"{self.what}: {self.cost_pence}p"

    @property
    def form_key(self) -> str:
        """Name the item's own form on the phone (to show a problem beside it)."""
        return f"item-{self.pk}"
