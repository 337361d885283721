"""The bare baseline for benchmarks/live_load.py: a raw ASGI callable, no framework.

It takes the same answer POST as Thegither's `/live/p/<code>/answer/` (JSON with
`activity`, `client_id` and `value`, the phone known by its `thegither_phone` cookie)
at `/answer`, and stores it with the same durability: SQLite in WAL mode with
`synchronous=FULL` and IMMEDIATE transactions (or PostgreSQL with its default
synchronous commit), a unique `client_id` so a retry is counted once, and one answer
per phone per activity (answering again replaces it). No sessions, no CSRF, no
templates, no sockets: the least work a server can do for an answer to be safe.

Run by the same uvicorn with the same options as `thegither up`:
    BASELINE_DATABASE=/tmp/b.sqlite3 python -c "import live_baseline; live_baseline.main(8001)"
"""

import asyncio
import json
import os
import sqlite3
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
COOKIE = "thegither_phone"


class SqliteStore:
    """One writer thread with one connection: SQLite takes one writer at a time anyway."""

    def __init__(self, path: str):
        self.db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        for pragma in ("journal_mode=WAL", "synchronous=FULL", "busy_timeout=20000"):
            self.db.execute(f"PRAGMA {pragma}")
        self.db.execute(SCHEMA.format(key="INTEGER PRIMARY KEY"))
        self.writer = ThreadPoolExecutor(1)

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
