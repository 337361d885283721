"""One listener per process and group: a snapshot reaches the channel layer once, then each socket.

Channels delivers a group message to every member's own channel: with Redis, one copy
per socket, each unpacked again, and each waking its consumer's loop of two waiting
tasks. With a thousand phones in a session that was most of a server's time under load
(decision 0090). Here a process's sockets for a group register with a `Relay`, which
is the only member of the group in the channel layer: it receives each message once,
makes it into JSON text once, and writes it to each socket straight away.

A socket whose connection can't take more just now (flow control) finishes its own
write later without holding up the others: each write starts as an eager task, which
completes at once unless it has to wait.
"""

import asyncio
import json
import logging
from collections.abc import Callable, Coroutine

from channels.layers import get_channel_layer

logger = logging.getLogger(__name__)

Write = Callable[[str], Coroutine]


class Relay:
    """The channel-layer member for one group in this process; writes to its sockets."""

    def __init__(self, group: str):
        self.group = group
        self.writes: dict[object, Write] = {}
        self.ready = asyncio.Event()
        self.channel = ""
        self.task: asyncio.Task | None = None
        self.pending: set[asyncio.Task] = set()

    async def start(self) -> None:
        try:
            layer = get_channel_layer()
            self.channel = await layer.new_channel(prefix="live.relay.")
            await layer.group_add(self.group, self.channel)
            self.task = asyncio.get_running_loop().create_task(self._listen(layer))
        finally:
            self.ready.set()  # started or failed: nobody waits for ever

    async def stop(self) -> None:
        await self.ready.wait()  # a relay still starting stops once it has started
        if self.task is not None:
            self.task.cancel()
        if self.channel:
            await get_channel_layer().group_discard(self.group, self.channel)

    async def _listen(self, layer) -> None:
        while True:
            message = await layer.receive(self.channel)
            try:
                self.deliver(_text_of(message))
            except Exception:  # one bad message must not stop the session's screens
                logger.exception("A live message for %s could not be passed on.", self.group)

    def deliver(self, text: str) -> None:
        loop = asyncio.get_running_loop()
        for write in list(self.writes.values()):
            task = asyncio.eager_task_factory(loop, _quietly(write, text))
            if not task.done():  # waiting for a slow connection: keep it until it's done
                self.pending.add(task)
                task.add_done_callback(self.pending.discard)


def _text_of(message: dict) -> str:
    if "text" in message:
        return message["text"]
    return json.dumps(message["snapshot"], separators=(",", ":"))


async def _quietly(write: Write, text: str) -> None:
    try:
        await write(text)
    except Exception:  # the socket closed as the message went: its loss alone
        logger.debug("A live socket closed before a snapshot reached it.")


_relays: dict[str, Relay] = {}


async def join(group: str, member: object, write: Write) -> None:
    """Send the group's messages to `write` from now on (the first member starts the relay)."""
    relay = _relays.get(group)
    if relay is None:
        relay = _relays[group] = Relay(group)
        relay.writes[member] = write
        try:
            await relay.start()
        except BaseException:
            if _relays.get(group) is relay:
                del _relays[group]
            raise
        return
    relay.writes[member] = write
    await relay.ready.wait()


async def leave(group: str, member: object) -> None:
    """Stop sending to `member`; the last member out stops the relay."""
    relay = _relays.get(group)
    if relay is None:
        return
    relay.writes.pop(member, None)
    if not relay.writes:
        del _relays[group]
        await relay.stop()


def reset() -> None:
    """Forget every relay (a new event loop: tests, a restarted server)."""
    _relays.clear()
