"""The bare baseline for benchmarks/live_load.py: a raw ASGI callable, no framework.

It takes the same answer POST as Thegither's `/live/p/<code>/answer/` (JSON with
`activity`, `client_id` and `value`, the phone known by its `thegither_phone` cookie)
at `/answer`, and stores it with the same durability: SQLite in WAL mode with
`synchronous=FULL` and IMMEDIATE transactions (or PostgreSQL with its default
synchronous commit), a unique `client_id` so a retry is counted once, and one answer
per phone per activity (answering again replaces it). No sessions, no CSRF, no
templates, no sockets: the least work a server can do for an answer to be safe.

For the meeting scenario it also takes the phone page's card presses at `/card` (a form
POST of `kind` and `client_id` to hold a card up, or `card` to put one down) and keeps
them with the same rules as Thegither's cards: one row per `client_id`, at most one card
of each kind up per phone, only a phone's own cards put down. It answers with the
phone's cards that are up, as `data-up-<kind>="<id>"`, as the cards part does.

Run by the same uvicorn with the same options as `thegither up`:
    BASELINE_DATABASE=/tmp/b.sqlite3 python -c "import live_baseline; live_baseline.main(8001)"
"""

import asyncio
import json
import os
import sqlite3
import urllib.parse
import uuid
from concurrent.futures import ThreadPoolExecutor

SCHEMA = """
CREATE TABLE IF NOT EXISTS answer (
    id {key},
    client_id TEXT NOT NULL UNIQUE,
    phone TEXT NOT NULL,
    activity INTEGER NOT NULL,
    value TEXT NOT NULL,
    UNIQUE (phone, activity)
)
"""
UPSERT = (
    "INSERT INTO answer (client_id, phone, activity, value) VALUES ({p}, {p}, {p}, {p}) "
    "ON CONFLICT (phone, activity) DO UPDATE SET client_id = excluded.client_id, "
    "value = excluded.value"
)
CARD_SCHEMA = (
    """
CREATE TABLE IF NOT EXISTS card (
    id {key},
    client_id TEXT NOT NULL UNIQUE,
    phone TEXT NOT NULL,
    kind TEXT NOT NULL,
    up INTEGER NOT NULL DEFAULT 1
)
""",
    "CREATE UNIQUE INDEX IF NOT EXISTS card_one_up ON card (phone, kind) WHERE up = 1",
)
CARD_KINDS = {"speak", "stop", "quiet", "break"}
COOKIE = "thegither_phone"


# A card press's statements ({p}: the database's placeholder), the same on both databases:
# put the phone's card down; or, unless the UUID is known or a card of that kind is up,
# hold a new one up; then read the phone's cards that are up.
CARD_DOWN = "UPDATE card SET up = 0 WHERE id = {p} AND phone = {p}"
CARD_KNOWN = (
    "SELECT 1 FROM card WHERE client_id = {p} "
    "UNION ALL SELECT 1 FROM card WHERE phone = {p} AND kind = {p} AND up = 1"
)
CARD_UP = "INSERT INTO card (client_id, phone, kind) VALUES ({p}, {p}, {p})"
CARDS_UP = "SELECT kind, id FROM card WHERE phone = {p} AND up = 1"


class SqliteStore:
    """One writer thread with one connection: SQLite takes one writer at a time anyway."""

    def __init__(self, path: str):
        self.db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        for pragma in ("journal_mode=WAL", "synchronous=FULL", "busy_timeout=20000"):
            self.db.execute(f"PRAGMA {pragma}")
        self.db.execute(SCHEMA.format(key="INTEGER PRIMARY KEY"))
        for statement in CARD_SCHEMA:
            self.db.execute(statement.format(key="INTEGER PRIMARY KEY"))
        self.writer = ThreadPoolExecutor(1)

    def _card(self, phone: str, kind: str, client_id: str, card: str) -> list[tuple[str, int]]:
        def run(sql, params):
            return self.db.execute(sql.format(p="?"), params).fetchall()

        self.db.execute("BEGIN IMMEDIATE")
        try:
            if card:
                run(CARD_DOWN, (int(card), phone))
            elif not run(CARD_KNOWN, (client_id, phone, kind)):
                run(CARD_UP, (client_id, phone, kind))
            up = run(CARDS_UP, (phone,))
            self.db.execute("COMMIT")
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        return up

    async def card(self, *args) -> list[tuple[str, int]]:
        return await asyncio.get_running_loop().run_in_executor(self.writer, self._card, *args)

    def _save(self, phone: str, activity: int, client_id: str, value: str) -> bool:
        self.db.execute("BEGIN IMMEDIATE")
        try:
            if self.db.execute("SELECT 1 FROM answer WHERE client_id = ?", (client_id,)).fetchone():
                self.db.execute("COMMIT")
                return True
            self.db.execute(UPSERT.format(p="?"), (client_id, phone, activity, value))
            self.db.execute("COMMIT")
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        return False

    async def save(self, *args) -> bool:
        return await asyncio.get_running_loop().run_in_executor(self.writer, self._save, *args)


class PostgresStore:
    """A few connections shared by the requests, each answer in its own transaction."""

    SIZE = 8

    def __init__(self, url: str):
        self.url = url
        self.pool: asyncio.Queue | None = None
        self.opening = asyncio.Lock()

    async def _connections(self) -> asyncio.Queue:
        if self.pool is not None:
            return self.pool
        async with self.opening:  # the first requests arrive together: open the pool once
            return await self._open()

    async def _open(self) -> asyncio.Queue:
        if self.pool is None:
            import psycopg

            pool: asyncio.Queue = asyncio.Queue()
            for _i in range(self.SIZE):
                connection = await psycopg.AsyncConnection.connect(self.url, autocommit=True)
                pool.put_nowait(connection)
            connection = await pool.get()
            await connection.execute(SCHEMA.format(key="BIGSERIAL PRIMARY KEY"))
            for statement in CARD_SCHEMA:
                await connection.execute(statement.format(key="BIGSERIAL PRIMARY KEY"))
            pool.put_nowait(connection)
            self.pool = pool
        return self.pool

    async def save(self, phone: str, activity: int, client_id: str, value: str) -> bool:
        import psycopg

        pool = await self._connections()
        connection = await pool.get()
        try:
            async with connection.transaction():
                found = await connection.execute(
                    "SELECT 1 FROM answer WHERE client_id = %s", (client_id,)
                )
                if await found.fetchone():
                    return True
                await connection.execute(UPSERT.format(p="%s"), (client_id, phone, activity, value))
            return False
        except psycopg.errors.UniqueViolation:  # the same client_id twice at once
            return True
        finally:
            pool.put_nowait(connection)

    async def card(self, phone: str, kind: str, client_id: str, card: str) -> list:
        """A card press's statements on the async connection, in one transaction."""
        import psycopg

        pool = await self._connections()
        connection = await pool.get()

        async def run(sql, params):
            cursor = await connection.execute(sql.format(p="%s"), params)
            return await cursor.fetchall() if cursor.description else []

        try:
            async with connection.transaction():
                if card:
                    await run(CARD_DOWN, (int(card), phone))
                elif not await run(CARD_KNOWN, (client_id, phone, kind)):
                    await run(CARD_UP, (client_id, phone, kind))
                return await run(CARDS_UP, (phone,))
        except psycopg.errors.UniqueViolation:  # the same press twice at once: ask again
            return await run(CARDS_UP, (phone,))
        finally:
            pool.put_nowait(connection)


def _store():
    database = os.environ["BASELINE_DATABASE"]
    if database.startswith(("postgres://", "postgresql://")):
        return PostgresStore(database)
    return SqliteStore(database)


store = None


async def _reply(send, status: int, body: dict) -> None:
    data = json.dumps(body).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(data)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": data})


def _phone(scope) -> str:
    for name, value in scope["headers"]:
        if name == b"cookie":
            for part in value.decode("latin-1").split(";"):
                key, _sep, token = part.strip().partition("=")
                if key == COOKIE:
                    return token
    return ""


async def app(scope, receive, send):
    """Take an answer POST at /answer; anything else is a 200 (for readiness) or a 404."""
    global store
    if scope["type"] != "http":
        return
    body, more = b"", True
    while more:
        message = await receive()
        body += message.get("body", b"")
        more = message.get("more_body", False)
    if scope["path"] == "/" and scope["method"] == "GET":
        await _reply(send, 200, {"ok": True})
        return
    if scope["path"] == "/card" and scope["method"] == "POST":
        await _card(scope, body, send)
        return
    if scope["path"] != "/answer" or scope["method"] != "POST":
        await _reply(send, 404, {"ok": False})
        return
    phone = _phone(scope)
    try:
        data = json.loads(body)
        activity = data["activity"]
        client_id = str(uuid.UUID(str(data["client_id"])))
        value = json.dumps(data["value"])
        if not isinstance(activity, int) or not phone or len(body) > 16_000:
            raise ValueError
    except (ValueError, KeyError, TypeError):
        await _reply(send, 400, {"ok": False})
        return
    if store is None:
        store = _store()
    replayed = await store.save(phone, activity, client_id, value)
    await _reply(send, 200, {"ok": True, "replayed": replayed, "client_id": client_id})


async def _card(scope, body: bytes, send) -> None:
    """Hold a card up or put one down; answer with the phone's cards up."""
    global store
    phone = _phone(scope)
    form = urllib.parse.parse_qs(body.decode("latin-1"))
    kind = (form.get("kind") or [""])[0]
    card = (form.get("card") or [""])[0]
    client_id = (form.get("client_id") or [""])[0]
    try:
        if card:
            int(card)
        else:
            client_id = str(uuid.UUID(client_id))
            if kind not in CARD_KINDS:
                raise ValueError
        if not phone or len(body) > 16_000:
            raise ValueError
    except ValueError:
        await _reply(send, 400, {"ok": False})
        return
    if store is None:
        store = _store()
    up = await store.card(phone, kind, client_id, card)
    data = " ".join(f'data-up-{kind}="{pk}"' for kind, pk in up)
    await _reply_html(send, f"<section {data}></section>".encode())


async def _reply_html(send, data: bytes) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [
                (b"content-type", b"text/html; charset=utf-8"),
                (b"content-length", str(len(data)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": data})


def main(port: int, **overrides) -> None:
    """Serve the baseline on loopback with `thegither up`'s uvicorn options."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "thegither.settings")
    import uvicorn

    from thegither.core.server import uvicorn_options

    uvicorn.run(
        "live_baseline:app",
        host="127.0.0.1",
        port=port,
        lifespan="off",
        **{**uvicorn_options(), **overrides},
    )
