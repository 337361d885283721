"""`{% face score %}`: the face for a number on a scale, drawn as inline SVG."""

from django import template
from django.utils.safestring import SafeString

from thegither.live import charts

register = template.Library()


@register.simple_tag
def face(score) -> SafeString:
    """Return the face for 1 (very unhappy) to 5 (very happy); nothing for anything else."""
    try:
        number = int(score)
    except (TypeError, ValueError):
        return SafeString("")
    return charts.face_svg(number) if 1 <= number <= 5 else SafeString("")
