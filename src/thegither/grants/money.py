"""Money as whole pence: read what people type in pounds, and show pence as pounds.

Never a float: "12.10" becomes 1210 through Decimal, so no pence are lost to rounding.
"""

import re
from decimal import Decimal, InvalidOperation

from thegither.grants.models import MONEY_MAX_PENCE

_POUNDS = re.compile(r"^\d{1,9}(\.\d{1,2})?$")


def pounds_to_pence(text: str) -> int:
    """Return the pence in a typed amount like "£1,250.50", or raise ValueError."""
    cleaned = (text or "").strip().replace(",", "").replace(" ", "")
    cleaned = cleaned.removeprefix("£")
    if not _POUNDS.match(cleaned):
        raise ValueError(text)
    try:
        pence = int(Decimal(cleaned) * 100)
    except InvalidOperation as error:  # pragma: no cover - the pattern lets none through
        raise ValueError(text) from error
    if pence > MONEY_MAX_PENCE:
        raise ValueError(text)
    return pence


def pence_to_pounds(pence: int | None) -> str:
    """Return pence as pounds for people to read: 150000 is "£1,500", 1250 is "£12.50"."""
    if pence is None:
        return ""
    pounds, rest = divmod(int(pence), 100)
    if rest:
        return f"£{pounds:,}.{rest:02d}"
    return f"£{pounds:,}"


def pence_for_typing(pence: int | None) -> str:
    """Return pence the way a form field shows them again: "1500" or "12.50"."""
    if pence is None:
        return ""
    pounds, rest = divmod(int(pence), 100)
    return f"{pounds}.{rest:02d}" if rest else str(pounds)
