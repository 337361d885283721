"""`{{ seconds|spoken }}`: how long someone spoke, in words ("2 min 5 s")."""

from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def spoken(seconds) -> str:
    """Return whole seconds as minutes and seconds, short enough for a table cell."""
    try:
        seconds = max(0, int(seconds))
    except (TypeError, ValueError):
        return ""
    minutes, rest = divmod(seconds, 60)
    if not minutes:
        return _("%(seconds)d s") % {"seconds": rest}
    return _("%(minutes)d min %(seconds)d s") % {"minutes": minutes, "seconds": rest}
