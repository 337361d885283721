"""An organisation's own look: its colours as CSS."""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from thegither.accounts.models import Organisation
from thegither.core.colours import HEX_COLOUR, MINIMUM_CONTRAST, contrast_ratio

DEFAULT_ACCENT = "#1d5c63"


@require_GET
@cache_control(max_age=300, public=True)
def theme_css(request, slug):
    """Serve the organisation's colours as CSS custom properties (no inline styles)."""
    organisation = get_object_or_404(Organisation, slug=slug)
    accent = organisation.accent_colour or ""
    # Never serve a colour that is malformed or too light, even if one got into the database.
    if not HEX_COLOUR.match(accent) or contrast_ratio(accent, "#ffffff") < MINIMUM_CONTRAST:
        accent = DEFAULT_ACCENT
    css = f":root {{\n  --accent: {accent.lower()};\n  --accent-text: #ffffff;\n}}\n"
    return HttpResponse(css, content_type="text/css; charset=utf-8")
