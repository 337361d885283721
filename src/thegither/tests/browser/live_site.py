"""The site on uvicorn (pages and WebSockets, like `thegither up`) for live-workshop tests.

Django's test server has no WebSockets. A test that asks for the `asgi_server` fixture
(conftest.py), for example with `pytest.mark.usefixtures("asgi_server")`, gets this
site, and its `context` fixture points at it instead of at Django's test server.
"""

import asyncio
import re
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit

from django.conf import settings
from django.db import connection
from django.db.backends.signals import connection_created
from playwright.sync_api import expect

from thegither.live import threads
from thegither.tests.browser.checks import LOCAL_HOSTS, PageWatcher

SOCKET_WAIT_MS = 10_000
PHONE_SIZE = {"width": 320, "height": 640}


@contextmanager
def asgi_site() -> Iterator[str]:
    """Serve the project's ASGI application (pages and sockets) on a free port; give its URL."""
    import uvicorn

    from thegither.asgi import application

    publishers_run = threads.publishers.run
    if connection.vendor == "sqlite":
        application, threads.publishers.run = _one_page_at_a_time(application, publishers_run)
        connection_created.connect(_readers_never_lock, dispatch_uid="asgi-readers")
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(application, log_level="warning", ws="websockets-sansio", lifespan="off")
    )
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, daemon=True)
    thread.start()
    for _try in range(200):
        if server.started:
            break
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)
        listener.close()
        threads.close_all()  # live's own threads keep connections: close them with the site
        threads.publishers.run = publishers_run
        connection_created.disconnect(dispatch_uid="asgi-readers")


# The SQLite test database lives in memory, shared by every thread through SQLite's
# shared cache, which refuses a second writer at once ("database table is locked")
# instead of waiting, and lets a reader block a writer. Django's ASGI handler gives
# each request its own thread, so on SQLite the pages are served one at a time (as
# the WSGI test server in conftest does) and readers (the sockets) take no locks;
# static files, read from disk, are served alongside.
# Numbering a snapshot to send writes (decision 0090), so the publisher thread takes
# its turn with the pages too. PostgreSQL, CI's second run, serves them all at once.
def _one_page_at_a_time(application, publishers_run):
    lock = asyncio.Lock()

    async def serve(scope, receive, send):
        # Sockets and static files (served from disk by WhiteNoise) never touch the database.
        if scope["type"] != "http" or scope["path"].startswith(settings.STATIC_URL):
            return await application(scope, receive, send)
        async with lock:
            return await application(scope, receive, send)

    async def publish_in_turn(function, *args, **kwargs):
        async with lock:
            return await publishers_run(function, *args, **kwargs)

    return serve, publish_in_turn


def _readers_never_lock(sender, connection, **kwargs):
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA read_uncommitted = true")


def browser_context(browser, base_url, **options):
    """Return a new browser profile on the site that can only reach this machine."""
    context = browser.new_context(base_url=base_url, locale="en-GB", **options)

    def only_local(route):
        if urlsplit(route.request.url).hostname in LOCAL_HOSTS:
            route.continue_()
        else:
            route.abort("blockedbyclient")

    context.route("**/*", only_local)
    return context


def socket_open(page) -> None:
    """Wait until the page's live socket is open (call it after the new page's content shows)."""
    expect(page.locator("[data-live]")).to_have_attribute(
        "data-socket", "open", timeout=SOCKET_WAIT_MS
    )


def checked(watcher: PageWatcher):
    """Check the page now showing (axe-core, 320 px, CSP, hosts) and return it."""
    watcher.check()
    return watcher.page


def phone_join(browser, base_url, *, code: str, nickname: str = "", **options) -> PageWatcher:
    """Join as a new phone at 320 px, by typing the code at /join; return the watched phone page."""
    phone = PageWatcher(
        browser_context(browser, base_url, viewport=PHONE_SIZE, **options).new_page()
    )
    page = phone.page
    page.goto("/join")
    checked(phone)
    page.get_by_label("Join code").fill(code.lower())
    with page.expect_navigation():
        page.get_by_role("button", name="Join").click()
    checked(phone)
    if nickname:
        page.get_by_label(re.compile("Nickname")).fill(nickname)
    with page.expect_navigation():
        page.get_by_role("button", name="Join").click()
    checked(phone)
    return phone


def finger_drag(page, source, target, *, steps: int = 8) -> None:
    """Drag with a finger (Chromium's own touch events) from `source`'s middle to just past
    `target`'s middle (a quarter of its height further on), where a dragged item swaps places.

    The page must be in a context made with `has_touch=True`. The finger moves at about a
    step a frame and stops before it lifts, as a person's does: lifted while still moving
    fast, Chromium starts a fling, and the next tap only stops the fling (no click).
    """
    source.scroll_into_view_if_needed()
    start, end = source.bounding_box(), target.bounding_box()
    x, y = start["x"] + start["width"] / 2, start["y"] + start["height"] / 2
    to_x, to_y = end["x"] + end["width"] / 2, end["y"] + end["height"] / 2
    to_y += end["height"] / 4 if to_y > y else -end["height"] / 4
    cdp = page.context.new_cdp_session(page)
    try:
        cdp.send(
            "Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": x, "y": y}]}
        )
        for step in range(1, steps + 1):
            point = {"x": x + (to_x - x) * step / steps, "y": y + (to_y - y) * step / steps}
            cdp.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [point]})
            page.wait_for_timeout(16)
        page.wait_for_timeout(200)
        cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    finally:
        cdp.detach()
