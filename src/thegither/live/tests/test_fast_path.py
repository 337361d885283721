"""Phones' JSON answers and snapshots through the real ASGI application's fast path.

live/fast.py serves these two requests beside Django's middleware chain (decision 0062):
the same view code, the same refusals, the same security headers; everything else
still goes to Django (the plain form POST and its CSRF check among them).
"""

import json
import threading
import urllib.parse
import uuid

import pytest
from asgiref.sync import async_to_sync
from channels.testing import HttpCommunicator
from django.db import connection

from thegither.accounts.models import Role
from thegither.accounts.tests import factories
from thegither.asgi import application
from thegither.live import fast, services, threads, views
from thegither.live.models import Answer, Card, LiveSession

pytestmark = pytest.mark.django_db(transaction=True)

TOKEN = "fast-path-phone-token-1234567890"


@pytest.fixture
def world():
    organisation = factories.organisation_make()
    staff = factories.member_make(organisation, Role.STAFF)
    session = services.session_create(organisation=organisation, title="Fast", by=staff)
    services.activity_add(session=session, kind="yes-no", prompt="Fair?", by=staff)
    services.session_control(session=session, action="start", by=staff)
    services.session_control(session=session, action="open", by=staff)
    session.refresh_from_db()
    services.session_join(session=session, token=TOKEN)
    yield session
    threads.close_all()


def _call(method, path, *, body=b"", headers=(), cookie=TOKEN, host=b"testserver"):
    headers = [(b"host", host), *headers]
    if cookie:
        headers.append((b"cookie", f"{services.DEVICE_COOKIE}={cookie}".encode()))
    communicator = HttpCommunicator(application, method, path, body=body, headers=headers)
    response = async_to_sync(communicator.get_response)(timeout=10)
    response["headers"] = {
        name.decode().lower(): value.decode() for name, value in response["headers"]
    }
    return response


def _answer(session, value, *, client_id=None, headers=(), cookie=TOKEN):
    body = json.dumps(
        {
            "activity": session.current_activity_id,
            "client_id": str(client_id or uuid.uuid4()),
            "value": value,
        }
    ).encode()
    return _call(
        "POST",
        f"/live/p/{session.join_code}/answer/",
        body=body,
        headers=[(b"content-type", b"application/json"), *headers],
        cookie=cookie,
    )


def test_an_answer_is_counted_once_and_a_retry_says_so(world):
    client_id = uuid.uuid4()
    first = _answer(world, {"choice": "yes"}, client_id=client_id)
    again = _answer(world, {"choice": "yes"}, client_id=client_id)
    assert first["status"] == again["status"] == 200
    assert json.loads(first["body"]) == {
        "ok": True,
        "replayed": False,
        "client_id": str(client_id),
    }
    assert json.loads(again["body"])["replayed"] is True
    assert Answer.objects.filter(activity_id=world.current_activity_id).count() == 1


def test_fast_answers_carry_the_same_security_headers_as_pages(world):
    headers = _answer(world, {"choice": "no"})["headers"]
    assert headers["content-type"] == "application/json"
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["x-frame-options"] == "DENY"
    assert headers["referrer-policy"] == "same-origin"
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert "no-store" in headers["cache-control"]
    assert headers["content-language"] == "en-gb"
    assert "set-cookie" not in headers  # no session is made for a phone's answer


def test_the_refusals_are_the_views_own(world):
    not_joined = _answer(world, {"choice": "yes"}, cookie="someone-else-entirely-000000")
    assert not_joined["status"] == 403
    assert json.loads(not_joined["body"])["error"] == "Join the session first."
    wrong = _answer(world, {"choice": "purple"})
    assert wrong["status"] == 400
    assert json.loads(wrong["body"])["ok"] is False
    nowhere = _call(
        "POST",
        "/live/p/ZZZZZZ/answer/",
        body=b"{}",
        headers=[(b"content-type", b"application/json")],
    )
    assert nowhere["status"] == 404
    assert json.loads(nowhere["body"])["error"] == "There is no session with that code."


def test_an_answer_from_another_sites_page_is_refused(world):
    elsewhere = _answer(world, {"choice": "yes"}, headers=[(b"origin", b"https://evil.example")])
    assert elsewhere["status"] == 403
    assert "this site" in json.loads(elsewhere["body"])["error"]
    here = _answer(world, {"choice": "yes"}, headers=[(b"origin", b"http://testserver")])
    assert here["status"] == 200
    assert Answer.objects.count() == 1


def test_an_unknown_host_is_refused_as_django_refuses_it(world):
    response = _call("GET", f"/live/p/{world.join_code}/snapshot/", host=b"evil.example")
    assert response["status"] == 400
    answer = _answer(world, {"choice": "yes"}, cookie=TOKEN)
    assert answer["status"] == 200  # the same request on the right host is fine


def test_a_body_over_the_limit_is_refused_without_reading_on(world):
    response = _call(
        "POST",
        f"/live/p/{world.join_code}/answer/",
        body=b"{" + b" " * (views.BODY_MAX + 10) + b"}",
        headers=[(b"content-type", b"application/json")],
    )
    assert response["status"] == 413
    assert json.loads(response["body"])["error"] == "That answer is too long."


def test_the_snapshot_comes_the_fast_way_and_refuses_strangers(world):
    response = _call("GET", f"/live/p/{world.join_code}/snapshot/")
    assert response["status"] == 200
    snapshot = json.loads(response["body"])
    assert snapshot["type"] == "snapshot"
    assert snapshot["activity"]["prompt"] == "Fair?"
    assert "no-store" in response["headers"]["cache-control"]
    stranger = _call("GET", f"/live/p/{world.join_code}/snapshot/", cookie="")
    assert stranger["status"] == 403


def test_a_plain_form_answer_still_goes_through_django_and_its_csrf_check(world):
    response = _call(
        "POST",
        f"/live/p/{world.join_code}/answer/",
        body=f"activity={world.current_activity_id}&choice=yes".encode(),
        headers=[(b"content-type", b"application/x-www-form-urlencoded")],
    )
    assert response["status"] == 403  # no CSRF token: Django's refusal page
    assert "text/html" in response["headers"]["content-type"]
    assert Answer.objects.count() == 0


def test_only_the_phone_requests_take_the_fast_path():
    code = "ABCDEF"
    http = {"type": "http", "headers": [(b"content-type", b"application/json")]}
    assert fast._is_ours({**http, "method": "POST", "path": f"/live/p/{code}/answer/"})
    assert fast._is_ours({**http, "method": "GET", "path": f"/live/p/{code}/snapshot/"})
    assert not fast._is_ours({**http, "method": "GET", "path": f"/live/p/{code}/answer/"})
    assert not fast._is_ours({**http, "method": "POST", "path": f"/live/p/{code}/snapshot/"})
    assert not fast._is_ours({**http, "method": "POST", "path": f"/live/p/{code}/upvote/"})
    assert not fast._is_ours({**http, "method": "POST", "path": f"/live/p/{code}/"})
    form = {"type": "http", "headers": [(b"content-type", b"multipart/form-data; boundary=x")]}
    assert not fast._is_ours({**form, "method": "POST", "path": f"/live/p/{code}/answer/"})
    assert not fast._is_ours({"type": "websocket", "path": f"/live/p/{code}/answer/"})


# ---- cards pressed by live.js (decision 0093) ----

CSRF = "c" * 32


@pytest.fixture
def meeting():
    organisation = factories.organisation_make()
    staff = factories.member_make(organisation, Role.STAFF)
    settings = services.SessionSettings(kind=LiveSession.Kind.MEETING)
    session = services.session_create(
        organisation=organisation, title="Cards", by=staff, settings=settings
    )
    services.session_control(session=session, action="start", by=staff)
    session.refresh_from_db()
    services.session_join(session=session, token=TOKEN)
    yield session
    threads.close_all()


def _card(session, form: dict, *, csrf=CSRF, part=b"cards", headers=()):
    cookie = f"{services.DEVICE_COOKIE}={TOKEN}; csrftoken={CSRF}".encode()
    sent = [(b"content-type", b"application/x-www-form-urlencoded"), (b"cookie", cookie)]
    if csrf:
        sent.append((b"x-csrftoken", csrf.encode()))
    if part:
        sent.append((b"x-live-part", part))
    return _call(
        "POST",
        f"/live/p/{session.join_code}/cards/",
        body=urllib.parse.urlencode(form).encode(),
        headers=[*sent, *headers],
        cookie="",
    )


def test_a_card_from_live_js_comes_the_fast_way_and_is_counted_once(meeting):
    form = {"kind": "speak", "client_id": str(uuid.uuid4())}
    first = _card(meeting, form)
    again = _card(meeting, form)
    assert first["status"] == again["status"] == 200
    card = Card.objects.get()
    assert f'data-up-speak="{card.pk}"' in first["body"].decode()
    assert "you are number 1 in the queue" in first["body"].decode()
    assert "<html" not in first["body"].decode()
    assert 'data-note="That card is up already."' not in first["body"].decode()
    headers = first["headers"]
    assert headers["x-frame-options"] == "DENY"
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert "no-store" in headers["cache-control"]
    down = _card(meeting, {"card": card.pk})
    assert down["status"] == 200
    assert 'data-note="Your hand is down."' in down["body"].decode()
    card.refresh_from_db()
    assert card.state == "down"


def test_a_card_without_the_csrf_token_meets_djangos_refusal(meeting):
    refused = _card(meeting, {"kind": "break", "client_id": str(uuid.uuid4())}, csrf="")
    assert refused["status"] == 403
    assert "text/html" in refused["headers"]["content-type"]
    elsewhere = _card(
        meeting,
        {"kind": "break", "client_id": str(uuid.uuid4())},
        headers=[(b"origin", b"https://evil.example")],
    )
    assert elsewhere["status"] == 403
    assert not Card.objects.exists()


def test_a_plain_card_form_still_goes_through_django():
    code = "ABCDEF"
    form = {"type": "http", "method": "POST", "path": f"/live/p/{code}/cards/"}
    typed = (b"content-type", b"application/x-www-form-urlencoded")
    assert fast._is_ours({**form, "headers": [typed, (b"x-live-part", b"cards")]})
    assert not fast._is_ours({**form, "headers": [typed]})  # a page back, with a message
    json_body = (b"content-type", b"application/json")
    assert not fast._is_ours({**form, "headers": [json_body, (b"x-live-part", b"cards")]})
    assert not fast._is_ours({**form, "method": "GET", "headers": [(b"x-live-part", b"cards")]})


@pytest.fixture
def closes(monkeypatch):
    """Record which threads close a database connection (in-memory SQLite ignores close)."""
    seen = []
    wrapper = type(connection._connections[connection._alias])
    original = wrapper.close

    def close(self):
        seen.append(threading.current_thread().name)
        return original(self)

    monkeypatch.setattr(wrapper, "close", close)
    return seen


def test_live_threads_keep_their_connection_between_jobs_and_close_it_when_stopped(world, closes):
    pool = threads.Threads("one", lambda: 1)

    def raw_connection():
        connection.ensure_connection()
        return connection.connection

    async def twice():
        return await pool.run(raw_connection), await pool.run(raw_connection)

    first, second = async_to_sync(twice)()
    assert first is second  # the thread's connection is kept between jobs
    assert not [name for name in closes if name.startswith("live-one")]
    pool.close()
    assert [name for name in closes if name.startswith("live-one")]


def test_a_broken_connection_is_closed_after_the_job_and_a_good_one_kept(
    world, closes, monkeypatch
):
    connection.ensure_connection()
    connection.errors_occurred = True
    threads._tidy_connections()
    assert closes == []  # an error, but it still answers: kept
    assert connection.errors_occurred is False
    connection.errors_occurred = True
    monkeypatch.setattr(connection, "is_usable", lambda: False)  # as if the server went away
    threads._tidy_connections()
    assert closes == [threading.current_thread().name]
