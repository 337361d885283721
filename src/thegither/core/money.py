"""Money as whole pence: read what people type, and show pence as pounds.

Never a float: "1.10" becomes 110 through Decimal, so no pence are lost to rounding.
Any app may use these; the Youth Bank's own (grants/money.py) work the same way.
"""

import re
from decimal import Decimal

_POUNDS = re.compile(r"^\d{1,9}(\.\d{1,2})?$")
_PENCE = re.compile(r"^\d{1,11}p$")


def pence_from_text(text: str, *, most_pence: int) -> int:
    """Return the pence in a typed amount ("£1.50", "1.5", "2", "75p"), or raise ValueError.

    Commas and spaces are ignored; more than `most_pence`, a minus or a third decimal
    place is refused.
    """
    cleaned = (text or "").strip().lower().replace(",", "").replace(" ", "").removeprefix("£")
    if _PENCE.match(cleaned):
        pence = int(cleaned[:-1])
    elif _POUNDS.match(cleaned):
        pence = int(Decimal(cleaned) * 100)
    else:
        raise ValueError(text)
    if pence > most_pence:
        raise ValueError(text)
    return pence


def pounds(pence: int | None) -> str:
    """Return pence as pounds for people to read: 500 is "£5.00", 75 is "75p".

    Budgets in workshops are small, so pence are always shown ("£1.50", never "£1.5").
    """
    if pence is None:
        return ""
    pence = int(pence)
    sign = "-" if pence < 0 else ""
    whole, rest = divmod(abs(pence), 100)
    if not whole and rest:
        return f"{sign}{rest}p"
    return f"{sign}£{whole:,}.{rest:02d}"


def pence_for_typing(pence: int | None) -> str:
    """Return pence the way a form field shows them again: "1.50"."""
    if pence is None:
        return ""
    whole, rest = divmod(int(pence), 100)
    return f"{whole}.{rest:02d}"
