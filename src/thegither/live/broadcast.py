"""Send snapshots to screens through the channel layer, coalesced per group.

The one way any app puts something on a live screen (meeting cards will use it too):

    broadcast.publish(group, make_snapshot, every=0.25)

The message is a dict with a "seq" number, or a function that returns one (read from
the database when called). It reaches every socket in `group` at most once per
`every` seconds: the first at once, later ones held and replaced by newer ones until
the interval has passed (the newest always goes, so nothing is stale for long). A
function is called only when a send is due, so a burst of a thousand answers costs a
handful of snapshots, not a thousand (decision 0057); it runs on live's publisher
thread (decision 0090) and the snapshot goes out as JSON text made once for the whole
group (decision 0062).
Call `publish` after commit (`transaction.on_commit`), never inside a transaction.

Sending happens on the server's event loop, which the first socket to connect hands
over (`loop_bind`): the in-memory channel layer is not safe to use from other threads.
A process that never had a socket (a script, a sync test) sends straight away,
uncoalesced, so a Redis layer still hears it.

With several server processes (REDIS_URL), each coalesces its own changes, and before
a send it claims the group's interval in Redis (`SET NX PX`): only one process sends to
a group in each interval, so a phone hears at most once a second however many
processes serve the session; a process that finds the interval taken tries again when
it ends, with the newest snapshot by then (decision 0090).
"""

import asyncio
import contextvars
import json
import logging
import math
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings

from thegither.live import fanout, threads

logger = logging.getLogger(__name__)

# A snapshot, or a function that reads one when a send is due.
Message = dict | Callable[[], dict]

# How often a group may be sent to, in seconds.
STAFF_EVERY = 0.25  # facilitator and presenter screens: 4 a second
PHONE_EVERY = 1.0  # phones: 1 a second

_loop: asyncio.AbstractEventLoop | None = None
_bind_lock = threading.Lock()


def loop_bind(loop: asyncio.AbstractEventLoop) -> None:
    """Remember the server's event loop, where every send will run."""
    global _loop
    with _bind_lock:
        if _loop is None or _loop.is_closed():
            _loop = loop
            _coalescer.reset()
            fanout.reset()


@dataclass
class _Group:
    last_sent: float = -math.inf
    last_seq: int = 0
    pending: Message | None = None
    timer: asyncio.TimerHandle | None = None
    making: bool = False  # a snapshot is being read for this group


def _make_now(message: Message, done: Callable[[dict | None], None]) -> None:
    done(message() if callable(message) else message)


def _claim_always(group: str, every: float, go: Callable[[float], None]) -> None:
    go(0.0)  # one process: its own interval is the only one


@dataclass
class Coalescer:
    """Hold each group to one send per interval; the newest message always goes out.

    Runs on one event loop. `send(group, message)` is called for each send;
    `make(message, done)` turns a held message into a dict (calling it, if it is a
    function) and hands it to `done`, perhaps later; `claim(group, every, go)` asks
    whether this process may send to the group now and calls `go(0)` if so, or
    `go(seconds)` to try again that much later (another process sent to it); `clock`
    and `later` are the loop's. All are replaceable in tests.
    """

    send: Callable[[str, dict], None]
    clock: Callable[[], float] = time.monotonic
    later: Callable[[float, Callable[[], None]], object] | None = None
    make: Callable[[Message, Callable[[dict | None], None]], None] = _make_now
    claim: Callable[[str, float, Callable[[float], None]], None] = _claim_always
    groups: dict[str, _Group] = field(default_factory=dict)

    def reset(self) -> None:
        self.groups.clear()

    def submit(self, group: str, message: Message, every: float) -> None:
        state = self.groups.setdefault(group, _Group())
        if not callable(message) and message.get("seq", 0) < state.last_seq:
            return  # an older snapshot than one already sent: a newer one is out there
        if (
            state.pending is None
            or callable(message)
            or callable(state.pending)
            or message.get("seq", 0) >= state.pending.get("seq", 0)
        ):
            # Threads commit in one order and publish in another: keep the newest.
            state.pending = message
        if state.timer is None and not state.making:
            self._arrange(group, state, every)

    def _arrange(self, group: str, state: _Group, every: float) -> None:
        """Send the held message now if the interval has passed, or set a timer for it."""
        wait = state.last_sent + every - self.clock()
        if wait <= 0:
            self._flush(group, every)
        else:
            state.timer = self.later(wait, lambda: self._flush(group, every))

    def _flush(self, group: str, every: float) -> None:
        state = self.groups.setdefault(group, _Group())
        state.timer = None
        message, state.pending = state.pending, None
        if message is None:
            return
        state.making = True
        self.claim(group, every, lambda wait: self._claimed(group, every, message, wait))

    def _claimed(self, group: str, every: float, message: Message, wait: float) -> None:
        if wait <= 0:
            self.make(message, lambda made: self._made(group, every, made))
            return
        # Another process sent to this group in this interval: hold the message (or a
        # newer one that came meanwhile) and try again when the interval ends.
        state = self.groups.setdefault(group, _Group())
        state.making = False
        if state.pending is None:
            state.pending = message
        if state.timer is None:
            state.timer = self.later(wait, lambda: self._flush(group, every))

    def _made(self, group: str, every: float, message: dict | None) -> None:
        state = self.groups.setdefault(group, _Group())
        state.making = False
        if message is not None and message.get("seq", 0) >= state.last_seq:
            # "prev" is the last seq this process sent to the group: a screen that saw
            # less than that missed a message and asks for a full snapshot.
            message = {**message, "prev": state.last_seq}
            state.last_sent = self.clock()
            state.last_seq = max(state.last_seq, message.get("seq", 0))
            self.send(group, message)
        if state.pending is not None and state.timer is None:
            self._arrange(group, state, every)


# Sends in flight: the loop keeps only weak references to tasks.
_sending: set[asyncio.Task] = set()


def _start(loop: asyncio.AbstractEventLoop, coroutine) -> None:
    # A context of its own: the caller's would carry the request's thread-sensitive
    # executor (asgiref), gone once the request ends, and a snapshot read needs a thread.
    task = loop.create_task(coroutine, context=contextvars.Context())
    _sending.add(task)
    task.add_done_callback(_sending.discard)


def _layer_send(group: str, message: dict) -> None:
    layer = get_channel_layer()
    # As JSON text, made once here rather than once for every socket in the group.
    text = json.dumps(message, separators=(",", ":"))
    _start(
        asyncio.get_running_loop(),
        layer.group_send(group, {"type": "live.snapshot", "text": text}),
    )


def _later(wait: float, callback: Callable[[], None]):
    return asyncio.get_running_loop().call_later(wait, callback)


def _make_off_loop(message: Message, done: Callable[[dict | None], None]) -> None:
    """Read a snapshot on live's publisher thread (it queries the database), then hand it on."""
    if not callable(message):
        done(message)
        return

    async def make() -> None:
        try:
            made = await threads.publishers.run(message)
        except Exception:
            logger.exception("A live snapshot could not be read; the next change sends one.")
            made = None
        done(made)

    _start(asyncio.get_running_loop(), make())


class _Claims:
    """Intervals claimed in Redis, so processes take turns sending to a group."""

    def __init__(self):
        self._client = None
        self._loop: asyncio.AbstractEventLoop | None = None

    def _redis(self):
        loop = asyncio.get_running_loop()
        if self._client is None or self._loop is not loop:
            from redis.asyncio import Redis  # only with REDIS_URL

            self._client = Redis.from_url(settings.REDIS_URL)
            self._loop = loop
        return self._client

    async def wait(self, group: str, every: float) -> float:
        """Claim the group's next `every` seconds; return 0, or how long another holds it."""
        key = f"{settings.REDIS_PREFIX}:live:sending:{group}"
        milliseconds = max(1, round(every * 1000))
        async with self._redis().pipeline(transaction=False) as pipe:
            pipe.set(key, os.getpid(), nx=True, px=milliseconds)
            pipe.pttl(key)
            claimed, left = await pipe.execute()
        if claimed:
            return 0.0
        return max(left, 1) / 1000


_claims = _Claims()


def _claim(group: str, every: float, go: Callable[[float], None]) -> None:
    if not settings.REDIS_URL:
        go(0.0)
        return

    async def ask() -> None:
        try:
            wait = await _claims.wait(group, every)
        except Exception:
            # Redis is away: the channel layer is too, so sending costs nothing extra.
            logger.warning("Could not claim a send to %s in Redis; sending anyway.", group)
            wait = 0.0
        go(wait)

    _start(asyncio.get_running_loop(), ask())


_coalescer = Coalescer(send=_layer_send, later=_later, make=_make_off_loop, claim=_claim)
# Every publish, in order, for `capture_publishes` in tests: (group, message).
_listeners: list[Callable[[str, dict], None]] = []


def send_now(group: str, event: dict) -> None:
    """Send a channel-layer `event` to `group` at once, uncoalesced (for rare events)."""
    layer = get_channel_layer()
    if layer is None:
        return
    loop = _loop
    if loop is not None and not loop.is_closed() and loop.is_running():
        loop.call_soon_threadsafe(
            _start, loop, layer.group_send(group, event), context=contextvars.Context()
        )
        return
    try:
        running = asyncio.get_running_loop()
    except RuntimeError:
        async_to_sync(layer.group_send)(group, event)
    else:
        _start(running, layer.group_send(group, event))


def publish(group: str, message: Message, *, every: float) -> None:
    """Send `message` to every socket in `group`, at most once per `every` seconds.

    `message` is a snapshot, or a function returning one that is called only when a
    send is due (on live's publisher thread, so it may query the database).
    """
    if _listeners and callable(message):
        message = message()
    for listener in list(_listeners):
        listener(group, message)
    loop = _loop
    if loop is not None and not loop.is_closed() and loop.is_running():
        # Not in the request's context: timers set here outlive the request.
        loop.call_soon_threadsafe(
            _coalescer.submit, group, message, every, context=contextvars.Context()
        )
        return
    layer = get_channel_layer()
    if layer is None:
        return
    if callable(message):
        message = message()
    event = {"type": "live.snapshot", "snapshot": {**message, "prev": None}}  # no gap check
    try:
        running = asyncio.get_running_loop()
    except RuntimeError:
        async_to_sync(layer.group_send)(group, event)
    else:  # called from sync code on a loop thread (a script driving a browser, say)
        _start(running, layer.group_send(group, event))
