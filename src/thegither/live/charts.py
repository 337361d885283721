"""Results as accessible SVG bar charts, drawn on the server with the numbers as text.

No styles inside: colours come from classes in live.css (the CSP forbids inline styles).
"""

import io

import segno
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

WIDTH = 600
ROW = 44
LABEL_WIDTH = 230


def bar_chart(rows: list[tuple[str, int]], *, title: str, chart_id: str) -> SafeString:
    """Return an SVG bar chart of (label, number) rows; each number is also written as text."""
    if not rows:
        return format_html('<p class="live-empty">{}</p>', _("No answers yet."))
    biggest = max((number for _label, number in rows), default=0) or 1
    height = ROW * len(rows) + 8
    bar_room = WIDTH - LABEL_WIDTH - 70
    bars = []
    for index, (label, number) in enumerate(rows):
        y = index * ROW + 4
        length = round(bar_room * number / biggest) if number else 0
        bars.append(
            format_html(
                '<g role="listitem" aria-label="{label}: {number}">'
                '<text class="live-chart__label" x="0" y="{ty}">{short}</text>'
                '<rect class="live-chart__bar" x="{bx}" y="{y}" width="{w}" height="30" rx="3"/>'
                '<text class="live-chart__number" x="{nx}" y="{ty}">{number}</text></g>',
                label=label,
                short=label if len(label) <= 28 else label[:27] + "…",
                number=number,
                y=y,
                ty=y + 21,
                bx=LABEL_WIDTH,
                w=max(length, 2),
                nx=LABEL_WIDTH + max(length, 2) + 8,
            )
        )
    description = "; ".join(f"{label}: {number}" for label, number in rows)
    return format_html(
        '<svg class="live-chart" viewBox="0 0 {w} {h}" role="img" '
        'aria-labelledby="{id}-title {id}-desc" xmlns="http://www.w3.org/2000/svg">'
        '<title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>'
        '<g role="list">{bars}</g></svg>',
        w=WIDTH,
        h=height,
        id=chart_id,
        title=title,
        desc=description,
        bars=mark_safe("".join(bars)),  # noqa: S308 - each part built with format_html
    )


def results_chart(results: dict, *, title: str, chart_id: str = "results") -> SafeString:
    """Return the chart for an activity's results (options or words)."""
    if "options" in results:
        rows = [(option["label"], option["total"]) for option in results["options"]]
    else:
        rows = [(word["word"], word["total"]) for word in results.get("words", [])[:12]]
    return bar_chart(rows, title=title, chart_id=chart_id)


def qr_svg(url: str, *, label: str) -> SafeString:
    """Return a QR code for `url` as inline SVG, drawn here (no request to anywhere else)."""
    out = io.BytesIO()
    segno.make(url, error="m").save(
        out,
        kind="svg",
        scale=8,
        border=2,
        light="#fff",
        xmldecl=False,
        svgclass="live-qr",
        lineclass=None,
        omitsize=True,
    )
    svg = out.getvalue().decode()
    return mark_safe(  # noqa: S308 - segno's own SVG, the only text in it is our escaped label
        svg.replace("<svg ", f'<svg role="img" aria-label="{escape(label)}" ', 1)
    )


def text_list(texts: list[str]) -> SafeString:
    return format_html_join("", "<li>{}</li>", ((text,) for text in texts))
