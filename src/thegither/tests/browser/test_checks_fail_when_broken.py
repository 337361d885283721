"""The page checks find real problems: each is shown failing on a broken page."""

import pytest

from thegither.tests.browser.checks import (
    PageWatcher,
    axe_problems,
    foreign_request_problems,
    markup_fingerprint,
    reflow_problems,
)

pytestmark = pytest.mark.django_db(transaction=True)

BROKEN_PAGE = """<!doctype html>
<html lang="en-GB"><head><title>Broken on purpose</title></head>
<body><main>
  <h1>Broken on purpose</h1>
  <img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">
  <form><input type="text" name="nickname"></form>
</main></body></html>"""


def test_axe_check_reports_image_without_alt_and_input_without_label(context):
    page = context.new_page()
    page.set_content(BROKEN_PAGE)

    problems = "\n".join(axe_problems(page))

    assert "critical: image-alt" in problems
    assert "critical: label" in problems
    assert "input" in problems


def test_axe_check_passes_the_same_page_once_fixed(context):
    page = context.new_page()
    page.set_content(
        BROKEN_PAGE.replace("<img ", '<img alt="A dot" ').replace(
            "<input", '<label for="n">Nickname</label><input id="n"'
        )
    )

    assert axe_problems(page) == []


def test_reflow_check_reports_a_page_wider_than_320_px(context):
    page = context.new_page()
    page.set_content('<!doctype html><main><div class="wide">x</div></main>')
    page.add_style_tag(content=".wide { width: 600px; }")

    problems = reflow_problems(page)

    assert len(problems) == 1
    assert "scrolls sideways at 320 px" in problems[0]
    assert "div.wide" in problems[0]


def test_request_check_reports_a_request_off_this_machine(context):
    watcher = PageWatcher(context.new_page())
    watcher.page.set_content('<img alt="" src="http://192.0.2.10/tracker.gif">')
    watcher.page.wait_for_load_state("load")

    problems = foreign_request_problems(watcher.requests)

    assert problems == ["request left the machine: http://192.0.2.10/tracker.gif"]


def test_request_check_accepts_this_machine():
    urls = ["http://127.0.0.1:8081/", "http://localhost/static/x.css", "data:image/gif;base64,"]

    assert foreign_request_problems(urls) == []


def test_csp_check_reports_an_inline_event_handler(watcher, visit):
    page = visit("/")

    # An inline handler is exactly what the Content Security Policy forbids.
    page.evaluate(
        """document.body.insertAdjacentHTML(
            'beforeend', '<img alt="" src="/nothing-here.gif" onerror="document.title=1">')"""
    )
    # Poll from here: Playwright's in-page polling evaluates a string, which this
    # very policy forbids, so wait_for_function would fail whenever it has to wait.
    for _attempt in range(100):
        seen = "\n".join(watcher.console_errors)
        if "Content Security Policy" in seen and "status of 404" in seen:
            break
        page.wait_for_timeout(50)

    problems = "\n".join(watcher.problems())

    assert "console error (a CSP refusal?)" in problems
    assert "Content Security Policy" in problems
    # The missing image is reported too: only the page's own status is let off.
    assert "status of 404" in problems


def test_a_page_loaded_but_never_checked_is_reported(context):
    watcher = PageWatcher(context.new_page())
    watcher.page.goto("/privacy/")
    watcher.check()

    watcher.page.goto("/accessibility/")
    watcher.page.evaluate("1")  # let the load event reach the watcher

    assert watcher.unchecked_problems() == [f"page loaded but never checked: {watcher.page.url}"]
    watcher.check()
    assert watcher.unchecked_problems() == []


def test_markup_checked_once_is_not_checked_again_but_any_other_markup_is(context):
    """axe-core runs once per markup and width; only numbers and fresh tokens are left out."""
    page = context.new_page()
    fixed = BROKEN_PAGE.replace("<img ", '<img alt="A dot" ').replace(
        "<input", '<label for="n">Nickname</label><input id="n"'
    )
    page.set_content(fixed.replace("</main>", "<p>3 answered</p></main>"))
    three = markup_fingerprint(page)
    page.set_content(fixed.replace("</main>", "<p>4 answered</p></main>"))
    assert markup_fingerprint(page) == three
    page.set_content(fixed.replace("</main>", "<p>14 answered</p></main>"))
    assert markup_fingerprint(page) != three  # a longer number might not fit
    watcher = PageWatcher(page)
    assert watcher.problems() == []
    page.set_content(BROKEN_PAGE.replace("</main>", "<p>14 answered</p></main>"))
    assert "critical: image-alt" in "\n".join(watcher.problems())
