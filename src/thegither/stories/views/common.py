from django.http import Http404

from thegither.stories import selectors
from thegither.stories.models import Event, Story, Week


def week_or_404(slug: str, year: int) -> Week:
    try:
        return selectors.week_get(slug, year)
    except Week.DoesNotExist as error:
        raise Http404 from error


def event_or_404(pk: int) -> Event:
    try:
        return selectors.event_get(pk)
    except Event.DoesNotExist as error:
        raise Http404 from error


def story_or_404(pk: int) -> Story:
    try:
        return selectors.story_get(pk)
    except Story.DoesNotExist as error:
        raise Http404 from error


def base_url(request) -> str:
    """Return the site's address (scheme and host), for links in feeds and calendars."""
    return request.build_absolute_uri("/").rstrip("/")
