"""Reads for live sessions: lists, counts and the snapshots screens are sent.

Counts come from aggregate queries over answer parts, never from a stored
counter, so two answers at once can never lose one (Claper's bug).
"""

from django.db.models import Count, Q, QuerySet, Sum

from thegither.accounts.models import Organisation
from thegither.live import kinds
from thegither.live.models import (
    Activity,
    Answer,
    AnswerItem,
    LiveSession,
    Participant,
    Upvote,
)

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
        .values("seq", "state", "results_shown", "current_activity_id")
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
    return out
