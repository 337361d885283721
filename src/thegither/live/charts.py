"""Results as accessible SVG bar charts, drawn on the server with the numbers as text.

No styles inside: colours come from classes in live.css (the CSP forbids inline styles).
"""

import io

import segno
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

# Each row is a label on its own line with the bar under it, so the chart stays narrow:
# squeezed into a 320 px phone, its words are still about 14 px high.
WIDTH = 360
ROW = 62
BAR_HEIGHT = 24
NUMBER_ROOM = 60
LABEL_LONGEST = 36
FACE_SIZE = 24


def face_shapes(score: int, *, x: float = 0, y: float = 0, size: float = 24) -> SafeString:
    """Return the shapes of a face for a score from 1 (very unhappy) to 5 (very happy).

    Drawn in a 24-unit square, moved to (x, y) and scaled to `size`. Only shapes: the
    words for each face are beside it, so the face itself says nothing to screen readers.
    """
    curve = (score - 3) * 3  # the mouth: a frown for 1 and 2, a line for 3, a smile for 4 and 5
    mouth = 16 if score >= 3 else 17
    return format_html(
        '<g class="live-face" transform="translate({x} {y}) scale({scale})">'
        '<circle class="live-face__head" cx="12" cy="12" r="10.5"/>'
        '<circle class="live-face__eye" cx="8.5" cy="9.5" r="1.5"/>'
        '<circle class="live-face__eye" cx="15.5" cy="9.5" r="1.5"/>'
        '<path class="live-face__mouth" d="M7 {mouth} Q12 {control} 17 {mouth}"/></g>',
        x=x,
        y=y,
        scale=round(size / 24, 3),
        mouth=mouth,
        control=mouth + curve,
    )


def face_svg(score: int) -> SafeString:
    """Return a face on its own, for a phone's scale (its words are in the label beside it)."""
    return format_html(
        '<svg class="live-face-icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false" '
        'xmlns="http://www.w3.org/2000/svg">{}</svg>',
        face_shapes(score),
    )


def bar_chart(
    rows: list[tuple[str, int]], *, title: str, chart_id: str, faces: bool = False
) -> SafeString:
    """Return an SVG bar chart of (label, number) rows; each number is also written as text.

    With `faces`, the rows are a scale's 1 to 5 and each label has its face before it.
    """
    if not rows:
        return format_html('<p class="live-empty">{}</p>', _("No answers yet."))
    biggest = max((number for _label, number in rows), default=0) or 1
    height = ROW * len(rows) + 4
    bar_room = WIDTH - NUMBER_ROOM
    label_x = FACE_SIZE + 6 if faces else 0
    longest = LABEL_LONGEST - 3 if faces else LABEL_LONGEST
    bars = []
    for index, (label, number) in enumerate(rows):
        y = index * ROW + 4
        length = max(round(bar_room * number / biggest) if number else 0, 2)
        face = face_shapes(index + 1, y=y, size=FACE_SIZE) if faces else ""
        bars.append(
            format_html(
                '<g role="listitem" aria-label="{label}: {number}">{face}'
                '<text class="live-chart__label" x="{lx}" y="{ty}">{short}</text>'
                '<rect class="live-chart__bar" x="0" y="{by}" width="{w}" height="{bh}" rx="3"/>'
                '<text class="live-chart__number" x="{nx}" y="{ny}">{number}</text></g>',
                label=label,
                face=face,
                lx=label_x,
                ty=y + 18,
                short=label if len(label) <= longest else label[: longest - 1] + "…",
                number=number,
                by=y + 28,
                bh=BAR_HEIGHT,
                w=length,
                nx=length + 8,
                ny=y + 28 + 18,
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


def results_chart(
    results: dict, *, title: str, chart_id: str = "results", faces: bool = False
) -> SafeString:
    """Return the chart for an activity's results (options or words); faces for a scale."""
    if "options" in results:
        rows = [(option["label"], option["total"]) for option in results["options"]]
    else:
        rows = [(word["word"], word["total"]) for word in results.get("words", [])[:12]]
        faces = False
    return bar_chart(rows, title=title, chart_id=chart_id, faces=faces)


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
