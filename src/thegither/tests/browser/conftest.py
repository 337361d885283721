"""Browser tests: Playwright driving Debian's Chromium against the live server.

Outside CI a missing Chromium skips these tests with a message naming the
Debian package; in CI (CI=true) it is a failure, so a green CI run always
means the browser tests ran.
"""

import os
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core.servers.basehttp import WSGIServer
from django.test.testcases import LiveServerThread

from thegither.tests.browser.checks import LOCAL_HOSTS, PageWatcher
from thegither.tests.support import missing


# The test database is in-memory SQLite, whose one connection the live server shares
# with its threads: two requests at once (a page and its logo) can read each other's
# rows. One request at a time keeps every answer whole; Django then closes each
# connection after its response, so nothing waits on a kept-alive socket.
class OneRequestAtATimeServer(WSGIServer):
    """Django's WSGI server without threads; the live server thread's connections serve it."""

    def __init__(self, *args, connections_override=None, **kwargs):
        super().__init__(*args, **kwargs)


LiveServerThread.server_class = OneRequestAtATimeServer

# Playwright's sync API runs an event loop in the test thread, so Django thinks
# database calls made from the test come from async code. They don't.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path(os.environ.get("THEGITHER_CHROMIUM", "/usr/bin/chromium"))
# The machine may have no internet: nothing in the browser should try to reach it.
CHROMIUM_ARGS = [
    "--no-sandbox",  # CI runs as root, where Chromium's sandbox cannot start
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
MISSING_CHROMIUM = (
    f"Browser tests need Chromium at {CHROMIUM}. "
    "Install Debian's package: sudo apt-get install chromium"
)


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.browser)
            # Served by uvicorn with sockets and the channel layer: the journeys whose
            # behaviour changes with PostgreSQL and Redis, so CI runs them on both
            # (decision 0091).
            if "asgi_server" in item.fixturenames:
                item.add_marker(pytest.mark.realtime)


@pytest.fixture(scope="session")
def browser():
    """Start the system Chromium once for the whole run."""
    if not CHROMIUM.exists():
        missing(MISSING_CHROMIUM)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def asgi_server(transactional_db):
    """Serve the site on uvicorn, with WebSockets (live workshops); return its URL."""
    from thegither.tests.browser.live_site import asgi_site

    with asgi_site() as url:
        yield url


@pytest.fixture
def context(browser, request):
    """Return a fresh browser profile that can only reach this machine.

    It opens Django's test server, or the uvicorn site when the test uses `asgi_server`.
    """
    if "asgi_server" in request.fixturenames:
        base_url = request.getfixturevalue("asgi_server")
    else:
        base_url = request.getfixturevalue("live_server").url
    context = browser.new_context(
        base_url=base_url, viewport={"width": 1280, "height": 800}, locale="en-GB"
    )

    def only_local(route):
        # Refuse anything off this machine; the watcher has already seen the request.
        if urlsplit(route.request.url).hostname in LOCAL_HOSTS:
            route.continue_()
        else:
            route.abort("blockedbyclient")

    context.route("**/*", only_local)
    yield context
    context.close()


@pytest.fixture
def demo(settings, tmp_path):
    """Load the demo charity (uploads go to a folder of this test's own); return it."""
    from thegither.accounts.models import Organisation
    from thegither.demo.services import demo_load
    from thegither.tests.browser.journeys import DEMO_ORGANISATION

    settings.MEDIA_ROOT = tmp_path / "media"
    demo_load()
    return Organisation.objects.get(slug=DEMO_ORGANISATION)


@pytest.fixture
def watcher(context) -> Iterator[PageWatcher]:
    """Return a watched page; the test fails if it loads a page it never checks."""
    watcher = PageWatcher(context.new_page())
    yield watcher
    unchecked = watcher.unchecked_problems()
    if unchecked:
        pytest.fail("\n".join(unchecked), pytrace=False)


@pytest.fixture
def visit(watcher):
    """Return a function that opens a path and checks the page (axe, 320 px, CSP, hosts)."""

    def visit(path: str):
        watcher.page.goto(path)
        watcher.check()
        return watcher.page

    return visit


@pytest.fixture
def follow(watcher):
    """Return a function that does an action that loads a new page, then checks that page."""

    def follow(action):
        with watcher.page.expect_navigation():
            action()
        watcher.check()
        return watcher.page

    return follow
