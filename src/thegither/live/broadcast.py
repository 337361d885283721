"""Send snapshots to screens through the channel layer, coalesced per group.

The one way any app puts something on a live screen (meeting cards will use it too):

    broadcast.publish(group, message, every=0.25)

`message` is a dict with a "seq" number; it reaches every socket in `group` at most
once per `every` seconds: the first at once, later ones held and replaced by newer
ones until the interval has passed (the newest always goes, so nothing is stale for
long). Call it after commit (`transaction.on_commit`), never inside a transaction.

Sending happens on the server's event loop, which the first socket to connect hands
over (`loop_bind`): the in-memory channel layer is not safe to use from other threads.
A process that never had a socket (a script, a sync test) sends straight away,
uncoalesced, so a Redis layer still hears it.
"""

import asyncio
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

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


@dataclass
class _Group:
    last_sent: float = -math.inf
    last_seq: int = 0
    pending: dict | None = None
    timer: asyncio.TimerHandle | None = None


@dataclass
class Coalescer:
    """Hold each group to one send per interval; the newest message always goes out.

    Runs on one event loop. `send(group, message)` is called for each send;
    `clock` and `later` are the loop's, replaceable in tests.
    """

    send: Callable[[str, dict], None]
    clock: Callable[[], float] = time.monotonic
    later: Callable[[float, Callable[[], None]], object] | None = None
    groups: dict[str, _Group] = field(default_factory=dict)

    def reset(self) -> None:
        self.groups.clear()

    def submit(self, group: str, message: dict, every: float) -> None:
        state = self.groups.setdefault(group, _Group())
        if message.get("seq", 0) < state.last_seq:
            return  # an older snapshot than one already sent: a newer one is out there
        now = self.clock()
        if state.timer is None and now - state.last_sent >= every:
            self._send(group, state, message, now)
            return
        if state.pending is None or message.get("seq", 0) >= state.pending.get("seq", 0):
            # Threads commit in one order and publish in another: keep the newest.
            state.pending = message
        if state.timer is None:
            wait = max(0.0, state.last_sent + every - now)
            state.timer = self.later(wait, lambda: self._flush(group))

    def _flush(self, group: str) -> None:
        state = self.groups[group]
        state.timer = None
        message, state.pending = state.pending, None
        if message is not None:
            self._send(group, state, message, self.clock())

    def _send(self, group: str, state: _Group, message: dict, now: float) -> None:
        # "prev" is the last seq this process sent to the group: a screen that saw
        # less than that missed a message and asks for a full snapshot.
        message = {**message, "prev": state.last_seq}
        state.last_sent = now
        state.last_seq = max(state.last_seq, message.get("seq", 0))
        self.send(group, message)


# Sends in flight: the loop keeps only weak references to tasks.
_sending: set[asyncio.Task] = set()


def _start(loop: asyncio.AbstractEventLoop, coroutine) -> None:
    task = loop.create_task(coroutine)
    _sending.add(task)
    task.add_done_callback(_sending.discard)


def _layer_send(group: str, message: dict) -> None:
    layer = get_channel_layer()
    _start(
        asyncio.get_running_loop(),
        layer.group_send(group, {"type": "live.snapshot", "snapshot": message}),
    )


def _later(wait: float, callback: Callable[[], None]):
    return asyncio.get_running_loop().call_later(wait, callback)


_coalescer = Coalescer(send=_layer_send, later=_later)
# Every publish, in order, for `capture_publishes` in tests: (group, message).
_listeners: list[Callable[[str, dict], None]] = []


def send_now(group: str, event: dict) -> None:
    """Send a channel-layer `event` to `group` at once, uncoalesced (for rare events)."""
    layer = get_channel_layer()
    if layer is None:
        return
    loop = _loop
    if loop is not None and not loop.is_closed() and loop.is_running():
        loop.call_soon_threadsafe(_start, loop, layer.group_send(group, event))
        return
    try:
        running = asyncio.get_running_loop()
    except RuntimeError:
        async_to_sync(layer.group_send)(group, event)
    else:
        _start(running, layer.group_send(group, event))


def publish(group: str, message: dict, *, every: float) -> None:
    """Send `message` to every socket in `group`, at most once per `every` seconds."""
    for listener in list(_listeners):
        listener(group, message)
    loop = _loop
    if loop is not None and not loop.is_closed() and loop.is_running():
        loop.call_soon_threadsafe(_coalescer.submit, group, message, every)
        return
    layer = get_channel_layer()
    if layer is None:
        return
    event = {"type": "live.snapshot", "snapshot": {**message, "prev": None}}  # no gap check
    try:
        running = asyncio.get_running_loop()
    except RuntimeError:
        async_to_sync(layer.group_send)(group, event)
    else:  # called from sync code on a loop thread (a script driving a browser, say)
        _start(running, layer.group_send(group, event))
