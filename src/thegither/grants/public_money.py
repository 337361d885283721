"""Where the money went: the public totals, funded activities and charts for a round or a year.

Reads only final awards with money (the same ones the 360Giving files publish) and
shows only public facts: the group's name, its public summary, the area and the money.
Never a panel member, never a contact, never a child's details.
"""

import csv
import io
from dataclasses import dataclass, field

from django.template.loader import render_to_string
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from thegither.grants.money import pence_for_typing, pence_to_pounds
from thegither.grants.reporting import young_people_by_award

# The chart: each row is a label on its own line with its bar under it, so it stays
# readable squeezed into a 320 px phone (the same shape as live results' charts).
WIDTH = 360
ROW = 62
BAR_HEIGHT = 24
NUMBER_ROOM = 90
LABEL_LONGEST = 36


@dataclass(frozen=True)
class Funded:
    """One funded activity as the public sees it."""

    group: str
    area: str
    summary: str
    amount_pence: int
    round_name: str


@dataclass
class AreaTotal:
    area: str
    groups: int = 0
    given_pence: int = 0


@dataclass
class MoneySummary:
    """The totals and activities of one round or one year."""

    funded: list[Funded] = field(default_factory=list)
    areas: list[AreaTotal] = field(default_factory=list)
    rounds: list[tuple[str, int, int]] = field(default_factory=list)  # name, groups, pence
    # How many young people took part, from the groups' sent end-of-grant reports; None
    # until the first report is in (the page then says the number comes with reports).
    young_people: int | None = None
    reports_in: int = 0

    @property
    def given_pence(self) -> int:
        return sum(area.given_pence for area in self.areas)

    @property
    def groups(self) -> int:
        return len(self.funded)


def summary_of(awards) -> MoneySummary:
    """Add up the awards by area (and by round), in the order they were decided."""
    summary = MoneySummary()
    awards = list(awards)
    people = young_people_by_award(awards)
    if people:
        summary.young_people = sum(people.values())
        summary.reports_in = len(people)
    areas: dict[str, AreaTotal] = {}
    rounds: dict[int, list] = {}
    for award in awards:
        application = award.application
        area = award.pot.area.name
        summary.funded.append(
            Funded(
                group=application.group_name,
                area=area,
                summary=" ".join(application.summary.split()),
                amount_pence=award.amount_pence,
                round_name=f"{application.round.fund.name}: {application.round.name}",
            )
        )
        total = areas.setdefault(area, AreaTotal(area))
        total.groups += 1
        total.given_pence += award.amount_pence
        row = rounds.setdefault(application.round_id, [summary.funded[-1].round_name, 0, 0])
        row[1] += 1
        row[2] += award.amount_pence
    summary.areas = sorted(areas.values(), key=lambda total: total.area)
    summary.rounds = [tuple(row) for row in rounds.values()]
    summary.funded.sort(key=lambda funded: (funded.area, funded.group))
    return summary


def areas_csv(summary: MoneySummary) -> bytes:
    """Return the chart's numbers as CSV: one row per area (the same as the table)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_("Area"), _("Groups funded"), _("Money given (pounds)")])
    for area in summary.areas:
        writer.writerow([area.area, area.groups, pence_for_typing(area.given_pence)])
    writer.writerow([_("All areas"), summary.groups, pence_for_typing(summary.given_pence)])
    return out.getvalue().encode("utf-8-sig")


@dataclass(frozen=True)
class Bar:
    label: str
    short: str
    words: str
    label_y: int
    bar_y: int
    length: int
    number_x: int
    number_y: int


def money_chart(rows: list[tuple[str, int]], *, title: str, chart_id: str) -> SafeString:
    """Return an SVG bar chart of (label, pence) rows, each amount also written as text.

    Drawn here from our own template, no script: the same numbers are in the table
    beside it, and the chart's title and description say them all for screen readers.
    """
    if not rows:
        return format_html('<p class="inset">{}</p>', _("No money given yet."))
    biggest = max(pence for _label, pence in rows) or 1
    bar_room = WIDTH - NUMBER_ROOM
    bars = []
    for index, (label, pence) in enumerate(rows):
        y = index * ROW + 4
        length = max(round(bar_room * pence / biggest) if pence else 0, 2)
        bars.append(
            Bar(
                label=label,
                short=label if len(label) <= LABEL_LONGEST else label[: LABEL_LONGEST - 1] + "…",
                words=pence_to_pounds(pence),
                label_y=y + 18,
                bar_y=y + 28,
                length=length,
                number_x=length + 8,
                number_y=y + 28 + 18,
            )
        )
    return render_to_string(
        "grants/includes/money_chart.svg",
        {
            "bars": bars,
            "width": WIDTH,
            "height": ROW * len(rows) + 4,
            "bar_height": BAR_HEIGHT,
            "chart_id": chart_id,
            "title": title,
            "description": "; ".join(f"{bar.label}: {bar.words}" for bar in bars),
        },
    )
