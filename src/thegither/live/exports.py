"""A session's results as a CSV or XLSX file, for its facilitator (decision 0056).

One row per option, word or written answer of each activity, with its count.
Answers are anonymous to everyone: no device token, token hash, participant id
or nickname ever reaches a file, and written answers appear only once shown
(approved, or the activity needed no approval). Phones that were taken out do
not count, as on the screens.
"""

import csv
import io

import xlsxwriter
from django.utils.text import slugify
from django.utils.translation import gettext as _

from thegither.live import kinds, selectors
from thegither.live.models import Activity, LiveSession

# Cells a spreadsheet would read as a formula (or DDE command) when they start with one of these.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
TEXTS_MAX = 5_000  # written answers per activity: far more than any workshop has
WORDS_MAX = 5_000


def headers() -> list[str]:
    return [
        _("Activity"),
        _("Question"),
        _("Kind of activity"),
        _("Answer"),
        _("Count"),
        _("What the count means"),
        _("Phones that answered"),
    ]


def _meaning(activity: Activity) -> str:
    if activity.kind == Activity.Kind.RANKING:
        return _("Ranking points (top place scores most)")
    if activity.kind == Activity.Kind.POINTS:
        return _("Points given")
    if activity.kind == Activity.Kind.OPEN_TEXT:
        return _("Up-votes")
    return _("Phones")


def _answers(activity: Activity, totals: dict[str, int]) -> list[tuple[str, int]]:
    """Return (answer, count) for every thing this activity counts."""
    pairs = kinds.labels(activity)
    if pairs:
        return [(label, totals.get(key, 0)) for key, label in pairs]
    if activity.kind == Activity.Kind.WORD_CLOUD:
        words = sorted(totals.items(), key=lambda pair: (-pair[1], pair[0]))
        return words[:WORDS_MAX]
    if activity.kind == Activity.Kind.OPEN_TEXT:
        texts = selectors.shown_texts(activity, limit=TEXTS_MAX)
        return [(text["text"], text["votes"]) for text in texts]
    return []  # pragma: no cover - every kind is handled above


def rows(session: LiveSession) -> list[list]:
    """Return the export's rows (without the header row), activity by activity."""
    out: list[list] = []
    for activity in selectors.activities_of(session):
        answered = selectors.answer_count(activity)
        meaning = _meaning(activity)
        kind = activity.get_kind_display()
        for answer, count in _answers(activity, selectors.counts(activity)):
            out.append([activity.position, activity.prompt, kind, answer, count, meaning, answered])
    return out


def cell_safe(value):
    """Return a cell a spreadsheet can't run: text starting like a formula gets a quote first."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def file_name(session: LiveSession, extension: str) -> str:
    """Return a plain ASCII name for the download, whatever the session's title is."""
    stem = slugify(session.title)[:60].strip("-") or "session"
    return f"{stem}-results.{extension}"


def as_csv(session: LiveSession) -> bytes:
    """Return the results as CSV (UTF-8 with a byte-order mark, so Excel reads accents)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers())
    for row in rows(session):
        writer.writerow([cell_safe(value) for value in row])
    return buffer.getvalue().encode("utf-8-sig")


def as_xlsx(session: LiveSession) -> bytes:
    """Return the results as an XLSX workbook; text is always written as text, never a formula."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(
        buffer,
        {
            "in_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        },
    )
    sheet = workbook.add_worksheet(_("Results")[:31])
    bold = workbook.add_format({"bold": True})
    sheet.write_row(0, 0, headers(), bold)
    for number, row in enumerate(rows(session), start=1):
        for column, value in enumerate(row):
            if isinstance(value, str):
                sheet.write_string(number, column, value)
            else:
                sheet.write_number(number, column, value)
    sheet.freeze_panes(1, 0)
    sheet.set_column(1, 1, 40)
    sheet.set_column(3, 3, 40)
    sheet.set_column(5, 5, 30)
    workbook.close()
    return buffer.getvalue()
