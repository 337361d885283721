"""The database steps of taking a phone's answer, written as SQL once (decisions 0062, 0090).

Taking an answer is the busiest work in Thegither: a hall of phones answering within
seconds of each other. Django's ORM spends a third of a millisecond or more building
each query's SQL, so these are the statements written out. Each says which ORM query
it stands for; values go through the model fields' own `get_db_prep_value`, so SQLite
and PostgreSQL store exactly what the ORM would. They run inside the caller's
transaction (services.answer_submit), and the suite runs them on both databases.

On PostgreSQL every statement is a round trip to the server, and under load the round
trips were most of an answer's cost, so the steps are as few statements as they can
be (decision 0090): the phone is found in one lookup (its session's id is remembered
by join code), locked together with reading its session and the activity, and a new
answer is stored with its counted parts in one statement (`INSERT ... ON CONFLICT DO
NOTHING`: a retry or a changed answer finds the row already there and takes the slower
way). SQLite runs inside the process, where a statement costs no round trip and its
SQL has no writes inside WITH, so there the parts are written by a second statement.
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
_PHONE_SQL = (
    "SELECT p.id, p.removed FROM live_participant p "
    "JOIN live_livesession s ON s.id = p.session_id "
    "WHERE p.session_id = %s AND s.join_code = %s AND p.token_hash = %s"
)
_LOCKED_SQL = (
    "SELECT p.removed, p.session_id, s.state, "  # noqa: S608 - constant names
    f"{', '.join('a.' + name for name in _ACTIVITY_COLUMNS)} "
    "FROM live_participant p JOIN live_livesession s ON s.id = p.session_id "
    "LEFT JOIN live_activity a ON a.id = %s AND a.session_id = p.session_id "
    "WHERE p.id = %s"
)
# Sessions' ids by join code, so finding a phone is one lookup. A code stays with its
# session while the session exists; every lookup checks the code again, and a miss
# asks the database, so a code given to a new session is never mistaken.
_SESSION_IDS: dict[str, int] = {}
_SESSION_IDS_MAX = 10_000


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
    known = _SESSION_IDS.get(code)
    if known is not None:
        row = _one(_PHONE_SQL, [known, code, token_hash_of(known)])
        if row is not None:
            return Phone(session_id=known, participant_id=row[0], removed=bool(row[1]))
    found = _one("SELECT id FROM live_livesession WHERE join_code = %s", [code])
    if found is None:
        _SESSION_IDS.pop(code, None)
        return None
    session_id = found[0]
    if session_id == known:
        return None  # the right session, and no such phone in it
    if len(_SESSION_IDS) >= _SESSION_IDS_MAX:
        _SESSION_IDS.clear()
    _SESSION_IDS[code] = session_id
    row = _one(_PHONE_SQL, [session_id, code, token_hash_of(session_id)])
    if row is None:
        return None
    return Phone(session_id=session_id, participant_id=row[0], removed=bool(row[1]))


def phone_locked(
    participant_id: int, activity_id: int
) -> tuple[LockedPhone | None, Activity | None]:
    """Lock the phone's row; return it with its session's state, and the activity if it is there.

    Stands for `Participant.objects.select_for_update(of=("self",))
    .select_related("session").get(pk=...)` and `Activity.objects.filter(pk=...,
    session=...).first()`, in one statement. The activity is None when it is not in
    the phone's session; only the fields taking an answer uses are filled in, and it is
    never saved. SQLite has no row locks: its write transaction (BEGIN IMMEDIATE)
    already holds the whole database.
    """
    sql = _LOCKED_SQL
    if connection.features.has_select_for_update_of:
        sql += " FOR UPDATE OF p"
    row = _one(sql, [activity_id, participant_id])
    if row is None:
        return None, None
    phone = LockedPhone(removed=bool(row[0]), session_id=row[1], session_state=row[2])
    fields = dict(zip(_ACTIVITY_COLUMNS, row[3:], strict=True))
    if fields["id"] is None:
        return phone, None
    fields["options"] = _OPTIONS.from_db_value(fields["options"], None, connection)
    for flag in ("several", "faces", "needs_approval", "bars_own_team"):
        fields[flag] = bool(fields[flag])
    return phone, Activity(**fields)


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


def _on_postgresql() -> bool:
    return connection.vendor == "postgresql"


def _items_values(items: list[tuple[str, int]]) -> tuple[str, list]:
    """A VALUES list of (key, amount) rows and its parameters."""
    rows = ", ".join(["(%s, %s)"] * len(items))
    return f"(VALUES {rows}) AS item(key, amount)", [value for item in items for value in item]


def answer_insert(
    *,
    participant_id: int,
    activity_id: int,
    client_id: uuid.UUID,
    value: dict,
    shown: bool,
    items: list[tuple[str, int]],
) -> int | None:
    """Store a phone's first answer to an activity and its counted parts; return its id.

    Return None, storing nothing, when an answer with this client_id, or this phone's
    answer to this activity, is there already (`Answer.objects.create` and
    `AnswerItem.objects.bulk_create`, unless either unique constraint stops it).
    """
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
    insert = (
        "INSERT INTO live_answer (activity_id, participant_id, client_id, value, shown, "
        "created_at, updated_at) VALUES (%s, %s, %s, %s, %s, %s, %s) "
        "ON CONFLICT DO NOTHING RETURNING id"
    )
    if _on_postgresql() and items:
        values, item_params = _items_values(items)
        row = _one(
            f"WITH answer AS ({insert}), parts AS ("  # noqa: S608 - no values in the text
            'INSERT INTO live_answeritem (answer_id, activity_id, "key", amount) '
            f"SELECT answer.id, %s, item.key, item.amount FROM answer, {values}) "
            "SELECT id FROM answer",
            [*params, activity_id, *item_params],
        )
        return None if row is None else row[0]
    row = _one(insert, params)
    if row is None:
        return None
    items_insert(answer_id=row[0], activity_id=activity_id, items=items)
    return row[0]


def answer_replace(
    *,
    answer_id: int,
    activity_id: int,
    client_id: uuid.UUID,
    value: dict,
    shown: bool,
    items: list[tuple[str, int]],
) -> None:
    """Replace a phone's answer and its parts (`save()`, `items.delete()`, `bulk_create`)."""
    params = [
        _CLIENT_ID.get_db_prep_value(client_id, connection),
        _VALUE.get_db_prep_value(value, connection),
        shown,
        _UPDATED_AT.get_db_prep_value(timezone.now(), connection),
        answer_id,
    ]
    update = (
        "UPDATE live_answer SET client_id = %s, value = %s, shown = %s, updated_at = %s "
        "WHERE id = %s"
    )
    with connection.cursor() as cursor:
        if not _on_postgresql():
            cursor.execute(update, params)
            cursor.execute("DELETE FROM live_answeritem WHERE answer_id = %s", [answer_id])
            items_insert(answer_id=answer_id, activity_id=activity_id, items=items)
            return
        if not items:
            cursor.execute(
                f"WITH gone AS (DELETE FROM live_answeritem WHERE answer_id = %s) {update}",  # noqa: S608
                [answer_id, *params],
            )
            return
        # One statement. Its parts run side by side on one snapshot, so the parts kept
        # are updated in place and only the others deleted: a part deleted and inserted
        # again by the same statement would meet the (answer, key) constraint.
        values, item_params = _items_values(items)
        cursor.execute(
            f"WITH answer AS ({update} RETURNING id), "  # noqa: S608 - no values in the text
            f"item AS (SELECT * FROM {values}), "
            "gone AS (DELETE FROM live_answeritem WHERE answer_id = %s "
            'AND "key" NOT IN (SELECT key FROM item)) '
            'INSERT INTO live_answeritem (answer_id, activity_id, "key", amount) '
            "SELECT answer.id, %s, item.key, item.amount FROM answer, item "
            'ON CONFLICT (answer_id, "key") DO UPDATE SET amount = EXCLUDED.amount',
            [*params, *item_params, answer_id, activity_id],
        )


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


def session_seq_next(session_id: int) -> int:
    """Number the next snapshot of the session: `seq = seq + 1`, returning the new number.

    Inside the caller's transaction, this holds the session's row until it commits, so
    snapshots are numbered and read one at a time (decision 0090).
    """
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE live_livesession SET seq = seq + 1 WHERE id = %s RETURNING seq", [session_id]
        )
        row = cursor.fetchone()
    return 0 if row is None else row[0]
