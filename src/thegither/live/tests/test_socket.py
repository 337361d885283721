"""A real WebSocket through Channels' communicator: snapshots on connect and after an answer."""

import json
import uuid

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.testing import HttpCommunicator, WebsocketCommunicator
from django.test import Client

from thegither.accounts.models import Role
from thegither.accounts.tests import factories
from thegither.asgi import application
from thegither.live import services

pytestmark = pytest.mark.django_db(transaction=True)

ORIGIN = [(b"origin", b"http://testserver")]


def _world():
    organisation = factories.organisation_make()
    staff = factories.member_make(organisation, Role.STAFF)
    session = services.session_create(organisation=organisation, title="Sockets", by=staff)
    services.activity_add(session=session, kind="yes-no", prompt="Fair?", by=staff)
    services.session_control(session=session, action="start", by=staff)
    services.session_control(session=session, action="open", by=staff)
    session.refresh_from_db()
    return organisation, staff, session


def _session_cookie(user) -> bytes:
    client = Client()
    client.force_login(user)
    return f"sessionid={client.cookies['sessionid'].value}".encode()


def _headers(cookie: bytes) -> list:
    return [*ORIGIN, (b"cookie", cookie), (b"host", b"testserver")]


def test_a_phone_socket_gets_a_snapshot_on_connect_and_after_an_answer_when_shown():
    _organisation, staff, session = _world()
    token = "socket-phone-token-1234567890"
    participant = services.session_join(session=session, token=token).participant
    services.session_control(session=session, action="show", by=staff)
    activity = session.current_activity

    async def scenario():
        phone = WebsocketCommunicator(
            application,
            f"/ws/live/p/{session.join_code}/",
            headers=_headers(f"{services.DEVICE_COOKIE}={token}".encode()),
        )
        connected, _subprotocol = await phone.connect()
        assert connected
        first = await phone.receive_json_from(timeout=5)
        assert first["type"] == "snapshot"
        assert first["activity"]["prompt"] == "Fair?"
        assert first["results"]["answered"] == 0
        await database_sync_to_async(services.answer_submit)(
            participant=participant,
            activity=activity,
            client_id=uuid.uuid4(),
            value={"choice": "yes"},
        )
        update = await phone.receive_json_from(timeout=5)
        assert update["seq"] > first["seq"]
        assert update["results"]["answered"] == 1
        assert "joined" not in update  # phones don't get the staff figures
        await phone.send_json_to({"type": "sync"})
        synced = await phone.receive_json_from(timeout=5)
        # The newest number given so far: other groups' snapshots (the staff's, read after
        # the phones') are numbered too, so it may be higher but never lower.
        assert synced["seq"] >= update["seq"]
        assert synced["prev"] is None
        assert synced["results"]["answered"] == 1
        await phone.disconnect()

    async_to_sync(scenario)()


def test_a_presenter_socket_sees_counts_even_when_results_are_hidden():
    _organisation, staff, session = _world()
    participant = services.session_join(session=session, token="p" * 30).participant
    cookie = _session_cookie(staff)
    activity = session.current_activity

    async def scenario():
        presenter = WebsocketCommunicator(
            application, f"/ws/live/s/{session.pk}/", headers=_headers(cookie)
        )
        connected, _subprotocol = await presenter.connect()
        assert connected
        first = await presenter.receive_json_from(timeout=5)
        assert first["joined"] == 1
        await database_sync_to_async(services.answer_submit)(
            participant=participant,
            activity=activity,
            client_id=uuid.uuid4(),
            value={"choice": "no"},
        )
        update = await presenter.receive_json_from(timeout=5)
        assert {o["key"]: o["total"] for o in update["results"]["options"]}["no"] == 1
        await presenter.disconnect()

    async_to_sync(scenario)()


def test_sockets_are_refused_to_outsiders_strangers_and_other_sites():
    _organisation, _staff, session = _world()
    outsider = factories.member_make(factories.organisation_make(), Role.STAFF)
    cookie = _session_cookie(outsider)

    async def connect(path, headers):
        communicator = WebsocketCommunicator(application, path, headers=headers)
        connected, code = await communicator.connect()
        await communicator.disconnect()
        return connected, code

    async def scenario():
        assert await connect(f"/ws/live/s/{session.pk}/", _headers(cookie)) == (False, 4403)
        assert await connect(f"/ws/live/s/{session.pk + 999}/", _headers(cookie)) == (False, 4404)
        stranger = _headers(f"{services.DEVICE_COOKIE}=unknown-token-123456789".encode())
        assert await connect(f"/ws/live/p/{session.join_code}/", stranger) == (False, 4403)
        assert await connect("/ws/live/p/ZZZZZZ/", stranger) == (False, 4404)
        other_site = [(b"origin", b"https://evil.example"), (b"host", b"testserver")]
        connected, _code = await connect(f"/ws/live/p/{session.join_code}/", other_site)
        assert not connected

    async_to_sync(scenario)()


def test_taking_a_phone_out_closes_its_socket():
    _organisation, staff, session = _world()
    token = "removed-phone-token-1234567890"
    participant = services.session_join(session=session, token=token).participant

    async def scenario():
        phone = WebsocketCommunicator(
            application,
            f"/ws/live/p/{session.join_code}/",
            headers=_headers(f"{services.DEVICE_COOKIE}={token}".encode()),
        )
        connected, _subprotocol = await phone.connect()
        assert connected
        await phone.receive_json_from(timeout=5)
        await database_sync_to_async(services.participant_remove)(participant=participant, by=staff)
        closed = await phone.receive_output(timeout=5)
        while closed["type"] != "websocket.close":
            closed = await phone.receive_output(timeout=5)
        assert closed["code"] == 4403

    async_to_sync(scenario)()


def test_answers_posted_through_the_server_reach_a_socket_after_their_requests_end():
    """The coalesced snapshot is read after the answer's request is over, in a thread of its own."""
    _organisation, staff, session = _world()
    token = "http-phone-token-1234567890"
    services.session_join(session=session, token=token)
    other = "http-phone-token-0987654321"
    services.session_join(session=session, token=other)
    activity = session.current_activity
    csrf = "c" * 32
    staff_cookie = _session_cookie(staff)

    async def answer(device: str):
        request = HttpCommunicator(
            application,
            "POST",
            f"/live/p/{session.join_code}/answer/",
            body=json.dumps(
                {"activity": activity.pk, "client_id": str(uuid.uuid4()), "value": {"choice": "no"}}
            ).encode(),
            headers=[
                (b"host", b"testserver"),
                (b"content-type", b"application/json"),
                (b"x-csrftoken", csrf.encode()),
                (b"cookie", f"csrftoken={csrf}; {services.DEVICE_COOKIE}={device}".encode()),
            ],
        )
        response = await request.get_response(timeout=10)
        assert response["status"] == 200, response["body"]

    async def scenario():
        presenter = WebsocketCommunicator(
            application, f"/ws/live/s/{session.pk}/", headers=_headers(staff_cookie)
        )
        connected, _subprotocol = await presenter.connect()
        assert connected
        assert (await presenter.receive_json_from(timeout=5))["results"]["answered"] == 0
        await answer(token)
        await answer(other)  # within a quarter of a second: held, then read by a timer
        answered = 0
        while answered < 2:
            answered = (await presenter.receive_json_from(timeout=5))["results"]["answered"]
        await presenter.disconnect()

    async_to_sync(scenario)()
