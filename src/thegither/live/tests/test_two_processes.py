"""Two real server processes, one PostgreSQL database and one Redis serve one session.

A phone joins and answers through process A (over HTTP, with its device cookie, as
the phone page does, and with its socket open on A); a presenter socket connected to
process B sees the answer counted. This is the scale-out deployment of DESIGN.md:
stateless ASGI workers, snapshots fanned out through Redis pub/sub.

It needs DATABASE_URL (PostgreSQL) and REDIS_URL, as CI's second pass sets them; the
servers use the test database pytest-django made, so the rows are committed
(`transactional_db`) for them to see.
"""

import http.cookiejar
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client
from websockets.sync.client import connect

from thegither.accounts.models import Role
from thegither.accounts.tests import factories
from thegither.live import services

POSTGRES = os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))
REDIS = bool(os.environ.get("REDIS_URL"))

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not (POSTGRES and REDIS),
        reason=(
            "Two server processes need a shared database and channel layer: set "
            "DATABASE_URL=postgres://... and REDIS_URL=redis://... (CI's second pass does)."
        ),
    ),
]

START_SECONDS = 120
WAIT_SECONDS = 30


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _database_url() -> str:
    """Return DATABASE_URL pointing at the test database this test's rows are in."""
    parts = urllib.parse.urlsplit(os.environ["DATABASE_URL"])
    return parts._replace(path="/" + connection.settings_dict["NAME"]).geturl()


def _get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - loopback
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


class Server:
    """One `thegither` server process (uvicorn with `thegither up`'s options) on a free port."""

    def __init__(self, name: str, tmp_path: Path):
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.output = tmp_path / f"server-{name}.txt"
        env = {
            **os.environ,
            "DATABASE_URL": _database_url(),
            "THEGITHER_DATA_DIR": str(tmp_path / name),
            "PYTHONPATH": os.pathsep.join(sys.path),
            "PYTHONUNBUFFERED": "1",
        }
        with self.output.open("w") as sink:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-c",
                    f"from thegither.core.server import serve; serve(port={self.port})",
                ],
                cwd=tmp_path,
                env=env,
                stdout=sink,
                stderr=subprocess.STDOUT,
            )

    def wait_ready(self) -> None:
        deadline = time.monotonic() + START_SECONDS
        while True:
            try:
                if _get(self.url + "/join") == 200:
                    return
            except OSError:
                pass
            assert self.process.poll() is None, self.output.read_text()
            assert time.monotonic() < deadline, f"no server in 2 minutes: {self.output.read_text()}"
            time.sleep(0.3)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=20)


@pytest.fixture
def servers(transactional_db, tmp_path):
    pair = [Server("a", tmp_path), Server("b", tmp_path)]
    try:
        for server in pair:
            server.wait_ready()
        yield pair
    finally:
        for server in pair:
            server.stop()


class Phone:
    """A phone as the phone page is: a cookie jar, CSRF token from the join page, JSON answers."""

    def __init__(self, base: str, code: str):
        self.base, self.code = base, code
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def cookie(self, name: str) -> str:
        return next(c.value for c in self.jar if c.name == name)

    def request(self, path: str, *, data: bytes | None = None, headers: dict | None = None):
        request = urllib.request.Request(self.base + path, data=data, headers=headers or {})  # noqa: S310
        return self.opener.open(request, timeout=10)

    def join(self) -> None:
        self.request(f"/join/{self.code}").read()  # sets the CSRF cookie
        csrf = self.cookie("csrftoken")
        body = urllib.parse.urlencode({"csrfmiddlewaretoken": csrf, "nickname": ""}).encode()
        with self.request(
            f"/join/{self.code}",
            data=body,
            headers={"Content-Type": "application/x-www-form-urlencoded", "X-CSRFToken": csrf},
        ) as response:  # follows the redirect to the phone page
            assert response.url.endswith(f"/live/p/{self.code}/")

    def answer(self, activity_id: int, value: dict) -> dict:
        body = {"activity": activity_id, "client_id": str(uuid.uuid4()), "value": value}
        with self.request(
            f"/live/p/{self.code}/answer/",
            data=json.dumps(body).encode(),
            headers={
                "Content-Type": "application/json",
                "X-CSRFToken": self.cookie("csrftoken"),
            },
        ) as response:
            return json.loads(response.read())


def _socket(server: Server, path: str, cookie: str):
    return connect(
        f"ws://127.0.0.1:{server.port}{path}",
        origin=server.url,
        additional_headers={"Cookie": cookie},
        open_timeout=10,
    )


def _until(ws, wanted) -> dict:
    """Return the first snapshot from the socket for which `wanted` is true."""
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        left = deadline - time.monotonic()
        assert left > 0, "the snapshot never came"
        snapshot = json.loads(ws.recv(timeout=left))
        if wanted(snapshot):
            return snapshot


def test_an_answer_through_one_process_reaches_a_presenter_on_the_other(servers):
    a, b = servers
    organisation = factories.organisation_make()
    staff = factories.member_make(organisation, Role.STAFF)
    session = services.session_create(organisation=organisation, title="Two rooms", by=staff)
    activity = services.activity_add(session=session, kind="yes-no", prompt="Fair?", by=staff)
    services.session_control(session=session, action="start", by=staff)
    services.session_control(session=session, action="open", by=staff)
    session.refresh_from_db()
    client = Client()
    client.force_login(staff)
    staff_cookie = f"sessionid={client.cookies['sessionid'].value}"

    with _socket(b, f"/ws/live/s/{session.pk}/", staff_cookie) as presenter:
        first = _until(presenter, lambda s: s["prev"] is None)
        assert first["activity"]["id"] == activity.pk
        assert first["results"]["answered"] == 0

        phone = Phone(a.url, session.join_code)
        phone.join()
        joined = _until(presenter, lambda s: s.get("joined") == 1)
        assert joined["results"]["answered"] == 0
        device = f"{services.DEVICE_COOKIE}={phone.cookie(services.DEVICE_COOKIE)}"
        with _socket(a, f"/ws/live/p/{session.join_code}/", device) as phone_socket:
            assert _until(phone_socket, lambda s: s["prev"] is None)["activity"]["state"] == "open"
            reply = phone.answer(activity.pk, {"choice": "no"})
            assert reply["ok"] is True
            assert reply["replayed"] is False

            counted = _until(presenter, lambda s: s["results"]["answered"] == 1)
            totals = {row["key"]: row["total"] for row in counted["results"]["options"]}
            assert totals == {"yes": 0, "no": 1, "not-sure": 0}
            assert counted["seq"] > joined["seq"]
