"""`{{ pence|pounds }}` and `{{ seconds|clock }}` for Bid for a Fiver's pages."""

from django import template

from thegither.core import money

register = template.Library()


@register.filter
def pounds(pence) -> str:
    """Show whole pence as pounds: 320 is "£3.20", 75 is "75p"."""
    try:
        return money.pounds(int(pence))
    except (TypeError, ValueError):
        return ""


@register.filter
def clock(seconds) -> str:
    """Show whole seconds as a clock does: 431 is "7:11"."""
    try:
        seconds = max(0, int(seconds))
    except (TypeError, ValueError):
        return ""
    return f"{seconds // 60}:{seconds % 60:02d}"


@register.filter
def pounds_for_typing(pence) -> str:
    """Show whole pence the way a cost field shows them again: 150 is "1.50"."""
    try:
        return money.pence_for_typing(int(pence))
    except (TypeError, ValueError):
        return ""
