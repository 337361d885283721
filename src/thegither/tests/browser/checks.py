"""Checks run on every page a browser test visits.

Each check returns a list of problems in plain words (empty means fine), so
tests can both fail on them and prove that they find what they should.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import ConsoleMessage, Page, Request

# WCAG 2.2 A and AA, as axe-core tags them.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
FAILING_IMPACTS = frozenset({"serious", "critical"})
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1", "[::1]"})
NARROW_WIDTH = 320
NETWORK_SCHEMES = frozenset({"http", "https", "ws", "wss", "ftp"})

_axe = Axe()


def axe_problems(page: Page) -> list[str]:
    """Return each serious or critical WCAG 2.2 A/AA violation axe-core finds."""
    results = _axe.run(
        page,
        options={
            "runOnly": {"type": "tag", "values": AXE_TAGS},
            "resultTypes": ["violations"],
        },
    )
    problems = []
    for violation in results.response["violations"]:
        if violation.get("impact") not in FAILING_IMPACTS:
            continue
        impact, rule = violation["impact"], violation["id"]
        lines = [f"{impact}: {rule} - {violation['help']} ({violation['helpUrl']})"]
        for node in violation["nodes"][:5]:
            target = " ".join(str(part) for part in node.get("target", []))
            lines.append(f"    at {target}: {node.get('html', '')[:160]}")
        if len(violation["nodes"]) > 5:
            lines.append(f"    and {len(violation['nodes']) - 5} more")
        problems.append("\n".join(lines))
    return problems


_OVERFLOW_SCRIPT = """() => {
    const root = document.documentElement;
    if (root.scrollWidth <= root.clientWidth) return null;
    const wide = [...document.body.querySelectorAll('*')]
        .filter(el => el.getBoundingClientRect().right > root.clientWidth + 1)
        .slice(0, 5)
        .map(el => el.tagName.toLowerCase()
            + (el.id ? '#' + el.id : '')
            + (el.className && typeof el.className === 'string'
                ? '.' + el.className.trim().split(/\\s+/).join('.') : ''));
    return {scrollWidth: root.scrollWidth, clientWidth: root.clientWidth, wide};
}"""


def _overflow_problem(page: Page) -> str | None:
    overflow = page.evaluate(_OVERFLOW_SCRIPT)
    if overflow is None:
        return None
    return (
        f"scrolls sideways at {page.viewport_size['width']} px: content is "
        f"{overflow['scrollWidth']} px wide in a {overflow['clientWidth']} px window; "
        f"too wide: {', '.join(overflow['wide'])}"
    )


def reflow_problems(page: Page) -> list[str]:
    """Return a problem if the page scrolls sideways at its own width or at 320 px.

    320 px is WCAG 1.4.10 (reflow); the page's own width catches long words in
    layouts that only kick in on wider screens.
    """
    problems = [_overflow_problem(page)]
    original = page.viewport_size
    page.set_viewport_size({"width": NARROW_WIDTH, "height": 640})
    try:
        problems.append(_overflow_problem(page))
    finally:
        if original:
            page.set_viewport_size(original)
    return [problem for problem in problems if problem]


def foreign_request_problems(urls: list[str]) -> list[str]:
    """Return each request that went anywhere but this machine."""
    problems = []
    for url in urls:
        parts = urlsplit(url)
        if parts.scheme in NETWORK_SCHEMES and parts.hostname not in LOCAL_HOSTS:
            problems.append(f"request left the machine: {url}")
    return problems


# Markup already checked by axe-core and for reflow, at a width: a live screen is
# checked after every step of a journey, and most of the time all that changed is a
# count. Numbers are kept as their length (every digit made 0), so a longer number
# that might not fit still counts as new; tokens made afresh for each page (CSRF,
# a press's UUID) are left out.
_CHECKED_MARKUP: set[tuple[int, str]] = set()
_FRESH_TOKEN = re.compile(
    r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
    r"|(?<=value=\")[A-Za-z0-9]{32,}(?=\")"
)
_DIGIT = re.compile(r"[0-9]")


def markup_fingerprint(page: Page) -> tuple[int, str]:
    """Return (width, a digest of the page's markup without its numbers and fresh tokens)."""
    markup = page.evaluate("() => document.documentElement.outerHTML")
    markup = _DIGIT.sub("0", _FRESH_TOKEN.sub("", markup))
    width = (page.viewport_size or {}).get("width", 0)
    return width, hashlib.sha256(markup.encode()).hexdigest()


@dataclass
class PageWatcher:
    """Listen to one browser page: its requests, console errors and page loads.

    `check()` runs every check on the page now showing (axe-core and reflow only
    once for the same markup at the same width, see `markup_fingerprint`). A page
    that loads and is never checked makes `unchecked_problems()` report it, so a
    test cannot visit a page without checking it.
    """

    page: Page
    requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    checked_urls: list[str] = field(default_factory=list)
    loads_since_check: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.page.on("request", self._on_request)
        self.page.on("console", self._on_console)
        self.page.on("pageerror", self._on_page_error)
        self.page.on("load", self._on_load)

    def _on_request(self, request: Request) -> None:
        self.requests.append(request.url)

    def _on_console(self, message: ConsoleMessage) -> None:
        # Chromium reports Content Security Policy refusals as console errors.
        if message.type != "error":
            return
        # An error page (403, 404, 429) logs its own status; that page is meant to be.
        # A missing stylesheet or image logs the same words with its own address.
        if message.text.startswith("Failed to load resource") and (
            message.location.get("url") == self.page.url
        ):
            return
        self.console_errors.append(f"{message.text} ({self.page.url})")

    def _on_page_error(self, error: Exception) -> None:
        self.console_errors.append(f"script error: {error} ({self.page.url})")

    def _on_load(self, page: Page) -> None:
        self.loads_since_check.append(page.url)

    def problems(self) -> list[str]:
        """Run every check on the page now showing and return what is wrong."""
        self.page.wait_for_load_state("load")
        url = self.page.url
        problems = []
        seen = markup_fingerprint(self.page)
        if seen not in _CHECKED_MARKUP:
            problems += [f"axe-core, {url}:\n  {p}" for p in axe_problems(self.page)]
            problems += [f"{url} {p}" for p in reflow_problems(self.page)]
            if not problems:
                _CHECKED_MARKUP.add(seen)
        problems += foreign_request_problems(self.requests)
        problems += [f"console error (a CSP refusal?): {e}" for e in self.console_errors]
        self.checked_urls.append(url)
        self.loads_since_check.clear()
        return problems

    def check(self) -> None:
        """Fail the test if the page now showing has any problem."""
        problems = self.problems()
        if problems:
            raise AssertionError(
                f"{len(problems)} problem(s) on {self.page.url}:\n" + "\n".join(problems)
            )

    def unchecked_problems(self) -> list[str]:
        """Return the pages that loaded after the last check."""
        return [f"page loaded but never checked: {url}" for url in self.loads_since_check]
