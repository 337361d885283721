from django import template

from thegither.grants.money import pence_to_pounds

register = template.Library()


@register.filter
def pounds(pence):
    """Show whole pence as pounds: {{ pot.amount_pence|pounds }}."""
    return pence_to_pounds(pence)
