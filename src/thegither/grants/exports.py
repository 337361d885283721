"""A round's money for finance, as CSV files and one XLSX workbook (decision 0058).

Three tables: awards, payments, and balances per pot. No personal data: groups by
name only, never a contact's name or email, never who clicked. Money is in pounds
with two decimals (from whole pence, never through a float in the CSV). Text that a
spreadsheet would run as a formula gets a quote first, as in live's exports (0056).
"""

import csv
import io
from dataclasses import dataclass
from decimal import Decimal

import xlsxwriter
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from thegither.grants.ledger import award_to_pay_pence, round_money
from thegither.grants.models import Payment, Round

# Cells a spreadsheet would read as a formula (or DDE command) when they start with one of these.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
TABLES = ("awards", "payments", "balances")


@dataclass(frozen=True)
class Pounds:
    """An amount of money in a table: whole pence, written as pounds."""

    pence: int

    def __str__(self) -> str:
        pounds, rest = divmod(self.pence, 100)
        return f"{pounds}.{rest:02d}"


def cell_safe(value):
    """Return a cell a spreadsheet can't run: text starting like a formula gets a quote first."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _date(value) -> str:
    return value.isoformat() if value else ""


def headers(table: str) -> list[str]:
    if table == "awards":
        return [
            _("Application number"),
            _("Group"),
            _("Area"),
            _("Status"),
            _("Amount"),
            _("Condition"),
            _("Accept by"),
            _("Accepted on"),
            _("Paid"),
            _("Still to pay"),
        ]
    if table == "payments":
        return [
            _("Application number"),
            _("Group"),
            _("Area"),
            _("Paid on"),
            _("Amount"),
            _("Reference"),
            _("Cancelled"),
            _("Why it was cancelled"),
        ]
    return [
        _("Area"),
        _("Pot as set up"),
        _("Moved in"),
        _("Moved out"),
        _("Money in the pot"),
        _("Awarded"),
        _("Paid"),
        _("Left"),
    ]


def rows(round: Round, table: str) -> list[list]:
    """Return the table's rows (without the header row)."""
    if table == "payments":
        payments = (
            Payment.objects.filter(award__pot__round=round)
            .select_related("award__application", "award__pot__area")
            .order_by("paid_on", "pk")
        )
        return [
            [
                p.award.application_id,
                p.award.application.group_name,
                p.award.pot.area.name,
                _date(p.paid_on),
                Pounds(p.amount_pence),
                p.reference,
                _("Yes") if p.is_cancelled else _("No"),
                p.cancel_reason,
            ]
            for p in payments
        ]
    pots = round_money(round)
    if table == "balances":
        return [
            [
                pot.pot.area.name,
                Pounds(pot.pot.amount_pence),
                Pounds(pot.moved_in_pence),
                Pounds(pot.moved_out_pence),
                Pounds(pot.money_pence),
                Pounds(pot.awarded_pence),
                Pounds(pot.paid_pence),
                Pounds(pot.left_pence),
            ]
            for pot in pots
        ]
    out = []
    for pot in pots:
        for row in pot.awards:
            award = row.award
            out.append(
                [
                    award.application_id,
                    award.application.group_name,
                    pot.pot.area.name,
                    award.get_status_display(),
                    Pounds(award.amount_pence),
                    award.condition,
                    _date(award.accept_by),
                    _date(award.accepted_at.date() if award.accepted_at else None),
                    Pounds(row.paid_pence),
                    Pounds(award_to_pay_pence(award, row.paid_pence)),
                ]
            )
    return out


def file_name(round: Round, table: str, extension: str) -> str:
    """Return a plain ASCII name for the download, whatever the round is called."""
    stem = slugify(f"{round.fund.name} {round.name}")[:60].strip("-") or "round"
    return f"{stem}-{table}.{extension}"


def as_csv(round: Round, table: str) -> bytes:
    """Return one table as CSV (UTF-8 with a byte-order mark, so Excel reads accents)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers(table))
    for row in rows(round, table):
        writer.writerow([cell_safe(value) if isinstance(value, str) else value for value in row])
    return buffer.getvalue().encode("utf-8-sig")


SHEET_NAMES = {
    "awards": gettext_lazy("Awards"),
    "payments": gettext_lazy("Payments"),
    "balances": gettext_lazy("Balances per pot"),
}


def as_xlsx(round: Round) -> bytes:
    """Return the three tables as sheets of one workbook; text is always text, never a formula."""
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
    bold = workbook.add_format({"bold": True})
    money = workbook.add_format({"num_format": "£#,##0.00"})
    for table in TABLES:
        sheet = workbook.add_worksheet(str(SHEET_NAMES[table])[:31])
        sheet.write_row(0, 0, headers(table), bold)
        for number, row in enumerate(rows(round, table), start=1):
            for column, value in enumerate(row):
                if isinstance(value, Pounds):
                    # A spreadsheet keeps numbers as doubles: pounds to two places are exact
                    # enough for every amount Thegither holds (at most £1,000,000).
                    sheet.write_number(number, column, Decimal(value.pence) / 100, money)
                elif isinstance(value, str):
                    sheet.write_string(number, column, value)
                else:
                    sheet.write_number(number, column, value)
        sheet.freeze_panes(1, 0)
        sheet.set_column(0, len(headers(table)) - 1, 16)
    workbook.close()
    return buffer.getvalue()
