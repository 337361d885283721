"""Colour checks for organisation themes: white text must stay readable."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
# WCAG 2.2 AA asks for 4.5:1 for normal text.
MINIMUM_CONTRAST = 4.5


def relative_luminance(hex_colour: str) -> float:
    """Return the WCAG relative luminance of a #rrggbb colour."""
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    red, green, blue = linear
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast_ratio(first: str, second: str) -> float:
    """Return the WCAG contrast ratio between two #rrggbb colours (1 to 21)."""
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def validate_accent_colour(value: str) -> None:
    """Refuse a colour that is not #rrggbb or too light for white text."""
    if not HEX_COLOUR.match(value or ""):
        raise ValidationError(_("Write the colour like #1d5c63: a # and six letters or numbers."))
    ratio = contrast_ratio(value, "#ffffff")
    if ratio < MINIMUM_CONTRAST:
        raise ValidationError(
            _(
                "This colour is too light: white writing on it would be hard to read "
                "(contrast %(ratio).1f to 1, it needs at least 4.5 to 1). Try a darker colour."
            )
            % {"ratio": ratio}
        )
