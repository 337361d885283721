"""A planning meeting with cards, for `live_load.py --scenario meeting` (300 phones by default).

Shares live_phones.py's HTTP client, servers, joining and sockets. What is simulated:

- a meeting session (cards, no questions) made through the services; each phone joins
  as the phone page does and keeps its socket open (some drop it and poll for a while);
- each phone presses cards as people do in a meeting: within `--think` seconds it holds
  up a card (I want to speak most often, then Stop with a word, a break, I don't want to
  speak), sometimes sends the same press again with its UUID (it must come back as the
  same card), keeps it up a few seconds and puts it down, `--rounds` times. Presses are
  the phone page's form POSTs with `X-Live-Part: cards` and the CSRF token, retried with
  the same UUID on a network error, a timeout, a 5xx or a 429;
- the facilitator calls the next speaker every 2 seconds and puts Stop and break cards
  down every 10 seconds, over HTTP with the staff cookie, as the console's buttons do;
- a presenter socket watches the queue;
- afterwards every phone holds a hand up and puts it down `--burst` times as fast as the
  server acknowledges: presses per second comes from that burst;
- at the end the database is read: every acknowledged press must be there once, and
  every acknowledged put-down must have left its card down.

The bare baseline (live_baseline.py's `/card`) takes the same form POSTs, in the same
rhythm, and keeps each phone's cards with the same rules: one row per UUID, one card of
each kind up per phone.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import time
import urllib.parse
import uuid
from dataclasses import dataclass, field

import httptools
import live_phones as lp

KINDS = (("speak", 0.6), ("stop", 0.15), ("break", 0.15), ("quiet", 0.1))
PHRASES = ["co-production", "stakeholder", "outcomes", "the steering group", "capacity"]
UP = re.compile(rb'data-up-(speak|stop|quiet|break)="(\d+)"')
CALL_EVERY = 2.0
PUT_DOWN_EVERY = 10.0


@dataclass
class Press:
    """One press (a card up, or down), from the first try to the acknowledgement."""

    phone: int
    kind: str
    client_id: str  # the UUID of a card held up; empty for putting one down
    card: int | None  # the card put down, or the card the acknowledgement says is up
    burst: bool
    sent_at: float
    acked_at: float | None = None
    tries: int = 0
    down: bool = False
    already: bool = False  # a card of that kind was up: nothing changed


@dataclass
class MeetingFigures(lp.Figures):
    presses: list[Press] = field(default_factory=list)
    resent_other_card: int = 0  # a same-UUID press that came back as another card
    queue_seen: list[tuple[float, frozenset]] = field(default_factory=list)


@dataclass
class Meeting:
    session_id: int
    code: str
    staff_cookie: str
    activities: list = field(default_factory=list)


def meeting_make(title: str) -> Meeting:
    """Make an organisation, a facilitator and a started meeting (cards, fair turns)."""
    from thegither.live import services
    from thegither.live.models import LiveSession

    organisation, staff = lp.facilitator_make(
        "Benchmark Meeting Trust", "benchmark-meeting", "Chair"
    )
    settings = services.SessionSettings(
        kind=LiveSession.Kind.MEETING, queue_on_screen=True, queue_policy="fair"
    )
    session = services.session_create(
        organisation=organisation, title=title, by=staff, settings=settings
    )
    services.session_control(session=session, action="start", by=staff)
    return Meeting(session.pk, session.join_code, lp.staff_cookie(staff))


class MeetingRun(lp.Run):
    """One meeting against one set of server processes (Thegither or the baseline)."""

    def __init__(self, plan: lp.Plan, ports: list[int], meeting: Meeting | None, rounds: int):
        super().__init__(plan, ports, meeting)
        self.figures = MeetingFigures()
        self.rounds = rounds

    async def send_press(self, http: lp.Http, path: str, press: Press, form: dict) -> bool:
        """POST the press until acknowledged, retrying with the same UUID; read the cards up."""
        body = urllib.parse.urlencode(form).encode()
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "X-CSRFToken": http.cookies.get("csrftoken", ""),
            "X-Live-Part": "cards",
        }
        wait = 1.0
        while time.monotonic() - press.sent_at < lp.GIVE_UP_SECONDS:
            press.tries += 1
            try:
                status, reply = await http.request("POST", path, body=body, headers=headers)
            except (OSError, TimeoutError, httptools.HttpParserError):
                self.figures.network_errors += 1
                status, reply = 0, b""
            if status in (200, 404):  # 404: the card had gone already (a retried put-down)
                press.acked_at = time.monotonic()
                up = {kind.decode(): int(pk) for kind, pk in UP.findall(reply)}
                if not press.down:
                    press.card = up.get(press.kind)
                return up
            if 400 <= status < 500 and status != 429:
                kind = f"http-{status}"
                self.figures.refused[kind] = self.figures.refused.get(kind, 0) + 1
                return None
            await asyncio.sleep(wait * (0.5 + self.rng.random()))
            wait = min(30.0, wait * 2)
        return None


class MeetingPhone(lp.Phone):
    """One simulated phone in a meeting: join, socket or polling, cards up and down."""

    def __init__(self, run: MeetingRun, number: int, path: str | None = None):
        super().__init__(run, number)
        self.card_path = path or f"/live/p/{run.workshop.code}/cards/"
        self.up: dict[str, int] = {}
        self.meeting_done = False

    def wants_socket(self) -> bool:
        # Droppers go without a socket for the middle of the meeting, then come back.
        if not self.dropper:
            return True
        return not (self.run.rounds > 2 and 1 <= self.round_now < self.run.rounds - 1)

    round_now = 0

    def on_snapshot(self, snapshot: dict) -> None:
        if snapshot.get("type") == "snapshot":
            self.highest = max(self.highest, snapshot.get("seq", 0))

    async def press(self, kind: str, *, burst: bool) -> None:
        run: MeetingRun = self.run
        if kind in self.up:
            press = Press(self.number, kind, "", self.up[kind], burst, time.monotonic(), down=True)
            run.figures.presses.append(press)
            up = await run.send_press(self.http, self.card_path, press, {"card": press.card})
        else:
            client_id = str(uuid.uuid4())
            form = {"kind": kind, "client_id": client_id}
            if kind == "stop" and self.rng.random() < 0.5:
                form["phrase"] = self.rng.choice(PHRASES)
            press = Press(self.number, kind, client_id, None, burst, time.monotonic())
            run.figures.presses.append(press)
            up = await run.send_press(self.http, self.card_path, press, form)
            if up is not None and not burst and self.rng.random() < run.plan.resend:
                again = Press(self.number, kind, client_id, None, burst, time.monotonic())
                run.figures.resent_same_uuid += 1
                if await run.send_press(self.http, self.card_path, again, form) is not None and (
                    again.card != press.card
                ):
                    run.figures.resent_other_card += 1
        if up is not None:
            self.up = up

    async def meet(self) -> None:
        run: MeetingRun = self.run
        for number in range(run.rounds):
            self.round_now = number
            await asyncio.sleep(self.rng.uniform(0, run.plan.think))
            kind = self.rng.choices([k for k, _w in KINDS], [w for _k, w in KINDS])[0]
            if kind not in self.up:
                await self.press(kind, burst=False)
                await asyncio.sleep(self.rng.uniform(1.0, max(1.5, run.plan.think / 2)))
            if kind in self.up:  # still up (the facilitator may have called it or put it down)
                await self.press(kind, burst=False)
        self.meeting_done = True
        run.activity_finished(0)
        if run.plan.burst:
            await run.burst_go.wait()
            for _i in range(run.plan.burst):
                kind = "speak"
                await self.press(kind, burst=True)
                if kind in self.up:
                    await self.press(kind, burst=True)
            run.activity_finished(-1)


class Chair:
    """The facilitator: calls the next speaker and puts Stop and break cards down."""

    def __init__(self, run: MeetingRun):
        self.run = run
        self.http = lp.Http(run.ports[0])
        self.http.cookies = {"sessionid": run.workshop.staff_cookie, "csrftoken": "b" * 32}
        self.base = f"/live/s/{run.workshop.session_id}"
        self.calls = 0

    async def post(self, path: str, form: dict) -> None:
        with contextlib.suppress(OSError, TimeoutError, httptools.HttpParserError):
            status, _body = await self.http.request(
                "POST",
                self.base + path,
                body=urllib.parse.urlencode(form).encode(),
                headers={
                    "Content-Type": "application/x-www-form-urlencoded",
                    "X-CSRFToken": self.http.cookies["csrftoken"],
                    "X-Live-Part": "staff",
                },
            )
            if status == 200:
                self.calls += 1

    async def chair(self) -> None:
        run = self.run
        started = time.monotonic()
        last_put_down = started
        while not run.burst_go.is_set():
            await asyncio.sleep(CALL_EVERY)
            await self.post("/queue/", {"action": "call"})
            if time.monotonic() - last_put_down >= PUT_DOWN_EVERY:
                last_put_down = time.monotonic()
                await self.post("/cards-down/", {"kind": "stop"})
                await self.post("/cards-down/", {"kind": "break"})


class QueueWatcher(lp.Presenter):
    """The big screen's socket: keeps when each card was first in the queue (or speaking)."""

    def on_snapshot(self, snapshot: dict) -> None:
        now = time.monotonic()
        prev = snapshot.get("prev")
        self.gap = prev is not None and prev > self.highest >= 0
        if self.gap:
            self.run.figures.presenter_gaps += 1
        self.highest = max(self.highest, snapshot.get("seq", 0))
        cards = snapshot.get("cards") or {}
        seen = set(cards.get("queue") or [])
        if cards.get("speaking"):
            seen.add(cards["speaking"])
        self.run.figures.queue_seen.append((now, frozenset(seen)))
        self.run.figures.presenter.append((now, 0, 0, snapshot.get("seq", 0)))


async def _join_all(run: MeetingRun, phones: list[MeetingPhone]) -> None:
    gate = asyncio.Semaphore(run.plan.join_at_once)
    started = time.monotonic()

    async def join(phone: MeetingPhone):
        async with gate:
            ok = await phone.join()
        if ok:
            run.joined.append(phone)
        else:
            run.figures.joins_failed += 1

    await asyncio.gather(*(join(phone) for phone in phones))
    run.figures.join_seconds = time.monotonic() - started


async def _meet(run: MeetingRun, phones: list[MeetingPhone]) -> float:
    """Every phone's rounds, then the burst; return when the meeting (not the burst) ended."""
    meeting = [asyncio.create_task(phone.meet()) for phone in phones]
    await run.wait_all(0)
    ended = time.monotonic()
    await asyncio.sleep(1.0)  # the screens settle
    run.burst_started = time.monotonic()
    run.burst_go.set()
    await asyncio.gather(*meeting, return_exceptions=True)
    return ended


async def thegither_meeting(run: MeetingRun) -> dict:
    """Join every phone, hold the meeting, and return the timings."""
    phones = [MeetingPhone(run, number) for number in range(run.plan.phones)]
    watcher = QueueWatcher(run)
    watching = asyncio.create_task(watcher.watch())
    await _join_all(run, phones)
    living = [asyncio.create_task(phone.live()) for phone in run.joined]
    await asyncio.sleep(2)  # sockets open
    chair = Chair(run)
    chairing = asyncio.create_task(chair.chair())
    started = time.monotonic()
    ended = await _meet(run, list(run.joined))
    await chairing
    run.finished = True
    await asyncio.gather(*living, watching, return_exceptions=True)
    return {"workshop_seconds": ended - started, "speakers_called": chair.calls}


async def baseline_meeting(run: MeetingRun, ports: list[int]) -> dict:
    """The same presses, in the same rhythm, to the bare baseline (no join, no sockets)."""
    run.ports = ports
    phones = []
    for number in range(run.plan.phones):
        phone = MeetingPhone(run, number, path="/card")
        phone.http.cookies[lp.DEVICE_COOKIE] = f"phone-{number}"
        phones.append(phone)
    run.joined = phones
    started = time.monotonic()
    ended = await _meet(run, phones)
    run.finished = True
    for phone in phones:
        phone.http.close()
    return {"workshop_seconds": ended - started}


# ---- after the run: what was acknowledged, against what is stored ----


def _acknowledged(figures: MeetingFigures) -> tuple[dict[str, Press], list[Press]]:
    raised = {
        p.client_id: p for p in figures.presses if not p.down and p.acked_at and p.card is not None
    }
    lowered = [p for p in figures.presses if p.down and p.acked_at]
    return raised, lowered


def check_thegither(figures: MeetingFigures, meeting: Meeting) -> dict:
    """Read the database: every acknowledged press stored once, every put-down card down."""
    from django.db.models import Count

    from thegither.live.models import Card

    raised, lowered = _acknowledged(figures)
    rows = {
        str(row["client_id"]): row
        for row in Card.objects.filter(session_id=meeting.session_id).values(
            "pk", "client_id", "kind", "state"
        )
    }
    lost = sum(
        1
        for client_id, press in raised.items()
        if client_id not in rows and press.card not in {row["pk"] for row in rows.values()}
    )
    by_pk = {row["pk"]: row for row in rows.values()}
    lost += sum(
        1
        for press in lowered
        if press.card in by_pk and by_pk[press.card]["state"] in Card.OPEN_STATES
    )
    sent_ids = {p.client_id for p in figures.presses if p.client_id}
    strangers = sum(1 for client_id in rows if client_id not in sent_ids)
    doubled = (
        Card.objects.filter(session_id=meeting.session_id, state__in=Card.OPEN_STATES)
        .values("participant", "kind")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .count()
    )
    return {
        "lost": lost,
        "duplicates": figures.resent_other_card + strangers + doubled,
        "count_mismatches": 0,
    }


def check_baseline(figures: MeetingFigures, database: lp.Database) -> dict:
    raised, lowered = _acknowledged(figures)
    stored = database.baseline_cards()
    lost = sum(1 for client_id in raised if client_id not in stored)
    by_pk = {pk: up for pk, up in stored.values()}
    lost += sum(1 for press in lowered if by_pk.get(press.card))
    return {"lost": lost, "duplicates": figures.resent_other_card, "count_mismatches": 0}


def presenter_delays(figures: MeetingFigures) -> tuple[list[float], int]:
    """Return ms from each hand going up to the big screen's queue showing it, and how many
    hands the screen never showed (put down or called before a snapshot came)."""
    delays, missed = [], 0
    for press in figures.presses:
        if press.down or press.burst or press.kind != "speak" or press.card is None:
            continue
        if press.acked_at is None:
            continue
        shown = next(
            (t for t, seen in figures.queue_seen if t >= press.sent_at and press.card in seen),
            None,
        )
        if shown is None:
            missed += 1
        else:
            delays.append((shown - press.sent_at) * 1000)
    return delays, missed


def summary(figures: MeetingFigures, checked: dict, servers, **kwargs) -> dict:
    """The figures live_load.py prints, with presses in place of answers."""
    presenter = kwargs.pop("presenter")
    figures.answers = figures.presses  # summary() counts these; a press is one "answer"
    out = lp.summary(figures, checked, servers, presenter=False, **kwargs)
    out["presses_per_s"] = out["answers_per_s"]
    if presenter:
        delays, missed = presenter_delays(figures)
        out["presenter_ms"] = lp.spread(delays)
        out["presenter_missed"] = missed
        out["presenter_snapshots"] = len(figures.queue_seen)
        out["presenter_gaps"] = figures.presenter_gaps
        out["polls"] = figures.polls
        out["socket_drops"] = figures.socket_drops
        out["socket_losses"] = figures.socket_losses
        out["joins_failed"] = figures.joins_failed
        out["join_s"] = round(figures.join_seconds, 1)
    out["cards_up"] = sum(1 for p in figures.presses if not p.down)
    out["cards_down"] = sum(1 for p in figures.presses if p.down)
    return out
