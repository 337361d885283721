"""The database steps of a card press, written as SQL once (decision 0093).

A meeting's phones press cards again and again, and the ORM spent most of a press
building SQL: a press made some 17 queries before decision 0093. These are the
statements a press needs, as few as they can be, on the model of live/answer_rows.py
(decision 0090): each says which ORM query it stands for, values go through the model
fields' own `get_db_prep_value`, and the suite runs them on SQLite and PostgreSQL.

A press is: the phone and its session's card settings, locked (one statement); the
press sent before with this client_id and the phone's cards that are up (one); the
change (an insert, or an update or two); and, when the phone's hand is waiting, its
place in the queue (one), for the phone's reply.
"""

import uuid
from dataclasses import dataclass, field
from datetime import datetime

from django.db import connection
from django.utils import timezone

from thegither.live.models import Card, LiveSession, Participant

_CLIENT_ID = Card._meta.get_field("client_id")
_RAISED_AT = Card._meta.get_field("raised_at")
# The session's columns a press reads: its state and how its cards and queue run.
_SESSION_COLUMNS = (
    "state",
    "kind",
    "cards_on",
    "stop_words",
    "stop_names_shown",
    "queue_policy",
    "queue_paused",
    "queue_by_hand",
    "cards_round",
    "organisation_id",
    "join_code",
)
_SESSION_FLAGS = ("cards_on", "stop_names_shown", "queue_paused", "queue_by_hand")
_LOCKED_SQL = (
    "SELECT p.removed, p.session_id, "  # noqa: S608 - constant names
    f"{', '.join('s.' + name for name in _SESSION_COLUMNS)} "
    "FROM live_participant p JOIN live_livesession s ON s.id = p.session_id WHERE p.id = %s"
)
_CARD_COLUMNS = "id, participant_id, kind, state, client_id, place, called_at"
OPEN = "('up', 'speaking')"


@dataclass
class PhoneCards:
    """What a press read and left: the phone (with its session's card settings) and its
    cards up, by kind, after the press; `place` is its waiting hand's place in the queue
    (1 is next), or 0."""

    participant: Participant
    mine: dict[str, Card] = field(default_factory=dict)
    place: int = 0

    @property
    def session(self) -> LiveSession:
        return self.participant.session


def _uuid(value) -> uuid.UUID:
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


def _when(value) -> datetime | None:
    if value is None or (isinstance(value, datetime) and timezone.is_aware(value)):
        return value
    return connection.ops.convert_datetimefield_value(value, None, connection)


def _now():
    now = timezone.now()
    return now, _RAISED_AT.get_db_prep_value(now, connection)


def phone_locked(participant_id: int) -> Participant | None:
    """Lock the phone, and its session against the facilitator's changes; return the phone
    with its session's card settings.

    Stands for `Participant.objects.select_for_update(of=("self",))
    .select_related("session").get(pk=...)` then `LiveSession.objects.select_for_update()`,
    in one statement. None when there is no such phone. The session holds only the
    fields listed above and is never saved.

    On PostgreSQL the phone's row is locked for update (two presses from one phone are
    taken one after the other) and the session's with a shared lock (`FOR KEY SHARE`):
    presses from different phones go side by side, while the facilitator's changes to
    the queue, which lock the session for update, wait for them and they for those
    (decision 0093). The snapshot's number (`seq = seq + 1`) takes no lock a press waits
    for. SQLite has no row locks: its write transaction (BEGIN IMMEDIATE) already holds
    the whole database.
    """
    sql = _LOCKED_SQL
    if connection.features.has_select_for_update_of:
        sql += " FOR UPDATE OF p FOR KEY SHARE OF s"
    with connection.cursor() as cursor:
        cursor.execute(sql, [participant_id])
        row = cursor.fetchone()
    if row is None:
        return None
    fields = dict(zip(_SESSION_COLUMNS, row[2:], strict=True))
    for flag in _SESSION_FLAGS:
        fields[flag] = bool(fields[flag])
    session = LiveSession(pk=row[1], **fields)
    participant = Participant(pk=participant_id, session_id=row[1], removed=bool(row[0]))
    participant.session = session
    return participant


def _card(row) -> Card:
    return Card(
        pk=row[0],
        participant_id=row[1],
        kind=row[2],
        state=row[3],
        client_id=_uuid(row[4]),
        place=row[5],
        called_at=_when(row[6]),
    )


def cards_for(participant: Participant, *, client_id: uuid.UUID | None = None, card_id=None):
    """Return (the card pressed with this client_id, or the card with this id; the phone's
    cards up, by kind).

    Stands for `Card.objects.filter(client_id=...).first()` (or `.get(pk=...)`) and
    `Card.objects.filter(participant=..., state__in=Card.OPEN_STATES)`, in one query.
    The card found may be another phone's: the caller checks.
    """
    if client_id is not None:
        match, value = "client_id = %s", _CLIENT_ID.get_db_prep_value(client_id, connection)
    else:
        match, value = "id = %s", card_id
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {_CARD_COLUMNS} FROM live_card "  # noqa: S608 - constant names
            f"WHERE {match} OR (participant_id = %s AND state IN {OPEN})",
            [value, participant.pk],
        )
        cards = [_card(row) for row in cursor.fetchall()]
    if client_id is not None:
        found = next((card for card in cards if card.client_id == client_id), None)
    else:
        found = next((card for card in cards if card.pk == card_id), None)
    mine = {
        card.kind: card
        for card in cards
        if card.participant_id == participant.pk and card.state in Card.OPEN_STATES
    }
    return found, mine


def card_insert(
    *,
    participant: Participant,
    kind: str,
    client_id: uuid.UUID,
    phrase: str = "",
    word_id: int | None = None,
    place: int | None = None,
) -> Card:
    """Store a card held up (`Card.objects.create(...)`) and return it."""
    now, stored = _now()
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO live_card (session_id, participant_id, kind, state, client_id, "
            "phrase, word_id, place, raised_at, seconds) "
            "VALUES (%s, %s, %s, 'up', %s, %s, %s, %s, %s, 0) RETURNING id",
            [
                participant.session_id,
                participant.pk,
                kind,
                _CLIENT_ID.get_db_prep_value(client_id, connection),
                phrase,
                word_id,
                place,
                stored,
            ],
        )
        pk = cursor.fetchone()[0]
    return Card(
        pk=pk,
        session_id=participant.session_id,
        participant_id=participant.pk,
        kind=kind,
        state=Card.State.UP,
        client_id=client_id,
        phrase=phrase,
        word_id=word_id,
        place=place,
        raised_at=now,
    )


def card_close(card: Card) -> None:
    """Put an open card down; a speaker's card becomes a turn, with how long it lasted.

    Stands for `services._card_close` (`save(update_fields=...)`), in one statement,
    and changes `card` to match.
    """
    now, stored = _now()
    if card.state == Card.State.SPEAKING:
        card.state = Card.State.DONE
        card.seconds = max(0, round((now - (card.called_at or now)).total_seconds()))
    else:
        card.state = Card.State.DOWN
    card.ended_at, card.place = now, None
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE live_card SET state = %s, seconds = %s, ended_at = %s, place = NULL "
            "WHERE id = %s",
            [card.state, card.seconds, stored, card.pk],
        )


def hands_waiting(session_id: int) -> tuple[int, int | None]:
    """Return how many hands wait in the queue, and the highest place among them (a
    hand without one counting as 0), or None when none wait.

    Stands for `selectors.queue_of(session)` where only its hands' places are used.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*), MAX(COALESCE(place, 0)) FROM live_card "
            "WHERE session_id = %s AND kind = 'speak' AND state = 'up'",
            [session_id],
        )
        count, highest = cursor.fetchone()
    return count, highest


def queue_by_hand_end(session_id: int) -> None:
    """No hand waits: the queue's order is the policy's again (`SpeakingQueue._settle`)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE live_livesession SET queue_by_hand = %s WHERE id = %s", [False, session_id]
        )


# How many finished turns a card's phone has had (`selectors.turns_of`, for one phone).
_TURNS = (
    "(SELECT COUNT(*) FROM live_card d WHERE d.participant_id = {who} "
    "AND d.kind = 'speak' AND d.state = 'done')"
)


def place_of(session: LiveSession, card: Card) -> int:
    """Return the waiting hand's place in the queue, 1 being next (0 if it isn't waiting).

    Stands for `selectors.queue_of(session)[0].order().index(...) + 1`: the hands before
    it by the queue's own order (live/queue.py `SpeakingQueue._key`), counted in one query.
    """
    if card.kind != Card.Kind.SPEAK or card.state != Card.State.UP:
        return 0
    waiting = "w.session_id = %s AND w.kind = 'speak' AND w.state = 'up' AND w.id <> %s"
    params: list = [session.pk, card.pk]
    if session.queue_by_hand:
        # Only while hands wait, and this one does: by hand, exactly as the queue says.
        before = (
            "(CASE WHEN w.place IS NULL THEN 1 ELSE 0 END, COALESCE(w.place, 0), w.id) "
            "< (%s, %s, %s)"
        )
        params += [int(card.place is None), card.place or 0, card.pk]
    elif session.queue_policy == LiveSession.QueuePolicy.FAIR:
        before = (
            f"({_TURNS.format(who='w.participant_id')}, w.id) < ({_TURNS.format(who='%s')}, %s)"
        )
        params += [card.participant_id, card.pk]
    else:
        before = "w.id < %s"
        params += [card.pk]
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT COUNT(*) FROM live_card w WHERE {waiting} AND {before}",  # noqa: S608
            params,
        )
        return cursor.fetchone()[0] + 1
