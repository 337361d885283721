"""The database steps of taking a phone's answer, written as SQL once (decision 0062).

Taking an answer is the busiest work in Thegither: a hall of phones answering within
seconds of each other. Django's ORM spends a third of a millisecond or more building
each query's SQL, and an answer needs nine queries, so most of an answer's time went
on building SQL that never changes. These functions are those same statements,
written out. Each says which ORM query it stands for; values go through the model
fields' own `get_db_prep_value`, so SQLite and PostgreSQL store exactly what the ORM
would. They run inside the caller's transaction (services.answer_submit), and the
suite runs them on both databases.
"""

import uuid
from dataclasses import dataclass

from django.db import connection
from django.utils import timezone

from thegither.live.models import Activity, Answer

_CLIENT_ID = Answer._meta.get_field("client_id")
_VALUE = Answer._meta.get_field("value")
_UPDATED_AT = Answer._meta.get_field("updated_at")
_OPTIONS = Activity._meta.get_field("options")
# What taking an answer needs to know about its activity (live/kinds.py and the state).
_ACTIVITY_COLUMNS = (
    "id",
    "session_id",
    "position",
    "kind",
    "options",
    "several",
    "faces",
    "points_total",
    "state",
    "needs_approval",
    "bars_own_team",
)
_ACTIVITY_SQL = (
    f"SELECT {', '.join(_ACTIVITY_COLUMNS)} FROM live_activity "  # noqa: S608 - constant names
    "WHERE id = %s AND session_id = %s"
)


@dataclass(frozen=True)
class Phone:
    """A phone in a session, as the answer path needs it."""

    session_id: int
    participant_id: int
    removed: bool


@dataclass(frozen=True)
class LockedPhone:
    removed: bool
    session_id: int
    session_state: str


@dataclass(frozen=True)
class AnswerRow:
    pk: int
    participant_id: int
    activity_id: int
    client_id: uuid.UUID


def _one(sql: str, params: list):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


def phone_find(code: str, token_hash_of) -> Phone | None:
    """The phone with this token in the session with this join code, or None.

    Stands for `session_by_code(code)` then `participant_for(session, token)`;
    `token_hash_of(session_id)` gives the token's hash for that session.
    """
    found = _one("SELECT id FROM live_livesession WHERE join_code = %s", [code])
    if found is None:
        return None
    session_id = found[0]
    row = _one(
        "SELECT id, removed FROM live_participant WHERE session_id = %s AND token_hash = %s",
        [session_id, token_hash_of(session_id)],
    )
    if row is None:
        return None
    return Phone(session_id=session_id, participant_id=row[0], removed=bool(row[1]))


def phone_locked(participant_id: int) -> LockedPhone | None:
    """Lock the phone's row and read it with its session's state.

    Stands for `Participant.objects.select_for_update(of=("self",))
    .select_related("session").get(pk=...)`. SQLite has no row locks: its write
    transaction (BEGIN IMMEDIATE) already holds the whole database.
    """
    sql = (
        "SELECT p.removed, p.session_id, s.state FROM live_participant p "
        "JOIN live_livesession s ON s.id = p.session_id WHERE p.id = %s"
    )
    if connection.features.has_select_for_update_of:
        sql += " FOR UPDATE OF p"
    row = _one(sql, [participant_id])
    if row is None:
        return None
    return LockedPhone(removed=bool(row[0]), session_id=row[1], session_state=row[2])


def activity_in(activity_id: int, session_id: int) -> Activity | None:
    """The activity, read fresh, if it is in this session (`Activity.objects.filter().first()`).

    Only the fields taking an answer uses are filled in; the instance is never saved.
    """
    row = _one(_ACTIVITY_SQL, [activity_id, session_id])
    if row is None:
        return None
    fields = dict(zip(_ACTIVITY_COLUMNS, row, strict=True))
    fields["options"] = _OPTIONS.from_db_value(fields["options"], None, connection)
    for flag in ("several", "faces", "needs_approval", "bars_own_team"):
        fields[flag] = bool(fields[flag])
    return Activity(**fields)


def answers_for(
    client_id: uuid.UUID, participant_id: int, activity_id: int
) -> tuple[AnswerRow | None, AnswerRow | None]:
    """Return (the answer sent with this client_id, this phone's answer to this activity).

    Stands for `Answer.objects.filter(client_id=...).first()` and
    `Answer.objects.filter(participant=..., activity=...).first()`, in one query.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, participant_id, activity_id, client_id FROM live_answer "
            "WHERE client_id = %s OR (participant_id = %s AND activity_id = %s)",
            [_CLIENT_ID.get_db_prep_value(client_id, connection), participant_id, activity_id],
        )
        rows = [
            AnswerRow(pk=row[0], participant_id=row[1], activity_id=row[2], client_id=_uuid(row[3]))
            for row in cursor.fetchall()
        ]
    replay = next((row for row in rows if row.client_id == client_id), None)
    wanted = (participant_id, activity_id)
    mine = next((row for row in rows if (row.participant_id, row.activity_id) == wanted), None)
    return replay, mine


def _uuid(value) -> uuid.UUID:
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


def answer_insert(
    *, participant_id: int, activity_id: int, client_id: uuid.UUID, value: dict, shown: bool
) -> int:
    """Store a phone's first answer to an activity; return its id (`Answer.objects.create`)."""
    now = _UPDATED_AT.get_db_prep_value(timezone.now(), connection)
    params = [
        activity_id,
        participant_id,
        _CLIENT_ID.get_db_prep_value(client_id, connection),
        _VALUE.get_db_prep_value(value, connection),
        shown,
        now,
        now,
    ]
    sql = (
        "INSERT INTO live_answer (activity_id, participant_id, client_id, value, shown, "
        "created_at, updated_at) VALUES (%s, %s, %s, %s, %s, %s, %s)"
    )
    with connection.cursor() as cursor:
        if connection.features.can_return_columns_from_insert:
            cursor.execute(sql + " RETURNING id", params)
            return cursor.fetchone()[0]
        cursor.execute(sql, params)  # pragma: no cover - both our databases return ids
        return cursor.lastrowid  # pragma: no cover


def answer_replace(*, answer_id: int, client_id: uuid.UUID, value: dict, shown: bool) -> None:
    """Replace a phone's answer and drop its counted parts (`save()`, then `items.delete()`)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE live_answer SET client_id = %s, value = %s, shown = %s, updated_at = %s "
            "WHERE id = %s",
            [
                _CLIENT_ID.get_db_prep_value(client_id, connection),
                _VALUE.get_db_prep_value(value, connection),
                shown,
                _UPDATED_AT.get_db_prep_value(timezone.now(), connection),
                answer_id,
            ],
        )
        cursor.execute("DELETE FROM live_answeritem WHERE answer_id = %s", [answer_id])


def items_insert(*, answer_id: int, activity_id: int, items: list[tuple[str, int]]) -> None:
    """Store the answer's counted parts (`AnswerItem.objects.bulk_create`)."""
    if not items:
        return
    with connection.cursor() as cursor:
        cursor.executemany(
            'INSERT INTO live_answeritem (answer_id, activity_id, "key", amount) '
            "VALUES (%s, %s, %s, %s)",
            [(answer_id, activity_id, key, amount) for key, amount in items],
        )


def session_changed(session_id: int) -> None:
    """Count one more change to the session (`update(seq=F("seq") + 1)`)."""
    with connection.cursor() as cursor:
        cursor.execute("UPDATE live_livesession SET seq = seq + 1 WHERE id = %s", [session_id])
