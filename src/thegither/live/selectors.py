"""Reads for live sessions: lists, counts and the snapshots screens are sent.

Counts come from aggregate queries over answer parts, never from a stored
counter, so two answers at once can never lose one (Claper's bug).
"""

from dataclasses import dataclass, field
from datetime import datetime
from typing import NamedTuple

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from thegither.accounts.models import Organisation
from thegither.live import kinds
from thegither.live.models import (
    Activity,
    Answer,
    AnswerItem,
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
from thegither.live.queue import Hand, SpeakingQueue

PHONE = "phone"
STAFF = "staff"


def sessions_of(organisation: Organisation) -> QuerySet[LiveSession]:
    """Return the organisation's sessions, newest first, with their activity counts."""
    return (
        LiveSession.objects.filter(organisation=organisation)
        .annotate(activity_count=Count("activities"))
        .order_by("-created_at", "-pk")
    )


def session_by_code(code: str) -> LiveSession | None:
    """Return the session with this join code (any case, spaces ignored), or None."""
    code = "".join(code.split()).upper()
    if len(code) != 6:
        return None
    return LiveSession.objects.select_related("organisation").filter(join_code=code).first()


def activities_of(session: LiveSession) -> list[Activity]:
    return list(session.activities.order_by("position"))


def participants_of(session: LiveSession, *, limit: int = 200) -> list[Participant]:
    """Return the phones in the session (not removed), first joined first, for the console."""
    return list(Participant.objects.filter(session=session, removed=False).order_by("pk")[:limit])


def participant_count(session: LiveSession) -> int:
    return Participant.objects.filter(session=session, removed=False).count()


def answer_count(activity: Activity) -> int:
    return Answer.objects.filter(activity=activity, participant__removed=False).count()


def counts(activity: Activity) -> dict[str, int]:
    """Return the total for each key an activity counts, in one aggregate query."""
    rows = (
        AnswerItem.objects.filter(activity=activity, answer__participant__removed=False)
        .values("key")
        .annotate(total=Sum("amount"))
    )
    return {row["key"]: row["total"] for row in rows}


def results(activity: Activity) -> dict:
    """Return an activity's results: each option with its total, plus words or texts."""
    totals = counts(activity)
    answered = answer_count(activity)
    out: dict = {"answered": answered}
    pairs = kinds.labels(activity)
    if pairs:
        out["options"] = [
            {"key": key, "label": label, "total": totals.get(key, 0)} for key, label in pairs
        ]
    elif activity.kind == Activity.Kind.WORD_CLOUD:
        words = sorted(totals.items(), key=lambda pair: (-pair[1], pair[0]))[:50]
        out["words"] = [{"word": word, "total": total} for word, total in words]
    elif activity.kind == Activity.Kind.OPEN_TEXT:
        out["texts"] = shown_texts(activity)
    if activity.kind == Activity.Kind.SCALE and answered:
        out["mean"] = round(sum(int(k) * v for k, v in totals.items()) / answered, 1)
    return out


def _texts(activity: Activity):
    return Answer.objects.filter(activity=activity, participant__removed=False).order_by(
        "-updated_at", "-pk"
    )


def shown_texts(activity: Activity, *, limit: int = 50) -> list[dict]:
    """Return the written answers everyone may see, most up-voted first, then newest."""
    rows = (
        _texts(activity)
        .filter(shown=True)
        .annotate(votes=Count("upvotes", filter=Q(upvotes__participant__removed=False)))
        .order_by("-votes", "-updated_at", "-pk")
    )
    return [
        {"id": row.pk, "text": row.value.get("text", ""), "votes": row.votes}
        for row in rows[:limit]
    ]


def upvoted_by(participant: Participant, activity: Activity) -> set[int]:
    """Return the ids of the written answers this phone up-voted."""
    return set(
        Upvote.objects.filter(participant=participant, answer__activity=activity).values_list(
            "answer_id", flat=True
        )
    )


def open_texts(activity: Activity, *, limit: int = 50) -> list[Answer]:
    """Return the newest open-text answers for the facilitator to approve or hide."""
    return list(_texts(activity)[:limit])


def activity_public(activity: Activity) -> dict:
    """Return what any screen may know about an activity (never who answered what)."""
    return {
        "id": activity.pk,
        "position": activity.position,
        "kind": activity.kind,
        "prompt": activity.prompt,
        "options": [label for _key, label in kinds.labels(activity)],
        "several": activity.several,
        "faces": activity.faces,
        "points_total": activity.points_total,
        "state": activity.state,
    }


def snapshot(session: LiveSession, audience: str) -> dict:
    """Return the whole state a screen shows, as one JSON-ready dict.

    `seq` is read first, so the counts are at least as new as the number says.
    Phones get results only while they are shown.
    """
    fresh = (
        LiveSession.objects.filter(pk=session.pk)
        .values("seq", "state", "results_shown", "current_activity_id", *CARD_FIELDS)
        .get()
    )
    activity = (
        Activity.objects.filter(pk=fresh["current_activity_id"]).first()
        if fresh["current_activity_id"]
        else None
    )
    out = {
        "type": "snapshot",
        "session": session.pk,
        "seq": fresh["seq"],
        "state": fresh["state"],
        "results_shown": fresh["results_shown"],
        "activity": activity_public(activity) if activity else None,
    }
    if audience == STAFF:
        out["joined"] = participant_count(session)
        out["activity_count"] = session.activities.count()
    if activity is not None and (audience == STAFF or fresh["results_shown"]):
        out["results"] = results(activity)
    if fresh["kind"] == LiveSession.Kind.MEETING or fresh["cards_on"]:
        out["cards"] = _cards_public(session.pk, fresh, audience)
    if fresh["kind"] == LiveSession.Kind.FIVER:
        fiver = fiver_public(session.pk)
        if fiver is not None:
            out["fiver"] = fiver
    return out


# ---- meeting cards and the speaking queue (decision 0063) ----

CARD_FIELDS = (
    "kind",
    "cards_on",
    "stop_words",
    "queue_policy",
    "queue_paused",
    "queue_by_hand",
    "cards_round",
)


def _queue_from(policy: str, by_hand: bool, cards, turns: dict[int, int]) -> SpeakingQueue:
    queue = SpeakingQueue(policy=policy, turns=turns)
    for card in cards:
        if card.state == Card.State.SPEAKING:
            queue.speaker = card.participant_id
        else:
            queue.hands[card.participant_id] = Hand(
                person=card.participant_id, raised=card.pk, place=card.place
            )
    queue.by_hand = by_hand and bool(queue.hands)
    return queue


def turns_of(session_id: int) -> dict[int, int]:
    """Return each phone's turns so far (finished "speak" cards), by participant id."""
    return dict(
        Card.objects.filter(session_id=session_id, kind=Card.Kind.SPEAK, state=Card.State.DONE)
        .values("participant")
        .annotate(turns=Count("pk"))
        .values_list("participant", "turns")
    )


def queue_of(session: LiveSession) -> tuple[SpeakingQueue, dict[int, Card]]:
    """Return the session's speaking queue (live/queue.py) and each open "speak" card by phone.

    To change the queue, lock the session row first (the services do).
    """
    cards = list(
        Card.objects.filter(
            session=session, kind=Card.Kind.SPEAK, state__in=Card.OPEN_STATES
        ).order_by("pk")
    )
    queue = _queue_from(session.queue_policy, session.queue_by_hand, cards, turns_of(session.pk))
    return queue, {card.participant_id: card for card in cards}


class _OpenCard(NamedTuple):
    """A card up (or speaking), as much of it as a snapshot needs."""

    pk: int
    kind: str
    state: str
    participant_id: int
    place: int | None


def _cards_public(session_id: int, fresh: dict, audience: str) -> dict:
    """Return what a screen's snapshot says about the cards: never who holds which.

    The queue is card ids, in order, so a phone can find its own place; the staff get
    counts of the other cards too. Names are only ever drawn by the pages.
    """
    # Plain rows, not model objects: every snapshot of a meeting reads every card up.
    cards = [
        _OpenCard(*row)
        for row in Card.objects.filter(session_id=session_id, state__in=Card.OPEN_STATES)
        .order_by("pk")
        .values_list(*_OpenCard._fields)
    ]
    speak = [card for card in cards if card.kind == Card.Kind.SPEAK]
    turns = turns_of(session_id) if fresh["queue_policy"] == LiveSession.QueuePolicy.FAIR else {}
    queue = _queue_from(fresh["queue_policy"], fresh["queue_by_hand"], speak, turns)
    card_of = {card.participant_id: card.pk for card in speak}
    out = {
        "meeting": fresh["kind"] == LiveSession.Kind.MEETING,
        "words": fresh["stop_words"],
        "paused": fresh["queue_paused"],
        "round": fresh["cards_round"],
        "queue": [card_of[person] for person in queue.order()],
        "speaking": card_of[queue.speaker] if queue.speaker is not None else None,
        "glossary": [
            {"id": word.pk, "version": word.version, "words": word.words, "meaning": word.meaning}
            for word in explained_in(session_id)
        ],
    }
    if audience == STAFF:
        out["policy"] = fresh["queue_policy"]
        out["by_hand"] = queue.by_hand
        out["up"] = {
            kind: sum(1 for card in cards if card.kind == kind and card.state == Card.State.UP)
            for kind in (Card.Kind.STOP, Card.Kind.QUIET, Card.Kind.BREAK)
        }
    return out


def names_of(session: LiveSession) -> dict[int, str]:
    """Return what the facilitator's screens call each phone still in the session.

    Its nickname, or "Phone 3" (its number among the phones still in, first joined
    first, as the console's list of phones numbers them).
    """
    rows = (
        Participant.objects.filter(session=session, removed=False)
        .order_by("pk")
        .values_list("pk", "nickname")
    )
    return {
        pk: nickname or _("Phone %(number)d") % {"number": number}
        for number, (pk, nickname) in enumerate(rows, 1)
    }


@dataclass(frozen=True)
class Speaker:
    card: int
    person: int
    name: str
    turns: int  # turns finished before this one
    seconds: int  # time spoken before this turn
    called_at: datetime | None = None

    @property
    def first_time(self) -> bool:
        return self.turns == 0


@dataclass(frozen=True)
class Person:
    person: int
    name: str
    turns: int
    seconds: int
    quiet: bool  # holds up "I don't want to speak"


@dataclass(frozen=True)
class StopCard:
    phrase: str
    name: str  # "" unless the facilitator may see who pressed it


@dataclass
class QueueNow:
    """Everything the facilitator's screens show about the cards and the queue."""

    policy: str
    paused: bool
    by_hand: bool
    waiting: list[Speaker] = field(default_factory=list)
    speaker: Speaker | None = None
    stops: list[StopCard] = field(default_factory=list)
    breaks: int = 0
    quiet: list[str] = field(default_factory=list)
    people: list[Person] = field(default_factory=list)


def queue_now(session: LiveSession, *, stop_names: bool = False) -> QueueNow:
    """Return the queue in order, the other cards up, and everyone's turns and time spoken.

    `stop_names` says whether to name who pressed Stop (`can_see_stop_names`). Removed
    phones are left out. A fixed number of queries, however many phones there are.
    """
    names = names_of(session)
    queue, cards = queue_of(session)
    spoken = {
        row["participant"]: row
        for row in Card.objects.filter(session=session, kind=Card.Kind.SPEAK, state=Card.State.DONE)
        .values("participant")
        .annotate(turns=Count("pk"), seconds=Sum("seconds"))
    }
    others = list(
        Card.objects.filter(session=session, state=Card.State.UP)
        .exclude(kind=Card.Kind.SPEAK)
        .order_by("pk")
        .values("kind", "participant", "phrase")
    )

    def speaker(person: int) -> Speaker:
        done = spoken.get(person, {})
        return Speaker(
            card=cards[person].pk,
            person=person,
            name=names.get(person, ""),
            turns=done.get("turns", 0),
            seconds=done.get("seconds") or 0,
            called_at=cards[person].called_at,
        )

    quiet = {row["participant"] for row in others if row["kind"] == Card.Kind.QUIET}
    return QueueNow(
        policy=session.queue_policy,
        paused=session.queue_paused,
        by_hand=queue.by_hand,
        waiting=[speaker(person) for person in queue.order() if person in names],
        speaker=speaker(queue.speaker) if queue.speaker in names else None,
        stops=[
            StopCard(
                phrase=row["phrase"], name=names.get(row["participant"], "") if stop_names else ""
            )
            for row in others
            if row["kind"] == Card.Kind.STOP and row["participant"] in names
        ],
        breaks=sum(
            1 for row in others if row["kind"] == Card.Kind.BREAK and row["participant"] in names
        ),
        quiet=[names[person] for person in names if person in quiet],
        people=[
            Person(
                person=person,
                name=name,
                turns=spoken.get(person, {}).get("turns", 0),
                seconds=spoken.get(person, {}).get("seconds") or 0,
                quiet=person in quiet,
            )
            for person, name in names.items()
        ],
    )


def my_cards(participant: Participant) -> dict[str, Card]:
    """Return the phone's cards that are up (or speaking), by kind."""
    return {
        card.kind: card
        for card in Card.objects.filter(participant=participant, state__in=Card.OPEN_STATES)
    }


# ---- the jargon glossary (decision 0065) ----


def explained_in(session_id: int) -> list[GlossaryWord]:
    """Return the words flagged with Stop in the session that have a meaning, A to Z.

    What participants may see: never a word without a meaning (nobody has checked it
    yet) or one the facilitator left out.
    """
    return list(
        GlossaryWord.objects.filter(cards__session_id=session_id, hidden=False)
        .exclude(meaning="")
        .distinct()
        .order_by("words", "pk")
    )


def glossary_of(organisation: Organisation) -> list[GlossaryWord]:
    """Return every word in the organisation's glossary, the most flagged first (for staff)."""
    return list(
        GlossaryWord.objects.filter(organisation=organisation).order_by(
            "hidden", "-flagged", "words", "pk"
        )
    )


def glossary_public(organisation: Organisation) -> list[GlossaryWord]:
    """Return the words anyone may see: those with a meaning, not left out, A to Z."""
    return list(
        GlossaryWord.objects.filter(organisation=organisation, hidden=False)
        .exclude(meaning="")
        .order_by("words", "pk")
    )


def session_words(session: LiveSession) -> list[GlossaryWord]:
    """Return the words flagged in this session, each with `here` (how often), most first."""
    return list(
        GlossaryWord.objects.annotate(here=Count("cards", filter=Q(cards__session=session)))
        .filter(here__gt=0)
        .order_by("-here", "words", "pk")
    )


# ---- Bid for a Fiver (decision 0066) ----


def fiver_of(session: LiveSession) -> FiverRound | None:
    """Return the session's Bid for a Fiver, or None when it has none."""
    return FiverRound.objects.filter(session_id=session.pk).first()


def _with_totals(teams: QuerySet[Team]) -> QuerySet[Team]:
    """Add `total_pence` (what the plan costs so far) and `size` (people in it) to each team."""
    total = (
        PlanItem.objects.filter(team=OuterRef("pk"), removed_at__isnull=True)
        .values("team")
        .annotate(total=Sum("cost_pence"))
        .values("total")
    )
    size = (
        TeamMember.objects.filter(team=OuterRef("pk"), participant__removed=False)
        .values("team")
        .annotate(size=Count("pk"))
        .values("size")
    )
    return teams.annotate(
        total_pence=Coalesce(Subquery(total), 0), size=Coalesce(Subquery(size), 0)
    ).order_by("position")


def _teams(fiver_id: int) -> QuerySet[Team]:
    return _with_totals(Team.objects.filter(fiver_id=fiver_id))


def plan_totals(fiver: FiverRound) -> dict[int, int]:
    """Return what each team's plan costs so far, in pence, by team id."""
    return {team.pk: team.total_pence for team in _teams(fiver.pk)}


def _items() -> Prefetch:
    """A team's items still in its plan (taken-off items keep their rows)."""
    return Prefetch("items", queryset=PlanItem.objects.filter(removed_at__isnull=True))


def teams_of(fiver: FiverRound) -> list[Team]:
    """Return the teams in order, with `total_pence` and `size`, and their items (one query)."""
    return list(_teams(fiver.pk).prefetch_related(_items()))


def teams_with_plans(fiver: FiverRound) -> list[Team]:
    """Return the teams that wrote something (a name for the plan or an item), in order."""
    return [team for team in teams_of(fiver) if team.title or team.items.all()]


def team_of(participant: Participant) -> Team | None:
    """Return the phone's team, with `total_pence`, `size` and its items; or None."""
    member = TeamMember.objects.filter(participant=participant).values_list("team", flat=True)
    team_id = member.first()
    if team_id is None:
        return None
    return _with_totals(Team.objects.filter(pk=team_id)).prefetch_related(_items()).first()


def gallery(fiver: FiverRound, *, with_plans_only: bool = False) -> list[Team]:
    """Return the teams and their plans (items, total, size), and once voted, their votes.

    Each team gets `left_pence` (what is left of the budget), `votes` (None before the
    vote) and `won`. A fixed number of queries, however many teams there are.
    """
    teams = teams_with_plans(fiver) if with_plans_only else teams_of(fiver)
    votes = vote_totals(fiver) if fiver.vote_id else {}
    won = set(_most(votes)) if fiver.stage == FiverRound.Stage.WINNER else set()
    for team in teams:
        team.left_pence = fiver.cap_pence - team.total_pence
        team.votes = votes.get(team.pk)
        team.won = team.pk in won
    return teams


def teams_by_phone(session: LiveSession) -> dict[int, int]:
    """Return each phone's team id, by participant id (phones in no team are left out)."""
    return dict(
        TeamMember.objects.filter(team__fiver__session=session).values_list(
            "participant_id", "team_id"
        )
    )


def vote_totals(fiver: FiverRound) -> dict[int, int]:
    """Return the votes for each team's plan, by team id (teams not in the vote are left out)."""
    if fiver.vote_id is None:
        return {}
    totals = counts(Activity(pk=fiver.vote_id))
    return {
        team_id: totals.get(str(option), 0)
        for team_id, option in Team.objects.filter(
            fiver=fiver, vote_option__isnull=False
        ).values_list("pk", "vote_option")
    }


def _most(votes: dict[int, int]) -> list[int]:
    most = max(votes.values(), default=0)
    if not most:
        return []
    return [team_id for team_id, total in votes.items() if total == most]


def winners(fiver: FiverRound) -> list[int]:
    """Return the team ids with the most votes (more than one on a tie; none without votes)."""
    return _most(vote_totals(fiver))


def fiver_public(session_id: int) -> dict | None:
    """Return what a snapshot says about the session's Bid for a Fiver (decision 0066).

    The clock as the server sees it (the seconds left, the deadline while it runs),
    and each team's name, size, plan total and `version`, never who is in which team
    or what a plan says: the plans are shown by the pages, and to everyone when time
    is up.
    """
    fiver = FiverRound.objects.filter(session_id=session_id).first()
    if fiver is None:
        return None
    now = timezone.now()
    stage = fiver.stage_at(now)
    if stage != FiverRound.Stage.PLANNING:
        clock = "stopped"
    elif fiver.is_paused:
        clock = "paused"
    else:
        clock = "running"
    return {
        "stage": stage,
        "cap_pence": fiver.cap_pence,
        "minutes": fiver.minutes,
        "own_vote_barred": fiver.own_vote_barred,
        "clock": clock,
        "remaining": fiver.seconds_left(now),
        "deadline": fiver.deadline.isoformat() if clock == "running" else None,
        "vote": fiver.vote_id,
        "teams": [
            {
                "id": team.pk,
                "name": team.name,
                "members": team.size,
                "total_pence": team.total_pence,
                "version": team.version,
            }
            for team in _teams(fiver.pk)
        ],
        "winners": winners(fiver) if stage == FiverRound.Stage.WINNER else [],
    }
