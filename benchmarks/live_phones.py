"""Simulated phones, presenter and facilitator for the live workshop benchmarks.

Shared by live_load.py and live_kill.py. Everything goes over loopback to real server
processes started the way `thegither up` starts them (`thegither.core.server.serve`):

- a fresh database (a SQLite file in a temporary folder, or a new PostgreSQL database)
  with one session of 5 activities, made through the services;
- each phone joins as the phone page does (GET the join page for the CSRF cookie, POST
  the join form for the device cookie, GET the phone page), opens its WebSocket, and
  answers each activity when it sees it open, after a "thinking" pause, with a JSON
  POST carrying a fresh UUID; on a network error, a timeout, a 5xx or a 429 it retries
  with the same UUID (1 s, 2 s, 4 s... up to 30 s), as docs/live-protocol.md says;
- some phones send an acknowledged answer a second time with the same UUID (it must come
  back `replayed`); some drop their socket after the first activity and poll the
  snapshot over HTTP every 3 seconds until the fourth, then reconnect;
- the facilitator opens each activity over HTTP (staff cookie), waits until every
  phone has its answer acknowledged, closes it and moves on; a presenter socket watches;
- at the end the database is read: every acknowledged answer must be there, once.

The HTTP client is a small keep-alive HTTP/1.1 client on asyncio streams and httptools
(installed with uvicorn[standard]); WebSockets use the `websockets` library.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import random
import resource
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import httptools
from websockets.asyncio.client import connect as ws_connect
from websockets.exceptions import InvalidStatus, WebSocketException

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SRC = ROOT / "src"
PYTHON = sys.executable
HOST = "127.0.0.1"
DEVICE_COOKIE = "thegither_phone"
KINDS = ["yes-no", "choice", "scale", "word-cloud", "ladder"]
WORDS = ["hope", "fun", "friends", "music", "sport", "food", "games", "safe", "youth", "art"]
POLL_SECONDS = 3.0
REQUEST_TIMEOUT = 60.0  # a browser posting a form waits minutes; 60 s, then retry
GIVE_UP_SECONDS = 300.0
CLK_TCK = os.sysconf("SC_CLK_TCK")


# ---- numbers ----


def percentile(values: list[float], share: float) -> float | None:
    """Return the nearest-rank percentile (share from 0 to 1), or None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, round(share * len(ordered) + 0.5 - 1e-9))
    return ordered[min(len(ordered), rank) - 1]


def spread(values: list[float]) -> dict:
    return {
        f"p{int(share * 100)}": None if (v := percentile(values, share)) is None else round(v, 1)
        for share in (0.5, 0.95, 0.99)
    }


def cpu_self() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def files_limit_raise() -> int:
    """Raise this process's open-files limit to the hard limit (children inherit it)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


# ---- the HTTP client ----


class _Response:
    def __init__(self):
        self.headers: list[tuple[str, str]] = []
        self.body = bytearray()
        self.complete = False

    def on_header(self, name: bytes, value: bytes) -> None:
        self.headers.append((name.decode("latin-1").lower(), value.decode("latin-1")))

    def on_body(self, body: bytes) -> None:
        self.body += body

    def on_message_complete(self) -> None:
        self.complete = True


class Http:
    """One keep-alive HTTP/1.1 connection to a server, reopened when needed; a cookie jar."""

    IDLE_SECONDS = 4.0  # uvicorn closes idle keep-alive connections after 5 s

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None
        self.used = 0.0

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None

    def cookie_header(self) -> str:
        return "; ".join(f"{name}={value}" for name, value in self.cookies.items())

    async def request(
        self,
        method: str,
        path: str,
        *,
        body: bytes = b"",
        headers: dict | None = None,
        timeout: float = REQUEST_TIMEOUT,
    ) -> tuple[int, bytes]:
        """Send one request; return (status, body). Raises OSError or TimeoutError."""
        try:
            return await asyncio.wait_for(self._request(method, path, body, headers), timeout)
        except BaseException:
            self.close()
            raise

    async def _request(self, method, path, body, headers) -> tuple[int, bytes]:
        fresh = self.writer is None or time.monotonic() - self.used > self.IDLE_SECONDS
        if fresh:
            self.close()
            self.reader, self.writer = await asyncio.open_connection(HOST, self.port)
        lines = [f"{method} {path} HTTP/1.1", f"Host: {HOST}:{self.port}"]
        if self.cookies:
            lines.append("Cookie: " + self.cookie_header())
        lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
        lines.append(f"Content-Length: {len(body)}")
        request = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body
        try:
            return await self._exchange(request)
        except (ConnectionError, EOFError):
            if fresh:
                raise
            # The server closed a kept-alive connection as we reused it: once more, afresh.
            self.close()
            self.reader, self.writer = await asyncio.open_connection(HOST, self.port)
            return await self._exchange(request)

    async def _exchange(self, request: bytes) -> tuple[int, bytes]:
        self.writer.write(request)
        response = _Response()
        parser = httptools.HttpResponseParser(response)
        while not response.complete:
            data = await self.reader.read(65536)
            if not data:
                raise ConnectionError("the server closed the connection")
            parser.feed_data(data)
        for name, value in response.headers:
            if name == "set-cookie":
                pair = value.split(";", 1)[0]
                key, _sep, cookie = pair.partition("=")
                if "max-age=0" in value.lower() or not cookie:
                    self.cookies.pop(key.strip(), None)
                else:
                    self.cookies[key.strip()] = cookie.strip()
        if not parser.should_keep_alive():
            self.close()
        self.used = time.monotonic()
        return parser.get_status_code(), bytes(response.body)


# ---- server processes ----


class ServerProcess:
    """A server process (Thegither or the baseline) on a loopback port, with its figures."""

    def __init__(self, name: str, code: str, env: dict, workdir: Path, ready_path: str):
        self.name, self.code, self.env, self.workdir = name, code, env, workdir
        self.ready_path = ready_path
        self.port = free_port()
        self.process: subprocess.Popen | None = None
        self.log = workdir / f"{name}.log"
        self.peak_kb = 0
        self.cpu_before = 0.0
        self.cpu_spent = 0.0  # CPU of earlier lives of this server (before a kill)

    def start(self) -> None:
        code = self.code.format(port=self.port)
        with self.log.open("a") as sink:
            self.process = subprocess.Popen(
                [PYTHON, "-c", code],
                cwd=self.workdir,
                env=self.env,
                stdout=sink,
                stderr=subprocess.STDOUT,
            )

    async def wait_ready(self, seconds: float = 120) -> None:
        deadline = time.monotonic() + seconds
        http = Http(self.port)
        while True:
            with contextlib.suppress(OSError, TimeoutError):
                status, _body = await http.request("GET", self.ready_path, timeout=5)
                if status < 500:
                    http.close()
                    return
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} stopped:\n{self.log.read_text()[-3000:]}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"{self.name} did not start:\n{self.log.read_text()[-3000:]}")
            await asyncio.sleep(0.2)

    def _status(self) -> dict:
        out = {}
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
                key, _sep, value = line.partition(":")
                out[key] = value.strip()
        return out

    def sample(self) -> None:
        """Keep the peak resident memory (VmHWM: the kernel's own high-water mark)."""
        hwm = self._status().get("VmHWM", "0 kB").split()[0]
        self.peak_kb = max(self.peak_kb, int(hwm))

    def cpu(self) -> float:
        try:
            fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return self.cpu_spent
        return self.cpu_spent + (int(fields[11]) + int(fields[12])) / CLK_TCK

    def tracebacks(self) -> int:
        """Return how many errors the server logged (each with a traceback)."""
        try:
            return self.log.read_text(errors="replace").count("Traceback (most recent call last)")
        except OSError:
            return 0

    def cpu_mark(self) -> None:
        self.cpu_before = self.cpu()

    def cpu_used(self) -> float:
        return self.cpu() - self.cpu_before

    def kill(self) -> None:
        """SIGKILL, as a power cut or the out-of-memory killer would."""
        self.sample()
        self.cpu_spent = self.cpu()
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.sample()
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


THEGITHER_CODE = (
    "from thegither.core.server import serve; "
    "serve(port={{port}}, ws_per_message_deflate={deflate})"
)
BASELINE_CODE = "import live_baseline; live_baseline.main({port})"


# ---- the database ----


@dataclass
class Database:
    """A fresh database for one benchmark run, and the environment the servers need."""

    kind: str
    workdir: Path
    env: dict
    baseline: str
    drop: list[str] = field(default_factory=list)
    admin_url: str = ""

    def baseline_reset(self) -> None:
        """Start the baseline from an empty table."""
        if self.kind == "sqlite":
            for suffix in ("", "-wal", "-shm"):
                Path(self.baseline + suffix).unlink(missing_ok=True)
        else:
            import psycopg

            with psycopg.connect(self.baseline, autocommit=True) as connection:
                connection.execute("DROP TABLE IF EXISTS answer")
                connection.execute("DROP TABLE IF EXISTS card")

    def _baseline_rows(self, query: str) -> list[tuple]:
        if self.kind == "sqlite":
            import sqlite3

            connection = sqlite3.connect(self.baseline)
            rows = connection.execute(query).fetchall()
            connection.close()
            return rows
        import psycopg

        with psycopg.connect(self.baseline) as connection:
            return connection.execute(query).fetchall()

    def baseline_answers(self) -> dict[str, tuple[str, int, str]]:
        """Return the baseline's stored answers: client_id -> (phone, activity, value)."""
        rows = self._baseline_rows("SELECT client_id, phone, activity, value FROM answer")
        return {row[0]: (row[1], row[2], row[3]) for row in rows}

    def baseline_cards(self) -> dict[str, tuple[int, bool]]:
        """Return the baseline's cards (the meeting scenario): client_id -> (id, up)."""
        rows = self._baseline_rows("SELECT client_id, id, up FROM card")
        return {row[0]: (row[1], bool(row[2])) for row in rows}

    def cleanup(self) -> None:
        from django.db import connections

        connections.close_all()
        if self.drop:
            import psycopg

            with psycopg.connect(self.admin_url, autocommit=True) as connection:
                for name in self.drop:
                    connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def database_make(kind: str, *, postgres_url: str, redis_url: str, keep: bool) -> Database:
    """Make a fresh database, set this process's Django up on it, and migrate it."""
    workdir = Path(tempfile.mkdtemp(prefix="thegither-live-bench-"))
    env = {
        **os.environ,
        "THEGITHER_DATA_DIR": str(workdir / "data"),
        "PYTHONPATH": os.pathsep.join([str(SRC), str(HERE)]),
        "PYTHONUNBUFFERED": "1",
        "DJANGO_SETTINGS_MODULE": "thegither.settings",
    }
    for name in ("DATABASE_URL", "REDIS_URL", "THEGITHER_PROFILE", "THEGITHER_TRUSTED_PROXIES"):
        env.pop(name, None)
    database = Database(kind=kind, workdir=workdir, env=env, baseline="")
    if kind == "postgres":
        import psycopg

        parts = urllib.parse.urlsplit(postgres_url)
        database.admin_url = parts._replace(path="/postgres").geturl()
        name = f"bench_live_{os.getpid()}"
        with psycopg.connect(database.admin_url, autocommit=True) as connection:
            for db in (name, name + "_baseline"):
                connection.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
                connection.execute(f'CREATE DATABASE "{db}"')
        if not keep:
            database.drop = [name, name + "_baseline"]
        env["DATABASE_URL"] = parts._replace(path="/" + name).geturl()
        database.baseline = parts._replace(path=f"/{name}_baseline").geturl()
    else:
        database.baseline = str(workdir / "baseline.sqlite3")
    if redis_url:
        import redis

        # The cache (rate limits) lives there too: start from nothing, so counts from
        # an earlier run with the same row ids can't refuse this run's phones.
        redis.Redis.from_url(redis_url).flushdb()
        env["REDIS_URL"] = redis_url
    for name in ("THEGITHER_DATA_DIR", "DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE"):
        if name in env:
            os.environ[name] = env[name]
        else:
            os.environ.pop(name, None)
    sys.path.insert(0, str(SRC))
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", interactive=False, verbosity=0)
    return database


@dataclass
class Workshop:
    session_id: int
    code: str
    activities: list[tuple[int, str]]  # (id, kind), in order
    staff_cookie: str


def facilitator_make(name: str, slug: str, who: str):
    """Make an organisation (`name` and `slug` numbered) and a member of staff in it, `who`;
    return (the organisation, the member of staff)."""
    from thegither.accounts.models import AgeBand, Membership, Organisation, Role, User

    number = Organisation.objects.count() + 1
    organisation = Organisation.objects.create(name=f"{name} {number}", slug=f"{slug}-{number}")
    staff = User.objects.create_user(
        username=f"bench-{who.lower()}-{number}",
        password=uuid.uuid4().hex,
        display_name=who,
        age_band=AgeBand.OVER_25,
    )
    Membership.objects.create(user=staff, organisation=organisation, role=Role.STAFF)
    return organisation, staff


def staff_cookie(staff) -> str:
    """Return a logged-in session cookie for `staff`."""
    from django.test import Client

    client = Client()
    client.force_login(staff)
    return client.cookies["sessionid"].value


def workshop_make(title: str) -> Workshop:
    """Make an organisation, a facilitator and a started session with 5 activities."""
    from thegither.live import services

    organisation, staff = facilitator_make("Benchmark Youth Trust", "benchmark", "Facilitator")
    session = services.session_create(organisation=organisation, title=title, by=staff)
    options = {
        "choice": ["Youth club", "Sport", "Music", "Art"],
        "scale": [],
        "ladder": [],
    }
    activities = []
    for position, kind in enumerate(KINDS, start=1):
        activity = services.activity_add(
            session=session,
            kind=kind,
            prompt=f"Question {position}",
            options=options.get(kind, []),
            several=kind == "choice",
            by=staff,
        )
        activities.append((activity.pk, kind))
    services.session_control(session=session, action="start", by=staff)
    session.refresh_from_db()
    return Workshop(
        session_id=session.pk,
        code=session.join_code,
        activities=activities,
        staff_cookie=staff_cookie(staff),
    )


def value_for(kind: str, rng: random.Random) -> tuple[dict, dict[str, int]]:
    """Return a random answer for the kind and the totals it adds to each key."""
    if kind == "yes-no":
        choice = rng.choice(["yes", "no", "not-sure"])
        return {"choice": choice}, {choice: 1}
    if kind == "choice":
        picked = sorted(rng.sample(range(4), rng.randint(1, 2)))
        return {"choices": picked}, {str(i): 1 for i in picked}
    if kind == "scale":
        score = rng.randint(1, 5)
        return {"score": score}, {str(score): 1}
    if kind == "word-cloud":
        words = rng.sample(WORDS, rng.randint(1, 3))
        return {"words": words}, dict.fromkeys(words, 1)
    step = rng.randint(0, 6)
    return {"step": step}, {str(step): 1}


# ---- what the phones saw and did ----


@dataclass
class Sent:
    """One answer (one UUID), from the first try to the acknowledgement."""

    phone: int
    activity: int
    client_id: str
    totals: dict[str, int]
    burst: bool
    sent_at: float
    acked_at: float | None = None
    tries: int = 0
    replayed: bool = False  # the acknowledgement said it was already counted


@dataclass
class Figures:
    answers: list[Sent] = field(default_factory=list)
    resent_same_uuid: int = 0
    resent_counted_again: int = 0  # a same-UUID resend not reported as replayed
    refused: dict[str, int] = field(default_factory=dict)
    network_errors: int = 0
    polls: int = 0
    socket_drops: int = 0  # sockets the phones closed on purpose
    socket_losses: int = 0  # sockets that broke
    presenter: list[tuple[float, int, int, int]] = field(default_factory=list)
    presenter_gaps: int = 0
    joins_failed: int = 0
    join_seconds: float = 0.0


@dataclass
class Plan:
    phones: int = 1000
    think: float = 10.0  # each phone answers within this many seconds of seeing a question
    resend: float = 0.05  # share of answers sent again, same UUID, after the ack
    drop: float = 0.10  # share of phones that drop their socket for activities 2 and 3
    burst: int = 3  # answers each phone sends back-to-back on the last activity
    join_at_once: int = 50
    seed: int = 1


class Run:
    """One workshop against one set of server processes (Thegither or the baseline)."""

    def __init__(self, plan: Plan, ports: list[int], workshop: Workshop | None):
        self.plan, self.ports, self.workshop = plan, ports, workshop
        self.figures = Figures()
        self.rng = random.Random(plan.seed)
        self.finished = False
        self.joined: list[Phone] = []
        self.done: dict[int, int] = {}  # activity -> phones finished with it
        self.all_done: dict[int, asyncio.Event] = {}
        self.burst_go = asyncio.Event()
        self.burst_started = 0.0
        self.current: list[int] = [0]  # which activity phones are on (for the kill)

    def activity_finished(self, activity: int) -> None:
        self.done[activity] = self.done.get(activity, 0) + 1
        if self.done[activity] >= len(self.joined):
            self.all_done.setdefault(activity, asyncio.Event()).set()

    async def wait_all(self, activity: int, seconds: float = 600) -> None:
        event = self.all_done.setdefault(activity, asyncio.Event())
        if self.done.get(activity, 0) >= len(self.joined):
            event.set()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(event.wait(), seconds)

    async def send_answer(self, http: Http, path: str, headers: dict, sent: Sent, value: dict):
        """POST the answer until acknowledged, retrying with the same UUID."""
        body = json.dumps(
            {"activity": sent.activity, "client_id": sent.client_id, "value": value}
        ).encode()
        wait = 1.0
        while time.monotonic() - sent.sent_at < GIVE_UP_SECONDS:
            sent.tries += 1
            try:
                status, reply = await http.request("POST", path, body=body, headers=headers)
            except (OSError, TimeoutError, httptools.HttpParserError):
                self.figures.network_errors += 1
                status, reply = 0, b""
            if status == 200:
                data = json.loads(reply)
                sent.acked_at = time.monotonic()
                sent.replayed = bool(data.get("replayed"))
                return True
            if 400 <= status < 500 and status != 429:
                kind = f"http-{status}"
                with contextlib.suppress(ValueError):
                    kind = json.loads(reply).get("kind") or kind
                self.figures.refused[kind] = self.figures.refused.get(kind, 0) + 1
                return False
            await asyncio.sleep(wait * (0.5 + self.rng.random()))
            wait = min(30.0, wait * 2)
        return False

    async def resend(self, http: Http, path: str, headers: dict, sent: Sent, value: dict):
        """Send an acknowledged answer again with its UUID: it must not count twice."""
        again = Sent(
            sent.phone, sent.activity, sent.client_id, sent.totals, sent.burst, time.monotonic()
        )
        self.figures.resent_same_uuid += 1
        if await self.send_answer(http, path, headers, again, value) and not again.replayed:
            self.figures.resent_counted_again += 1


class Phone:
    """One simulated phone on Thegither: join, socket or polling, answers."""

    def __init__(self, run: Run, number: int):
        self.run, self.number = run, number
        self.port = run.ports[number % len(run.ports)]
        self.http = Http(self.port)
        self.poll_http = Http(self.port)
        self.rng = random.Random(run.plan.seed * 100_003 + number)
        self.dropper = self.rng.random() < run.plan.drop
        self.started: set[int] = set()
        self.finished: set[int] = set()
        self.socket_open = False
        self.highest = -1
        code = run.workshop.code
        self.answer_path = f"/live/p/{code}/answer/"
        self.snapshot_path = f"/live/p/{code}/snapshot/"
        self.ws_url = f"ws://{HOST}:{self.port}/ws/live/p/{code}/"
        self.kinds = dict(run.workshop.activities)
        self.order = [pk for pk, _kind in run.workshop.activities]
        self.tasks: list[asyncio.Task] = []

    async def join(self) -> bool:
        code = self.run.workshop.code
        deadline = time.monotonic() + GIVE_UP_SECONDS
        while time.monotonic() < deadline:
            try:
                if "csrftoken" not in self.http.cookies:
                    await self.http.request("GET", f"/join/{code}")
                status, _body = await self.http.request(
                    "POST",
                    f"/join/{code}",
                    body=b"nickname=",
                    headers={
                        "Content-Type": "application/x-www-form-urlencoded",
                        "X-CSRFToken": self.http.cookies.get("csrftoken", ""),
                    },
                )
                if status == 302 and DEVICE_COOKIE in self.http.cookies:
                    await self.http.request("GET", f"/live/p/{code}/")
                    self.poll_http.cookies = self.http.cookies
                    return True
            except (OSError, TimeoutError, httptools.HttpParserError):
                self.run.figures.network_errors += 1
            await asyncio.sleep(1 + self.rng.random())
        return False

    def wants_socket(self) -> bool:
        if not self.dropper:
            return True
        # Off after the first activity is answered, back once the fourth is seen.
        return not (self.order[0] in self.finished and self.order[3] not in self.started)

    def on_snapshot(self, snapshot: dict) -> None:
        if snapshot.get("type") != "snapshot":
            return
        seq = snapshot.get("seq", 0)
        if seq < self.highest and snapshot.get("prev", 0) is not None:
            return
        self.highest = max(self.highest, seq)
        activity = snapshot.get("activity") or {}
        if (
            activity.get("state") == "open"
            and snapshot.get("state") in {"open", "locked"}
            and activity.get("id") in self.kinds
            and activity["id"] not in self.started
        ):
            self.started.add(activity["id"])
            self.tasks.append(asyncio.create_task(self.answer(activity["id"])))

    async def answer(self, activity: int) -> None:
        run = self.run
        await asyncio.sleep(self.rng.uniform(0, run.plan.think))
        headers = {
            "Content-Type": "application/json",
            "X-CSRFToken": self.http.cookies.get("csrftoken", ""),
        }
        await self._one(activity, headers, burst=False)
        if activity == self.order[-1] and run.plan.burst:
            run.activity_finished(activity)
            self.finished.add(activity)
            await run.burst_go.wait()
            for _i in range(run.plan.burst):
                await self._one(activity, headers, burst=True)
            run.activity_finished(-1)  # -1: the burst
            return
        self.finished.add(activity)
        run.activity_finished(activity)

    async def _one(self, activity: int, headers: dict, *, burst: bool) -> None:
        run = self.run
        value, totals = value_for(self.kinds[activity], self.rng)
        sent = Sent(self.number, activity, str(uuid.uuid4()), totals, burst, time.monotonic())
        run.figures.answers.append(sent)
        if await run.send_answer(self.http, self.answer_path, headers, sent, value) and (
            not burst and self.rng.random() < run.plan.resend
        ):
            await run.resend(self.http, self.answer_path, headers, sent, value)

    async def live(self) -> None:
        """Keep a socket open when wanted; poll the snapshot whenever there is none."""
        poller = asyncio.create_task(self.poll())
        wait = 1.0
        cookie = f"{DEVICE_COOKIE}={self.http.cookies[DEVICE_COOKIE]}"
        while not self.run.finished:
            if not self.wants_socket():
                await asyncio.sleep(0.5)
                continue
            try:
                async with ws_connect(
                    self.ws_url,
                    origin=f"http://{HOST}:{self.port}",
                    additional_headers={"Cookie": cookie},
                    open_timeout=30,
                    ping_interval=None,
                    close_timeout=2,
                ) as ws:
                    self.socket_open = True
                    wait = 1.0
                    while not self.run.finished:
                        if not self.wants_socket():
                            self.run.figures.socket_drops += 1
                            break
                        with contextlib.suppress(TimeoutError):
                            message = await asyncio.wait_for(ws.recv(), 0.5)
                            self.on_snapshot(json.loads(message))
            except InvalidStatus:
                self.run.figures.socket_losses += 1
            except (OSError, TimeoutError, WebSocketException):
                self.run.figures.socket_losses += 1
            finally:
                self.socket_open = False
            if not self.run.finished and self.wants_socket():
                await asyncio.sleep(wait * (0.5 + self.rng.random()))
                wait = min(30.0, wait * 2)
        poller.cancel()

    async def poll(self) -> None:
        while not self.run.finished:
            await asyncio.sleep(POLL_SECONDS)
            if self.socket_open:
                continue
            try:
                status, body = await self.poll_http.request("GET", self.snapshot_path)
            except (OSError, TimeoutError, httptools.HttpParserError):
                continue
            self.run.figures.polls += 1
            if status == 200:
                self.on_snapshot({**json.loads(body), "prev": None})


class Presenter:
    """The big screen's socket: keeps (time, activity, answered, seq) of each snapshot."""

    def __init__(self, run: Run):
        self.run = run
        self.port = run.ports[0]
        self.url = f"ws://{HOST}:{self.port}/ws/live/s/{run.workshop.session_id}/"
        self.highest = -1
        self.gap = False

    async def watch(self) -> None:
        run = self.run
        wait = 1.0
        while not run.finished:
            try:
                async with ws_connect(
                    self.url,
                    origin=f"http://{HOST}:{self.port}",
                    additional_headers={"Cookie": f"sessionid={run.workshop.staff_cookie}"},
                    open_timeout=30,
                    ping_interval=None,
                    close_timeout=2,
                ) as ws:
                    wait = 1.0
                    while not run.finished:
                        try:
                            message = await asyncio.wait_for(ws.recv(), 0.5)
                        except TimeoutError:
                            continue
                        self.on_snapshot(json.loads(message))
                        if self.gap:
                            await ws.send(json.dumps({"type": "sync"}))
            except (OSError, TimeoutError, WebSocketException):
                pass
            if not run.finished:
                await asyncio.sleep(wait)
                wait = min(30.0, wait * 2)

    def on_snapshot(self, snapshot: dict) -> None:
        now = time.monotonic()
        prev = snapshot.get("prev")
        self.gap = prev is not None and prev > self.highest >= 0
        if self.gap:
            self.run.figures.presenter_gaps += 1
        self.highest = max(self.highest, snapshot.get("seq", 0))
        activity = snapshot.get("activity") or {}
        results = snapshot.get("results") or {}
        self.run.figures.presenter.append(
            (now, activity.get("id", 0), results.get("answered", 0), snapshot.get("seq", 0))
        )


class Facilitator:
    """Runs the session over HTTP with the staff cookie, as the console's buttons do."""

    def __init__(self, run: Run):
        self.run = run
        self.http = Http(run.ports[0])
        self.http.cookies = {"sessionid": run.workshop.staff_cookie, "csrftoken": "b" * 32}
        self.base = f"/live/s/{run.workshop.session_id}"

    async def state(self) -> dict:
        status, body = await self.http.request("GET", self.base + "/snapshot/")
        if status != 200:
            raise OSError(f"staff snapshot: {status}")
        return json.loads(body)

    async def control(self, action: str, activity: int, state: str) -> None:
        """Press a button; after a failure, look before pressing again (next isn't safe twice)."""
        wait = 1.0
        while True:
            try:
                status, _body = await self.http.request(
                    "POST",
                    self.base + "/control/",
                    body=f"action={action}".encode(),
                    headers={
                        "Content-Type": "application/x-www-form-urlencoded",
                        "X-CSRFToken": self.http.cookies["csrftoken"],
                    },
                )
                if status == 302:
                    return
                raise OSError(f"control {action}: {status}")
            except (OSError, TimeoutError, httptools.HttpParserError):
                await asyncio.sleep(wait)
                wait = min(30.0, wait * 2)
                with contextlib.suppress(OSError, TimeoutError, httptools.HttpParserError):
                    now = await self.state()
                    if (now.get("activity") or {}).get("id") == activity and (
                        now["activity"]["state"] == state
                    ):
                        return

    async def lead(self, *, pause: float = 1.0) -> None:
        run = self.run
        order = [pk for pk, _kind in run.workshop.activities]
        for index, activity in enumerate(order):
            if index:
                await self.control("next", activity, "waiting")
            run.current[0] = index
            await self.control("open", activity, "open")
            await run.wait_all(activity)
            await asyncio.sleep(pause)  # the screens settle on the last count
            if activity != order[-1] or not run.plan.burst:
                await self.control("close", activity, "closed")
        if run.plan.burst:
            run.burst_started = time.monotonic()
            run.burst_go.set()
            await run.wait_all(-1)
            await asyncio.sleep(pause)
            await self.control("close", order[-1], "closed")


async def thegither_run(run: Run, *, during=None) -> dict:
    """Join every phone, run the workshop, and return the timings; `during` runs alongside."""
    plan = run.plan
    phones = [Phone(run, number) for number in range(plan.phones)]
    gate = asyncio.Semaphore(plan.join_at_once)
    presenter = Presenter(run)
    watching = asyncio.create_task(presenter.watch())
    started = time.monotonic()

    async def join(phone: Phone):
        async with gate:
            ok = await phone.join()
        if ok:
            run.joined.append(phone)
        else:
            run.figures.joins_failed += 1

    await asyncio.gather(*(join(phone) for phone in phones))
    run.figures.join_seconds = time.monotonic() - started
    living = [asyncio.create_task(phone.live()) for phone in run.joined]
    await asyncio.sleep(2)  # sockets open
    extra = asyncio.create_task(during(run)) if during else None
    workshop_started = time.monotonic()
    await Facilitator(run).lead()
    workshop_seconds = time.monotonic() - workshop_started
    for phone in run.joined:
        await asyncio.gather(*phone.tasks, return_exceptions=True)
    run.finished = True
    await asyncio.gather(*living, watching, return_exceptions=True)
    if extra is not None:
        await extra
    return {"workshop_seconds": workshop_seconds}


async def baseline_run(run: Run, ports: list[int]) -> dict:
    """The same answers, in the same rhythm, to the bare baseline (no join, no sockets)."""
    plan = run.plan
    order = [pk for pk, _kind in run.workshop.activities]
    kinds = dict(run.workshop.activities)
    phones = []
    for number in range(plan.phones):
        http = Http(ports[number % len(ports)])
        http.cookies[DEVICE_COOKIE] = f"phone-{number}"
        phones.append((number, http, random.Random(plan.seed * 100_003 + number)))
    run.joined = phones
    headers = {"Content-Type": "application/json"}
    started = time.monotonic()

    async def one(number, http, rng, activity, burst):
        value, totals = value_for(kinds[activity], rng)
        sent = Sent(number, activity, str(uuid.uuid4()), totals, burst, time.monotonic())
        run.figures.answers.append(sent)
        if await run.send_answer(http, "/answer", headers, sent, value) and (
            not burst and rng.random() < plan.resend
        ):
            await run.resend(http, "/answer", headers, sent, value)

    async def answer(number, http, rng, activity):
        await asyncio.sleep(rng.uniform(0, plan.think))
        await one(number, http, rng, activity, False)

    for activity in order:
        await asyncio.gather(*(answer(*phone, activity) for phone in phones))
        await asyncio.sleep(1.0)
    if plan.burst:
        run.burst_started = time.monotonic()

        async def burst(number, http, rng):
            for _i in range(plan.burst):
                await one(number, http, rng, order[-1], True)

        await asyncio.gather(*(burst(*phone) for phone in phones))
    for _number, http, _rng in phones:
        http.close()
    return {"workshop_seconds": time.monotonic() - started}


# ---- after the run: what was acknowledged, against what is stored ----


def _last_acknowledged(figures: Figures) -> dict[tuple[int, int], Sent]:
    """Return, for each (phone, activity), the newest acknowledged answer: the one that counts."""
    last: dict[tuple[int, int], Sent] = {}
    for sent in figures.answers:
        if sent.acked_at is None:
            continue
        key = (sent.phone, sent.activity)
        if key not in last or sent.sent_at > last[key].sent_at:
            last[key] = sent
    return last


def check_thegither(figures: Figures, workshop: Workshop) -> dict:
    """Read the database: every acknowledged answer stored, and counted exactly once."""
    from thegither.live import selectors
    from thegither.live.models import Activity, Answer

    last = _last_acknowledged(figures)
    stored = set(
        str(pk)
        for pk in Answer.objects.filter(activity__session_id=workshop.session_id).values_list(
            "client_id", flat=True
        )
    )
    lost = sum(1 for sent in last.values() if sent.client_id not in stored)
    duplicates = figures.resent_counted_again
    mismatched = []
    for activity_id, _kind in workshop.activities:
        activity = Activity.objects.get(pk=activity_id)
        expected: dict[str, int] = {}
        answered = 0
        for (_phone, activity_pk), sent in last.items():
            if activity_pk == activity_id:
                answered += 1
                for key, amount in sent.totals.items():
                    expected[key] = expected.get(key, 0) + amount
        counted = selectors.answer_count(activity)
        duplicates += max(0, counted - answered)
        totals = {key: total for key, total in selectors.counts(activity).items() if total}
        if totals != expected or counted != answered:
            mismatched.append(activity_id)
    return {"lost": lost, "duplicates": duplicates, "count_mismatches": len(mismatched)}


def check_baseline(figures: Figures, database: Database) -> dict:
    last = _last_acknowledged(figures)
    stored = database.baseline_answers()
    lost = sum(1 for sent in last.values() if sent.client_id not in stored)
    per_activity: dict[int, int] = {}
    for _phone, activity, _value in stored.values():
        per_activity[activity] = per_activity.get(activity, 0) + 1
    expected: dict[int, int] = {}
    for _phone, activity in last:
        expected[activity] = expected.get(activity, 0) + 1
    duplicates = figures.resent_counted_again + sum(
        max(0, count - expected.get(activity, 0)) for activity, count in per_activity.items()
    )
    return {"lost": lost, "duplicates": duplicates, "count_mismatches": 0}


def presenter_delays(figures: Figures) -> list[float]:
    """Return, for each first answer, ms from sending it to the presenter counting it.

    Counts say how many, not which: the answer acknowledged r-th for an activity is taken
    as shown once the presenter's count for that activity reaches r.
    """
    delays = []
    by_activity: dict[int, list[Sent]] = {}
    for sent in figures.answers:
        if sent.acked_at is not None and not sent.burst:
            by_activity.setdefault(sent.activity, []).append(sent)
    for activity, answers in by_activity.items():
        answers.sort(key=lambda sent: sent.acked_at)
        seen = [(t, answered) for t, pk, answered, _seq in figures.presenter if pk == activity]
        index = 0
        for rank, sent in enumerate(answers, start=1):
            while index < len(seen) and seen[index][1] < rank:
                index += 1
            if index == len(seen):
                break
            delays.append((seen[index][0] - sent.sent_at) * 1000)
    return delays


def summary(
    figures: Figures,
    checked: dict,
    servers: list[ServerProcess],
    *,
    loadgen_cpu: float,
    wall: float,
    burst_started: float,
    presenter: bool,
) -> dict:
    """Return one side's figures: answers, losses, latencies, throughput, memory, CPU."""
    acked = [sent for sent in figures.answers if sent.acked_at is not None]
    workshop = [sent for sent in acked if not sent.burst]
    burst = [sent for sent in acked if sent.burst]
    answers_per_s = None
    if burst:
        answers_per_s = round(len(burst) / (max(s.acked_at for s in burst) - burst_started), 1)
    for server in servers:
        server.sample()
    out = {
        "answers_sent": len(figures.answers) + figures.resent_same_uuid,
        "answers_acknowledged": len(acked),
        "answers_lost": checked["lost"],
        "duplicates": checked["duplicates"],
        "count_mismatches": checked["count_mismatches"],
        "answers_unacknowledged": len(figures.answers) - len(acked),
        "resent_same_uuid": figures.resent_same_uuid,
        "retries": sum(sent.tries - 1 for sent in figures.answers if sent.tries > 1),
        "refused": figures.refused,
        "ack_ms": spread([(s.acked_at - s.sent_at) * 1000 for s in workshop]),
        "burst_ack_ms": spread([(s.acked_at - s.sent_at) * 1000 for s in burst]),
        "answers_per_s": answers_per_s,
        "peak_server_mb": round(sum(server.peak_kb for server in servers) / 1024, 1),
        "peak_mb_per_process": [round(server.peak_kb / 1024, 1) for server in servers],
        "server_cpu_s": round(sum(server.cpu_used() for server in servers), 1),
        "server_tracebacks": sum(server.tracebacks() for server in servers),
        "loadgen_cpu_s": round(loadgen_cpu, 1),
        "wall_s": round(wall, 1),
    }
    if presenter:
        out["presenter_ms"] = spread(presenter_delays(figures))
        out["presenter_snapshots"] = len(figures.presenter)
        out["presenter_gaps"] = figures.presenter_gaps
        out["polls"] = figures.polls
        out["socket_drops"] = figures.socket_drops
        out["socket_losses"] = figures.socket_losses
        out["joins_failed"] = figures.joins_failed
        out["join_s"] = round(figures.join_seconds, 1)
    return out


def table(rows: list[tuple[str, dict]]) -> str:
    """Return the figures as a table a person can read."""

    def cell(value) -> str:
        return "-" if value is None else str(value)

    head = (
        f"{'run':<22}{'sent':>7}{'acked':>7}{'lost':>5}{'dup':>5}"
        f"{'ack p50/95/99 ms':>22}{'presenter p50/95/99 ms':>26}{'ans/s':>8}"
        f"{'peak MB':>9}{'srv cpu':>8}{'gen cpu':>8}"
    )
    lines = [head, "-" * len(head)]
    for name, row in rows:
        ack = "/".join(cell(row["ack_ms"][k]) for k in ("p50", "p95", "p99"))
        shown = row.get("presenter_ms")
        shown = "/".join(cell(shown[k]) for k in ("p50", "p95", "p99")) if shown else "-"
        lines.append(
            f"{name:<22}{row['answers_sent']:>7}{row['answers_acknowledged']:>7}"
            f"{row['answers_lost']:>5}{row['duplicates']:>5}{ack:>22}{shown:>26}"
            f"{cell(row['answers_per_s']):>8}{row['peak_server_mb']:>9}"
            f"{row['server_cpu_s']:>8}{row['loadgen_cpu_s']:>8}"
        )
    return "\n".join(lines)


def event_loop_policy() -> None:
    """Use uvloop for the load generator when it is there: less of the 2 cores for us."""
    with contextlib.suppress(ImportError):
        import uvloop

        asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())


def thegither_servers(database: Database, processes: int, *, deflate: bool) -> list:
    code = THEGITHER_CODE.format(deflate=deflate)
    return [
        ServerProcess(f"thegither-{n}", code, database.env, database.workdir, "/join")
        for n in range(processes)
    ]


def baseline_servers(database: Database, processes: int) -> list:
    env = {**database.env, "BASELINE_DATABASE": database.baseline}
    return [
        ServerProcess(f"baseline-{n}", BASELINE_CODE, env, database.workdir, "/")
        for n in range(processes)
    ]


async def servers_start(servers: list[ServerProcess]) -> None:
    for server in servers:
        server.start()
    await asyncio.gather(*(server.wait_ready() for server in servers))
    for server in servers:
        server.cpu_mark()


def machine() -> dict:
    return {
        "cpus": os.cpu_count(),
        "load_average_1_5_15": [round(x, 2) for x in os.getloadavg()],
        "python": sys.version.split()[0],
    }
