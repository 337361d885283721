"""Writes for live sessions: making them, running them, joining, answering, cards and the queue.

Every change a screen shows publishes snapshots through `broadcast` after commit
(decision 0052). Each published snapshot is numbered by the session's `seq` when it is
read (`snapshot_numbered`), not by the change: an answer never waits for the session's
row (decision 0090).
"""

import secrets
import uuid
from dataclasses import dataclass
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import Count, F, Max, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from thegither.accounts.models import Organisation, User
from thegither.core import money
from thegither.core.hashing import keyed_hash
from thegither.core.permissions import Decision
from thegither.core.ratelimit import RateLimit, hit_each
from thegither.core.refusals import Refusal, Refused
from thegither.core.services import audit_record
from thegither.live import (
    answer_rows,
    broadcast,
    card_rows,
    kinds,
    selectors,
    wordfilter,
    words,
)
from thegither.live.models import (
    JOIN_CODE_ALPHABET,
    JOIN_CODE_LENGTH,
    Activity,
    Answer,
    Card,
    FiverRound,
    GlossaryWord,
    LiveSession,
    Participant,
    PlanItem,
    Team,
    TeamMember,
    Upvote,
)
from thegither.live.permissions import (
    can_change_plan,
    can_join_team,
    can_press_cards,
    can_run_session,
    can_run_sessions,
)
from thegither.live.queue import SpeakingQueue

# The cookie that holds a phone's random device token (nothing else).
DEVICE_COOKIE = "thegither_phone"
TITLE_MAX_LENGTH = 120
PROMPT_MAX_LENGTH = 200
NICKNAME_MAX_LENGTH = 20
ACTIVITIES_MAX = 50
# Enough for a hall of phones behind one school Wi-Fi, never a flood.
JOINS_PER_PHONE = RateLimit("live-join-phone", limit=10, seconds=60)
JOINS_PER_SESSION = RateLimit("live-join-session", limit=3000, seconds=60)
ANSWERS_PER_PHONE = RateLimit("live-answer-phone", limit=30, seconds=60)
ANSWERS_PER_SESSION = RateLimit("live-answer-session", limit=30000, seconds=60)


def staff_group(session_id: int) -> str:
    return f"live.{session_id}.staff"


def phone_group(session_id: int) -> str:
    return f"live.{session_id}.phones"


def one_phone_group(participant_id: int) -> str:
    """The group of one phone's sockets, so taking it out can close them."""
    return f"live.phone.{participant_id}"


def _check(decision: Decision) -> None:
    if not decision:
        raise Refused(decision.reason, kind=Refusal.NOT_ALLOWED)


def _snapshot_reader(session_id: int, audience: str):
    """Return a function that numbers and reads the session's snapshot for the audience."""

    def read() -> dict:
        return snapshot_numbered(session_id=session_id, audience=audience)

    return read


@transaction.atomic
def snapshot_numbered(*, session_id: int, audience: str) -> dict:
    """Give the session's next `seq` to a snapshot about to be sent, and read it.

    The number is taken first and the session's row stays locked until the read is done
    (on SQLite, the write lock), so snapshots are numbered and read one at a time, in
    every process: one with a higher `seq` is never older than one with a lower. Changes
    don't touch the row, so a hall's answers never queue for it (decision 0090).
    """
    answer_rows.session_seq_next(session_id)
    return selectors.snapshot(LiveSession(pk=session_id), audience)


def _publish_after_commit(session: LiveSession) -> None:
    """After commit, send the session's snapshot to its staff screens and its phones.

    The snapshot is read when the coalesced send is due, not for every change: a
    burst of answers costs a few snapshots a second, not one per answer (decision 0057).
    """
    session_id = session.pk

    def send() -> None:
        broadcast.publish(
            staff_group(session_id),
            _snapshot_reader(session_id, selectors.STAFF),
            every=broadcast.STAFF_EVERY,
        )
        broadcast.publish(
            phone_group(session_id),
            _snapshot_reader(session_id, selectors.PHONE),
            every=broadcast.PHONE_EVERY,
        )

    transaction.on_commit(send)


def _changed(session: LiveSession) -> None:
    """Publish the session's snapshots after commit (each numbered when it is read)."""
    _publish_after_commit(session)


def join_code_new() -> str:
    return "".join(secrets.choice(JOIN_CODE_ALPHABET) for _i in range(JOIN_CODE_LENGTH))


def _title(title: str) -> str:
    title = " ".join((title or "").split())
    if not title:
        raise Refused(_("Give the session a title."), kind=Refusal.INVALID)
    if len(title) > TITLE_MAX_LENGTH:
        raise Refused(
            _("The title can be at most %(count)d letters.") % {"count": TITLE_MAX_LENGTH},
            kind=Refusal.TOO_LONG,
        )
    return title


def _create_with_code(**fields) -> LiveSession:
    for _try in range(10):
        try:
            with transaction.atomic():
                return LiveSession.objects.create(join_code=join_code_new(), **fields)
        except IntegrityError:  # pragma: no cover - 1 in 887 million per existing session
            continue
    raise Refused(_("Please try again."), kind=Refusal.TAKEN)  # pragma: no cover


@dataclass(frozen=True)
class SessionSettings:
    """How a session runs: a workshop or a meeting, and its cards (decision 0063)."""

    kind: str = LiveSession.Kind.WORKSHOP
    cards_on: bool = False
    stop_words: str = LiveSession.StopWords.STOP
    stop_names_shown: bool = False
    queue_on_screen: bool = False
    queue_policy: str = LiveSession.QueuePolicy.FAIR
    record_names: bool = False

    @classmethod
    def of(cls, session: LiveSession) -> "SessionSettings":
        return cls(**{name: getattr(session, name) for name in cls.__dataclass_fields__})

    def fields(self) -> dict:
        """Return the settings as model fields, refusing choices that aren't on the list."""
        for value, choices in (
            (self.kind, LiveSession.Kind.values),
            (self.stop_words, LiveSession.StopWords.values),
            (self.queue_policy, LiveSession.QueuePolicy.values),
        ):
            if value not in choices:
                raise Refused(_("That isn't one of the choices."), kind=Refusal.BAD_CHOICE)
        out = {name: getattr(self, name) for name in self.__dataclass_fields__}
        for name in ("cards_on", "stop_names_shown", "queue_on_screen", "record_names"):
            out[name] = bool(out[name])
        # A meeting is run with cards: they are always on.
        out["cards_on"] = out["cards_on"] or self.kind == LiveSession.Kind.MEETING
        return {
            name: str(value) if isinstance(value, str) else value for name, value in out.items()
        }


@transaction.atomic
def session_create(
    *,
    organisation: Organisation,
    title: str,
    by: User,
    settings: SessionSettings | None = None,
) -> LiveSession:
    """Make a new draft session for the organisation, with its own join code."""
    _check(can_run_sessions(by, organisation))
    fields = (settings or SessionSettings()).fields()
    session = _create_with_code(
        organisation=organisation, title=_title(title), created_by=by, **fields
    )
    if session.is_fiver:
        FiverRound.objects.create(session=session)
    audit_record(action="live.session_create", actor=by, target=session, details=fields)
    return session


@transaction.atomic
def session_change(
    *, session: LiveSession, title: str, settings: SessionSettings, by: User
) -> LiveSession:
    """Change a session's title and how it runs; every screen follows. Safe to call twice."""
    _check(can_run_session(by, session))
    session = _lock(session)
    if session.state == LiveSession.State.ENDED:
        raise Refused(_("This session has ended."), kind=Refusal.WRONG_STATE)
    new = {"title": _title(title), **settings.fields()}
    old = {name: getattr(session, name) for name in new}
    if new == old:
        return session
    for name, value in new.items():
        setattr(session, name, value)
    session.save(update_fields=list(new))
    if session.is_fiver:
        FiverRound.objects.get_or_create(session=session)
    _changed(session)
    changed = [name for name in new if new[name] != old[name]]
    audit_record(
        action="live.session_change",
        actor=by,
        target=session,
        details={
            "old": {name: old[name] for name in changed},
            "new": {name: new[name] for name in changed},
        },
    )
    return session


@transaction.atomic
def session_copy(*, session: LiveSession, by: User, title: str = "") -> LiveSession:
    """Make a fresh draft with the same activities (no phones, no answers), to run again."""
    _check(can_run_session(by, session))
    votes = set(FiverRound.objects.filter(session=session).values_list("vote_id", flat=True))
    copy = _create_with_code(
        organisation=session.organisation,
        title=_title(title or _("%(title)s (copy)") % {"title": session.title})[:TITLE_MAX_LENGTH],
        created_by=by,
        **SessionSettings.of(session).fields(),
    )
    Activity.objects.bulk_create(
        Activity(
            session=copy,
            position=activity.position,
            kind=activity.kind,
            prompt=activity.prompt,
            options=activity.options,
            several=activity.several,
            faces=activity.faces,
            points_total=activity.points_total,
            needs_approval=activity.needs_approval,
        )
        for activity in session.activities.order_by("position")
        # A Bid for a Fiver's vote is made again from the new plans, so it isn't copied.
        if activity.pk not in votes
    )
    if copy.is_fiver:
        _fiver_copy(session, copy)
    audit_record(action="live.session_copy", actor=by, target=copy, details={"from": session.pk})
    return copy


def _lock(session: LiveSession) -> LiveSession:
    return LiveSession.objects.select_for_update().select_related("organisation").get(pk=session.pk)


@transaction.atomic
def activity_add(
    *,
    session: LiveSession,
    kind: str,
    prompt: str,
    by: User,
    options: list[str] | None = None,
    several: bool = False,
    points_total: int = 0,
    needs_approval: bool = True,
    faces: bool = False,
) -> Activity:
    """Add an activity at the end of the session; refuse options that don't fit its kind."""
    _check(can_run_session(by, session))
    session = _lock(session)
    if session.state == LiveSession.State.ENDED:
        raise Refused(_("This session has ended."), kind=Refusal.WRONG_STATE)
    prompt = " ".join((prompt or "").split())
    if not prompt:
        raise Refused(_("Type the question."), kind=Refusal.INVALID)
    if len(prompt) > PROMPT_MAX_LENGTH:
        raise Refused(
            _("The question can be at most %(count)d letters.") % {"count": PROMPT_MAX_LENGTH},
            kind=Refusal.TOO_LONG,
        )
    tidy = kinds.options_check(kind=kind, options=options or [], points_total=points_total)
    if session.activities.count() >= ACTIVITIES_MAX:
        raise Refused(
            _("A session can have at most %(count)d activities.") % {"count": ACTIVITIES_MAX},
            kind=Refusal.TOO_LONG,
        )
    last = session.activities.aggregate(last=Max("position"))["last"]
    activity = Activity.objects.create(
        session=session,
        position=(last or 0) + 1,
        kind=kind,
        prompt=prompt,
        options=tidy,
        several=bool(several) and kind == Activity.Kind.CHOICE,
        faces=bool(faces) and kind == Activity.Kind.SCALE,
        points_total=points_total if kind == Activity.Kind.POINTS else 0,
        needs_approval=bool(needs_approval),
    )
    if session.current_activity_id is None:
        LiveSession.objects.filter(pk=session.pk).update(current_activity=activity)
    _changed(session)
    audit_record(action="live.activity_add", actor=by, target=activity, details={"kind": kind})
    return activity


@transaction.atomic
def activity_move(*, activity: Activity, by: User, up: bool) -> Activity:
    """Swap an activity with the one before (up) or after it; at either end, do nothing."""
    session = activity.session
    _check(can_run_session(by, session))
    _lock(session)
    activity = Activity.objects.get(pk=activity.pk)
    neighbours = Activity.objects.filter(session=session)
    neighbour = (
        neighbours.filter(position__lt=activity.position).order_by("-position").first()
        if up
        else neighbours.filter(position__gt=activity.position).order_by("position").first()
    )
    if neighbour is None:
        return activity
    mine, theirs = activity.position, neighbour.position
    # Through a free position, so the unique (session, position) constraint holds throughout.
    free = (neighbours.aggregate(last=Max("position"))["last"] or 0) + 1
    Activity.objects.filter(pk=activity.pk).update(position=free)
    Activity.objects.filter(pk=neighbour.pk).update(position=mine)
    Activity.objects.filter(pk=activity.pk).update(position=theirs)
    _changed(session)
    audit_record(
        action="live.activity_move",
        actor=by,
        target=activity,
        details={"old": mine, "new": theirs},
    )
    activity.position = theirs
    return activity


# What each control does: the states it may start from, and the change.
class Control:
    START = "start"
    OPEN = "open"
    CLOSE = "close"
    NEXT = "next"
    BACK = "back"
    SHOW = "show"
    HIDE = "hide"
    LOCK = "lock"
    UNLOCK = "unlock"
    END = "end"
    ALL = (START, OPEN, CLOSE, NEXT, BACK, SHOW, HIDE, LOCK, UNLOCK, END)


@transaction.atomic
def session_control(*, session: LiveSession, action: str, by: User) -> LiveSession:
    """Run the session: start, open or close the activity, move, show results, lock, end.

    Safe to call twice: doing what is already done changes nothing and publishes nothing.
    """
    _check(can_run_session(by, session))
    if action not in Control.ALL:
        raise Refused(_("That isn't something a session can do."), kind=Refusal.BAD_CHOICE)
    session = _lock(session)
    State = LiveSession.State
    if session.state == State.ENDED:
        raise Refused(_("This session has ended."), kind=Refusal.WRONG_STATE)
    if action != Control.START and session.state == State.DRAFT:
        raise Refused(_("Start the session first."), kind=Refusal.WRONG_STATE)
    before = {
        "state": session.state,
        "current": session.current_activity_id,
        "results_shown": session.results_shown,
    }
    session_fields: list[str] = []
    activity = session.current_activity
    if action == Control.START:
        if session.state == State.DRAFT:
            session.state = State.OPEN
            session_fields.append("state")
    elif action in {Control.LOCK, Control.UNLOCK}:
        wanted = State.LOCKED if action == Control.LOCK else State.OPEN
        if session.state != wanted:
            session.state = wanted
            session_fields.append("state")
    elif action == Control.END:
        session.state = State.ENDED
        session_fields.append("state")
        Activity.objects.filter(session=session, state=Activity.State.OPEN).update(
            state=Activity.State.CLOSED
        )
    elif action in {Control.SHOW, Control.HIDE}:
        wanted = action == Control.SHOW
        if session.results_shown != wanted:
            session.results_shown = wanted
            session_fields.append("results_shown")
    elif action in {Control.OPEN, Control.CLOSE}:
        if activity is None:
            raise Refused(_("Add an activity first."), kind=Refusal.WRONG_STATE)
        wanted = Activity.State.OPEN if action == Control.OPEN else Activity.State.CLOSED
        if activity.state != wanted:
            Activity.objects.filter(pk=activity.pk).update(state=wanted)
            session_fields.append("activity")
    else:  # next or back
        siblings = Activity.objects.filter(session=session)
        position = activity.position if activity else 0
        target = (
            siblings.filter(position__gt=position).order_by("position").first()
            if action == Control.NEXT
            else siblings.filter(position__lt=position).order_by("-position").first()
        )
        if target is None:
            raise Refused(
                _("This is the last activity.")
                if action == Control.NEXT
                else _("This is the first activity."),
                kind=Refusal.WRONG_STATE,
            )
        session.current_activity = target
        # Each activity's results start hidden, so nobody is swayed before answering.
        session.results_shown = False
        session_fields += ["current_activity", "results_shown"]
    if not session_fields:
        return session
    model_fields = [f for f in session_fields if f != "activity"]
    if model_fields:
        session.save(update_fields=model_fields)
    _changed(session)
    audit_record(
        action=f"live.session_{action}",
        actor=by,
        target=session,
        details={
            "old": before,
            "new": {
                "state": session.state,
                "current": session.current_activity_id,
                "results_shown": session.results_shown,
            },
        },
    )
    return session


def device_token_new() -> str:
    """Return a new random device token for a phone's cookie."""
    return secrets.token_urlsafe(32)


def _token_hash(session: LiveSession, token: str) -> str:
    return _token_hash_in(session.pk, token)


def _token_hash_in(session_id: int, token: str) -> str:
    return keyed_hash("live.device", f"{session_id}:{token}")


def phone_of(code: str, token: str) -> answer_rows.Phone | None:
    """Return the phone with this device token in the session with this exact join code.

    `participant_for` in two plain-SQL lookups, for phones' busiest requests (live/fast.py).
    """
    if not token or len(token) > 100 or len(code) != JOIN_CODE_LENGTH:
        return None
    return answer_rows.phone_find(code, lambda session_id: _token_hash_in(session_id, token))


def participant_for(session: LiveSession, token: str) -> Participant | None:
    """Return the phone with this device token in this session, or None (removed ones too)."""
    if not token or len(token) > 100:
        return None
    return Participant.objects.filter(
        session=session, token_hash=_token_hash(session, token)
    ).first()


@dataclass(frozen=True)
class Joined:
    participant: Participant
    created: bool


@transaction.atomic
def session_join(*, session: LiveSession, token: str, nickname: str = "") -> Joined:
    """Let a phone join with its device token; joining again returns the same participant."""
    nickname = " ".join((nickname or "").split())
    if len(nickname) > NICKNAME_MAX_LENGTH:
        raise Refused(
            _("A nickname can be at most %(count)d letters.") % {"count": NICKNAME_MAX_LENGTH},
            kind=Refusal.TOO_LONG,
        )
    if not token or len(token) > 100:
        raise Refused(_("Please turn on cookies to join."), kind=Refusal.INVALID)
    if nickname and wordfilter.is_blocked(nickname):
        raise Refused(
            _("Please choose a different nickname. Some words aren't allowed here."),
            kind=Refusal.UNSUITABLE,
        )
    existing = participant_for(session, token)
    if existing is not None:
        if existing.removed:
            raise Refused(
                _("The person running this session took you out of it."),
                kind=Refusal.NOT_ALLOWED,
            )
        return Joined(existing, created=False)
    verdict = hit_each(
        (JOINS_PER_PHONE, keyed_hash("live.join", token)),
        (JOINS_PER_SESSION, str(session.pk)),
    )
    if not verdict:
        raise Refused(
            _("Lots of people are joining. Please wait %(seconds)d seconds and try again.")
            % {"seconds": verdict.wait_seconds},
            kind=Refusal.TOO_MANY,
        )
    session = _lock(session)
    if session.state == LiveSession.State.LOCKED:
        raise Refused(
            _("This session is locked, so nobody new can join. Ask the person running it."),
            kind=Refusal.WRONG_STATE,
        )
    if session.state != LiveSession.State.OPEN:
        raise Refused(_("This session isn't open."), kind=Refusal.WRONG_STATE)
    participant = Participant.objects.create(
        session=session, token_hash=_token_hash(session, token), nickname=nickname
    )
    _changed(session)
    # No token, no nickname: the log says only that a phone joined.
    audit_record(action="live.join", target=session, details={"participant": participant.pk})
    return Joined(participant, created=True)


@dataclass(frozen=True)
class Answered:
    answer: Answer
    replayed: bool  # True when this was a retry of an answer already counted


def _answer_checked(
    phone: answer_rows.LockedPhone, activity: Activity, value: dict
) -> tuple[dict, list[tuple[str, int]]]:
    """Return the answer tidied and its counted parts, or refuse it, saying why."""
    if phone.removed:
        raise Refused(
            _("The person running this session took you out of it."), kind=Refusal.NOT_ALLOWED
        )
    if (
        phone.session_state not in {LiveSession.State.OPEN, LiveSession.State.LOCKED}
        or activity.state != Activity.State.OPEN
    ):
        raise Refused(
            _("This question is closed, so answers can't change now."), kind=Refusal.WRONG_STATE
        )
    tidy, items = kinds.answer_items(activity, value)
    typed = tidy.get("words") or [tidy.get("text", "")]
    if any(wordfilter.is_blocked(text) for text in typed if text):
        raise Refused(
            _("Please say that a different way. Some words aren't allowed here."),
            kind=Refusal.UNSUITABLE,
        )
    return tidy, items


def _replayed(
    replay: answer_rows.AnswerRow, participant: Participant, activity: Activity
) -> Answered:
    """The answer a retry stands for; a client_id from another phone or question is refused."""
    if replay.participant_id != participant.pk or replay.activity_id != activity.pk:
        raise Refused(_("Please reload the page and try again."), kind=Refusal.INVALID)
    answer = Answer(
        pk=replay.pk,
        participant_id=replay.participant_id,
        activity_id=replay.activity_id,
        client_id=replay.client_id,
    )
    return Answered(answer, replayed=True)


@transaction.atomic
def answer_submit(
    *, participant: Participant, activity: Activity, client_id: uuid.UUID | str, value: dict
) -> Answered:
    """Record a phone's answer; a retry with the same client_id is counted once.

    Answering again with a new client_id replaces the earlier answer.
    """
    try:
        client_id = uuid.UUID(str(client_id))
    except ValueError as error:
        raise Refused(_("Please reload the page and try again."), kind=Refusal.INVALID) from error
    # One lock per phone, taken first: two answers from it at once (a retry racing the
    # original) are taken one after the other. The database steps are plain SQL, as few
    # as they can be (live/answer_rows.py): this is the busiest path.
    phone, activity = answer_rows.phone_locked(participant.pk, activity.pk)
    if phone is None:
        raise Refused(_("Join the session first."), kind=Refusal.NOT_ALLOWED)
    # Read under the lock: whether it is still open is what counts.
    if activity is None:
        raise Refused(_("That question is from another session."), kind=Refusal.MISMATCH)
    try:
        tidy, items = _answer_checked(phone, activity, value)
        if activity.bars_own_team:  # a Bid for a Fiver's vote (decision 0066)
            _own_plan_vote_check(activity.pk, participant.pk, tidy.get("choices", []))
    except Refused:
        # A retry of an answer already taken is that answer, whatever it carries now
        # and even after the question closed: the client_id decides.
        replay, _mine = answer_rows.answers_for(client_id, participant.pk, activity.pk)
        if replay is not None:
            return _replayed(replay, participant, activity)
        raise
    shown = not (activity.kind == Activity.Kind.OPEN_TEXT and activity.needs_approval)
    stored = {"client_id": client_id, "value": tidy, "shown": shown, "items": items}
    # Most answers are a phone's first to the question: stored in one statement. If one
    # is there already, this is a retry (counted once) or a changed answer (replaced).
    answer_id = answer_rows.answer_insert(
        participant_id=participant.pk, activity_id=activity.pk, **stored
    )
    if answer_id is None:
        replay, mine = answer_rows.answers_for(client_id, participant.pk, activity.pk)
        if replay is not None:
            return _replayed(replay, participant, activity)
        answer_id = mine.pk
        # A changed text waits for approval again.
        answer_rows.answer_replace(answer_id=answer_id, activity_id=activity.pk, **stored)
    # Counted only now, so a retry is never counted; refused, the transaction keeps nothing.
    verdict = hit_each(
        (ANSWERS_PER_PHONE, str(participant.pk)),
        (ANSWERS_PER_SESSION, str(phone.session_id)),
    )
    if not verdict:
        raise Refused(
            _("That's a lot of answers. Please wait %(seconds)d seconds and try again.")
            % {"seconds": verdict.wait_seconds},
            kind=Refusal.TOO_MANY,
        )
    _changed(LiveSession(pk=phone.session_id))
    answer = Answer(
        pk=answer_id,
        participant_id=participant.pk,
        activity_id=activity.pk,
        client_id=client_id,
        value=tidy,
        shown=shown,
    )
    # Answers are anonymous and many: the audit log is for who ran what, not for each vote.
    return Answered(answer, replayed=False)


@transaction.atomic
def answer_upvote(*, participant: Participant, answer: Answer, up: bool = True) -> bool:
    """Up-vote a shown written answer (or take the vote back); return whether it changed.

    Safe to send twice: one phone has at most one up-vote per answer (a database rule).
    """
    participant = Participant.objects.select_for_update().get(pk=participant.pk)
    answer = Answer.objects.select_related("activity__session").get(pk=answer.pk)
    activity = answer.activity
    if activity.session_id != participant.session_id:
        raise Refused(_("That answer is from another session."), kind=Refusal.MISMATCH)
    if participant.removed:
        raise Refused(
            _("The person running this session took you out of it."), kind=Refusal.NOT_ALLOWED
        )
    if activity.kind != Activity.Kind.OPEN_TEXT or not answer.shown:
        raise Refused(_("You can only up-vote answers on the screen."), kind=Refusal.WRONG_STATE)
    if not activity.session.is_running or activity.state != Activity.State.OPEN:
        raise Refused(
            _("This question is closed, so votes can't change now."), kind=Refusal.WRONG_STATE
        )
    if answer.participant_id == participant.pk:
        raise Refused(_("You can't up-vote your own answer."), kind=Refusal.NOT_ALLOWED)
    verdict = hit_each((ANSWERS_PER_PHONE, str(participant.pk)))
    if not verdict:
        raise Refused(
            _("That's a lot of votes. Please wait %(seconds)d seconds and try again.")
            % {"seconds": verdict.wait_seconds},
            kind=Refusal.TOO_MANY,
        )
    if up:
        changed = Upvote.objects.get_or_create(answer=answer, participant=participant)[1]
    else:
        changed = Upvote.objects.filter(answer=answer, participant=participant).delete()[0] > 0
    if changed:
        _changed(activity.session)
    return changed


@transaction.atomic
def answer_review(*, answer: Answer, shown: bool, by: User) -> Answer:
    """Show an open-text answer on the screens, or hide it again. Safe to call twice."""
    session = answer.activity.session
    _check(can_run_session(by, session))
    _lock(session)
    answer = Answer.objects.select_related("activity").get(pk=answer.pk)
    if answer.activity.kind != Activity.Kind.OPEN_TEXT:
        raise Refused(_("Only written answers are approved."), kind=Refusal.WRONG_STATE)
    if answer.shown == shown:
        return answer
    answer.shown = shown
    answer.save(update_fields=["shown"])
    _changed(session)
    # Which answer, not what it says or whose it is.
    audit_record(
        action="live.answer_show" if shown else "live.answer_hide",
        actor=by,
        target=answer.activity,
        details={"answer": answer.pk},
    )
    return answer


@transaction.atomic
def participant_remove(*, participant: Participant, by: User) -> Participant:
    """Take a phone out of the session: its answers stop counting and it can't rejoin."""
    session = participant.session
    _check(can_run_session(by, session))
    _lock(session)
    participant = Participant.objects.select_for_update().get(pk=participant.pk)
    if participant.removed:
        return participant
    participant.removed = True
    participant.save(update_fields=["removed"])
    # Their cards come down; if they were speaking, that was a turn.
    now = timezone.now()
    for card in Card.objects.filter(participant=participant, state__in=Card.OPEN_STATES):
        _card_close(card, now)
    _changed(session)
    group = one_phone_group(participant.pk)
    transaction.on_commit(lambda: broadcast.send_now(group, {"type": "live.removed"}))
    audit_record(
        action="live.participant_remove",
        actor=by,
        target=session,
        details={"participant": participant.pk},
    )
    return participant


@transaction.atomic
def session_answers_delete(*, session: LiveSession, by: User) -> int:
    """Delete an ended session's answers and phones for good; return how many answers went.

    Safe to call twice: the second time there is nothing left to delete.
    """
    _check(can_run_session(by, session))
    session = _lock(session)
    if session.state != LiveSession.State.ENDED:
        raise Refused(_("End the session first."), kind=Refusal.WRONG_STATE)
    answers = Answer.objects.filter(activity__session=session)
    count = answers.count()
    answers.delete()
    phones = Participant.objects.filter(session=session).delete()[0]
    # Teams' plans were typed on phones: they go too (the teams' names stay).
    plans = _plans_clear(session)
    if count or phones or plans:
        _changed(session)
        audit_record(
            action="live.answers_delete",
            actor=by,
            target=session,
            details={"answers": count},
        )
    return count


# ---- meeting cards and the speaking queue (decision 0063) ----

PHRASE_MAX_LENGTH = 60
# A card is a tap, not a flood: more than one a second for a minute is a stuck finger.
CARDS_PER_PHONE = RateLimit("live-card-phone", limit=60, seconds=60)


@dataclass(frozen=True)
class Pressed:
    card: Card
    replayed: bool = False  # this press (its client_id) was counted before: nothing changed
    already: bool = False  # the card was up already: nothing changed
    phrase_dropped: bool = False  # the word filter left the Stop card's words out
    # The phone's cards after the press, read in its transaction, for the phone's reply.
    cards: card_rows.PhoneCards | None = None


@dataclass(frozen=True)
class Lowered:
    changed: bool  # False: the card was down already
    card: Card  # as the press left it (`state` "done" when a speaker finished)
    cards: card_rows.PhoneCards  # the phone's cards after the press, for its reply


def _card_close(card: Card, now) -> None:
    """Put an open card down; a speaker's card becomes a turn, with how long it lasted."""
    if card.state == Card.State.SPEAKING:
        card.state = Card.State.DONE
        card.seconds = max(0, round((now - (card.called_at or now)).total_seconds()))
        fields = ["state", "seconds", "ended_at", "place"]
    else:
        card.state = Card.State.DOWN
        fields = ["state", "ended_at", "place"]
    card.ended_at = now
    card.place = None
    card.save(update_fields=fields)


def _queue_store(session: LiveSession, queue: SpeakingQueue, cards: dict[int, Card]) -> None:
    """Write what changed in the queue back to the cards and the session."""
    now = timezone.now()
    # Cards come down first, so there is never a moment with two speakers.
    for person, card in cards.items():
        stays = queue.speaker == person or (card.state == Card.State.UP and person in queue.hands)
        if not stays:
            _card_close(card, now)
    for person, card in cards.items():
        if card.state == Card.State.UP and queue.speaker == person:
            card.state = Card.State.SPEAKING
            card.called_at = now
            card.place = None
            card.save(update_fields=["state", "called_at", "place"])
        elif card.state == Card.State.UP and card.place != queue.hands[person].place:
            card.place = queue.hands[person].place
            card.save(update_fields=["place"])
    if session.queue_by_hand != queue.by_hand:
        session.queue_by_hand = queue.by_hand
        LiveSession.objects.filter(pk=session.pk).update(queue_by_hand=queue.by_hand)


def _check_phone(participant: Participant) -> None:
    decision = can_press_cards(participant)
    if not decision:
        kind = Refusal.NOT_ALLOWED if participant.removed else Refusal.WRONG_STATE
        raise Refused(decision.reason, kind=kind)


def _phone_locked(participant: Participant) -> Participant:
    # The phone first, then the session, in the same order as answers take them.
    return (
        Participant.objects.select_for_update(of=("self",))
        .select_related("session")
        .get(pk=participant.pk)
    )


def _pressing_phone(participant: Participant) -> Participant:
    """Lock the phone, then its session (the order answers take them); read both.

    One statement (live/card_rows.py): the session comes back with its state and card
    settings only, enough for the press and the phone's reply.
    """
    locked = card_rows.phone_locked(participant.pk)
    if locked is None:
        raise Refused(_("Join the session first."), kind=Refusal.NOT_ALLOWED)
    return locked


def _hand_lowered(participant: Participant, hand: Card) -> None:
    """Take a hand out of the queue (`SpeakingQueue.lower` or `done`, then `_queue_store`).

    Lowering a waiting hand (or a speaker finishing) changes no other hand; only the
    queue's order by hand ends, when no hand is left waiting.
    """
    card_rows.card_close(hand)
    session = participant.session
    if session.queue_by_hand and card_rows.hands_waiting(session.pk)[0] == 0:
        card_rows.queue_by_hand_end(session.pk)
        session.queue_by_hand = False


def _phone_cards(participant: Participant, mine: dict[str, Card]) -> card_rows.PhoneCards:
    hand = mine.get(Card.Kind.SPEAK)
    place = card_rows.place_of(participant.session, hand) if hand is not None else 0
    return card_rows.PhoneCards(participant=participant, mine=mine, place=place)


@transaction.atomic
def card_raise(
    *, participant: Participant, kind: str, client_id: uuid.UUID | str, phrase: str = ""
) -> Pressed:
    """Hold up one of the phone's cards; the same press sent again is counted once.

    "I want to speak" joins the queue (unless it is paused) and takes "I don't want to
    speak" down; "I don't want to speak" takes a waiting hand down. A Stop card may
    carry the word or phrase that lost them: a phrase the word filter stops is left
    out, and the card still goes (it is urgent).

    The busiest thing a meeting does, so its database steps are plain SQL, as few as
    they can be (live/card_rows.py, decision 0093); the rules are the queue's own.
    """
    try:
        client_id = uuid.UUID(str(client_id))
    except ValueError as error:
        raise Refused(_("Please reload the page and try again."), kind=Refusal.INVALID) from error
    participant = _pressing_phone(participant)
    replay, mine = card_rows.cards_for(participant, client_id=client_id)
    if replay is not None:
        if replay.participant_id != participant.pk or replay.kind != kind:
            raise Refused(_("Please reload the page and try again."), kind=Refusal.INVALID)
        return Pressed(replay, replayed=True, cards=_phone_cards(participant, mine))
    _check_phone(participant)
    if kind not in Card.Kind.values:
        raise Refused(_("That isn't one of the cards."), kind=Refusal.BAD_CHOICE)
    phrase = " ".join((phrase or "").split()) if kind == Card.Kind.STOP else ""
    if len(phrase) > PHRASE_MAX_LENGTH:
        raise Refused(
            _("Please keep it to %(count)d letters: just the word or phrase.")
            % {"count": PHRASE_MAX_LENGTH},
            kind=Refusal.TOO_LONG,
        )
    verdict = hit_each((CARDS_PER_PHONE, str(participant.pk)))
    if not verdict:
        raise Refused(
            _("That's a lot of taps. Please wait %(seconds)d seconds and try again.")
            % {"seconds": verdict.wait_seconds},
            kind=Refusal.TOO_MANY,
        )
    session = participant.session
    existing = mine.get(kind)
    if existing is not None:
        return Pressed(existing, already=True, cards=_phone_cards(participant, mine))
    if kind == Card.Kind.SPEAK and session.queue_paused:
        raise Refused(
            _("The speaking queue is paused just now. Try again when it starts again."),
            kind=Refusal.WRONG_STATE,
        )
    dropped = bool(phrase) and wordfilter.is_blocked(phrase)
    if dropped:
        phrase = ""
    word = _glossary_flag(session.organisation_id, phrase, timezone.now()) if phrase else None
    place = None
    if kind == Card.Kind.SPEAK:
        quiet = mine.pop(Card.Kind.QUIET, None)
        if quiet is not None:
            card_rows.card_close(quiet)
        if session.queue_by_hand:
            # A hand raised while the order is by hand goes to the end (`raise_hand`).
            waiting, highest = card_rows.hands_waiting(session.pk)
            if waiting:
                place = highest + 1
            else:
                # The order by hand ended with the last hand (`_settle`), but two hands
                # lowered side by side may each have seen the other still up and left
                # it set (decision 0093): it ends now, so this hand and the next follow
                # the policy's order.
                card_rows.queue_by_hand_end(session.pk)
                session.queue_by_hand = False
    elif kind == Card.Kind.QUIET:
        # Not wanting to speak takes a waiting hand down; a speaker carries on.
        hand = mine.get(Card.Kind.SPEAK)
        if hand is not None and hand.state == Card.State.UP:
            del mine[Card.Kind.SPEAK]
            _hand_lowered(participant, hand)
    card = card_rows.card_insert(
        participant=participant,
        kind=kind,
        client_id=client_id,
        phrase=phrase,
        word_id=word.pk if word is not None else None,
        place=place,
    )
    mine[kind] = card
    _changed(session)
    # Cards are anonymous taps, like answers: the audit log is for what the staff do.
    return Pressed(card, phrase_dropped=dropped, cards=_phone_cards(participant, mine))


@transaction.atomic
def card_lower(*, participant: Participant, card: Card) -> Lowered:
    """Put one of the phone's own cards down; say whether it was up.

    A speaker putting their hand down has finished: that is their turn.
    """
    participant = _pressing_phone(participant)
    found, mine = card_rows.cards_for(participant, card_id=card.pk)
    if found is None:
        raise Card.DoesNotExist
    if found.participant_id != participant.pk:
        raise Refused(_("That card isn't yours."), kind=Refusal.MISMATCH)
    _check_phone(participant)
    if found.state not in Card.OPEN_STATES:
        return Lowered(False, found, _phone_cards(participant, mine))
    del mine[found.kind]
    if found.kind == Card.Kind.SPEAK:
        _hand_lowered(participant, found)
    else:
        card_rows.card_close(found)
    _changed(participant.session)
    return Lowered(True, found, _phone_cards(participant, mine))


class QueueAction:
    CALL = "call"  # the next person, or the one given, speaks now
    DONE = "done"  # the speaker has finished
    UP = "up"
    DOWN = "down"
    ARRANGE = "arrange"  # the facilitator's order (a drag)
    SORT = "sort"  # back to the session's policy
    PAUSE = "pause"
    RESUME = "resume"
    CLEAR = "clear"  # every hand down, the speaker finished
    ALL = (CALL, DONE, UP, DOWN, ARRANGE, SORT, PAUSE, RESUME, CLEAR)
    NEEDS_CARD = (UP, DOWN)
    FOR_ONE_CARD = (CALL, UP, DOWN)


@transaction.atomic
def queue_control(
    *,
    session: LiveSession,
    action: str,
    by: User,
    card: Card | None = None,
    order: list[int] | None = None,
) -> bool:
    """Run the speaking queue: call, done, move someone, sort, pause, clear.

    Return whether anything changed. Safe to call twice: doing what is already done
    (or calling when nobody is waiting) changes nothing and publishes nothing.
    """
    _check(can_run_session(by, session))
    if action not in QueueAction.ALL:
        raise Refused(_("That isn't something the queue can do."), kind=Refusal.BAD_CHOICE)
    session = _lock(session)
    if not session.has_cards:
        raise Refused(_("Turn the cards on for this session first."), kind=Refusal.WRONG_STATE)
    if session.state == LiveSession.State.ENDED:
        raise Refused(_("This session has ended."), kind=Refusal.WRONG_STATE)
    if card is not None and card.session_id != session.pk:
        raise Refused(_("That card is from another session."), kind=Refusal.MISMATCH)
    if action in QueueAction.NEEDS_CARD and card is None:
        raise Refused(_("Choose whose hand to move."), kind=Refusal.INVALID)
    if card is not None and action not in QueueAction.FOR_ONE_CARD:
        raise Refused(_("That isn't something one hand can do."), kind=Refusal.BAD_CHOICE)
    queue, cards = selectors.queue_of(session)
    person = card.participant_id if card is not None else None
    before = {"order": queue.order(), "speaker": queue.speaker, "by_hand": queue.by_hand}
    if action == QueueAction.CALL:
        changed = queue.call(person) is not None
    elif action == QueueAction.DONE:
        changed = queue.done() is not None
    elif action in (QueueAction.UP, QueueAction.DOWN):
        changed = queue.move(person, up=action == QueueAction.UP)
    elif action == QueueAction.ARRANGE:
        by_card = {c.pk: c.participant_id for c in cards.values()}
        changed = queue.arrange([by_card[pk] for pk in order or [] if pk in by_card])
    elif action == QueueAction.SORT:
        changed = queue.sort_again()
    elif action == QueueAction.CLEAR:
        speaker = queue.speaker
        changed = bool(queue.clear()) or speaker is not None
    else:  # pause or resume
        wanted = action == QueueAction.PAUSE
        changed = session.queue_paused != wanted
        if changed:
            session.queue_paused = wanted
            session.save(update_fields=["queue_paused"])
    if not changed:
        return False
    _queue_store(session, queue, cards)
    if action == QueueAction.CLEAR:
        LiveSession.objects.filter(pk=session.pk).update(cards_round=F("cards_round") + 1)
    _changed(session)
    # Which phones (their numbers in this session), never their nicknames.
    audit_record(
        action=f"live.queue_{action}",
        actor=by,
        target=session,
        details={
            "card": card.pk if card is not None else None,
            "old": before,
            "new": {"order": queue.order(), "speaker": queue.speaker, "by_hand": queue.by_hand},
        },
    )
    return True


PUT_DOWN_KINDS = (Card.Kind.STOP, Card.Kind.BREAK)


@transaction.atomic
def cards_put_down(*, session: LiveSession, kind: str, by: User) -> int:
    """Put every Stop card (or every break card) down, once dealt with; return how many.

    Safe to call twice: the second time there are none up.
    """
    _check(can_run_session(by, session))
    if kind not in PUT_DOWN_KINDS:
        raise Refused(_("That isn't one of the cards."), kind=Refusal.BAD_CHOICE)
    session = _lock(session)
    now = timezone.now()
    count = Card.objects.filter(session=session, kind=kind, state=Card.State.UP).update(
        state=Card.State.DOWN, ended_at=now
    )
    if not count:
        return 0
    LiveSession.objects.filter(pk=session.pk).update(cards_round=F("cards_round") + 1)
    _changed(session)
    audit_record(
        action="live.cards_put_down",
        actor=by,
        target=session,
        details={"kind": kind, "count": count},
    )
    return count


# ---- the jargon glossary (decision 0065) ----

MEANING_MAX_LENGTH = 300
GLOSSARY_WORDS_MAX_LENGTH = 60


def _glossary_flag(organisation_id: int, phrase: str, now) -> GlossaryWord | None:
    """Count one more Stop card for the phrase in the organisation's glossary; return its entry.

    Called inside the press's transaction, after the word filter: a phrase it stops
    never reaches the glossary. The count is `F("flagged") + 1`, never read and
    written back, and a press sent twice is one card (its client_id), so one count.
    """
    word_key = words.key(phrase)
    if not word_key:
        return None
    word, _created = GlossaryWord.objects.get_or_create(
        organisation_id=organisation_id,
        key=word_key,
        defaults={"words": words.tidy(phrase)[:GLOSSARY_WORDS_MAX_LENGTH]},
    )
    GlossaryWord.objects.filter(pk=word.pk).update(flagged=F("flagged") + 1, last_flagged_at=now)
    return word


def _glossary_published(word: GlossaryWord) -> None:
    """Tell the running sessions where the word was flagged: their phones show the meanings."""
    running = (LiveSession.State.OPEN, LiveSession.State.LOCKED)
    for session_id in (
        LiveSession.objects.filter(cards__word=word, state__in=running)
        .values_list("pk", flat=True)
        .distinct()
    ):
        _changed(LiveSession(pk=session_id))


def _meaning(meaning: str) -> str:
    meaning = " ".join((meaning or "").split())
    if len(meaning) > MEANING_MAX_LENGTH:
        raise Refused(
            _("Please keep the meaning to %(count)d letters: a sentence or two.")
            % {"count": MEANING_MAX_LENGTH},
            kind=Refusal.TOO_LONG,
        )
    return meaning


@transaction.atomic
def glossary_explain(*, word: GlossaryWord, meaning: str, by: User) -> GlossaryWord:
    """Give a word in the glossary its plain-language meaning (or change it). Safe to repeat.

    Phones in running sessions where the word was flagged see it at once. An empty
    meaning takes the word back off the participants' and the public lists.
    """
    _check(can_run_sessions(by, word.organisation))
    meaning = _meaning(meaning)
    word = GlossaryWord.objects.select_for_update().get(pk=word.pk)
    if word.meaning == meaning:
        return word
    old = word.meaning
    word.meaning = meaning
    word.explained_at = timezone.now() if meaning else None
    word.explained_by = by if meaning else None
    word.version += 1
    word.save(update_fields=["meaning", "explained_at", "explained_by", "version"])
    _glossary_published(word)
    audit_record(
        action="live.glossary_explain",
        actor=by,
        target=word.organisation,
        details={"word": word.pk, "old": old, "new": meaning},
    )
    return word


@transaction.atomic
def glossary_add(
    *, organisation: Organisation, words_typed: str, meaning: str, by: User
) -> GlossaryWord:
    """Add a word or phrase to the organisation's glossary with its meaning.

    A word already there (however it is written) gets the meaning if it has none yet;
    one that has a meaning is refused, so nobody writes over it by accident.
    """
    _check(can_run_sessions(by, organisation))
    typed = words.tidy(words_typed)
    word_key = words.key(typed)
    if not word_key:
        raise Refused(_("Type the word or phrase."), kind=Refusal.INVALID)
    if len(typed) > GLOSSARY_WORDS_MAX_LENGTH:
        raise Refused(
            _("The word or phrase can be at most %(count)d letters.")
            % {"count": GLOSSARY_WORDS_MAX_LENGTH},
            kind=Refusal.TOO_LONG,
        )
    meaning = _meaning(meaning)
    if not meaning:
        raise Refused(_("Say what it means, in plain words."), kind=Refusal.INVALID)
    word, created = GlossaryWord.objects.get_or_create(
        organisation=organisation, key=word_key, defaults={"words": typed}
    )
    if not created and word.meaning and word.meaning != meaning:
        raise Refused(
            _("“%(words)s” is in the glossary already. Change its meaning in the list.")
            % {"words": word.words},
            kind=Refusal.TAKEN,
        )
    if created:
        audit_record(
            action="live.glossary_add",
            actor=by,
            target=organisation,
            details={"word": word.pk, "words": typed},
        )
    return glossary_explain(word=word, meaning=meaning, by=by)


@transaction.atomic
def glossary_hide(*, word: GlossaryWord, hidden: bool, by: User) -> GlossaryWord:
    """Leave a word out of everything people see (or bring it back); it is still counted."""
    _check(can_run_sessions(by, word.organisation))
    word = GlossaryWord.objects.select_for_update().get(pk=word.pk)
    if word.hidden == hidden:
        return word
    word.hidden = hidden
    word.version += 1
    word.save(update_fields=["hidden", "version"])
    _glossary_published(word)
    audit_record(
        action="live.glossary_hide" if hidden else "live.glossary_show",
        actor=by,
        target=word.organisation,
        details={"word": word.pk},
    )
    return word


# ---- Bid for a Fiver (decision 0066) ----

FIVER_CAP_MAX_PENCE = 100_000  # £1,000: far more than the game ever needs
FIVER_MINUTES_MAX = 120
TEAMS_MAX = kinds.OPTIONS_MAX  # the vote is one multiple-choice question, a team an option
TEAM_NAME_MAX_LENGTH = 40
TEAM_CODE_LENGTH = 4
PLAN_ITEMS_MAX = 20
ITEM_MAX_LENGTH = 60
PLAN_TITLE_MAX_LENGTH = 80
PLAN_DOING_MAX_LENGTH = 400
PLAN_FOR_MAX_LENGTH = 200
PLAN_CHANGES_PER_PHONE = RateLimit("live-plan-phone", limit=120, seconds=60)
TEAM_JOINS_PER_PHONE = RateLimit("live-team-phone", limit=10, seconds=60)


@dataclass(frozen=True)
class FiverSettings:
    """The budget for each team (whole pence), the minutes to plan, and own-plan votes."""

    cap_pence: int = 500
    minutes: int = 10
    own_vote_barred: bool = False

    def fields(self) -> dict:
        if not isinstance(self.cap_pence, int) or not 1 <= self.cap_pence <= FIVER_CAP_MAX_PENCE:
            raise Refused(_("The budget must be between 1p and £1,000."), kind=Refusal.INVALID)
        if not isinstance(self.minutes, int) or not 1 <= self.minutes <= FIVER_MINUTES_MAX:
            raise Refused(
                _("The time must be between 1 and %(most)d minutes.") % {"most": FIVER_MINUTES_MAX},
                kind=Refusal.INVALID,
            )
        return {
            "cap_pence": self.cap_pence,
            "minutes": self.minutes,
            "own_vote_barred": bool(self.own_vote_barred),
        }


def _fiver_copy(session: LiveSession, copy: LiveSession) -> None:
    """Give the copy the same budget, time and teams (new codes, empty plans)."""
    fiver = selectors.fiver_of(session)
    settings = (
        {
            "cap_pence": fiver.cap_pence,
            "minutes": fiver.minutes,
            "own_vote_barred": fiver.own_vote_barred,
        }
        if fiver
        else {}
    )
    new = FiverRound.objects.create(session=copy, **settings)
    if fiver is not None:
        for team in fiver.teams.order_by("position"):
            Team.objects.create(
                fiver=new, name=team.name, position=team.position, code=_team_code_new(new)
            )


def _fiver_locked(session: LiveSession) -> tuple[LiveSession, FiverRound]:
    """Lock the session (every change to a Bid for a Fiver holds it) and return its round."""
    session = _lock(session)
    fiver = FiverRound.objects.filter(session=session).first()
    if not session.is_fiver or fiver is None:
        raise Refused(_("This session isn't a Bid for a Fiver."), kind=Refusal.WRONG_STATE)
    return session, fiver


def _plans_clear(session: LiveSession) -> int:
    """Empty every team's plan in the session (its teams stay); return how many had one."""
    teams = Team.objects.filter(fiver__session=session)
    items = PlanItem.objects.filter(team__fiver__session=session).delete()[0]
    written = teams.exclude(title="", doing="", for_whom="").update(
        title="", doing="", for_whom="", version=F("version") + 1
    )
    return items + written


@transaction.atomic
def fiver_settings_change(*, session: LiveSession, settings: FiverSettings, by: User) -> FiverRound:
    """Set the budget, the time to plan and whether teams may vote for their own plan.

    The budget can't go below what a team has planned already, so no plan is ever
    over it; the time only changes the next start of the clock. Safe to call twice.
    """
    _check(can_run_session(by, session))
    new = settings.fields()
    session, fiver = _fiver_locked(session)
    if session.state == LiveSession.State.ENDED:
        raise Refused(_("This session has ended."), kind=Refusal.WRONG_STATE)
    old = {name: getattr(fiver, name) for name in new}
    if new == old:
        return fiver
    if new["cap_pence"] < old["cap_pence"]:
        biggest = selectors.plan_totals(fiver)
        most = max(biggest.values(), default=0)
        if new["cap_pence"] < most:
            raise Refused(
                _("A team has planned %(total)s already, so the budget can't be less than that.")
                % {"total": money.pounds(most)},
                kind=Refusal.UNUSABLE,
            )
    if new["own_vote_barred"] != old["own_vote_barred"] and fiver.stage in (
        FiverRound.Stage.VOTING,
        FiverRound.Stage.WINNER,
    ):
        raise Refused(
            _("The vote has started, so who may vote for what can't change now."),
            kind=Refusal.WRONG_STATE,
        )
    for name, value in new.items():
        setattr(fiver, name, value)
    fiver.save(update_fields=list(new))
    _changed(session)
    changed = [name for name in new if new[name] != old[name]]
    audit_record(
        action="live.fiver_settings",
        actor=by,
        target=session,
        details={
            "old": {name: old[name] for name in changed},
            "new": {name: new[name] for name in changed},
        },
    )
    return fiver


def _team_code_new(fiver: FiverRound) -> str:
    taken = set(fiver.teams.values_list("code", flat=True))
    for _try in range(50):
        code = "".join(secrets.choice(JOIN_CODE_ALPHABET) for _i in range(TEAM_CODE_LENGTH))
        if code not in taken:
            return code
    raise Refused(_("Please try again."), kind=Refusal.TAKEN)  # pragma: no cover


TEAMS_OPEN = (FiverRound.Stage.TEAMS, FiverRound.Stage.PLANNING)


@transaction.atomic
def team_add(*, session: LiveSession, name: str, by: User) -> Team:
    """Make a team with its own code, for phones to join; before time is up."""
    _check(can_run_session(by, session))
    name = " ".join((name or "").split())
    if not name:
        raise Refused(_("Give the team a name."), kind=Refusal.INVALID)
    if len(name) > TEAM_NAME_MAX_LENGTH:
        raise Refused(
            _("A team name can be at most %(count)d letters.") % {"count": TEAM_NAME_MAX_LENGTH},
            kind=Refusal.TOO_LONG,
        )
    session, fiver = _fiver_locked(session)
    now = timezone.now()
    if session.state == LiveSession.State.ENDED or fiver.stage_at(now) not in TEAMS_OPEN:
        raise Refused(_("Planning time is over, so no new teams."), kind=Refusal.WRONG_STATE)
    teams = list(fiver.teams.all())
    if len(teams) >= TEAMS_MAX:
        raise Refused(
            _("A Bid for a Fiver can have at most %(count)d teams.") % {"count": TEAMS_MAX},
            kind=Refusal.TOO_LONG,
        )
    if any(team.name.casefold() == name.casefold() for team in teams):
        raise Refused(_("There is a team with that name already."), kind=Refusal.TAKEN)
    team = Team.objects.create(
        fiver=fiver,
        name=name,
        code=_team_code_new(fiver),
        position=max((team.position for team in teams), default=0) + 1,
    )
    _changed(session)
    audit_record(action="live.team_add", actor=by, target=session, details={"team": team.pk})
    return team


def _team_move(participant: Participant, team: Team | None) -> bool:
    """Put the phone in the team (or in none); return whether that changed anything."""
    member = TeamMember.objects.filter(participant=participant).first()
    old = member.team_id if member else None
    new = team.pk if team else None
    if old == new:
        return False
    if member is not None and team is None:
        member.delete()
    elif member is not None:
        member.team = team
        member.save(update_fields=["team"])
    else:
        TeamMember.objects.create(team=team, participant=participant)
    # Both teams' phones redraw: who is in them changed.
    Team.objects.filter(pk__in=[pk for pk in (old, new) if pk]).update(version=F("version") + 1)
    return True


@transaction.atomic
def team_member_set(
    *, session: LiveSession, participant: Participant, team: Team | None, by: User
) -> bool:
    """Put a phone in a team (or take it out of its team); return whether it moved."""
    _check(can_run_session(by, session))
    session, fiver = _fiver_locked(session)
    if participant.session_id != session.pk or (team is not None and team.fiver_id != fiver.pk):
        raise Refused(_("That is from another session."), kind=Refusal.MISMATCH)
    participant = Participant.objects.get(pk=participant.pk)
    if participant.removed:
        raise Refused(_("That phone was taken out of the session."), kind=Refusal.WRONG_STATE)
    if session.state == LiveSession.State.ENDED or fiver.stage_at(timezone.now()) not in TEAMS_OPEN:
        raise Refused(
            _("Planning time is over, so the teams stay as they are."), kind=Refusal.WRONG_STATE
        )
    if not _team_move(participant, team):
        return False
    _changed(session)
    audit_record(
        action="live.team_member_set",
        actor=by,
        target=session,
        details={"participant": participant.pk, "team": team.pk if team else None},
    )
    return True


@transaction.atomic
def teams_fill(*, session: LiveSession, by: User) -> int:
    """Share the phones that have no team out between the teams, evenly; return how many.

    Each goes, first joined first, to the team with the fewest people (the first such).
    """
    _check(can_run_session(by, session))
    session, fiver = _fiver_locked(session)
    if session.state == LiveSession.State.ENDED or fiver.stage_at(timezone.now()) not in TEAMS_OPEN:
        raise Refused(
            _("Planning time is over, so the teams stay as they are."), kind=Refusal.WRONG_STATE
        )
    teams = list(fiver.teams.order_by("position"))
    if not teams:
        raise Refused(_("Make the teams first."), kind=Refusal.WRONG_STATE)
    sizes = dict(
        TeamMember.objects.filter(team__fiver=fiver)
        .values("team")
        .annotate(size=Count("pk"))
        .values_list("team", "size")
    )
    size = {team.pk: sizes.get(team.pk, 0) for team in teams}
    waiting = Participant.objects.filter(
        session=session, removed=False, team_member__isnull=True
    ).order_by("pk")
    placed = []
    for participant in waiting:
        team = min(teams, key=lambda each: (size[each.pk], each.position))
        placed.append(TeamMember(team=team, participant=participant))
        size[team.pk] += 1
    if not placed:
        return 0
    TeamMember.objects.bulk_create(placed)
    Team.objects.filter(pk__in={member.team_id for member in placed}).update(
        version=F("version") + 1
    )
    _changed(session)
    audit_record(
        action="live.teams_fill", actor=by, target=session, details={"placed": len(placed)}
    )
    return len(placed)


def _check_team_phone(decision: Decision, participant: Participant) -> None:
    if not decision:
        kind = Refusal.NOT_ALLOWED if participant.removed else Refusal.WRONG_STATE
        raise Refused(decision.reason, kind=kind)


@transaction.atomic
def team_join(*, participant: Participant, code: str) -> Team:
    """Join the team with this code (a phone moves from any team it was in). Safe to repeat."""
    participant = _phone_locked(participant)
    _check_team_phone(can_join_team(participant), participant)
    verdict = hit_each((TEAM_JOINS_PER_PHONE, str(participant.pk)))
    if not verdict:
        raise Refused(
            _("That's a lot of tries. Please wait %(seconds)d seconds and try again.")
            % {"seconds": verdict.wait_seconds},
            kind=Refusal.TOO_MANY,
        )
    code = "".join((code or "").split()).upper()[: TEAM_CODE_LENGTH + 1]
    session, fiver = _fiver_locked(participant.session)
    team = fiver.teams.filter(code=code).first() if len(code) == TEAM_CODE_LENGTH else None
    if team is None:
        raise Refused(
            _("No team has that code. Check it with your team or the facilitator."),
            kind=Refusal.WRONG_CODE,
        )
    if fiver.stage_at(timezone.now()) not in TEAMS_OPEN:
        raise Refused(
            _("Planning time is over, so the teams stay as they are."), kind=Refusal.WRONG_STATE
        )
    if _team_move(participant, team):
        _changed(session)
    return team


# What each button of the facilitator's Bid for a Fiver does (decision 0066).
class FiverAction:
    START = "start"  # start the clock: planning begins
    PAUSE = "pause"
    RESUME = "resume"
    MINUTE = "minute"  # one more minute, even once time is up (before the vote)
    STOP = "stop"  # time's up now
    VOTE = "vote"  # everyone votes on the plans
    WINNER = "winner"  # close the vote and show the winner
    ALL = (START, PAUSE, RESUME, MINUTE, STOP, VOTE, WINNER)


def _option_labels(teams: list[Team]) -> list[str]:
    """Return each team's option in the vote: its name and its plan's title, if they fit."""
    labels = [f"{team.name}: {team.title}" if team.title else team.name for team in teams]
    labels = [
        label
        if len(label) <= kinds.OPTION_MAX_LENGTH
        else label[: kinds.OPTION_MAX_LENGTH - 1] + "…"
        for label in labels
    ]
    if len({label.casefold() for label in labels}) != len(labels):
        labels = [team.name for team in teams]  # team names are different by rule
    return labels


def _vote_make(session: LiveSession, fiver: FiverRound) -> Activity:
    """Add the vote: a multiple-choice question, one option per team with a plan, open now."""
    teams = selectors.teams_with_plans(fiver)
    if len(teams) < 2:
        raise Refused(
            _("At least two teams need a plan (a name or an item) to vote on."),
            kind=Refusal.WRONG_STATE,
        )
    last = session.activities.aggregate(last=Max("position"))["last"] or 0
    activity = Activity.objects.create(
        session=session,
        position=last + 1,
        kind=Activity.Kind.CHOICE,
        prompt=_("Which plan should win?"),
        options=kinds.options_check(kind=Activity.Kind.CHOICE, options=_option_labels(teams)),
        state=Activity.State.OPEN,
        needs_approval=False,
        bars_own_team=fiver.own_vote_barred,
    )
    Team.objects.filter(fiver=fiver).update(vote_option=None)
    for option, team in enumerate(teams):
        Team.objects.filter(pk=team.pk).update(vote_option=option)
    session.current_activity = activity
    session.results_shown = False
    session.save(update_fields=["current_activity", "results_shown"])
    return activity


@transaction.atomic
def fiver_control(*, session: LiveSession, action: str, by: User) -> bool:
    """Run the Bid for a Fiver: the clock, time's up, the vote and the winner.

    Return whether anything changed: doing what is already done changes nothing and
    publishes nothing. The clock is the server's: a deadline while it runs, the
    seconds left while it is paused.
    """
    _check(can_run_session(by, session))
    if action not in FiverAction.ALL:
        raise Refused(_("That isn't something a Bid for a Fiver can do."), kind=Refusal.BAD_CHOICE)
    session, fiver = _fiver_locked(session)
    if not session.is_running:
        raise Refused(
            _("This session has ended.")
            if session.state == LiveSession.State.ENDED
            else _("Start the session first."),
            kind=Refusal.WRONG_STATE,
        )
    Stage = FiverRound.Stage
    now = timezone.now()
    stage = fiver.stage_at(now)
    before = {
        "stage": stage,
        "seconds_left": fiver.seconds_left(now),
        "paused": fiver.is_paused,
    }
    planning = stage == Stage.PLANNING
    fields = ["stage", "deadline", "remaining_seconds"]
    if action == FiverAction.START:
        if fiver.stage != Stage.TEAMS:
            return False
        if not fiver.teams.exists():
            raise Refused(_("Make the teams first."), kind=Refusal.WRONG_STATE)
        fiver.stage = Stage.PLANNING
        fiver.deadline = now + timedelta(minutes=fiver.minutes)
        fiver.remaining_seconds = None
    elif action == FiverAction.PAUSE:
        if not planning or fiver.is_paused:
            return False
        fiver.remaining_seconds = fiver.seconds_left(now)
        fiver.deadline = None
    elif action == FiverAction.RESUME:
        if not planning or not fiver.is_paused:
            return False
        fiver.deadline = now + timedelta(seconds=fiver.remaining_seconds)
        fiver.remaining_seconds = None
    elif action == FiverAction.MINUTE:
        if stage not in (Stage.PLANNING, Stage.GALLERY):
            raise Refused(
                _("The vote has started, so planning time is over."), kind=Refusal.WRONG_STATE
            )
        if fiver.is_paused:
            fiver.remaining_seconds += 60
        else:
            # Running, or time is up (the plans are back on phones for a minute).
            fiver.deadline = max(fiver.deadline or now, now) + timedelta(seconds=60)
            fiver.remaining_seconds = None
        fiver.stage = Stage.PLANNING
    elif action == FiverAction.STOP:
        if fiver.stage != Stage.PLANNING:
            return False
        fiver.stage = Stage.GALLERY
        fiver.deadline = None
        fiver.remaining_seconds = None
    elif action == FiverAction.VOTE:
        if stage in (Stage.VOTING, Stage.WINNER):
            return False
        if stage != Stage.GALLERY:
            raise Refused(
                _("Wait until time is up (or press Time's up now), then vote."),
                kind=Refusal.WRONG_STATE,
            )
        fiver.vote = _vote_make(session, fiver)
        fiver.stage = Stage.VOTING
        fiver.deadline = None
        fiver.remaining_seconds = None
        fields.append("vote")
    else:  # the winner
        if stage == Stage.WINNER:
            return False
        if stage != Stage.VOTING or fiver.vote_id is None:
            raise Refused(_("Start the vote first."), kind=Refusal.WRONG_STATE)
        Activity.objects.filter(pk=fiver.vote_id).update(state=Activity.State.CLOSED)
        session.current_activity_id = fiver.vote_id
        session.results_shown = True
        session.save(update_fields=["current_activity", "results_shown"])
        fiver.stage = Stage.WINNER
    fiver.save(update_fields=fields)
    _changed(session)
    audit_record(
        action=f"live.fiver_{action}",
        actor=by,
        target=session,
        details={
            "old": before,
            "new": {
                "stage": fiver.stage_at(now),
                "seconds_left": fiver.seconds_left(now),
                "paused": fiver.is_paused,
            },
        },
    )
    return True


def _own_plan_vote_check(activity_id: int, participant_id: int, choices: list[int]) -> None:
    """Refuse a vote for the phone's own team's plan (only asked of votes that bar it)."""
    own = (
        Team.objects.filter(fiver__vote_id=activity_id, members__participant_id=participant_id)
        .values_list("vote_option", flat=True)
        .first()
    )
    if own is not None and own in choices:
        raise Refused(
            _("You can't vote for your own team's plan. Choose another one."),
            kind=Refusal.NOT_ALLOWED,
        )


@dataclass(frozen=True)
class PlanChanged:
    team: Team
    changed: bool = True
    replayed: bool = False  # this add (its client_id) was made before: nothing changed
    item: PlanItem | None = None


def _plan_phone(participant: Participant) -> tuple[LiveSession, FiverRound, Team]:
    """Lock the phone, then the session; return its Bid for a Fiver and the phone's team."""
    participant = _phone_locked(participant)
    session, fiver = _fiver_locked(participant.session)
    participant.session = session
    member = TeamMember.objects.select_related("team").filter(participant=participant).first()
    team = member.team if member is not None else None
    _check_team_phone(can_change_plan(participant, fiver, team), participant)
    verdict = hit_each((PLAN_CHANGES_PER_PHONE, str(participant.pk)))
    if not verdict:
        raise Refused(
            _("That's a lot of changes. Please wait %(seconds)d seconds and try again.")
            % {"seconds": verdict.wait_seconds},
            kind=Refusal.TOO_MANY,
        )
    return session, fiver, team


def _plan_text(text: str, *, most: int, what: str) -> str:
    text = " ".join((text or "").split())
    if len(text) > most:
        raise Refused(
            _("%(what)s can be at most %(count)d letters.") % {"what": what, "count": most},
            kind=Refusal.TOO_LONG,
        )
    if text and wordfilter.is_blocked(text):
        raise Refused(
            _("Please say that a different way. Some words aren't allowed here."),
            kind=Refusal.UNSUITABLE,
        )
    return text


def _cost(cost_pence: int, cap_pence: int) -> int:
    if isinstance(cost_pence, bool) or not isinstance(cost_pence, int) or cost_pence < 0:
        raise Refused(_("Say what it costs, like 1.50 or 75p."), kind=Refusal.INVALID)
    if cost_pence > cap_pence:
        raise Refused(
            _("That costs more than your whole budget of %(cap)s.")
            % {"cap": money.pounds(cap_pence)},
            kind=Refusal.UNUSABLE,
        )
    return cost_pence


def _over_budget(total: int, cap: int) -> Refused:
    return Refused(
        _(
            "That would make your plan cost %(total)s, which is %(over)s more than your "
            "budget of %(cap)s. Choose something cheaper, or take something off."
        )
        % {
            "total": money.pounds(total),
            "over": money.pounds(total - cap),
            "cap": money.pounds(cap),
        },
        kind=Refusal.UNUSABLE,
    )


def _plan_saved(session: LiveSession, team: Team) -> None:
    Team.objects.filter(pk=team.pk).update(version=F("version") + 1)
    _changed(session)


@transaction.atomic
def plan_change(
    *,
    participant: Participant,
    title: str,
    doing: str,
    for_whom: str,
    was: dict[str, str] | None = None,
) -> PlanChanged:
    """Write the team's plan: its name, what they will do and who it is for.

    `was` is what the phone showed before the person typed: only the parts they
    changed are written, so two people in a team each changing a different part
    don't undo each other. Without it every part is written.
    """
    typed = {
        "title": _plan_text(title, most=PLAN_TITLE_MAX_LENGTH, what=_("The plan's name")),
        "doing": _plan_text(doing, most=PLAN_DOING_MAX_LENGTH, what=_("What you will do")),
        "for_whom": _plan_text(for_whom, most=PLAN_FOR_MAX_LENGTH, what=_("Who it is for")),
    }
    session, _fiver, team = _plan_phone(participant)
    team = Team.objects.get(pk=team.pk)
    changes = {
        name: value
        for name, value in typed.items()
        if (was is None or " ".join((was.get(name) or "").split()) != value)
        and getattr(team, name) != value
    }
    if not changes:
        return PlanChanged(team, changed=False)
    for name, value in changes.items():
        setattr(team, name, value)
    team.save(update_fields=list(changes))
    _plan_saved(session, team)
    return PlanChanged(team)


@transaction.atomic
def plan_item_add(
    *, participant: Participant, what: str, cost_pence: int, client_id: uuid.UUID | str
) -> PlanChanged:
    """Add an item to the team's plan, if the plan still fits the budget with it.

    The same add sent again (its client_id) is one item, even after the item was
    taken off. The total is read and checked while the session's row is held, so two
    adds at once can't both fit on their own and overshoot together.
    """
    try:
        client_id = uuid.UUID(str(client_id))
    except ValueError as error:
        raise Refused(_("Please reload the page and try again."), kind=Refusal.INVALID) from error
    what = _plan_text(what, most=ITEM_MAX_LENGTH, what=_("What the item is"))
    session, fiver, team = _plan_phone(participant)
    replay = PlanItem.objects.filter(client_id=client_id).first()
    if replay is not None:
        if replay.team_id != team.pk:
            raise Refused(_("Please reload the page and try again."), kind=Refusal.INVALID)
        return PlanChanged(team, changed=False, replayed=True, item=replay)
    if not what:
        raise Refused(_("Say what the item is."), kind=Refusal.INVALID)
    cost = _cost(cost_pence, fiver.cap_pence)
    items = PlanItem.objects.filter(team=team, removed_at__isnull=True)
    summary = items.aggregate(total=Sum("cost_pence"), count=Count("pk"))
    if summary["count"] >= PLAN_ITEMS_MAX:
        raise Refused(
            _("A plan can have at most %(count)d items.") % {"count": PLAN_ITEMS_MAX},
            kind=Refusal.TOO_LONG,
        )
    total = (summary["total"] or 0) + cost
    if total > fiver.cap_pence:
        raise _over_budget(total, fiver.cap_pence)
    item = PlanItem.objects.create(team=team, what=what, cost_pence=cost, client_id=client_id)
    _plan_saved(session, team)
    return PlanChanged(team, item=item)


@transaction.atomic
def plan_item_change(
    *, participant: Participant, item: PlanItem, what: str, cost_pence: int
) -> PlanChanged:
    """Change an item of the team's plan (what it is, what it costs), if the plan still fits."""
    what = _plan_text(what, most=ITEM_MAX_LENGTH, what=_("What the item is"))
    session, fiver, team = _plan_phone(participant)
    found = PlanItem.objects.filter(pk=item.pk, removed_at__isnull=True).first()
    if found is None or found.team_id != team.pk:
        raise Refused(
            _("That item has gone: someone in your team took it off."), kind=Refusal.UNKNOWN
        )
    if not what:
        raise Refused(_("Say what the item is."), kind=Refusal.INVALID)
    cost = _cost(cost_pence, fiver.cap_pence)
    if (found.what, found.cost_pence) == (what, cost):
        return PlanChanged(team, changed=False, item=found)
    others = (
        PlanItem.objects.filter(team=team, removed_at__isnull=True)
        .exclude(pk=found.pk)
        .aggregate(total=Sum("cost_pence"))
    )
    total = (others["total"] or 0) + cost
    if total > fiver.cap_pence:
        raise _over_budget(total, fiver.cap_pence)
    found.what, found.cost_pence = what, cost
    found.save(update_fields=["what", "cost_pence"])
    _plan_saved(session, team)
    return PlanChanged(team, item=found)


@transaction.atomic
def plan_item_remove(*, participant: Participant, item: PlanItem) -> PlanChanged:
    """Take an item off the team's plan. Taking off one already gone changes nothing."""
    session, _fiver, team = _plan_phone(participant)
    found = PlanItem.objects.filter(pk=item.pk).first()
    if found is not None and found.team_id != team.pk:
        raise Refused(_("That item is another team's."), kind=Refusal.MISMATCH)
    if found is None or found.removed_at is not None:
        return PlanChanged(team, changed=False)
    found.removed_at = timezone.now()
    found.save(update_fields=["removed_at"])
    _plan_saved(session, team)
    return PlanChanged(team)
