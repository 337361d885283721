"""WebSocket consumers: they only send snapshots; every change comes in over HTTP.

A socket gets a full snapshot when it connects and whenever it sends
{"type": "sync"} (after seeing a gap in sequence numbers), then each coalesced
snapshot published to its group, passed on by the process's relay for the group
(live/fanout.py, docs/live-protocol.md).
"""

import abc
import asyncio

from channels.consumer import get_handler_name
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from thegither.live import broadcast, fanout, selectors, services, threads
from thegither.live.models import LiveSession
from thegither.live.permissions import can_run_session

# WebSocket close codes (4000-4999 are ours): documented in docs/live-protocol.md.
CLOSE_NOT_FOUND = 4404
CLOSE_NOT_ALLOWED = 4403
SYNCS_PER_MINUTE = 30


class _LiveConsumer(AsyncJsonWebsocketConsumer, abc.ABC):
    audience = ""
    extra_groups: tuple[str, ...] = ()

    async def connect(self):
        broadcast.loop_bind(asyncio.get_running_loop())
        self.session_id = None
        self.syncs = 0
        found, refusal = await threads.readers.run(self.find_session)
        if found is None:
            await self.close(code=refusal)
            return
        self.session_id = found
        self.group = (
            services.staff_group(found)
            if self.audience == selectors.STAFF
            else services.phone_group(found)
        )
        # Messages for this one socket (a phone taken out) come through the channel
        # layer; snapshots through this process's relay for the group (live/fanout.py),
        # joined before the first snapshot is read, so no change falls between them.
        for group in self.extra_groups:
            await self.channel_layer.group_add(group, self.channel_name)
        await self.accept()
        await fanout.join(self.group, self, self.send_text)
        await self.send_snapshot()

    @abc.abstractmethod
    def find_session(self) -> tuple[int | None, int]:
        """Return (the session's id, 0), or (None, the close code saying why not)."""

    async def disconnect(self, code):
        if self.session_id is not None:
            await fanout.leave(self.group, self)
            for group in self.extra_groups:
                await self.channel_layer.group_discard(group, self.channel_name)

    async def send_text(self, text: str) -> None:
        await self.send(text_data=text)

    async def receive_json(self, content, **kwargs):
        if isinstance(content, dict) and content.get("type") == "sync":
            self.syncs += 1
            if self.syncs <= SYNCS_PER_MINUTE:
                await self.send_snapshot()

    async def send_snapshot(self):
        snapshot = await threads.readers.run(self._snapshot)
        await self.send_json({**snapshot, "prev": None})

    def _snapshot(self) -> dict:
        return selectors.snapshot(LiveSession(pk=self.session_id), self.audience)

    async def dispatch(self, message):
        """Hand each message to its handler, without Channels' connection clean-up.

        Channels closes stale database connections in a thread before every message,
        so each snapshot to a thousand phones meant a thousand hand-overs to a thread.
        These handlers touch the database only through live's threads, which look
        after their own connections (live/threads.py, decision 0062).
        """
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            await super().dispatch(message)  # says there is no handler
            return
        await handler(message)

    async def live_removed(self, event):
        """The facilitator took this phone out: close its socket for good."""
        await self.close(code=CLOSE_NOT_ALLOWED)

    @classmethod
    async def decode_json(cls, text_data):
        if len(text_data) > 1000:
            return None
        try:
            return await super().decode_json(text_data)
        except ValueError:
            return None


class StaffConsumer(_LiveConsumer):
    """The facilitator's console and the presenter screen: logged-in staff of the organisation."""

    audience = selectors.STAFF

    def find_session(self):
        session = (
            LiveSession.objects.select_related("organisation")
            .filter(pk=self.scope["url_route"]["kwargs"]["pk"])
            .first()
        )
        if session is None:
            return None, CLOSE_NOT_FOUND
        if not can_run_session(self.scope["user"], session):
            return None, CLOSE_NOT_ALLOWED
        return session.pk, 0


class PhoneConsumer(_LiveConsumer):
    """A phone that joined, known by its device cookie."""

    audience = selectors.PHONE

    def find_session(self):
        code = "".join(self.scope["url_route"]["kwargs"]["code"].split()).upper()
        # The answer's own lookup (plain SQL, the session remembered by its code): a
        # hall of phones connects at once.
        phone = services.phone_of(code, self.scope["cookies"].get(services.DEVICE_COOKIE, ""))
        if phone is None:
            found = selectors.session_by_code(code) is not None
            return None, CLOSE_NOT_ALLOWED if found else CLOSE_NOT_FOUND
        if phone.removed:
            return None, CLOSE_NOT_ALLOWED
        self.extra_groups = (services.one_phone_group(phone.participant_id),)
        return phone.session_id, 0
